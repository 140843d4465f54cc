"""write_zip: the pack as one download, with a manifest proving each file meets its spec."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from core.platforms import checked_on
from core.social.models import PackResult, PlatformOutput

MANIFEST = "manifest.json"


def manifest(result: PackResult) -> dict:
    """JSON-ready facts: source, and per platform its files, facts, checks and verdict."""
    src = result.plan.source
    return {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "platform_specs_checked": checked_on(),
        "source": {"file": Path(src.path).name, "width": src.width, "height": src.height,
                   "fps": src.fps, "duration_s": round(src.duration_s, 3), "has_audio": src.has_audio},
        "segment_start_s": result.plan.request.segment_start,
        "notes": result.plan.notes,
        "preview": result.preview.name if result.preview else None,
        "all_passed": result.all_passed,
        "platforms": [_entry(o) for o in result.outputs],
    }


def _entry(output: PlatformOutput) -> dict:
    return {
        "platform": output.platform,
        "name": output.name,
        "file": output.video.name if output.video else None,
        "thumbnail": output.thumbnail.name if output.thumbnail else None,
        "size_bytes": output.size_bytes,
        "duration_s": round(output.duration_s, 3),
        "width": output.width,
        "height": output.height,
        "fps": output.fps,
        "passed": output.passed,
        "error": output.error,
        "notes": output.notes,
        "warnings": output.warnings,
        "checks": [c.model_dump() for c in output.checks],
    }


def write_zip(result: PackResult, dest: str | Path) -> Path:
    """Write every output, thumbnail and the preview plus manifest.json into a ZIP (atomically).
    Videos and images are stored as they are (already compressed); the manifest is deflated."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    files = [f for o in result.outputs for f in (o.video, o.thumbnail) if f and f.exists()]
    if result.preview and result.preview.exists():
        files.append(result.preview)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for file in files:
            archive.write(file, arcname=file.name)
        archive.writestr(MANIFEST, json.dumps(manifest(result), indent=2),
                         compress_type=zipfile.ZIP_DEFLATED)
    os.replace(partial, dest)
    return dest

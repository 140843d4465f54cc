"""Social Optimizer as a studio action: plan, safe-zone preview, and the pack as one local job.

Each platform's file becomes a library asset whose parent is the source; the ZIP (files plus a
manifest with every spec check) is kept beside them and named in the job's result.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.boundary import parse, parse_value
from core.boundary.library import ASSET_ID, JOB_ID
from core.boundary.social import PackOptions
from core.boundary.social import PackRequest as PackCall
from core.errors import InvalidInput, NotFound, StudioError
from core.jobs.local_work import LocalJobs
from core.jobs.runner import JobContext
from core.library.models import Asset, Job
from core.library.repository import Library
from core.media.burned_text import burned_text
from core.media.graph import StreamState
from core.media.ops import chain_from_dicts
from core.media.probe import probe
from core.media.regions import TextRegion
from core.platforms import load_platforms, suggested_platforms
from core.social import PackRequest, manifest, plan_pack, render_pack, safe_zone_preview, write_zip
from core.storage import MediaStore, link_or_copy

PACK_KIND = "social_pack"
PROGRESS_EVERY_S = 0.5  # a pack's progress is written this often (not on every encoder line)
CANCEL_CHECK_EVERY_S = 0.25  # and a cancel request looked for this often


def at_most_every(seconds: float, check: Callable[[], bool]) -> Callable[[], bool]:
    """`check`, asked at most every `seconds` (its last answer in between): a database read per
    ffmpeg progress line would cost more than the encode's bookkeeping is worth."""
    last = {"at": float("-inf"), "answer": False}

    def throttled() -> bool:
        now = time.monotonic()
        if now - last["at"] >= seconds:
            last.update(at=now, answer=check())
        return last["answer"]

    return throttled


CORE_FIELDS = {"source", "burned_text"}  # facts the core finds out, never taken from a client


def pack_request(source: str, options: dict, burned_text: list[TextRegion] | None = None) -> PackRequest:
    """Options from the tab or the API -> the engine's request (unknown keys are refused)."""
    allowed = set(PackRequest.model_fields) - CORE_FIELDS
    unknown = set(options) - allowed
    if unknown:
        raise InvalidInput(f"Unknown pack option(s): {', '.join(sorted(unknown))}.",
                           f"Use: {', '.join(sorted(allowed))}.")
    fields = dict(options)
    if isinstance(fields.get("focus"), list):
        fields["focus"] = tuple(fields["focus"])
    try:
        return PackRequest(source=Path(source), burned_text=burned_text or [], **fields)
    except ValueError as exc:
        raise InvalidInput(f"The pack settings are not valid: {exc}", "Check platforms and focus.") from exc


def lineage_text(lineage: list[Asset]) -> list[TextRegion]:
    """Text burned into the newest asset of `lineage` (newest first, as the library gives it) by
    the local edits of its history, where the media engine drew it and later edits moved it.
    A step the engine did not draw (an upload, a generated or AI-edited clip) starts afresh."""
    regions: list[TextRegion] = []
    for parent, child in zip(lineage[::-1], lineage[-2::-1]):
        ops = child.settings.get("ops") if child.provider == "local" else None
        if not ops:
            regions = []
            continue
        state = StreamState(parent.width, parent.height, parent.fps or 25.0, parent.duration_s, parent.has_audio)
        try:
            regions = burned_text(state, chain_from_dicts(ops), regions)
        except StudioError:  # a step that no longer plans (e.g. a joined clip is gone)
            regions = []
    return regions


@dataclass
class SocialDeps:
    library: Library
    store: MediaStore
    local_jobs: LocalJobs


class SocialService:
    """Packs of the caller's assets; requests are parsed by core.boundary.social."""

    def __init__(self, deps: SocialDeps) -> None:
        self.d = deps
        deps.local_jobs.register(PACK_KIND, self._pack_job)

    def _source(self, asset_id, owner: str) -> Asset:
        return self.d.library.get(parse_value(ASSET_ID, asset_id, "asset_id"), owner)

    def platforms(self) -> list[dict]:
        return [{"id": p.id, "name": p.name, "aspect": p.aspect, "size": f"{p.width}x{p.height}",
                 "max_duration_s": p.max_duration_s, "max_file_mb": p.max_file_mb}
                for p in load_platforms().values()]

    def suggested(self, asset_id: str, *, owner: str) -> list[str]:
        """Platform ids to pre-select for the asset: the usual ones of its shape."""
        source = self._source(asset_id, owner)
        return suggested_platforms(source.width, source.height)

    def plan(self, asset_id: str, options: dict | PackOptions, *, owner: str) -> list[dict]:
        """Per platform: output size, length, framing and any note, warning or refusal."""
        source = self._source(asset_id, owner)
        options = parse(PackOptions, options, what="The pack settings").engine_options()
        plan = plan_pack(self._request(source, options), probe(source.path))
        return [{"platform": p.id, "name": p.spec.name, "size": f"{p.width}x{p.height}",
                 "duration_s": round(p.duration_s, 2), "mode": p.mode, "shares_with": p.shares_with,
                 "notes": p.notes, "warnings": p.warnings, "error": p.error} for p in plan.platforms]

    def safe_zones(self, asset_id: str, platforms: list[str], reframe: str = "crop",
                   focus: tuple[float, float] = (0.5, 0.5), *, owner: str) -> str:
        """A PNG with each platform's framing and its UI areas shaded."""
        source = self._source(asset_id, owner)
        dest = self.d.store.scratch(".png")
        return str(safe_zone_preview(source.path, platforms, dest, reframe=reframe, focus=focus))

    def pack(self, request: dict | PackCall, *, owner: str) -> str:
        """Queue the pack ({asset_id, platforms, ...}); returns the job id. The plan is checked now,
        so bad settings fail fast."""
        parsed = parse(PackCall, request)
        source = self._source(parsed.asset_id, owner)
        options = parsed.engine_options()
        plan_pack(self._request(source, options), probe(source.path))
        payload = {"source_asset_id": source.id, "options": {**options, "focus": _plain(options.get("focus"))}}
        return self.d.local_jobs.enqueue(PACK_KIND, owner, payload, operation="social-pack", inputs=(source.id,))

    def result(self, job_id: str, *, owner: str) -> dict:
        """The finished pack: ZIP path and the compliance table (from the manifest)."""
        job = self.d.local_jobs.get(parse_value(JOB_ID, job_id, "job_id"), owner)
        if job.kind != PACK_KIND:
            raise NotFound(f"Job {job_id} is not a social pack.", "Use the job id /social_pack returned.")
        return job.payload.get("result") or {"status": job.status, "message": job.message}

    def _request(self, source: Asset, options: dict) -> PackRequest:
        return pack_request(source.path, options,
                            lineage_text(self.d.library.lineage(source.id, source.owner)))

    def _pack_job(self, job: Job, ctx: JobContext) -> list[str]:
        s = self.d
        source = s.library.get(job.payload["source_asset_id"], job.owner)
        plan = plan_pack(self._request(source, job.payload["options"]), probe(source.path))
        work = s.store.scratch("-pack")
        shares: dict[str, float] = {p.id: 0.0 for p in plan.renderable}
        written = {"at": 0.0, "fraction": 0.0}

        def report(platform: str, fraction: float) -> None:
            """Write the job's progress at most every PROGRESS_EVERY_S (each write is a commit)."""
            shares[platform] = fraction
            overall = sum(shares.values()) / max(len(shares), 1)
            now = time.monotonic()
            if now - written["at"] >= PROGRESS_EVERY_S or overall >= 1.0 > written["fraction"]:
                written.update(at=now, fraction=overall)
                ctx.progress(overall, ", ".join(f"{pid} {int(v * 100)}%" for pid, v in shares.items()))

        try:
            result = render_pack(plan, work, on_progress=report,
                                 should_cancel=at_most_every(CANCEL_CHECK_EVERY_S, ctx.cancel_requested))
            with ThreadPoolExecutor(max_workers=1) as pool:  # the ZIP is written while the library records
                zipped = pool.submit(write_zip, result,
                                     s.store.new_path(job.owner, ".zip", f"{source.title}-social-pack"))
                kept = self._keep_outputs(job, source, result)
                zip_path = zipped.result()
            ctx.update(payload={**job.payload, "result": {"zip": str(zip_path), "manifest": manifest(result),
                                                          "all_passed": result.all_passed, "assets": kept}})
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return list(kept.values())

    def _keep_outputs(self, job: Job, source, result) -> dict[str, str]:
        """Each platform's file into the library as a child of the source (a hard link where the
        filesystem allows, no copy), its cover image as its poster: {platform id: asset id}."""
        s = self.d
        ids = {}
        for output in result.outputs:
            if output.error or not output.video:
                continue
            dest = link_or_copy(output.video, s.store.new_path(job.owner, output.video.suffix,
                                                               f"{source.title}-{output.platform}"))
            asset = s.library.add(dest, owner=job.owner, operation="social-pack", provider="local",
                                  model="ffmpeg", parent_id=source.id, job_id=job.id, poster=output.thumbnail,
                                  title=f"{source.title} - {output.name}",
                                  settings={"platform": output.platform, "passed": output.passed,
                                            "checks": [c.model_dump() for c in output.checks]})
            ids[output.platform] = asset.id
        return ids


def _plain(focus):
    return list(focus) if isinstance(focus, tuple) else focus

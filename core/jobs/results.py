"""Results of provider jobs: download to scratch, check that the file is what it should be, then
keep it. Nothing reaches `media/` (or the library) unless it is playable media; on any failure
every file of this attempt is removed, and the error says what came back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from core.contracts import ModelSpec, Provider
from core.errors import MediaError, ProviderFailed, StudioError
from core.library.models import Asset, Job
from core.library.repository import Library
from core.media.probe import probe
from core.storage import MediaStore

OUTPUT_SUFFIXES = {".mp4", ".mov", ".webm", ".mp3", ".wav", ".m4a", ".png", ".jpg", ".gif"}
IMAGES = {".png", ".jpg", ".gif"}


class NotMedia(ProviderFailed):
    """The provider's output file is not playable media."""

    code = "not_media"


def suffix_of(output: str) -> str:
    suffix = Path(urlparse(output).path).suffix.lower()
    return suffix if suffix in OUTPUT_SUFFIXES else ".mp4"


def describe_bytes(path: Path) -> str:
    """What a file that is not media looks like, in words: 'a 1.2 KB HTML page ("<html>...")'."""
    size = path.stat().st_size if path.exists() else 0
    head = path.read_bytes()[:200] if size else b""
    text = head.decode("utf-8", errors="replace").strip()
    low = text.lower()
    if not size:
        kind = "an empty file"
    elif low.startswith(("<!doctype html", "<html")) or "<body" in low:
        kind = "an HTML page"
    elif low.startswith(("{", "[")):
        kind = "JSON"
    elif head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        kind = "text"
    else:
        kind = "data that is not a video"
    sample = f' ("{text[:60]}")' if kind in ("an HTML page", "JSON", "text") else ""
    return f"{kind} of {_size(size)}{sample}" if size else kind


def check_media(path: Path) -> None:
    """NotMedia unless `path` holds a video or audio stream (or a picture, for image outputs)."""
    if path.suffix.lower() in IMAGES:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as img:
                img.verify()
            return
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise NotMedia(f"The result was {describe_bytes(path)}, not a picture.", _HINT) from None
    try:
        info = probe(path)
    except (MediaError, StudioError):
        raise NotMedia(f"The result was {describe_bytes(path)}, not a playable video.", _HINT) from None
    if not (info.has_video or info.has_audio) or not info.duration_s:
        raise NotMedia(f"The result was {describe_bytes(path)}, not a playable video.", _HINT)


_HINT = ("It was discarded. 'Fetch the result again' asks the provider once more (no new run, no new "
         "charge); if it keeps failing, check the task on the provider's site.")


def keep_outputs(job: Job, model: ModelSpec, provider: Provider, outputs: list[str], *, store: MediaStore,
                 library: Library, prompt: str, reuse: str | None = None) -> list[Asset]:
    """Download, check and record every output, or none of them (all files of this attempt removed).
    `reuse` is the run's never-pay-twice key (core.library.reuse)."""
    scratch: list[Path] = []
    kept: list[Path] = []
    assets: list[Asset] = []
    try:
        for output in outputs:
            tmp = store.scratch(suffix_of(output))
            scratch.append(tmp)
            provider.fetch(output, tmp)
            check_media(tmp)
        for index, (output, tmp) in enumerate(zip(outputs, scratch)):
            dest = store.new_path(job.owner, suffix_of(output), f"{model.id}-{index}")
            kept.append(store.commit(tmp, dest))
            assets.append(library.add(
                dest, owner=job.owner, operation=model.operation.value, provider=model.provider, model=model.id,
                settings=job.payload["request"], prompt=prompt, parent_id=job.payload.get("parent_id"),
                job_id=job.id, estimate_usd=job.estimate_usd, title=job.payload.get("title", ""), reuse_key=reuse))
    except BaseException:
        for path in [*scratch, *kept]:
            path.unlink(missing_ok=True)
            path.with_suffix(".poster.jpg").unlink(missing_ok=True)
        library.forget([a.id for a in assets])
        raise
    return assets


def read_text(provider: Provider, output: str, store: MediaStore) -> str:
    """A text output (a prompt helper's answer): its text, however the provider hands it over."""
    tmp = store.scratch(".txt")
    try:
        provider.fetch(output, tmp)
        return tmp.read_text(encoding="utf-8", errors="replace").strip()
    finally:
        tmp.unlink(missing_ok=True)


def _size(size: int) -> str:
    return f"{size} bytes" if size < 1000 else f"{size / 1000:.1f} KB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"

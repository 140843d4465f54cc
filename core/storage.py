"""Where media files live: user-scoped files under the studio home (LocalMediaStore), or an S3
bucket (core/storage_s3.py) with the home as its local working copy; atomic writes and bounded
copies either way. `media_store(settings)` picks one from VIDEO_STUDIO_MEDIA_URL.

Every file is made locally (ffmpeg needs files) and named by a path under `media_dir`; the store
maps that path to where it is kept. Callers: `commit` a finished file, `publish` it once it is
probed and recorded (S3: upload, and no local copy stays), `local` before reading one (S3:
downloaded once per process), `location` for a client (S3: a presigned URL), `remove` it."""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from uuid import uuid4

from core.errors import InvalidInput

CHUNK = 1 << 20

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str, fallback: str = "file") -> str:
    """A filename fragment with no path separators or odd characters."""
    cleaned = _SAFE.sub("-", text).strip("-.")[:60]
    return cleaned or fallback


def link_or_copy(source: Path, dest: Path) -> Path:
    """Put `source`'s bytes at `dest` atomically: a hard link where the filesystem allows (no
    copy), else a copy. `source` stays where it is."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.with_name(f".{uuid4().hex}{dest.suffix}.part")
    try:
        os.link(source, staging)
    except OSError:  # another filesystem, or links not supported
        shutil.copyfile(source, staging)
    os.replace(staging, dest)
    return dest


class MediaStore:
    """Media files under the studio home. Files appear at their final path only once complete."""

    remote = False

    def __init__(self, media_dir: Path, work_dir: Path) -> None:
        self.media_dir = media_dir
        self.work_dir = work_dir

    def owner_dir(self, owner: str) -> Path:
        path = self.media_dir / safe_name(owner, "anonymous") / time.strftime("%Y-%m")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def new_path(self, owner: str, suffix: str, stem: str = "") -> Path:
        """A fresh final path for `owner` (not created)."""
        name = f"{safe_name(stem, 'asset')}-{uuid4().hex[:8]}{suffix}"
        return self.owner_dir(owner) / name

    def scratch(self, suffix: str = "") -> Path:
        """A fresh path in the work folder (same filesystem as media, so moves are atomic)."""
        return self.work_dir / f"{uuid4().hex}{suffix}"

    def commit(self, produced: Path, dest: Path) -> Path:
        """Atomically move a finished file to its final place."""
        if not produced.exists() or produced.stat().st_size == 0:
            raise InvalidInput(f"The output {produced.name} is missing or empty.", "Try the operation again.")
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(produced, dest)
        except OSError:  # different filesystem
            tmp = dest.with_suffix(dest.suffix + ".part")
            shutil.copyfile(produced, tmp)
            os.replace(tmp, dest)
            produced.unlink(missing_ok=True)
        return dest

    def import_file(self, source: Path, owner: str, max_bytes: int) -> Path:
        """Copy an uploaded regular file into the library folder, at most `max_bytes` of it; a larger
        file (or a device, a pipe, an endless stream) is refused and nothing is left behind."""
        try:
            mode = os.stat(source).st_mode
        except OSError:
            raise InvalidInput("The upload could not be read.", "Upload the file again.") from None
        if not stat.S_ISREG(mode):
            raise InvalidInput("Only an uploaded file can be imported.", "Upload the file again.")
        tmp = self.scratch(source.suffix.lower())
        with open(source, "rb") as handle:
            write_bounded(iter(lambda: handle.read(CHUNK), b""), tmp, max_bytes)
        return self.commit(tmp, self.new_path(owner, source.suffix.lower(), source.stem))

    def publish(self, path: str | Path) -> None:
        """A recorded file is where it belongs (local files already are)."""

    def local(self, path: str | Path) -> Path:
        """A readable local file for a stored path (local files already are)."""
        return Path(path)

    def location(self, path: str | None) -> str | None:
        """What a client is given for a stored file: here, the path on this server."""
        return path

    def remove(self, path: str | Path) -> None:
        """Forget a stored file (the local file is removed by its caller)."""

    def contains(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.media_dir.resolve())
            return True
        except ValueError:
            return False


LocalMediaStore = MediaStore


def media_store(settings) -> MediaStore:
    """The store VIDEO_STUDIO_MEDIA_URL names: an s3://bucket/prefix URL, else the home folder."""
    url = settings.media_url
    if url and url.startswith("s3://"):
        from core.storage_s3 import S3MediaStore

        return S3MediaStore(settings.media_dir, settings.work_dir, url)
    return MediaStore(settings.media_dir, settings.work_dir)


def write_bounded(chunks: Iterable[bytes], dest: Path, max_bytes: int) -> int:
    """Write `chunks` to `dest`, stopping with a clear error (and no file left) past `max_bytes`."""
    written = 0
    try:
        with open(dest, "wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise InvalidInput(f"The file is larger than the {max_bytes / 1e6:g} MB limit.",
                                       "Send a smaller file, or trim or compress it first.")
                out.write(chunk)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return written

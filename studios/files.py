"""Files the app shows: each owner's copies live in their own unguessable folder of Gradio's cache.

Gradio serves files only from its cache (the app allows no other paths), so a
library file reaches a browser only through `served(path, owner)`: a hard link (or copy) at
`<cache>/vs-<owner key>/<version key>/<name>`. The owner key is an HMAC of the owner's name
(itsdangerous), so the folder cannot be guessed, and web/guard.py serves it to that owner only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

from gradio.utils import get_upload_folder
from itsdangerous import Signer

PREFIX = "vs-"
POSTER = ".poster.jpg"  # a served video's poster sits beside it: <name>.mp4.poster.jpg (page_js sets it)
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".webm"}
_signer: Signer | None = None
_local = Path  # a stored path -> a readable local file (a bucket's files are fetched first)
_location = str  # a stored path -> what an API client is given (a bucket's files: a presigned URL)
_poster_of: Callable[[Path], Path] | None = None
log = logging.getLogger(__name__)


def bind(secret: str, local=Path, location=str, poster_of: Callable[[Path], Path] | None = None) -> None:
    """The installation's secret, the media store's `local` and `location` (core/storage.py), and
    `poster_of(video)`, which makes a still for a video that has none of its own (the derived-media cache)."""
    global _signer, _local, _location, _poster_of
    _signer = Signer(secret, salt="video-studio-owner-folder", digest_method=hashlib.sha256)
    _local, _location, _poster_of = local, location, poster_of


def location(path: str) -> str:
    """A stored file as an API client sees it: its path here; with media in a bucket, a presigned URL."""
    return _location(path)


def owner_key(owner: str) -> str:
    if _signer is None:
        raise RuntimeError("studios.files.bind(secret) must run before files are served.")
    return _signer.get_signature(owner.encode()).decode()


def cache_root() -> Path:
    return Path(get_upload_folder()).resolve()


def served(path: str | os.PathLike | None, owner: str) -> str | None:
    """The copy of `path` that `owner`'s browser may load (made once per file version)."""
    if not path:
        return None
    source = Path(_local(path))
    stat = source.stat()
    version = hashlib.sha256(f"{source.resolve()}|{stat.st_mtime_ns}|{stat.st_size}".encode()).hexdigest()[:32]
    dest = cache_root() / f"{PREFIX}{owner_key(owner)}" / version / source.name
    if not dest.exists():
        _place(source, dest)
    if source.suffix.lower() in VIDEO_SUFFIXES:
        _serve_poster(source, dest.with_name(dest.name + POSTER))
    return str(dest)


def _place(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.with_name(f".{uuid4().hex}{source.suffix}")
    try:
        os.link(source, staging)
    except OSError:  # another filesystem: copy instead
        shutil.copyfile(source, staging)
    os.replace(staging, dest)


def _serve_poster(video: Path, dest: Path) -> None:
    """The video's first meaningful frame beside its served copy: its library poster, else one from
    the derived-media cache. A video without a picture simply has none."""
    if dest.exists():
        return
    still = video.with_suffix(POSTER)
    if not still.exists():
        if _poster_of is None:
            return
        try:
            still = _poster_of(video)
        except Exception as exc:  # no picture to show (audio only, damaged): the player shows its frame
            log.info("no poster for %s: %s", video.name, exc)
            return
    _place(Path(still), dest)


def cached_owner_key(path: str | os.PathLike) -> str | None:
    """For a file inside Gradio's cache: the owner key of its folder, "" when it is not in an owner
    folder (Gradio's own files and uploads), None when it is outside the cache."""
    try:
        relative = Path(os.path.realpath(path)).relative_to(cache_root())
    except ValueError:
        return None
    first = relative.parts[0] if relative.parts else ""
    return first[len(PREFIX):] if first.startswith(PREFIX) else ""

"""Files the app shows: each owner's copies live in their own unguessable folder of Gradio's cache.

Gradio serves files only from its cache (the app allows no other paths), so a
library file reaches a browser only through `served(path, owner)`: a hard link (or copy) at
`<cache>/vs-<owner key>/<version key>/<name>`. The owner key is an HMAC of the owner's name
(itsdangerous), so the folder cannot be guessed, and web/guard.py serves it to that owner only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from uuid import uuid4

from gradio.utils import get_upload_folder
from itsdangerous import Signer

PREFIX = "vs-"
_signer: Signer | None = None
_local = Path  # a stored path -> a readable local file (a bucket's files are fetched first)
_location = str  # a stored path -> what an API client is given (a bucket's files: a presigned URL)


def bind(secret: str, local=Path, location=str) -> None:
    """The installation's secret, and the media store's `local` and `location` (core/storage.py)."""
    global _signer, _local, _location
    _signer = Signer(secret, salt="video-studio-owner-folder", digest_method=hashlib.sha256)
    _local, _location = local, location


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
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = dest.with_name(f".{uuid4().hex}{source.suffix}")
        try:
            os.link(source, staging)
        except OSError:  # another filesystem: copy instead
            shutil.copyfile(source, staging)
        os.replace(staging, dest)
    return str(dest)


def cached_owner_key(path: str | os.PathLike) -> str | None:
    """For a file inside Gradio's cache: the owner key of its folder, "" when it is not in an owner
    folder (Gradio's own files and uploads), None when it is outside the cache."""
    try:
        relative = Path(os.path.realpath(path)).relative_to(cache_root())
    except ValueError:
        return None
    first = relative.parts[0] if relative.parts else ""
    return first[len(PREFIX):] if first.startswith(PREFIX) else ""

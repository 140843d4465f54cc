"""Stable fingerprints of requests: canonical JSON in which input files count by their bytes.

Two requests that differ only in key order, absent-vs-empty fields, 5 vs 5.0, or where the same
file content sits at a different path, have the same fingerprint; a different seed, setting or
input file content gives a different one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from core.errors import InvalidInput

FILE_FIELDS = frozenset({"image", "audio", "video", "face_image", "clips", "path"})
FLOAT_DIGITS = 6
HashFile = Callable[[Path], str]
_DROP = object()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_version_key(*paths: Path) -> str:
    """A short key for these files as they are now (path, size, modification time): no bytes read, so
    it suits a hot path; a file written again gets a new key."""
    parts = []
    for path in paths:
        st = Path(path).stat()
        parts.append(f"{Path(path).resolve()}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def canonical(value, hash_file: HashFile = file_sha256, field: str = ""):
    """`value` with dict keys sorted, empty values dropped, numbers and text normalised, and the
    files named by FILE_FIELDS replaced by their content hash."""
    if isinstance(value, Mapping):
        out = {}
        for key in sorted(value, key=str):
            item = value[key]
            if str(key) in FILE_FIELDS:
                item = _files(item, hash_file, str(key))
            else:
                item = canonical(item, hash_file, str(key))
            if item is not _DROP:
                out[str(key)] = item
        return out or _DROP
    if isinstance(value, (list, tuple)):
        items = [canonical(v, hash_file, field) for v in value]
        items = [v for v in items if v is not _DROP]
        return items or _DROP
    if isinstance(value, bool) or value is None:
        return _DROP if value is None else value
    if isinstance(value, float):
        value = round(value, FLOAT_DIGITS)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return value.strip() or _DROP
    return value


def digest(value, hash_file: HashFile = file_sha256) -> str:
    """SHA-256 of the canonical JSON of `value`."""
    body = canonical(value, hash_file)
    text = json.dumps(None if body is _DROP else body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _files(value, hash_file: HashFile, field: str):
    if isinstance(value, (list, tuple)):
        items = [_files(v, hash_file, field) for v in value]
        items = [v for v in items if v is not _DROP]
        return items or _DROP
    if value in (None, ""):
        return _DROP
    if not isinstance(value, str):
        return canonical(value, hash_file, field)
    if value.startswith("https://"):
        return "url:" + value  # not fetched here: a remote input counts by its address
    path = Path(value)
    if not path.is_file():
        raise InvalidInput(f"{field}: the input file is missing.", "Choose the input again.")
    return "sha256:" + hash_file(path)

"""Derived media cached by content hash with diskcache: probes, posters, frame strips, previews.

Keys hold the SHA-256 of the source file's bytes (memoised per file version: path, size,
mtime, inode), so a copy of a file shares its entries and an edited file gets new ones.
The cache has a size cap with least-recently-used eviction, and everything in it can be made
again from the library's files: clearing it loses nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from uuid import uuid4

import diskcache

from core.library.fingerprint import digest, file_sha256
from core.media.frames import frame_strip, poster
from core.media.probe import MediaInfo, probe
from core.media.render import render

VERSION = 1  # bump when a derived file would come out differently, to leave old entries unused


class _NamedDisk(diskcache.Disk):
    """Files keep the suffix given as the key's last part ('.png'), so they serve with the right type."""

    def filename(self, key=diskcache.core.UNKNOWN, value=diskcache.core.UNKNOWN):
        name, full_path = super().filename(key, value)
        suffix = key[-1] if isinstance(key, tuple) and str(key[-1]).startswith(".") else ""
        if suffix:
            name, full_path = name[:-4] + suffix, full_path[:-4] + suffix
        return name, full_path


class MediaCache:
    """One diskcache under `directory`, at most `size_limit_bytes` (oldest-used entries go first)."""

    def __init__(self, directory: Path, size_limit_bytes: int, scratch_dir: Path) -> None:
        self.directory = Path(directory)
        self.scratch_dir = Path(scratch_dir)
        self._cache = diskcache.Cache(str(self.directory), disk=_NamedDisk, size_limit=size_limit_bytes,
                                      eviction_policy="least-recently-used", statistics=1)
        self._making = [threading.RLock() for _ in range(64)]  # striped: one per key, bounded

    # -- keys ----------------------------------------------------------------------------------
    def file_hash(self, path: str | Path) -> str:
        """SHA-256 of the file's bytes; read once per file version."""
        path = Path(path)
        st = path.stat()
        identity = ("file", str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
        found = self._cache.get(identity)
        if found is None:
            found = file_sha256(path)
            self._store(identity, found, tag="hash")
        return found

    # -- derived media -------------------------------------------------------------------------
    def probe(self, path: str | Path) -> MediaInfo:
        """The file's facts (a cached probe answers for `path` even when first made from a copy)."""
        key = ("probe", VERSION, self.file_hash(path))
        found = self._cache.get(key)
        if found is not None:
            return replace(MediaInfo(**found), path=str(path))
        info = probe(path)
        self._store(key, info.to_dict(), tag="probe")
        return info

    def poster(self, path: str | Path) -> Path:
        return self._file(("poster", VERSION, self.file_hash(path), ".jpg"),
                          lambda dest: poster(Path(path), dest=dest))

    def frame_strip(self, path: str | Path, count: int = 8, height: int = 90) -> Path:
        return self._file(("strip", VERSION, self.file_hash(path), f"{count}x{height}", ".png"),
                          lambda dest: frame_strip(Path(path), count, height, dest=dest))

    def preview(self, path: str | Path, ops: list[dict]) -> Path:
        """The short low-resolution render of a chain (its inputs, LUTs and clips, count by content)."""
        key = ("preview", VERSION, self.file_hash(path), digest(ops, self.file_hash), ".mp4")
        return self._file(key, lambda dest: render(Path(path), ops, dest, preview=True))

    # -- upkeep --------------------------------------------------------------------------------
    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        return self._cache.clear()

    def stats(self) -> dict:
        hits, misses = self._cache.stats()
        return {"entries": len(self._cache), "bytes": self._cache.volume(),
                "size_limit_bytes": int(self._cache.size_limit), "hits": hits, "misses": misses}

    def close(self) -> None:
        self._cache.close()

    def _store(self, key: tuple, value, **options) -> None:
        """Set, then evict least-recently-used entries (diskcache drops them ten at a time) until
        the cache is back under its cap."""
        self._cache.set(key, value, **options)
        self._cache.cull()

    def _file(self, key: tuple, make: Callable[[Path], object]) -> Path:
        """The cached file for `key`, made by `make(dest)` on a miss. Threads missing the same key
        make it once: a second `set` would replace (and delete) the file the first one handed out."""
        with self._making[hash(key) % len(self._making)]:
            return self._file_once(key, make)

    def _file_once(self, key: tuple, make: Callable[[Path], object]) -> Path:
        handle = self._cache.get(key, read=True)
        if handle is not None:
            with handle:
                return Path(handle.name)
        scratch = self.scratch_dir / f"{uuid4().hex}{key[-1]}"
        try:
            make(scratch)
            with open(scratch, "rb") as fh:
                self._store(key, fh, read=True, tag=key[0])
        finally:
            scratch.unlink(missing_ok=True)
        handle = self._cache.get(key, read=True)
        if handle is None:  # evicted at once (a cap smaller than the file): hand back a fresh copy
            out = self.scratch_dir / f"{uuid4().hex}{key[-1]}"
            make(out)
            return out
        with handle:
            return Path(handle.name)


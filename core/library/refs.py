"""Media named in a request -> a file the core holds: the caller's asset, or a fetched link.

An asset id resolves only among the caller's own assets (someone else's id reads exactly like
a missing one). An https link is fetched once (cached for a while), so the studio measures and
sends the very bytes it priced; a link that cannot be fetched right now stays a link, and its
length stays unknown (the price is then an upper bound). A refused link (not https, a private
address, too large) is an error on the field.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from core.boundary.fields import is_asset_id
from core.contracts import MediaFetcher
from core.errors import InvalidInput, NotFound, StudioError
from core.library.repository import Library
from core.storage import MediaStore

CACHE_S = 600.0
FAILURE_CACHE_S = 30.0
KNOWN_SUFFIXES = {".mp4", ".mov", ".webm", ".mkv", ".m4v", ".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac",
                  ".png", ".jpg", ".jpeg", ".webp"}


@dataclass(frozen=True)
class Resolved:
    """`value` is a local path, or the link itself when it could not be fetched (`note` says why)."""

    value: str
    local: bool
    note: str = ""


class MediaResolver:
    def __init__(self, library: Library, store: MediaStore, fetcher: MediaFetcher | None, max_bytes: int) -> None:
        self.library = library
        self.store = store
        self.fetcher = fetcher
        self.max_bytes = max_bytes
        self._fetched: dict[str, tuple[float, Path]] = {}
        self._failed: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def resolve(self, ref: str, owner: str, field: str) -> Resolved:
        if is_asset_id(ref):
            try:
                return Resolved(self.library.get(ref, owner).path, local=True)
            except NotFound:
                raise InvalidInput(f"{field}: asset {ref} was not found.",
                                   "Use an id from /assets, or upload the file with /import.", field=field) from None
        if ref.startswith("https://"):
            return self._link(ref, field)
        raise InvalidInput(f"{field}: give an asset id (from /import or /assets) or an https:// link; "
                           "file paths on the server are not accepted.", field=field)

    def _link(self, url: str, field: str) -> Resolved:
        now = time.monotonic()
        with self._lock:
            hit = self._fetched.get(url)
            if hit and now - hit[0] < CACHE_S and hit[1].exists():
                return Resolved(str(hit[1]), local=True)
            failed = self._failed.get(url)
            if failed and now - failed[0] < FAILURE_CACHE_S:
                return Resolved(url, local=False, note=failed[1])
        if self.fetcher is None:
            return Resolved(url, local=False, note="Links are not fetched by this studio.")
        dest = self.store.scratch(_suffix(url))
        try:
            path = self.fetcher.fetch(url, dest, self.max_bytes)
        except InvalidInput as exc:
            raise InvalidInput(f"{field}: {exc.message}", exc.hint, field=field) from None
        except StudioError as exc:
            note = f"The {field} link could not be fetched to measure it ({exc.message})"
            with self._lock:
                self._failed[url] = (now, note)
            return Resolved(url, local=False, note=note)
        with self._lock:
            self._fetched[url] = (now, Path(path))
        return Resolved(str(path), local=True)


def _suffix(url: str) -> str:
    suffix = PurePosixPath(urlparse(url).path).suffix.lower()
    return suffix if suffix in KNOWN_SUFFIXES else ".bin"

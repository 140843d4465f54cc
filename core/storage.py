"""User-scoped media files under the studio home: atomic writes and signed, expiring links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import shutil
import time
from pathlib import Path
from uuid import uuid4

from core.errors import InvalidInput, NotFound

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str, fallback: str = "file") -> str:
    """A filename fragment with no path separators or odd characters."""
    cleaned = _SAFE.sub("-", text).strip("-.")[:60]
    return cleaned or fallback


class MediaStore:
    """Where media files live. Files appear at their final path only once complete."""

    def __init__(self, media_dir: Path, work_dir: Path, secret: str | None = None) -> None:
        self.media_dir = media_dir
        self.work_dir = work_dir
        self._secret = (secret or self._load_or_make_secret()).encode()

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

    def import_file(self, source: Path, owner: str) -> Path:
        """Copy an uploaded file into the library folder (the upload stays untouched)."""
        if not source.exists():
            raise InvalidInput(f"{source.name} was not found.", "Upload it again.")
        tmp = self.scratch(source.suffix.lower())
        shutil.copyfile(source, tmp)
        return self.commit(tmp, self.new_path(owner, source.suffix.lower(), source.stem))

    def contains(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.media_dir.resolve())
            return True
        except ValueError:
            return False

    # -- governed links -------------------------------------------------------------------
    def sign(self, path: Path, ttl_s: int = 3600, now: float | None = None) -> str:
        """A token that grants read access to one library file until it expires."""
        if not self.contains(path):
            raise NotFound("Only library files can be shared.", "Save the file to the library first.")
        rel = path.resolve().relative_to(self.media_dir.resolve()).as_posix()
        expires = int((now or time.time()) + ttl_s)
        body = f"{rel}|{expires}"
        mac = hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()[:32]
        return base64.urlsafe_b64encode(f"{body}|{mac}".encode()).decode().rstrip("=")

    def resolve_link(self, token: str, now: float | None = None) -> Path:
        """The file a token grants, or NotFound when it is forged or expired."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            rel, expires, mac = raw.rsplit("|", 2)
        except (ValueError, UnicodeDecodeError) as exc:
            raise NotFound("This link is not valid.", "Ask for a new link.") from exc
        good = hmac.new(self._secret, f"{rel}|{expires}".encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(good, mac):
            raise NotFound("This link is not valid.", "Ask for a new link.")
        if int(expires) < (now or time.time()):
            raise NotFound("This link has expired.", "Ask for a new link.")
        path = (self.media_dir / rel).resolve()
        if not self.contains(path) or not path.exists():
            raise NotFound("The shared file no longer exists.")
        return path

    def _load_or_make_secret(self) -> str:
        key_file = self.media_dir.parent / "link.key"
        if not key_file.exists():
            key_file.write_text(uuid4().hex + uuid4().hex)
            key_file.chmod(0o600)
        return key_file.read_text().strip()

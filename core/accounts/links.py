"""Governed share links: a signed token (itsdangerous) naming a link row, never a path.

The row says which asset, until when, and whether it was revoked; so a link can be revoked
and counted. A tampered or revoked link is refused (Forbidden, HTTP 403), an expired one is
Gone (HTTP 410).
"""

from __future__ import annotations

import math
import secrets
from datetime import UTC, timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlmodel import col, select

from core.accounts.models import ShareLink
from core.db import Database
from core.errors import Forbidden, Gone, InvalidInput
from core.library.models import utcnow

MIN_TTL_S = 1
MAX_TTL_S = 90 * 24 * 3600
_SALT = "video-studio-share-link"


def load_or_make_secret(home: Path, configured: str | None = None) -> str:
    """The installation's signing secret: VIDEO_STUDIO_LINK_SECRET, else a key file in the home folder."""
    if configured:
        return configured
    key_file = home / "link.key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def check_ttl(expires_in_s) -> int:
    if isinstance(expires_in_s, bool) or not isinstance(expires_in_s, (int, float)) \
            or not math.isfinite(expires_in_s) or not MIN_TTL_S <= expires_in_s <= MAX_TTL_S:
        raise InvalidInput(f"expires_in_s must be a number of seconds from {MIN_TTL_S} to {MAX_TTL_S} (90 days).",
                           "For example 86400 for one day.")
    return int(expires_in_s)


def _aware(moment):
    """SQLite gives naive datetimes back; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ShareLinks:
    def __init__(self, db: Database, secret: str) -> None:
        self.db = db
        self._serializer = URLSafeSerializer(secret, salt=_SALT)

    def create(self, asset_id: str, owner: str, expires_in_s) -> tuple[ShareLink, str]:
        """A new link to `asset_id` (already checked to be `owner`'s): (row, token)."""
        ttl = check_ttl(expires_in_s)
        link = ShareLink(asset_id=asset_id, owner=owner, expires_at=utcnow() + timedelta(seconds=ttl))
        with self.db.session() as s:
            s.add(link)
        return link, self._serializer.dumps(link.id)

    def resolve(self, token: str) -> ShareLink:
        """The live link a token names. Forbidden when forged or revoked, Gone when expired."""
        try:
            link_id = self._serializer.loads(token)
        except BadSignature:
            raise Forbidden("This link is not valid.", "Ask the owner for a new link.") from None
        with self.db.session() as s:
            link = s.get(ShareLink, link_id) if isinstance(link_id, str) else None
        if link is None or link.revoked_at is not None:
            raise Forbidden("This link was revoked.", "Ask the owner for a new link.")
        if _aware(link.expires_at) <= utcnow():
            raise Gone("This link has expired.", "Ask the owner for a new link.")
        return link

    def counted(self, link_id: str) -> None:
        """One more download through this link (an atomic increment)."""
        with self.db.session() as s:
            s.exec(update(ShareLink).where(col(ShareLink.id) == link_id)
                   .values(downloads=ShareLink.downloads + 1))

    def revoke_all(self, asset_id: str, owner: str) -> int:
        """Revoke every live link of the asset; returns how many there were."""
        with self.db.session() as s:
            result = s.exec(update(ShareLink).where(col(ShareLink.asset_id) == asset_id,
                                                    col(ShareLink.owner) == owner,
                                                    col(ShareLink.revoked_at).is_(None),
                                                    col(ShareLink.expires_at) > utcnow())
                            .values(revoked_at=utcnow()))
            return result.rowcount

    def live(self, asset_id: str, owner: str) -> list[ShareLink]:
        """Links of the asset that still work, soonest to expire first."""
        with self.db.session() as s:
            stmt = select(ShareLink).where(ShareLink.asset_id == asset_id, ShareLink.owner == owner,
                                           col(ShareLink.revoked_at).is_(None),
                                           col(ShareLink.expires_at) > utcnow())
            return list(s.exec(stmt.order_by(col(ShareLink.expires_at))))

    def token_for(self, link: ShareLink) -> str:
        """The token of an existing link (so the Library can show a live link again)."""
        return self._serializer.dumps(link.id)

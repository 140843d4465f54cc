"""Per-account API tokens for the REST API: shown once, stored as a SHA-256, revocable.

A token is 32 random bytes, so a fast hash is enough (no password stretching needed); the
lookup is by hash, so a token is never compared character by character.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import col, select

from core.accounts.models import Account, ApiToken
from core.db import Database
from core.errors import NotFound
from core.library.models import utcnow

PREFIX = "vs_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    def issue(self, owner: str, label: str = "") -> tuple[ApiToken, str]:
        """A new token for `owner`: (its row, the token itself; shown this once only)."""
        token = PREFIX + secrets.token_urlsafe(32)
        row = ApiToken(owner=owner, token_hash=_digest(token), label=(label or "")[:80])
        with self.db.session() as s:
            if s.get(Account, owner) is None:
                raise NotFound(f"There is no account called '{owner}'.", "See `python app.py users list`.")
            s.add(row)
        return row, token

    def owner_of(self, token: str | None) -> str | None:
        """The enabled account a live token belongs to, or None."""
        if not token or not token.startswith(PREFIX):
            return None
        with self.db.session() as s:
            row = s.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
            if row is None or row.revoked_at is not None:
                return None
            account = s.get(Account, row.owner)
            if account is None or account.disabled:
                return None
            row.last_used_at = utcnow()
            s.add(row)
            return row.owner

    def list(self, owner: str) -> list[ApiToken]:
        with self.db.session() as s:
            stmt = select(ApiToken).where(ApiToken.owner == owner).order_by(col(ApiToken.created_at))
            return list(s.exec(stmt))

    def revoke(self, owner: str, token_id: str | None = None) -> int:
        """Revoke one of `owner`'s tokens (by id), or all of them; returns how many were live."""
        with self.db.session() as s:
            stmt = select(ApiToken).where(ApiToken.owner == owner, col(ApiToken.revoked_at).is_(None))
            if token_id:
                stmt = stmt.where(ApiToken.id == token_id)
            rows = list(s.exec(stmt))
            for row in rows:
                row.revoked_at = utcnow()
                s.add(row)
        if token_id and not rows:
            raise NotFound(f"{owner} has no live token with id {token_id}.", "See `python app.py users tokens NAME`.")
        return len(rows)

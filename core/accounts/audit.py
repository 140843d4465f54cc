"""The append-only audit log: who created, downloaded, shared, deleted or cancelled what, and when.

It is the one event log the studio keeps about assets: the Library reads an asset's usage and
export history from it (`for_asset`). Rows are never changed: a trigger (made by the first
migration, in SQLite and in Postgres) refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from sqlmodel import col, select

from core.accounts.models import AuditEvent
from core.db import Database

# The actions the studio records (others may add their own verbs; these are the shared ones).
ACTIONS = ("created", "imported", "downloaded", "shared", "unshared", "deleted", "cancelled", "used-as-input",
           "packed", "signed-in", "account-changed", "policy-changed", "token-issued", "token-revoked", "exported")
MAX_DETAIL_KEYS = 12
MAX_DETAIL_TEXT = 300
CSV_COLUMNS = ["id", "at", "actor", "action", "asset_id", "job_id", "detail"]


def _small(detail: dict) -> dict:
    """Keep details small and JSON-safe: a few keys, short strings."""
    out = {}
    for key, value in list(detail.items())[:MAX_DETAIL_KEYS]:
        if isinstance(value, (int, float, bool)) or value is None:
            out[str(key)] = value
        else:
            out[str(key)] = str(value)[:MAX_DETAIL_TEXT]
    return out


def _cell(value: str) -> str:
    """A spreadsheet must not read a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, *, asset_id: str | None = None, job_id: str | None = None,
               **detail) -> AuditEvent:
        """Append one event. `detail` is a few short facts (platform, link id, expiry, via ...)."""
        event = AuditEvent(actor=actor, action=action, asset_id=asset_id, job_id=job_id, detail=_small(detail))
        with self.db.session() as s:
            s.add(event)
        return event

    def query(self, *, actor: str | None = None, asset_id: str | None = None, action: str | None = None,
              since: datetime | None = None, limit: int = 500) -> list[AuditEvent]:
        """Newest first, filtered by person, asset, action and start time."""
        stmt = select(AuditEvent)
        if actor:
            stmt = stmt.where(AuditEvent.actor == actor)
        if asset_id:
            stmt = stmt.where(AuditEvent.asset_id == asset_id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        if since:
            stmt = stmt.where(AuditEvent.at >= since)
        stmt = stmt.order_by(col(AuditEvent.id).desc()).limit(max(1, min(int(limit), 100_000)))
        with self.db.session() as s:
            return list(s.exec(stmt))

    def for_asset(self, asset_id: str, limit: int = 500) -> list[AuditEvent]:
        """An asset's history (downloads, links, packs, uses as input ...), newest first."""
        return self.query(asset_id=asset_id, limit=limit)

    @staticmethod
    def to_csv(events: list[AuditEvent]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for e in events:
            writer.writerow([e.id, e.at.isoformat(timespec="seconds"), _cell(e.actor), e.action, e.asset_id or "",
                             e.job_id or "", _cell(json.dumps(e.detail, sort_keys=True)) if e.detail else ""])
        return buffer.getvalue()


def event_view(event: AuditEvent) -> dict:
    return {"id": event.id, "at": event.at.isoformat(timespec="seconds"), "actor": event.actor,
            "action": event.action, "asset_id": event.asset_id, "job_id": event.job_id,
            "detail": dict(event.detail or {})}

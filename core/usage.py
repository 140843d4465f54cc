"""The usage ledger: estimate vs actual per run, month-to-date spend and run counts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import func, select

from core.db import Database
from core.library.models import LedgerEntry, utcnow


def current_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


class Ledger:
    """Reserve the estimate before a paid submit; settle the actual when the provider finishes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def reserve(self, *, job_id: str, owner: str, provider: str, model: str,
                estimate_usd: float, verified: bool) -> LedgerEntry:
        entry = LedgerEntry(job_id=job_id, owner=owner, provider=provider, model=model,
                            month=current_month(), estimate_usd=round(estimate_usd, 4),
                            verified_price=verified)
        with self.db.session() as s:
            s.add(entry)
        return entry

    def settle(self, job_id: str, actual_usd: float) -> None:
        """Record what the run really cost (the estimate when the vendor gave no figure)."""
        self._update(job_id, state="charged", actual_usd=round(actual_usd, 4))

    def release(self, job_id: str, reason: str = "refunded") -> None:
        """A run that never produced anything costs nothing (vendors refund failed tasks)."""
        self._update(job_id, state=reason, actual_usd=0.0)

    def switch_model(self, job_id: str, provider: str, model: str, estimate_usd: float | None) -> None:
        """A fallback moved the run to another model before anything was sent."""
        changes = {"provider": provider, "model": model}
        if estimate_usd is not None:
            changes["estimate_usd"] = round(estimate_usd, 4)
        with self.db.session() as s:
            entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()
            if entry is not None:
                for key, value in changes.items():
                    setattr(entry, key, value)
                s.add(entry)

    def flag(self, job_id: str) -> None:
        """A submit with unknown outcome: keep the reservation counted until a person resolves it."""
        self._update(job_id, state="unknown")

    def entry(self, job_id: str) -> LedgerEntry | None:
        with self.db.session() as s:
            return s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()

    def month_spend(self, owner: str, month: str | None = None) -> float:
        """Actual where settled, the estimate where still reserved or unknown."""
        month = month or current_month()
        amount = func.coalesce(LedgerEntry.actual_usd, LedgerEntry.estimate_usd)
        with self.db.session() as s:
            stmt = select(func.coalesce(func.sum(amount), 0.0)).where(
                LedgerEntry.owner == owner, LedgerEntry.month == month)
            return round(float(s.exec(stmt).one()), 4)

    def month_runs(self, owner: str, month: str | None = None) -> int:
        month = month or current_month()
        with self.db.session() as s:
            stmt = select(func.count()).select_from(LedgerEntry).where(
                LedgerEntry.owner == owner, LedgerEntry.month == month, LedgerEntry.state != "refunded")
            return int(s.exec(stmt).one())

    def entries(self, owner: str, limit: int = 200) -> list[LedgerEntry]:
        with self.db.session() as s:
            stmt = select(LedgerEntry).where(LedgerEntry.owner == owner)
            return list(s.exec(stmt.order_by(LedgerEntry.created_at.desc()).limit(limit)))

    def _update(self, job_id: str, **changes) -> None:
        with self.db.session() as s:
            entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()
            if entry is None:
                return
            for key, value in changes.items():
                setattr(entry, key, value)
            entry.settled_at = utcnow()
            s.add(entry)

"""The usage ledger: one entry per paid run, from reservation to exactly one ending.

    reserve  -> reserved (the run's max_usd, checked against every budget in one transaction)
    charge   -> charged  (it ran; what it cost)
    refund   -> refunded (sent, the provider failed it: refunded, costs nothing)
    release  -> released (never sent: costs nothing)
    flag     -> unknown  (sent or maybe sent, possibly billed: stays counted at its reservation)

An `unknown` entry may still become charged or refunded when the provider's answer arrives
later (a retry fetched the result); charged, refunded and released are final. `sweep` settles
entries whose job has ended or vanished (after a crash), so no reservation outlives its job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case
from sqlmodel import col, func, select

from core.db import Database
from core.library.models import LedgerEntry, LedgerState, utcnow
from core.money.budgets import HELD, Limit, check

FINAL = (LedgerState.CHARGED, LedgerState.REFUNDED, LedgerState.RELEASED)


def current_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


class Ledger:
    """Reserve the bound before a paid submit; settle how it ended."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reservations --------------------------------------------------------------------------
    def reserve(self, entries: list[LedgerEntry], limits: list[Limit]) -> None:
        """Insert `entries` (all one owner's) if, together, they fit every limit; else PlanLimitExceeded
        and nothing is written. The check and the insert are one serialised write transaction."""
        if not entries:
            return
        month = current_month()
        for entry in entries:
            entry.month, entry.state = month, LedgerState.RESERVED
            entry.estimate_usd = round(entry.estimate_usd, 4)
        amount = sum(e.estimate_usd for e in entries)
        runs = sum(1 for e in entries if e.kind == "run")
        with self.db.write_transaction() as conn:
            check(conn, month, entries[0].owner, limits, amount, runs)
            conn.execute(LedgerEntry.__table__.insert(), [e.model_dump() for e in entries])

    def raise_to(self, job_id: str, amount_usd: float, limits: list[Limit]) -> None:
        """Hold more for a run about to be sent (a quote or a fallback costs more than reserved, but
        no more than confirmed): PlanLimitExceeded if the difference does not fit the budgets."""
        with self.db.write_transaction() as conn:
            row = conn.execute(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()
            if row is None or row.estimate_usd >= amount_usd:
                return
            check(conn, row.month, row.owner, limits, amount_usd - row.estimate_usd, 0)
            conn.execute(LedgerEntry.__table__.update().where(LedgerEntry.job_id == job_id)
                         .values(estimate_usd=round(amount_usd, 4)))

    def switch_model(self, job_id: str, provider: str, model: str) -> None:
        """A fallback moved the run to another model before anything was sent."""
        self._write(job_id, provider=provider, model=model)

    # -- endings -------------------------------------------------------------------------------
    def sent(self, job_id: str) -> None:
        """The paid request went out (a task id exists): the run counts against the month's runs."""
        self._write(job_id, sent_at=utcnow())

    def charge(self, job_id: str, actual_usd: float, note: str = "") -> None:
        self._settle(job_id, LedgerState.CHARGED, round(actual_usd, 4), note)

    def refund(self, job_id: str, note: str = "") -> None:
        self._settle(job_id, LedgerState.REFUNDED, 0.0, note)

    def release(self, job_id: str, note: str = "") -> None:
        self._settle(job_id, LedgerState.RELEASED, 0.0, note)

    def flag(self, job_id: str, note: str = "") -> None:
        """Possibly billed: keep the reservation counted until a person (or a retry) resolves it."""
        self._settle(job_id, LedgerState.UNKNOWN, None, note)

    def sweep(self, job_state: Callable[[str], tuple[str, bool] | None], min_age_s: float = 0.0) -> int:
        """Settle reservations whose job ended or vanished. `job_state(job_id)` gives (status, was it
        sent) or None when there is no such job. Returns how many entries it settled.

        A reservation is made just before its job's row, so where other processes create jobs at
        the same time, one without a job is released only once it is `min_age_s` old."""
        with self.db.session() as s:
            pending = list(s.exec(select(LedgerEntry).where(LedgerEntry.state == LedgerState.RESERVED)))
        settled = 0
        young = utcnow() - timedelta(seconds=min_age_s)
        for entry in pending:
            state = job_state(entry.job_id)
            if state is None:
                if min_age_s and _aware(entry.created_at) > young:
                    continue
                self.release(entry.job_id, "No job was ever made for this reservation.")
            elif state[0] in ("succeeded", "failed", "cancelled", "needs-attention"):
                if state[1]:
                    self.flag(entry.job_id, "The job ended without settling; it was sent, so it may be billed.")
                else:
                    self.release(entry.job_id, "The job ended before anything was sent.")
            else:
                continue
            settled += 1
        return settled

    # -- reading -------------------------------------------------------------------------------
    def entry(self, job_id: str) -> LedgerEntry | None:
        with self.db.session() as s:
            return s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()

    def month_spend(self, owner: str, month: str | None = None) -> float:
        """Actual where settled, the reservation where still reserved or unknown."""
        month = month or current_month()
        amount = func.coalesce(LedgerEntry.actual_usd, LedgerEntry.estimate_usd)
        with self.db.session() as s:
            stmt = select(func.coalesce(func.sum(amount), 0.0)).where(
                LedgerEntry.owner == owner, LedgerEntry.month == month)
            return round(float(s.exec(stmt).one()), 4)

    def month_usage(self, owner: str, month: str | None = None) -> tuple[float, int]:
        """(month_spend, month_runs) in one query, as those two methods count them."""
        month = month or current_month()
        amount = func.coalesce(LedgerEntry.actual_usd, LedgerEntry.estimate_usd)
        sent = case((and_(LedgerEntry.kind == "run", col(LedgerEntry.sent_at).is_not(None),
                          col(LedgerEntry.state).in_([x.value for x in HELD])), 1), else_=0)
        with self.db.session() as s:
            usd, runs = s.exec(select(func.coalesce(func.sum(amount), 0.0), func.coalesce(func.sum(sent), 0))
                               .where(LedgerEntry.owner == owner, LedgerEntry.month == month)).one()
        return round(float(usd), 4), int(runs)

    def month_runs(self, owner: str, month: str | None = None) -> int:
        """Paid runs sent this month (refunded and never-sent ones do not count)."""
        month = month or current_month()
        with self.db.session() as s:
            stmt = select(func.count()).select_from(LedgerEntry).where(
                LedgerEntry.owner == owner, LedgerEntry.month == month, LedgerEntry.kind == "run",
                col(LedgerEntry.sent_at).is_not(None), col(LedgerEntry.state).in_([x.value for x in HELD]))
            return int(s.exec(stmt).one())

    def summary(self, owner: str, budget_usd: float, plan_id: str) -> dict:
        """This month's spend, budget, what is left, runs and the plan, as the meter shows them."""
        spend = self.month_spend(owner)
        return {"month_spend_usd": round(spend, 2), "budget_usd": budget_usd,
                "budget_left_usd": round(budget_usd - spend, 2), "runs": self.month_runs(owner), "plan": plan_id}

    def entries(self, owner: str, limit: int = 200) -> list[LedgerEntry]:
        with self.db.session() as s:
            stmt = select(LedgerEntry).where(LedgerEntry.owner == owner)
            return list(s.exec(stmt.order_by(col(LedgerEntry.created_at).desc()).limit(limit)))

    def _settle(self, job_id: str, state: LedgerState, actual: float | None, note: str) -> None:
        with self.db.session() as s:
            entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()
            if entry is None or entry.state in FINAL:
                return  # settled once: a later (repeated) ending changes nothing
            entry.state, entry.actual_usd, entry.settled_at = state, actual, utcnow()
            if note:
                entry.note = note[:500]
            if state in (LedgerState.CHARGED, LedgerState.UNKNOWN) and entry.sent_at is None:
                entry.sent_at = utcnow()
            s.add(entry)

    def _write(self, job_id: str, **changes) -> None:
        with self.db.session() as s:
            entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job_id)).first()
            if entry is not None:
                for key, value in changes.items():
                    setattr(entry, key, value)
                s.add(entry)


def _aware(moment: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite gives naive UTC back)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""Monthly caps and the atomic check that reserves money against them.

A `Limit` is one cap a reservation must fit: the owner's own (plan or account budget, and the
plan's runs per month) and, when set, the team's over all owners. `reserve` counts what each
scope has spent or holds this month and inserts the new entries in ONE write transaction, so
ten parallel requests against a budget that fits five reserve exactly five. SQLite serialises
writers with BEGIN IMMEDIATE (plus a process lock); Postgres with a transaction-scoped
advisory lock (core.db.Database.write_transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from core.errors import PlanLimitExceeded
from core.library.models import LedgerEntry, LedgerState
from core.money.pricing import format_usd

EPSILON_USD = 1e-6
HELD = (LedgerState.RESERVED, LedgerState.CHARGED, LedgerState.UNKNOWN)


@dataclass(frozen=True)
class Limit:
    """One monthly cap. scope "owner" counts the owner's entries, "team" everyone's."""

    scope: Literal["owner", "team"]
    cap_usd: float
    name: str
    runs: int | None = None


def owner_limits(plan, team_budget_usd: float | None = None) -> list[Limit]:
    """The plan's caps for its owner, plus the team's cap when one is set."""
    limits = [Limit("owner", plan.monthly_budget_usd, f"the {plan.name} plan's", plan.runs_per_month)]
    if team_budget_usd is not None:
        limits.append(Limit("team", team_budget_usd, "the team's"))
    return limits


def spent(conn: Connection, month: str, owner: str | None) -> tuple[float, int]:
    """(USD spent or held, runs sent or pending) this month, for one owner or (None) everyone."""
    amount = func.coalesce(LedgerEntry.actual_usd, LedgerEntry.estimate_usd)
    held = case((and_(LedgerEntry.kind == "run", LedgerEntry.state.in_([s.value for s in HELD])), 1), else_=0)
    where = [LedgerEntry.month == month] + ([LedgerEntry.owner == owner] if owner is not None else [])
    usd, runs = conn.execute(select(func.coalesce(func.sum(amount), 0.0), func.coalesce(func.sum(held), 0))
                             .where(*where)).one()
    return float(usd), int(runs)


def check(conn: Connection, month: str, owner: str, limits: list[Limit], amount_usd: float, runs: int) -> None:
    """Raise PlanLimitExceeded when adding `amount_usd` (and `runs`) breaks any limit."""
    for limit in limits:
        used_usd, used_runs = spent(conn, month, owner if limit.scope == "owner" else None)
        left = max(0.0, limit.cap_usd - used_usd)
        if amount_usd > left + EPSILON_USD:
            raise PlanLimitExceeded(
                f"This needs up to {format_usd(amount_usd)} but only {format_usd(left)} of {limit.name} "
                f"{format_usd(limit.cap_usd)} monthly budget is left.",
                "Pick a cheaper model or setting, use a free local draft, or wait for next month.")
        if limit.runs is not None and runs and used_runs + runs > limit.runs:
            raise PlanLimitExceeded(
                f"This month {max(0, limit.runs - used_runs)} of {limit.runs} paid runs are left under {limit.name} "
                f"limit and this needs {runs}.", "Use a free local draft, or wait for next month.")

"""Where the money and the time go: the ledger and the jobs, grouped by day, model, studio or user.

One row per run (a job, with its ledger entry when it had one, or a ledger entry with no job,
such as a paid prompt enhancement). Spend follows the ledger's own rule (Ledger.month_spend):
the actual cost where settled, the estimate while reserved or unknown, so the figures here
always add up to the ledger's sums. Job time is from request to result, for runs that succeeded.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import exists, func, select

from core.db import Database
from core.library.models import Job, JobStatus, LedgerEntry
from core.library.requests import check_day, day_end, day_start, parse

GroupBy = Literal["day", "model", "studio", "user"]
STUDIOS = {  # which studio a run's operation (or local job operation) belongs to
    "text-to-video": "create", "image-to-video": "create", "prompt-optimizer": "create",
    "avatar": "avatar", "text-to-speech": "avatar", "face-swap": "avatar", "character-swap": "avatar",
    "translate": "avatar", "background-removal": "edit", "instruction-edit": "edit", "retake": "edit",
    "extend": "edit", "outpaint": "edit", "edit": "edit", "join": "edit", "upscale": "enhance",
    "sound": "enhance", "enhance": "enhance", "restyle": "transform", "transform": "transform",
    "social-pack": "social", "captioning": "library",
}
LEDGER_STATUS = {"charged": JobStatus.SUCCEEDED, "reserved": JobStatus.RUNNING,
                 "unknown": JobStatus.NEEDS_ATTENTION}
FAILED = {JobStatus.FAILED, JobStatus.NEEDS_ATTENTION}


class AnalyticsQuery(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    since: str | None = None
    until: str | None = None
    group_by: GroupBy = "day"

    @field_validator("since", "until")
    @classmethod
    def _is_day(cls, value: str | None) -> str | None:
        return check_day(value)


def parse_analytics(raw: dict | AnalyticsQuery | None) -> AnalyticsQuery:
    return parse(AnalyticsQuery, raw, '{"since": "2025-11-01", "group_by": "model"}')


@dataclass(frozen=True)
class UsageRow:
    """One run, as the CSV export writes it."""

    day: str
    user: str
    studio: str
    kind: str
    operation: str
    provider: str
    model: str
    job_id: str
    status: str
    ledger_state: str
    estimate_usd: float
    spend_usd: float
    actual_usd: float | None
    duration_s: float | None
    created_at: str


def usage_rows(db: Database, owner: str | None, since: str | None = None, until: str | None = None,
               operations: Mapping[str, str] | None = None) -> list[UsageRow]:
    """Every run of `owner` (None: everyone) created from `since` to `until` (inclusive days).
    `operations` names the operation of a model id, for ledger entries that have no job."""
    when_job = func.coalesce(LedgerEntry.created_at, Job.created_at)
    job_query = select(Job, LedgerEntry).outerjoin(LedgerEntry, LedgerEntry.job_id == Job.id).where(
        *_range(when_job, since, until), *([Job.owner == owner] if owner is not None else []))
    orphan_query = select(LedgerEntry).where(
        ~exists().where(Job.id == LedgerEntry.job_id), *_range(LedgerEntry.created_at, since, until),
        *([LedgerEntry.owner == owner] if owner is not None else []))
    with db.session() as s:
        rows = [_from_job(job, entry) for job, entry in s.execute(job_query).all()]
        rows += [_from_entry(entry, (operations or {}).get(entry.model, ""))
                 for (entry,) in s.execute(orphan_query).all()]
    return sorted(rows, key=lambda r: (r.created_at, r.job_id))


def summarise(rows: list[UsageRow], group_by: GroupBy, tiers: Mapping[str, str] | None = None) -> list[dict]:
    """Rows grouped by `group_by`: runs, spend_usd, estimate_usd, p50_s, p90_s, success_rate, and
    the estimate-vs-actual delta of settled runs (mean and spread)."""
    groups: dict[str, list[UsageRow]] = {}
    for row in rows:
        groups.setdefault(getattr(row, group_by), []).append(row)
    out = []
    for key, members in groups.items():
        entry = {group_by: key, **figures(members)}
        if group_by == "model" and tiers is not None:
            entry["tier"] = tiers.get(key)
        out.append(entry)
    if group_by == "day":
        return sorted(out, key=lambda r: r["day"])
    return sorted(out, key=lambda r: (-r["spend_usd"], r[group_by]))


def figures(rows: list[UsageRow]) -> dict:
    times = sorted(r.duration_s for r in rows if r.status == JobStatus.SUCCEEDED and r.duration_s is not None)
    succeeded = sum(1 for r in rows if r.status == JobStatus.SUCCEEDED)
    failed = sum(1 for r in rows if r.status in FAILED)
    deltas = [r.actual_usd - r.estimate_usd for r in rows
              if r.ledger_state == "charged" and r.actual_usd is not None]
    return {
        "runs": len(rows),
        "spend_usd": round(sum(r.spend_usd for r in rows), 4),
        "estimate_usd": round(sum(r.estimate_usd for r in rows), 4),
        "actual_usd": round(sum(r.actual_usd or 0.0 for r in rows), 4),
        "p50_s": _percentile(times, 0.5),
        "p90_s": _percentile(times, 0.9),
        "succeeded": succeeded,
        "failed": failed,
        "success_rate": round(succeeded / (succeeded + failed), 4) if succeeded + failed else None,
        "delta_mean_usd": round(statistics.fmean(deltas), 4) if deltas else None,
        "delta_sd_usd": round(statistics.pstdev(deltas), 4) if deltas else None,
    }


def write_csv(rows: list[UsageRow], dest: Path) -> Path:
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f.name for f in fields(UsageRow)])
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    return dest


def studio_of(kind: str, operation: str) -> str:
    return STUDIOS.get(operation) or STUDIOS.get(kind) or operation or kind


def _range(column, since: str | None, until: str | None) -> list:
    return [c for c in (column >= day_start(since) if since else None,
                        column < day_end(until) if until else None) if c is not None]


def _from_job(job: Job, entry: LedgerEntry | None) -> UsageRow:
    created = entry.created_at if entry is not None else job.created_at
    duration = None
    if job.status == JobStatus.SUCCEEDED and job.finished_at and job.created_at:
        duration = round((job.finished_at - job.created_at).total_seconds(), 3)
    return UsageRow(
        day=created.strftime("%Y-%m-%d"), user=job.owner, studio=studio_of(job.kind, job.operation),
        kind=job.kind, operation=job.operation, provider=entry.provider if entry else job.provider,
        model=entry.model if entry else job.model, job_id=job.id, status=str(job.status),
        ledger_state=entry.state if entry else "", estimate_usd=_money(entry.estimate_usd if entry else 0.0),
        spend_usd=_spend(entry), actual_usd=None if entry is None else entry.actual_usd, duration_s=duration,
        created_at=created.isoformat(timespec="seconds"))


def _from_entry(entry: LedgerEntry, operation: str) -> UsageRow:
    status = LEDGER_STATUS.get(entry.state, JobStatus.FAILED)
    return UsageRow(
        day=entry.created_at.strftime("%Y-%m-%d"), user=entry.owner, studio=studio_of("ledger", operation),
        kind="ledger", operation=operation, provider=entry.provider, model=entry.model, job_id=entry.job_id,
        status=str(status),
        ledger_state=entry.state, estimate_usd=_money(entry.estimate_usd), spend_usd=_spend(entry),
        actual_usd=entry.actual_usd, duration_s=None,
        created_at=entry.created_at.isoformat(timespec="seconds"))


def _spend(entry: LedgerEntry | None) -> float:
    if entry is None:
        return 0.0
    return _money(entry.actual_usd if entry.actual_usd is not None else entry.estimate_usd)


def _money(value: float | None) -> float:
    return round(float(value or 0.0), 4)


def _percentile(ordered: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 3)

"""Analytics over the ledger and jobs: every figure adds up to the ledger's own sums."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.errors import InvalidInput
from core.library.models import Job, JobStatus, LedgerEntry
from core.money.ledger import current_month

MONTH_START = datetime.strptime(current_month() + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
DAYS = [MONTH_START + timedelta(days=d, hours=9) for d in range(3)]
DAY_NAMES = [d.strftime("%Y-%m-%d") for d in DAYS]


def run(studio, *, owner, day, model, operation="text-to-video", kind="generate", status=JobStatus.SUCCEEDED,
        seconds=30.0, estimate=None, ending=None, actual=None):
    """A finished job on `day` and, for paid runs, its ledger entry settled by the Ledger itself."""
    job = Job(owner=owner, kind=kind, operation=operation, provider="wavespeed", model=model, status=status,
              created_at=DAYS[day], finished_at=DAYS[day] + timedelta(seconds=seconds), estimate_usd=estimate or 0)
    studio.jobs.create(job)
    if estimate is not None:
        studio.ledger.reserve([LedgerEntry(job_id=job.id, owner=owner, provider="wavespeed", model=model, month="",
                                           estimate_usd=estimate, verified_price=True)], [])
        if ending == "charged":
            studio.ledger.charge(job.id, actual if actual is not None else estimate)
        elif ending == "refunded":
            studio.ledger.refund(job.id)
        elif ending == "cancelled":
            studio.ledger.release(job.id, "cancelled before it was sent")
        elif ending == "unknown":
            studio.ledger.flag(job.id)
        with studio.db.session() as s:
            entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == job.id)).one()
            entry.created_at = DAYS[day]
            s.add(entry)
    return job.id


@pytest.fixture
def history(studio):
    run(studio, owner="local", day=0, model="wan-2.5-t2v", seconds=10, estimate=0.5, ending="charged", actual=0.6)
    run(studio, owner="local", day=0, model="wan-2.5-t2v", seconds=20, estimate=0.5, ending="charged", actual=0.45)
    run(studio, owner="local", day=1, model="wan-2.5-t2v", seconds=30, estimate=0.5, ending="charged")
    run(studio, owner="local", day=1, model="wan-2.5-t2v", seconds=40, estimate=0.5, ending="charged")
    run(studio, owner="local", day=1, model="veo-3.1-t2v", status=JobStatus.FAILED, estimate=2.0, ending="refunded")
    run(studio, owner="local", day=2, model="veo-3.1-t2v", status=JobStatus.NEEDS_ATTENTION, estimate=2.0,
        ending="unknown")
    run(studio, owner="local", day=2, model="veo-3.1-t2v", status=JobStatus.CANCELLED, estimate=2.0,
        ending="cancelled")
    run(studio, owner="local", day=2, model="flashvsr", operation="upscale", estimate=0.3)  # reserved
    run(studio, owner="local", day=2, model="ffmpeg", operation="edit", kind="render", seconds=5)
    run(studio, owner="bob", day=0, model="wan-2.5-t2v", seconds=50, estimate=1.0, ending="charged", actual=1.1)
    # A ledger entry with no job row (as a crash could leave one).
    studio.ledger.reserve([LedgerEntry(job_id="enhance-1", owner="local", provider="wavespeed", kind="prompt",
                                       model="prompt-optimizer", month="", estimate_usd=0.01)], [])
    studio.ledger.charge("enhance-1", 0.01)
    with studio.db.session() as s:
        entry = s.exec(select(LedgerEntry).where(LedgerEntry.job_id == "enhance-1")).one()
        entry.created_at = DAYS[1]
        s.add(entry)


def ledger_spend(studio, **where) -> float:
    """The ledger's own sum: actual where settled, the estimate otherwise, straight from the rows."""
    with studio.db.session() as s:
        entries = s.exec(select(LedgerEntry)).all()
    picked = [e for e in entries if all(_matches(e, k, v) for k, v in where.items())]
    return round(sum(e.actual_usd if e.actual_usd is not None else e.estimate_usd for e in picked), 4)


def _matches(entry, key, value) -> bool:
    if key == "day":
        return entry.created_at.strftime("%Y-%m-%d") == value
    return getattr(entry, key) == value


def test_spend_equals_the_ledger_sums_in_every_grouping(studio, history):
    mine = studio.analytics({"group_by": "day"}, owner="local")
    assert mine["totals"]["spend_usd"] == ledger_spend(studio, owner="local") == studio.ledger.month_spend("local")
    assert [r["day"] for r in mine["rows"]] == DAY_NAMES
    for row in mine["rows"]:
        assert row["spend_usd"] == ledger_spend(studio, owner="local", day=row["day"])
    by_model = {r["model"]: r for r in studio.analytics({"group_by": "model"}, owner="local")["rows"]}
    for model, row in by_model.items():
        assert row["spend_usd"] == ledger_spend(studio, owner="local", model=model)
    assert by_model["veo-3.1-t2v"]["tier"] == "premium"
    assert by_model["veo-3.1-t2v"]["model_name"] == studio.catalog.display_name("veo-3.1-t2v") != "veo-3.1-t2v"
    by_studio = {r["studio"]: r for r in studio.analytics({"group_by": "studio"}, owner="local")["rows"]}
    assert set(by_studio) == {"create", "enhance", "edit"}
    assert by_studio["edit"]["spend_usd"] == 0 and by_studio["edit"]["runs"] == 1
    assert by_studio["create"]["spend_usd"] == round(
        ledger_spend(studio, owner="local") - ledger_spend(studio, owner="local", model="flashvsr"), 4)
    everyone = {r["user"]: r for r in studio.analytics({"group_by": "user"}, owner="local", everyone=True)["rows"]}
    assert {u: r["spend_usd"] for u, r in everyone.items()} == {
        "local": studio.ledger.month_spend("local"), "bob": studio.ledger.month_spend("bob")}
    alone = studio.analytics({"group_by": "user"}, owner="bob")["rows"]
    assert [r["user"] for r in alone] == ["bob"]


def test_runs_times_success_and_estimates(studio, history):
    rows = {r["model"]: r for r in studio.analytics({"group_by": "model"}, owner="local")["rows"]}
    wan = rows["wan-2.5-t2v"]
    assert wan["runs"] == 4 and wan["estimate_usd"] == 2.0 and wan["spend_usd"] == 2.05
    assert wan["p50_s"] == 25.0 and wan["p90_s"] == 37.0 and wan["success_rate"] == 1.0
    assert wan["delta_mean_usd"] == pytest.approx((0.1 - 0.05) / 4, abs=1e-4)
    veo = rows["veo-3.1-t2v"]
    assert veo["runs"] == 3 and veo["succeeded"] == 0 and veo["failed"] == 2 and veo["success_rate"] == 0.0
    assert veo["spend_usd"] == 2.0 and veo["p50_s"] is None
    assert rows["flashvsr"]["spend_usd"] == 0.3 and rows["flashvsr"]["success_rate"] == 1.0


def test_date_filters_and_the_csv_of_the_rows(studio, history):
    day1 = studio.analytics({"since": DAY_NAMES[1], "until": DAY_NAMES[1], "group_by": "day"}, owner="local")
    assert [r["day"] for r in day1["rows"]] == [DAY_NAMES[1]]
    assert day1["totals"]["spend_usd"] == ledger_spend(studio, owner="local", day=DAY_NAMES[1])
    assert day1["totals"]["runs"] == 4  # two wan runs, the failed veo run, the prompt enhancement
    later = studio.analytics({"since": DAY_NAMES[2]}, owner="local")
    assert later["totals"]["spend_usd"] == ledger_spend(studio, owner="local", day=DAY_NAMES[2])

    exported = studio.analytics_csv({"until": DAY_NAMES[1]}, owner="local")
    with open(exported["path"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == exported["rows"] == 6
    assert {r["day"] for r in rows} == set(DAY_NAMES[:2]) and {r["user"] for r in rows} == {"local"}
    spent = round(sum(float(r["spend_usd"]) for r in rows), 4)
    assert spent == round(ledger_spend(studio, owner="local", day=DAY_NAMES[0])
                          + ledger_spend(studio, owner="local", day=DAY_NAMES[1]), 4)
    assert "enhance-1" in {r["job_id"] for r in rows}


@pytest.mark.parametrize("request_, field", [
    ({"group_by": "week"}, "group_by"), ({"since": "11/12/2025"}, "since"), ({"until": "2025-02-30"}, "until"),
    ({"group_by": "day", "user": "bob"}, "user"),
])
def test_bad_analytics_requests_name_the_field(studio, request_, field):
    with pytest.raises(InvalidInput) as caught:
        studio.analytics(request_, owner="local")
    assert caught.value.field == field and str(caught.value).lstrip("`").startswith(field)
    if field == "group_by":
        assert "day, model, studio, user" in str(caught.value)

"""Compare against a WaveSpeed-compatible vendor on loopback: three paid models and the offline draft."""

from __future__ import annotations

import time

import pytest

from tests.compare_helpers import PAID, WIRE, by_model, compare_studio, wait_done  # noqa: F401

SETTINGS = {"duration": 5, "resolution": "480p", "aspect": "16:9", "seed": 7}


def request(**extra) -> dict:
    return {"operation": "text-to-video", "prompt": "a red kite over dunes at dawn",
            "models": [*PAID, "local-draft-t2v"], "settings": dict(SETTINGS), **extra}


def test_total_before_submit_is_the_sum_of_estimates_and_of_the_settled_ledger(compare_studio, vendor):
    _, fake = vendor
    estimate = compare_studio.compare.compare(request(estimate_only=True), owner="local")
    rows = {r["model"]: r for r in estimate["per_model"]}
    assert all(r["allowed"] for r in rows.values()), rows
    assert rows["local-draft-t2v"]["estimate_usd"] == 0
    assert all(rows[m]["estimate_usd"] > 0 for m in PAID)
    assert estimate["total_usd"] == pytest.approx(sum(r["estimate_usd"] for r in rows.values()))
    assert rows["ltx-2-fast-t2v"]["adjusted"] == {"duration": {"asked": 5, "used": 6},
                                                 "resolution": {"asked": "480p", "used": "1080p"},
                                                 "seed": {"asked": 7, "used": None}}
    assert "1080p" in rows["ltx-2-fast-t2v"]["reason"]
    assert estimate["group_id"] is None and sum(fake.submits.values()) == 0

    refused = compare_studio.compare.compare(request(), owner="local")  # above the threshold, unconfirmed
    assert not refused["ok"] and refused["needs_confirmation"] and str(estimate["max_usd"]) in refused["message"]
    short = compare_studio.compare.compare(request(confirm_usd=estimate["max_usd"] - 0.01), owner="local")
    assert not short["ok"] and sum(fake.submits.values()) == 0

    run = compare_studio.compare.compare(request(confirm_usd=estimate["max_usd"]), owner="local")
    assert run["ok"], run["message"]
    assert run["total_usd"] == estimate["total_usd"] and len(run["job_ids"]) == 4
    view = wait_done(compare_studio, run["group_id"])
    rows = by_model(view)
    assert all(r["status"] == "succeeded" for r in rows.values()), rows
    entries = [compare_studio.ledger.entry(r["job_id"]) for m, r in rows.items() if m in PAID]
    assert all(e.state == "charged" for e in entries)
    assert sum(e.actual_usd for e in entries) == pytest.approx(estimate["total_usd"])
    assert sum(r["actual_usd"] for r in rows.values()) == pytest.approx(estimate["total_usd"])
    assert {m: fake.submits[WIRE[m]] for m in PAID} == {m: 1 for m in PAID}
    for row in rows.values():
        assert row["width"] and row["height"] and row["duration_s"] > 0 and row["file_path"]


def test_times_are_measured_from_submit_to_result_and_a_failure_stops_no_one(compare_studio, vendor):
    _, fake = vendor
    fake.behave(WIRE["hunyuan-1.5-t2v"], steps=["created"] + ["processing"] * 12 + ["completed"])
    fake.behave(WIRE["ltx-2-fast-t2v"], steps=["created", "processing", "failed"], error="content policy")
    started = time.monotonic()
    run = compare_studio.compare.compare(request(confirm_usd=5.0), owner="local")
    assert run["ok"], run["message"]
    view = wait_done(compare_studio, run["group_id"])
    wall = time.monotonic() - started
    rows = by_model(view)
    assert rows["ltx-2-fast-t2v"]["status"] == "failed" and "content policy" in rows["ltx-2-fast-t2v"]["error"]
    assert rows["ltx-2-fast-t2v"]["actual_usd"] == 0
    for model in ("wan-2.5-t2v", "hunyuan-1.5-t2v", "local-draft-t2v"):
        assert rows[model]["status"] == "succeeded", rows[model]
    for row in rows.values():
        job = compare_studio.jobs.get(row["job_id"])
        assert row["seconds"] == pytest.approx((job.finished_at - job.started_at).total_seconds(), abs=0.01)
        assert 0 < row["seconds"] < wall
    assert rows["hunyuan-1.5-t2v"]["seconds"] > rows["wan-2.5-t2v"]["seconds"]  # 12 more polls
    assert compare_studio.ledger.entry(rows["ltx-2-fast-t2v"]["job_id"]).state != "charged"


def test_a_repeated_compare_reuses_every_output_and_sends_nothing_unless_run_again(compare_studio, vendor):
    _, fake = vendor
    first = compare_studio.compare.compare(request(confirm_usd=5.0), owner="local")
    done = by_model(wait_done(compare_studio, first["group_id"]))
    sent, spend = dict(fake.submits), compare_studio.ledger.month_spend("local")

    again = compare_studio.compare.compare(request(), owner="local")  # $0 now: no confirmation needed
    assert again["ok"] and again["job_ids"] == [] and again["total_usd"] == 0
    assert all(r["reused"] for r in again["per_model"])
    view = by_model(wait_done(compare_studio, again["group_id"]))
    for model, row in view.items():
        assert row["reused"] and row["asset_id"] == done[model]["asset_id"] and row["actual_usd"] == 0
    assert fake.submits == sent and compare_studio.ledger.month_spend("local") == spend

    fresh = compare_studio.compare.compare(request(run_again=True, confirm_usd=5.0), owner="local")
    assert fresh["ok"] and len(fresh["job_ids"]) == 4 and not any(r["reused"] for r in fresh["per_model"])
    wait_done(compare_studio, fresh["group_id"])
    assert all(fake.submits[WIRE[m]] == sent[WIRE[m]] + 1 for m in PAID)


def test_a_sweep_never_exceeds_its_ceiling(compare_studio, vendor):
    _, fake = vendor
    sweep = {"operation": "text-to-video", "prompts": ["a kite over dunes", "a lighthouse at dusk"],
             "seeds": [1, 2], "models": ["wan-2.5-t2v", "hunyuan-1.5-t2v"],
             "settings": {"duration": 5, "resolution": "480p"}}
    estimate = compare_studio.compare.sweep({**sweep, "ceiling_usd": 100, "estimate_only": True}, owner="local")
    assert estimate["cells"] == 8 and estimate["max_usd"] > 0
    over = compare_studio.compare.sweep({**sweep, "ceiling_usd": estimate["max_usd"] - 0.01}, owner="local")
    assert not over["ok"] and "ceiling" in over["message"] and sum(fake.submits.values()) == 0

    run = compare_studio.compare.sweep({**sweep, "ceiling_usd": estimate["max_usd"]}, owner="local")
    assert run["ok"], run["message"]
    view = wait_done(compare_studio, run["group_id"])
    assert len(view["per_model"]) == 8 and all(r["status"] == "succeeded" for r in view["per_model"])
    entries = [compare_studio.ledger.entry(r["job_id"]) for r in view["per_model"]]
    assert sum(e.estimate_usd for e in entries) <= estimate["max_usd"] + 1e-9  # reserved
    assert sum(e.actual_usd for e in entries) <= estimate["max_usd"] + 1e-9  # charged
    assert {(r["prompt"], r["seed"]) for r in view["per_model"]} == {(p, s) for p in sweep["prompts"] for s in (1, 2)}
    for job_id in run["job_ids"]:
        job = compare_studio.jobs.get(job_id)
        assert job.payload["confirm_usd"] <= estimate["max_usd"]

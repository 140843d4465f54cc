"""Compare through the money room: Create's preflight prices each model, one confirmation covers the
group's bound, and every paid run is reserved in one atomic step with the owner's and the team's caps."""

from __future__ import annotations

import math
import threading

import pytest

from core.errors import InvalidInput
from core.library.models import LedgerEntry
from tests.compare_helpers import WIRE, by_model, compare_studio, wait_done  # noqa: F401

TWO = ["wan-2.5-t2v", "hunyuan-1.5-t2v"]


def body(**extra) -> dict:
    return {"operation": "text-to-video", "prompt": "a red kite over dunes at dawn", "models": list(TWO),
            "settings": {"duration": 5, "resolution": "480p", "aspect": "16:9"}, **extra}


def entries(studio) -> list[LedgerEntry]:
    with studio.db.session() as s:
        from sqlmodel import select

        return [e for e in s.exec(select(LedgerEntry)) if e.job_id != "t" * 16]


def test_each_model_is_priced_by_the_preflight_and_a_live_quote_is_what_is_reserved_and_charged(compare_studio,
                                                                                                 vendor):
    _, fake = vendor
    fake.behave(WIRE["wan-2.5-t2v"], price=0.33)
    estimate = compare_studio.compare.compare(body(estimate_only=True), owner="local")
    rows = {r["model"]: r for r in estimate["per_model"]}
    assert rows["wan-2.5-t2v"]["price_basis"] == "provider-quote"
    assert rows["wan-2.5-t2v"]["estimate_usd"] == rows["wan-2.5-t2v"]["max_usd"] == pytest.approx(0.33)
    for model in TWO:  # the same figures Create's /estimate gives for that model and these settings
        alone = compare_studio.estimate({"prompt": "a red kite over dunes at dawn", "model": model,
                                         "duration": 5, "resolution": "480p", "aspect": "16:9"}, owner="local")
        assert (rows[model]["estimate_usd"], rows[model]["max_usd"], rows[model]["price_basis"]) == \
            (alone["total_usd"], alone["max_usd"], alone["price_basis"])
    assert estimate["max_usd"] == pytest.approx(sum(r["max_usd"] for r in rows.values()))

    run = compare_studio.compare.compare(body(confirm_usd=estimate["max_usd"]), owner="local")
    assert run["ok"], run["message"]
    done = by_model(wait_done(compare_studio, run["group_id"]))
    for model in TWO:
        entry = compare_studio.ledger.entry(done[model]["job_id"])
        assert entry.state == "charged" and entry.estimate_usd == pytest.approx(rows[model]["max_usd"])
        assert entry.actual_usd == pytest.approx(rows[model]["estimate_usd"])
    ceilings = [compare_studio.jobs.get(j).payload["confirm_usd"] for j in run["job_ids"]]
    assert sum(ceilings) == pytest.approx(estimate["max_usd"], abs=1e-3)  # no run may cost more than agreed


def test_a_compare_is_reserved_whole_or_not_at_all_against_the_team_cap(vendor, studio_factory):
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_TEAM_BUDGET_USD="10.00", VIDEO_STUDIO_CONFIRM_ABOVE_USD="100")
    group_max = studio.compare.compare(body(estimate_only=True), owner="ann")["max_usd"]
    one_model = min(r["max_usd"] for r in studio.compare.compare(body(estimate_only=True), owner="ann")["per_model"])
    # Someone else already holds all of the team's month but room for one model (not two).
    studio.ledger.reserve([LedgerEntry(job_id="t" * 16, owner="bob", provider="wavespeed", model="x", month="",
                                       estimate_usd=10.0 - one_model - 0.01)], [])
    refused = studio.compare.compare(body(), owner="ann")
    assert not refused["ok"] and "team" in refused["message"] and refused["group_id"] is None
    assert entries(studio) == [] and sum(fake.submits.values()) == 0
    assert group_max > one_model


def test_parallel_compares_from_different_accounts_start_exactly_as_many_as_the_team_cap_fits(vendor, studio_factory):
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_TEAM_BUDGET_USD="10.00", VIDEO_STUDIO_CONFIRM_ABOVE_USD="100")
    group_max = studio.compare.compare(body(estimate_only=True), owner="ann")["max_usd"]
    studio.ledger.reserve([LedgerEntry(job_id="t" * 16, owner="bob", provider="wavespeed", model="x", month="",
                                       estimate_usd=round(10.0 - 3 * group_max - 0.005, 4))], [])
    gate = threading.Barrier(6)
    answers: dict[str, dict] = {}

    def one(owner: str) -> None:
        gate.wait()
        answers[owner] = studio.compare.compare(body(), owner=owner)

    threads = [threading.Thread(target=one, args=(f"user{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = {o: a for o, a in answers.items() if a["ok"]}
    assert len(started) == 3, [a["message"] for a in answers.values()]
    assert all("team" in a["message"] for a in answers.values() if not a["ok"])
    for owner, answer in started.items():
        assert all(r["status"] == "succeeded" for r in wait_done(studio, answer["group_id"], owner=owner)["per_model"])
    held = entries(studio)
    assert len(held) == 6 and {e.owner for e in held} == set(started)
    assert sum(fake.submits[WIRE[m]] for m in TWO) == 6


def test_the_confirmation_is_an_amount_covering_the_whole_group(compare_studio, vendor):
    _, fake = vendor
    estimate = compare_studio.compare.compare(body(estimate_only=True), owner="local")
    bare = compare_studio.compare.compare(body(confirm=True), owner="local")
    assert not bare["ok"] and bare["group_id"] is None and "confirm_usd" in bare["message"]
    assert f"{estimate['max_usd']:g}" in bare["message"]
    short = compare_studio.compare.compare(body(confirm_usd=estimate["max_usd"] - 0.01), owner="local")
    assert not short["ok"] and short["needs_confirmation"] and f"{estimate['max_usd']:g}" in short["message"]
    assert sum(fake.submits.values()) == 0 and entries(compare_studio) == []


@pytest.mark.parametrize(("extra", "field"), [
    ({"blind": "true"}, "blind"), ({"blind": 1}, "blind"), ({"estimate_only": "yes"}, "estimate_only"),
    ({"run_again": 0}, "run_again"), ({"confirm": "yes"}, "confirm"), ({"confirm_usd": math.nan}, "confirm_usd"),
    ({"confirm_usd": math.inf}, "confirm_usd"), ({"confirm_usd": "5"}, "confirm_usd"),
    ({"confirm_usd": -1.0}, "confirm_usd"), ({"user": "bob"}, "user"), ({"colour": "red"}, "colour"),
    ({"settings": {"duration": math.nan}}, "settings.duration"), ({"settings": {"fps": 30}}, "settings.fps"),
    ({"models": ["wan-2.5-t2v", "no-such-model"]}, "models.1"), ({"models": ["wan-2.5-t2v"]}, "models"),
    ({"prompt": ""}, "prompt"), ({"image_id": "/etc/passwd"}, "image_id"),
])
def test_the_boundary_refuses_what_is_not_exactly_a_compare_request_and_names_the_field(compare_studio, extra, field):
    with pytest.raises(InvalidInput) as bad:
        compare_studio.compare.compare(body(**extra), owner="local")
    assert bad.value.field == field, str(bad.value)
    assert "Error" not in str(bad.value) and "pydantic" not in str(bad.value)

"""Plan limits: duration, resolution, variations, paid runs and monthly budget."""

from __future__ import annotations

import pytest

from core.catalog import CatalogError
from core.contracts import GenerationRequest
from core.errors import NotFound
from core.money.plans import check_plan, get_plan, load_plans

PLANS = load_plans()


def fields(issues) -> list[str]:
    return [i.field for i in issues]


def request(**kw) -> GenerationRequest:
    return GenerationRequest(prompt="a tram at night", **kw)


def test_shipped_plans_grow_from_free_to_studio():
    free, creator, studio = (PLANS[k] for k in ("free", "creator", "studio"))
    assert free.max_duration_s < creator.max_duration_s < studio.max_duration_s
    assert free.monthly_budget_usd < creator.monthly_budget_usd < studio.monthly_budget_usd
    assert (free.max_resolution, creator.max_resolution, studio.max_resolution) == ("720p", "1080p", "4k")
    assert get_plan("creator") is creator
    with pytest.raises(NotFound, match="no plan called 'gold'"):
        get_plan("gold")


def test_a_run_within_the_plan_passes():
    assert check_plan(request(duration=10, resolution="1080p"), PLANS["creator"], 10, 5.0, 1.5) == []


def test_duration_resolution_and_variations_limits():
    issues = check_plan(request(duration=15, resolution="1080p", variations=2), PLANS["free"], 0, 0.0, 0.5)
    assert fields(issues) == ["duration", "resolution", "variations"]
    assert issues[1].allowed[-1] == "720p" and "1080p" not in issues[1].allowed
    assert issues[2].allowed == ["1"]


def test_input_length_counts_when_the_output_follows_an_input():
    upscale = GenerationRequest(operation="upscale", video="v.mp4", input_duration=45, resolution="1080p")
    assert fields(check_plan(upscale, PLANS["creator"], 0, 0.0, 0.81)) == ["duration"]


def test_runs_and_budget_count_paid_runs_only():
    plan = PLANS["free"]
    used_up = check_plan(request(duration=5), plan, plan.runs_per_month, 0.0, 0.2)
    assert fields(used_up) == ["runs"] and "local draft" in used_up[0].message
    over_budget = check_plan(request(duration=5), plan, 0, 1.90, 0.25)
    assert fields(over_budget) == ["budget"] and "$0.25" in over_budget[0].message
    assert check_plan(request(duration=5), plan, 0, 1.75, 0.25) == []
    free_draft = check_plan(request(duration=5), plan, plan.runs_per_month + 5, 99.0, 0.0)
    assert free_draft == []


def test_variations_count_as_runs():
    plan = PLANS["creator"]
    issues = check_plan(request(duration=5, variations=3), plan, plan.runs_per_month - 2, 0.0, 1.5)
    assert fields(issues) == ["runs"]


def test_a_broken_plans_file_is_a_clear_error(tmp_path):
    path = tmp_path / "plans.toml"
    path.write_text("[plans.x]\nname = 'X'\nmax_duration_s = 5\nmax_resolution = '16k'\n"
                    "runs_per_month = 1\nmonthly_budget_usd = 1\nmax_variations = 1\n")
    with pytest.raises(CatalogError, match="unknown resolutions"):
        load_plans(path)
    path.write_text("[plans.x]\nname = 'X'\n")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_plans(path)

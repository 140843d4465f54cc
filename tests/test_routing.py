"""Routing: auto picks the cheapest model that meets the spec, skips unconfigured providers,
widens the ladder only when it must, and falls back in a fixed order."""

from __future__ import annotations

import pytest

from core.catalog import load_catalog
from core.contracts import GenerationRequest, Quality
from core.errors import NotFound
from core.routing import candidates, choices, fallback_after, ladder

CATALOG = load_catalog()
ALL = {"wavespeed", "huggingface"}


def ids(models) -> list[str]:
    return [m.id for m in models]


def t2v(**kw) -> GenerationRequest:
    return GenerationRequest(prompt="a paper boat in the rain", **kw)


def test_ladder_groups_by_tier():
    groups = ladder(CATALOG, "text-to-video")
    assert ids(groups[Quality.DRAFT]) == ["local-draft-t2v"]
    assert "veo-3.1-t2v" in ids(groups[Quality.PREMIUM])
    assert "wan-2.5-t2v" in ids(groups[Quality.STANDARD])


def test_auto_picks_the_cheapest_model_meeting_the_spec():
    chain = choices(t2v(resolution="1080p", duration=10), CATALOG, ALL)
    assert ids(c.model for c in chain) == ["ltx-2-fast-t2v", "wan-2.5-t2v", "local-draft-t2v"]
    prices = [c.estimate.total_usd for c in chain]
    assert prices[:2] == sorted(prices[:2]) and prices[0] == pytest.approx(0.40)
    assert chain[0].request.resolution == "1080p" and chain[0].request.generate_audio is True


def test_auto_uses_each_models_defaults_when_the_request_leaves_them_open():
    first = candidates(t2v(), CATALOG, ALL)[0]
    assert first.id == "hunyuan-1.5-t2v"


def test_unconfigured_providers_are_skipped():
    assert "hf-wan-2.2-t2v" not in ids(candidates(t2v(), CATALOG, {"wavespeed"}))
    only_hf = candidates(t2v(), CATALOG, {"huggingface"})
    assert ids(only_hf) == ["hf-wan-2.2-t2v", "local-draft-t2v"]
    assert ids(candidates(t2v(), CATALOG, set())) == ["local-draft-t2v"]


def test_ladder_widens_only_when_nothing_at_the_tier_fits():
    request = GenerationRequest(operation="image-to-video", image="p.png", prompt="turn", aspect="9:16")
    assert ids(candidates(request, CATALOG, ALL)) == ["veo-3.1-i2v", "local-draft-i2v"]
    premium = candidates(t2v(quality="premium", duration=8), CATALOG, ALL)
    assert ids(premium) == ["ltx-2-pro-t2v", "veo-3.1-t2v", "local-draft-t2v"]
    nothing_premium = candidates(t2v(quality="premium", duration=5, resolution="480p"), CATALOG, ALL)
    assert nothing_premium[0].tier == Quality.STANDARD and nothing_premium[-1].offline


def test_draft_quality_prefers_the_local_model_and_widens_past_its_limits():
    assert ids(candidates(t2v(quality="draft"), CATALOG, ALL)) == ["local-draft-t2v"]
    avoiding = candidates(t2v(quality="draft", duration=10, resolution="1080p", negative_prompt="blur"),
                          CATALOG, {"wavespeed"})
    assert ids(avoiding) == ["wan-2.5-t2v"]  # the draft model takes no negative prompt; the next tier does
    longer_than_drafts = candidates(t2v(quality="draft", duration=30), CATALOG, ALL)
    assert longer_than_drafts == []


def test_a_named_model_comes_first_even_when_it_cannot_run():
    chain = candidates(t2v(model="veo-3.1-t2v", duration=8), CATALOG, set())
    assert ids(chain) == ["veo-3.1-t2v"]
    chain = candidates(t2v(model="wan-2.5-t2v", duration=10), CATALOG, ALL)
    assert ids(chain)[0] == "wan-2.5-t2v"
    assert all(m.tier == Quality.STANDARD for m in chain) and "local-draft-t2v" not in ids(chain)
    with pytest.raises(NotFound):
        candidates(t2v(model="no-such-model"), CATALOG, ALL)


def test_fallback_order():
    request = t2v(resolution="1080p", duration=10)
    first = CATALOG.get("ltx-2-fast-t2v")
    second = fallback_after(first, request, CATALOG, ALL)
    assert second.id == "wan-2.5-t2v"
    assert fallback_after(second, request, CATALOG, ALL).id == "local-draft-t2v"
    assert fallback_after(CATALOG.get("local-draft-t2v"), request, CATALOG, ALL) is None
    skipped = fallback_after(first, request, CATALOG, ALL, exclude={"wan-2.5-t2v"})
    assert skipped.id == "local-draft-t2v"


def test_fallback_when_the_named_models_provider_is_not_configured():
    request = t2v(model="wan-2.5-t2v", duration=5, resolution="720p")
    wan = CATALOG.get("wan-2.5-t2v")
    assert fallback_after(wan, request, CATALOG, {"huggingface"}).id == "hf-wan-2.2-t2v"
    assert fallback_after(wan, request, CATALOG, set()) is None


def test_ordering_is_deterministic():
    request = GenerationRequest(operation="sound", video="v.mp4", input_duration=6)
    runs = {tuple(ids(candidates(request, CATALOG, ALL))) for _ in range(5)}
    assert len(runs) == 1
    [order] = runs
    assert order == ("hunyuan-foley", "think-sound", "mirelo-sfx-v1.5")  # equal prices break on id

"""One set of settings for several models: the nearest each can do, or left out with the reason."""

from __future__ import annotations

from core.catalog import load_catalog
from core.compare.nearest import fit
from core.contracts import GenerationRequest

CATALOG = load_catalog()


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"operation": "text-to-video", "prompt": "a kite over dunes", **fields})


def test_a_model_runs_at_the_nearest_length_size_and_shape_and_says_so():
    fitted = fit(request(duration=5, resolution="720p", aspect="9:16"), CATALOG.get("ltx-2-fast-t2v"))
    assert fitted.allowed
    assert (fitted.request.duration, fitted.request.resolution, fitted.request.aspect) == (6, "1080p", "16:9")
    assert fitted.adjusted == {"duration": (5, 6), "resolution": ("720p", "1080p"), "aspect": ("9:16", "16:9")}
    assert "6 s" in fitted.reason and "1080p" in fitted.reason and "16:9" in fitted.reason


def test_settings_a_model_can_honour_are_kept_and_unsupported_extras_dropped_with_a_note():
    wan = fit(request(duration=5, resolution="720p", aspect="9:16", seed=4), CATALOG.get("wan-2.5-t2v"))
    assert wan.allowed and wan.adjusted == {} and wan.reason == ""
    assert wan.request.seed == 4
    ltx = fit(request(seed=4, negative_prompt="blur", generate_audio=True), CATALOG.get("ltx-2-fast-t2v"))
    assert ltx.allowed and ltx.request.seed is None and ltx.request.negative_prompt == ""
    assert "no seed" in ltx.reason and "no negative prompt" in ltx.reason
    silent = fit(request(generate_audio=True), CATALOG.get("hunyuan-1.5-t2v"))
    assert silent.allowed and silent.request.generate_audio is None and "silent" in silent.reason


def test_a_nearest_length_between_two_is_the_shorter_one():
    assert fit(request(duration=7), CATALOG.get("wan-2.5-t2v")).request.duration == 5
    assert fit(request(duration=8), CATALOG.get("wan-2.5-t2v")).request.duration == 10
    assert fit(request(duration=30), CATALOG.get("local-draft-t2v")).request.duration == 20


def test_what_cannot_be_moved_leaves_the_model_out_with_the_reason():
    no_image = fit(GenerationRequest(operation="image-to-video", prompt="zoom"), CATALOG.get("wan-2.5-i2v"))
    assert not no_image.allowed and "needs an image" in no_image.reason
    long_prompt = fit(request(prompt="x" * 3000), CATALOG.get("wan-2.5-t2v"))
    assert not long_prompt.allowed and "at most 2000" in long_prompt.reason

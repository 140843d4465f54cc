"""The capability guard refuses what a model cannot honour, naming what would work."""

from __future__ import annotations

import pytest

from core.capability import audio_on, check, output_size, resolve_defaults
from core.catalog import load_catalog
from core.contracts import GenerationRequest
from core.errors import InvalidInput

CATALOG = load_catalog()
WAN = CATALOG.get("wan-2.5-t2v")


def fields(issues) -> list[str]:
    return [i.field for i in issues]


def t2v(**kw) -> GenerationRequest:
    return GenerationRequest(prompt="a fox in the snow", **kw)


@pytest.mark.parametrize(
    "resolution, aspect, size",
    [
        ("1080p", "9:16", (1080, 1920)),
        ("720p", "16:9", (1280, 720)),
        ("1080p", "1:1", (1080, 1080)),
        ("1080p", "4:5", (1080, 1350)),
        ("1080p", "21:9", (2520, 1080)),
        ("480p", "16:9", (854, 480)),
        ("4k", "16:9", (3840, 2160)),
    ],
)
def test_output_size_uses_the_short_side(resolution, aspect, size):
    assert output_size(resolution, aspect) == size
    assert all(v % 2 == 0 for v in output_size(resolution, aspect))


@pytest.mark.parametrize(
    "resolution, aspect", [("8k", "16:9"), ("720p", "wide"), ("720p", "0:1"), ("720p", None)]
)
def test_output_size_rejects_unknown_values(resolution, aspect):
    with pytest.raises(InvalidInput):
        output_size(resolution, aspect)


def test_a_request_within_the_model_passes():
    request = t2v(duration=10, resolution="1080p", aspect="9:16", seed=7, negative_prompt="blur")
    assert check(request, WAN) == []


def test_duration_outside_the_list_names_the_allowed_values():
    [issue] = check(t2v(duration=7), WAN)
    assert issue.field == "duration" and issue.allowed == ["5", "10"]
    assert "5, 10 s" in issue.message and "7 s" in issue.message


def test_duration_outside_a_range():
    draft = CATALOG.get("local-draft-t2v")
    assert check(t2v(duration=12.5), draft) == []
    [issue] = check(t2v(duration=25), draft)
    assert issue.field == "duration" and issue.allowed == ["2–20 s"]


def test_resolution_and_aspect_are_checked():
    issues = check(t2v(resolution="4k", aspect="1:1"), WAN)
    assert fields(issues) == ["resolution", "aspect"]
    assert issues[0].allowed == ["480p", "720p", "1080p"] and issues[1].allowed == ["16:9", "9:16"]


def test_shape_following_models_refuse_a_fixed_aspect_but_accept_auto():
    i2v = CATALOG.get("wan-2.5-i2v")
    request = GenerationRequest(operation="image-to-video", image="p.png", prompt="wave")
    assert check(request.model_copy(update={"aspect": "auto"}), i2v) == []
    [issue] = check(request.model_copy(update={"aspect": "9:16"}), i2v)
    assert issue.field == "aspect" and issue.allowed == ["auto"] and "crop" in issue.message


def test_missing_required_inputs():
    avatar = CATALOG.get("infinitetalk")
    issues = check(GenerationRequest(operation="avatar", image="p.png"), avatar)
    assert fields(issues) == ["audio"] and "needs an audio track" in issues[0].message
    assert fields(check(GenerationRequest(prompt="   "), WAN)) == ["prompt"]


def test_inputs_the_model_does_not_use_are_refused_not_dropped():
    upscale = CATALOG.get("flashvsr")
    request = GenerationRequest(operation="upscale", video="v.mp4", prompt="sharper", audio="a.wav")
    issues = check(request, upscale)
    assert fields(issues) == ["prompt", "audio"]
    assert all("would be ignored" in i.message for i in issues)
    ltx = CATALOG.get("ltx-2-pro-t2v")
    assert fields(check(t2v(negative_prompt="blurry", seed=3), ltx)) == ["seed", "negative_prompt"]


def test_prompt_too_long():
    [issue] = check(GenerationRequest(prompt="x" * 2001), WAN)
    assert issue.field == "prompt" and "2001" in issue.message and "2000" in issue.message


def test_sound_switch():
    hunyuan = CATALOG.get("hunyuan-1.5-t2v")
    assert fields(check(t2v(generate_audio=True), hunyuan)) == ["generate_audio"]
    assert fields(check(t2v(generate_audio=False), WAN)) == ["generate_audio"]
    assert check(t2v(generate_audio=False), CATALOG.get("veo-3.1-t2v")) == []
    veo = CATALOG.get("veo-3.1-t2v")
    assert audio_on(t2v(), veo) and not audio_on(t2v(generate_audio=False), veo)
    assert not audio_on(t2v(), hunyuan)


def test_options_are_checked_against_enums_and_required_ones_are_asked_for():
    ditto = CATALOG.get("wan-2.1-ditto")
    base = GenerationRequest(operation="restyle", video="v.mp4", input_duration=4)
    [missing] = check(base, ditto)
    assert missing.field == "options.style" and "Ghibli" in missing.allowed
    [wrong] = check(base.model_copy(update={"options": {"style": "Banksy"}}), ditto)
    assert wrong.field == "options.style" and "Banksy" in wrong.message
    assert check(base.model_copy(update={"options": {"style": "Ghibli"}}), ditto) == []
    [unknown] = check(base.model_copy(update={"options": {"style": "Lego", "strength": "9"}}), ditto)
    assert unknown.field == "options.strength"
    options = {"voice_id": "Wise_Woman", "speed": "1.3"}
    free_text = GenerationRequest(operation="text-to-speech", prompt="hi", options=options)
    assert check(free_text, CATALOG.get("minimax-speech-2.6-turbo")) == []
    klingon = free_text.model_copy(update={"options": {**options, "language": "Klingon"}})
    [language] = check(klingon, CATALOG.get("minimax-speech-2.6-turbo"))
    assert language.field == "options.language" and "French" in language.allowed


def test_input_following_length_cannot_be_set_and_must_fit_the_limits():
    swap = CATALOG.get("video-face-swap")
    request = GenerationRequest(operation="face-swap", video="v.mp4", image="f.png", input_duration=30)
    assert check(request, swap) == []
    assert check(request.model_copy(update={"duration": 30}), swap) == []
    [issue] = check(request.model_copy(update={"duration": 10}), swap)
    assert issue.field == "duration" and "as long as your video" in issue.message
    [too_long] = check(request.model_copy(update={"input_duration": 700}), swap)
    assert too_long.field == "video" and too_long.allowed == ["≤ 600 s"]


def test_operation_mismatch_is_one_clear_issue():
    [issue] = check(GenerationRequest(operation="upscale", video="v.mp4"), WAN)
    assert issue.field == "model" and "text-to-video" in issue.message


def test_resolve_defaults_fills_only_unset_fields():
    filled = resolve_defaults(t2v(), WAN)
    assert (filled.duration, filled.resolution, filled.aspect) == (5, "720p", "16:9")
    kept = resolve_defaults(t2v(duration=10, resolution="1080p", aspect="9:16"), WAN)
    assert (kept.duration, kept.resolution, kept.aspect) == (10, "1080p", "9:16")
    assert resolve_defaults(t2v(aspect="auto"), WAN).aspect == "16:9"
    assert resolve_defaults(t2v(), CATALOG.get("veo-3.1-t2v")).generate_audio is True
    photo = GenerationRequest(operation="image-to-video", image="p.png")
    i2v = resolve_defaults(photo, CATALOG.get("wan-2.5-i2v"))
    assert i2v.aspect is None and i2v.duration == 5
    clip = GenerationRequest(operation="face-swap", video="v.mp4")
    swap = resolve_defaults(clip, CATALOG.get("video-face-swap"))
    assert swap.duration is None and swap.resolution is None

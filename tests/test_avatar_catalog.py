"""Avatar, speech and around-the-avatar models in the catalog: limits, latency and exact billing."""

from __future__ import annotations

import pytest

from core.avatar import talk_length
from core.capability import check, resolve_defaults
from core.catalog import load_catalog
from core.contracts import GenerationRequest
from core.money.pricing import estimate
from core.voice.languages import check_voice, language_options
from providers.wire import build_payload

CATALOG = load_catalog()


def avatar(model: str, seconds: float, resolution: str = "720p", **extra) -> GenerationRequest:
    request = GenerationRequest(operation="avatar", image="p.png", audio="a.wav", resolution=resolution,
                                input_duration=seconds, **extra)
    return resolve_defaults(request, CATALOG.get(model))


@pytest.mark.parametrize("seconds, resolution, usd, line", [
    (47, "720p", 2.82, "0:47 at 720p: 47 s × $0.06 = $2.82"),
    (120, "720p", 7.20, "2:00 at 720p: 120 s × $0.06 = $7.20"),
    (46.2, "480p", 1.41, "0:46 at 480p: 47 s × $0.03 = $1.41"),
    (2, "480p", 0.15, "0:02 at 480p: 5 s (the minimum) × $0.03 = $0.15"),
    (720, "720p", 36.00, "12:00 at 720p: 600 s (the most billed) × $0.06 = $36.00"),
])
def test_infinitetalk_bills_the_measured_audio_as_the_provider_does(seconds, resolution, usd, line):
    result = estimate(avatar("infinitetalk", seconds, resolution), CATALOG.get("infinitetalk"))
    assert result.total_usd == pytest.approx(usd)
    assert result.summary == line


def test_block_priced_avatar_and_speech_breakdowns_read_as_sums():
    hunyuan = estimate(avatar("hunyuan-avatar", 11, "480p"), CATALOG.get("hunyuan-avatar"))
    assert hunyuan.summary == "0:11 at 480p: 3 × 5 s × $0.15 = $0.45"
    speech = GenerationRequest(operation="text-to-speech", prompt="x" * 2500, options={"voice_id": "Wise_Woman"})
    result = estimate(speech, CATALOG.get("minimax-speech-2.6-turbo"))
    assert result.summary == "2,500 characters: 2.5 × $0.06 per 1,000 = $0.15"


def test_hunyuan_avatar_refuses_three_minutes_naming_its_two_minute_limit():
    issues = check(avatar("hunyuan-avatar", 180), CATALOG.get("hunyuan-avatar"))
    assert [i.field for i in issues] == ["audio"]
    assert "120 s" in issues[0].message and "split" in issues[0].message


@pytest.mark.parametrize("model_id, rate, minimum", [
    ("minimax-speech-02-hd", 0.05, 0),
    ("minimax-speech-02-turbo", 0.03, 0),
    ("minimax-speech-2.6-hd", 0.10, 0),
    ("minimax-speech-2.6-turbo", 0.06, 0),
    ("elevenlabs-flash-v2", 0.05, 1000),
])
def test_speech_models_are_priced_per_thousand_characters_with_their_minimum(model_id, rate, minimum):
    model = CATALOG.get(model_id)
    assert model.operation == "text-to-speech" and model.price.source and model.price.checked
    assert model.price.rates == {"*": rate} and model.price.min_billed_chars == minimum
    short = GenerationRequest(operation="text-to-speech", prompt="Hello there.",
                              options={"voice_id": model.capabilities.options["voice_id"][0]})
    expected = rate * max(len(short.prompt), minimum) / 1000
    assert estimate(short, model).total_usd == pytest.approx(round(expected, 4))


def test_elevenlabs_short_text_is_billed_as_a_thousand_characters_and_says_so():
    model = CATALOG.get("elevenlabs-flash-v2")
    request = GenerationRequest(operation="text-to-speech", prompt="y" * 400, options={"voice_id": "Alice"})
    result = estimate(request, model)
    assert result.total_usd == pytest.approx(0.05) and result.minimum_applied
    assert result.summary == "400 characters (billed as 1,000): 1 × $0.05 per 1,000 = $0.05"


def test_avatar_models_have_a_latency_class_for_10_to_30_s_per_output_second():
    for model in CATALOG.models("avatar"):
        if model.offline:
            continue
        latency = model.latency
        assert 10 <= latency.per_output_s <= 30 and latency.max_per_output_s == 30, model.id
        assert latency.slowest_s(600) >= 600 * 30  # a 10-minute talk may take 5 hours


def test_infinitetalk_multi_sends_left_and_right_audio_and_bills_by_order():
    model = CATALOG.get("infinitetalk-multi")
    assert model.provider_model == "wavespeed-ai/infinitetalk/multi"
    assert model.capabilities.options["order"] == ["meanwhile", "left_right", "right_left"]
    request = GenerationRequest(operation="avatar", image="https://x/p.png", audio="https://x/l.wav",
                                resolution="480p", options={"right_audio": "https://x/r.wav", "order": "left_right"})
    payload = build_payload(model, request, upload=lambda path: "uploaded")
    assert payload["left_audio"] == "https://x/l.wav" and payload["right_audio"] == "https://x/r.wav"
    assert payload["order"] == "left_right" and "audio" not in payload
    missing = check(request.model_copy(update={"options": {"order": "meanwhile"}, "input_duration": 9}), model)
    assert [i.field for i in missing] == ["options.right_audio"]
    assert talk_length([20.0, 30.5], "meanwhile") == 30.5
    assert talk_length([20.0, 30.5], "left_right") == 50.5
    priced = estimate(request.model_copy(update={"input_duration": talk_length([20, 30.5], "left_right")}), model)
    assert priced.total_usd == pytest.approx(51 * 0.03)


def test_translate_face_swap_character_swap_and_sound_are_sourced():
    for model_id, operation in [("heygen-video-translate", "translate"), ("video-face-swap", "face-swap"),
                                ("wan-2.1-mocha", "character-swap"), ("hunyuan-foley", "sound"),
                                ("think-sound", "sound"), ("mirelo-sfx-v1.5", "sound")]:
        model = CATALOG.get(model_id)
        assert model.operation == operation and model.price.source.startswith("https://")
        assert model.price.checked is not None and (model.price.verified or model.price.note)


def test_voices_and_languages_are_refused_by_name():
    flash = CATALOG.get("elevenlabs-flash-v2")
    issues = check_voice(flash, "Alice", "French")
    assert [i.field for i in issues] == ["language"] and "English only" in issues[0].message
    assert check_voice(flash, "Alice", "english") == [] and language_options(flash, "English") == {}
    minimax = CATALOG.get("minimax-speech-02-hd")
    assert language_options(minimax, "french") == {"language": "French"}
    assert build_payload(minimax, GenerationRequest(operation="text-to-speech", prompt="Bonjour.",
                         options={"voice_id": "Wise_Woman", "language": "French"}),
                         upload=str)["language_boost"] == "French"
    unknown = check_voice(minimax, "Nobody", "Klingon")
    assert [i.field for i in unknown] == ["voice", "language"] and "Wise_Woman" in unknown[0].allowed


def test_offline_voice_and_avatar_draft_are_free_local_models():
    voice, draft = CATALOG.get("local-voice"), CATALOG.get("local-avatar-draft")
    assert voice.offline and voice.operation == "text-to-speech" and voice.price.unit == "free"
    assert "English" in voice.capabilities.languages and len(voice.capabilities.languages) >= 30
    assert draft.offline and draft.operation == "avatar" and draft.capabilities.duration_from == "audio"
    assert estimate(avatar("local-avatar-draft", 47), draft).total_usd == 0

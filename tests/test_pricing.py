"""Cost estimates: every catalog model prices a valid request, known prices are exact, nothing raises."""

from __future__ import annotations

import pytest

from core.capability import check, resolve_defaults
from core.catalog import load_catalog
from core.contracts import GenerationRequest, ModelSpec
from core.money.pricing import CostEstimate, estimate, format_usd, ledger_amount

CATALOG = load_catalog()


def representative(model: ModelSpec, **extra) -> GenerationRequest:
    """A request this model can honour: its required inputs, first enum choices, an 8 s input."""
    caps = model.capabilities
    files = {"image": "in.png", "audio": "in.wav", "video": "in.mp4"}
    fields: dict = {k: v for k, v in files.items() if k in caps.inputs_required}
    if "prompt" in caps.inputs_required:
        fields["prompt"] = "A red kite over a windy beach at sunset"
    options = {name: (caps.options[name] or ["in.wav"])[0]  # a free-text option here is a file
               for name in caps.inputs_required if name in caps.options}
    request = GenerationRequest(operation=model.operation, options=options, **fields)
    if caps.duration_from in ("audio", "video"):
        request = request.model_copy(update={"input_duration": 8.0})
    return resolve_defaults(request.model_copy(update=extra), model)


@pytest.mark.parametrize("model", list(CATALOG), ids=lambda m: m.id)
def test_every_model_prices_a_representative_request(model):
    request = representative(model)
    assert check(request, model) == []
    result = estimate(request, model)
    assert result.known, result.notes
    assert result.model_id == model.id and result.provider == model.provider
    assert result.verified == model.price.verified
    if model.price.unit == "free":
        assert result.total_usd == 0 and result.label == "Free"
    else:
        assert result.total_usd > 0
        labels = {d.label for d in result.drivers}
        assert {"Model", "Unit price"} <= labels
        assert result.label.startswith("≈") or model.price.verified
        assert result.basis == "exact" and result.max_usd == result.total_usd
    twice = estimate(request.model_copy(update={"variations": 2}), model)
    assert twice.total_usd == pytest.approx(2 * result.total_usd)


def _t2v(**kw) -> GenerationRequest:
    return GenerationRequest(prompt="a lighthouse", **kw)


@pytest.mark.parametrize("res, seconds, usd", [("720p", 5, 0.50), ("1080p", 10, 1.50), ("480p", 5, 0.25)])
def test_wan_text_to_video_exact(res, seconds, usd):
    result = estimate(_t2v(resolution=res, duration=seconds), CATALOG.get("wan-2.5-t2v"))
    assert result.total_usd == pytest.approx(usd)
    assert result.verified and result.unit == "per_second" and result.billed_seconds == seconds
    assert result.label == format_usd(usd)
    drivers = {d.label: d.value for d in result.drivers}
    assert drivers["Resolution"] == res and drivers["Billed seconds"] == f"{seconds} s"


def test_infinitetalk_bills_whole_seconds_of_audio_with_a_5s_minimum():
    model = CATALOG.get("infinitetalk")
    base = GenerationRequest(operation="avatar", image="p.png", audio="a.wav", resolution="480p")
    seven = estimate(base.model_copy(update={"input_duration": 7.0}), model)
    assert seven.total_usd == pytest.approx(0.21) and seven.billed_seconds == 7
    fraction = estimate(base.model_copy(update={"input_duration": 6.2}), model)
    assert fraction.billed_seconds == 7 and fraction.total_usd == pytest.approx(0.21)
    short = estimate(base.model_copy(update={"input_duration": 2.0}), model)
    assert short.total_usd == pytest.approx(0.15) and short.minimum_applied
    hd = estimate(base.model_copy(update={"input_duration": 60.0, "resolution": "720p"}), model)
    assert hd.total_usd == pytest.approx(3.60)


def test_flashvsr_4k_three_seconds_pays_the_5s_minimum():
    request = GenerationRequest(operation="upscale", video="v.mp4", resolution="4k", input_duration=3)
    result = estimate(request, CATALOG.get("flashvsr"))
    assert result.total_usd == pytest.approx(0.16)
    assert result.minimum_applied and result.billed_seconds == 5
    assert any(d.label == "Minimum" for d in result.drivers)


def test_per_block_counts_started_blocks():
    request = GenerationRequest(operation="upscale", video="v.mp4", resolution="1080p", input_duration=7)
    assert estimate(request, CATALOG.get("flashvsr")).total_usd == pytest.approx(0.18)
    avatar = GenerationRequest(operation="avatar", image="p.png", audio="a.wav", input_duration=11)
    assert estimate(avatar, CATALOG.get("hunyuan-avatar")).total_usd == pytest.approx(0.45)


def test_max_billed_caps_long_inputs():
    request = GenerationRequest(operation="character-swap", image="c.png", video="v.mp4", input_duration=300)
    result = estimate(request, CATALOG.get("wan-2.1-mocha"))
    assert result.billed_seconds == 120 and result.total_usd == pytest.approx(4.80)


def test_text_to_speech_is_priced_per_thousand_characters():
    model = CATALOG.get("minimax-speech-2.6-turbo")
    result = estimate(GenerationRequest(operation="text-to-speech", prompt="x" * 2500), model)
    assert result.total_usd == pytest.approx(0.15) and result.unit == "per_1k_chars"
    assert {d.label: d.value for d in result.drivers}["Characters"] == "2,500"


def test_variations_multiply():
    one = estimate(_t2v(resolution="720p", duration=10), CATALOG.get("wan-2.5-t2v"))
    three = estimate(_t2v(resolution="720p", duration=10, variations=3), CATALOG.get("wan-2.5-t2v"))
    assert three.per_run_usd == one.total_usd == pytest.approx(1.00)
    assert three.total_usd == pytest.approx(3.00) and three.variations == 3


def test_sound_surcharge_only_when_sound_is_on():
    veo = CATALOG.get("veo-3.1-t2v")
    loud = estimate(_t2v(duration=8, resolution="1080p"), veo)
    quiet = estimate(_t2v(duration=8, resolution="1080p", generate_audio=False), veo)
    assert loud.total_usd == pytest.approx(3.20) and quiet.total_usd == pytest.approx(1.60)
    assert any(d.label == "Audio" for d in loud.drivers)
    assert not any(d.label == "Audio" for d in quiet.drivers)


def test_per_run_and_fractions_of_a_cent():
    request = GenerationRequest(operation="prompt-optimizer", prompt="cat")
    result = estimate(request, CATALOG.get("prompt-optimizer"))
    assert result.total_usd == pytest.approx(0.001) and result.label == "$0.001"


def test_unknown_input_length_is_priced_at_the_longest_billable_length():
    request = GenerationRequest(operation="upscale", video="https://x.example/v.mp4", resolution="4k")
    result = estimate(request, CATALOG.get("flashvsr"))
    assert result.known and result.basis == "upper-bound"
    assert result.max_usd == result.total_usd == pytest.approx(120 * 0.16)  # 600 s in 5 s blocks
    talk = GenerationRequest(operation="avatar", image="p.png", audio="https://x.example/a.mp3", resolution="720p")
    bound = estimate(talk, CATALOG.get("infinitetalk"))
    assert bound.max_usd == pytest.approx(36.00) and bound.label == "up to $36.00"
    assert "600 s" in bound.notes[0]
    translate = GenerationRequest(operation="translate", video="v.mp4", options={"output_language": "German"})
    unknown = estimate(translate, CATALOG.get("heygen-video-translate"))
    assert not unknown.known and unknown.total_usd == 0 and "length of your video" in unknown.notes[0]


def test_unverified_prices_say_so():
    remover = CATALOG.get("video-background-remover")
    result = estimate(representative(remover), remover)
    assert not result.verified and result.label.startswith("≈")
    assert any("estimate" in n for n in result.notes)


def test_a_missing_rate_gives_an_unknown_estimate_not_an_error():
    model = CATALOG.get("wan-2.5-t2v")
    broken = model.model_copy(update={"price": model.price.model_copy(update={"rates": {"480p": 0.05}})})
    result = estimate(_t2v(resolution="1080p", duration=5), broken)
    assert not result.known and result.total_usd == 0 and "1080p" in result.notes[0]
    assert result.label == "Price unknown"


@pytest.mark.parametrize(
    "request_, model",
    [
        (None, None),
        ("garbage", 42),
        (GenerationRequest.model_construct(variations="many", prompt=None),
         CATALOG.get("minimax-speech-2.6-turbo")),
        (_t2v(duration=5), ModelSpec.model_construct(id="x", price=None, capabilities=None)),
        (_t2v(duration=5), CATALOG.get("wan-2.5-t2v").model_copy(
            update={"price": CATALOG.get("wan-2.5-t2v").price.model_copy(update={"unit": "per_moon"})})),
        (GenerationRequest.model_construct(duration="long", operation="text-to-video"),
         CATALOG.get("wan-2.5-t2v")),
    ],
)
def test_estimate_never_raises_on_garbage(request_, model):
    result = estimate(request_, model)
    assert isinstance(result, CostEstimate)
    assert not result.known and result.total_usd == 0 and result.notes


def test_unit_price_keeps_its_places():
    request = GenerationRequest(operation="translate", video="v.mp4", input_duration=10,
                                options={"output_language": "German"})
    result = estimate(request, CATALOG.get("heygen-video-translate"))
    assert result.total_usd == pytest.approx(0.375) and result.label == "$0.38"
    assert {d.label: d.value for d in result.drivers}["Unit price"] == "$0.0375 per second"


def test_ledger_amount_and_format():
    assert ledger_amount(0.123456) == 0.1235
    assert format_usd(1.5) == "$1.50" and format_usd(0) == "$0.00" and format_usd(1234.5) == "$1,234.50"
    assert format_usd(0.0375) == "$0.04" and format_usd(0.0015) == "$0.0015"

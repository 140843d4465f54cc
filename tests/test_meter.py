"""The cost meter's answers: a model without a key is still priced, every driver is named, the
time comes from the model's latency class, and nothing warns about a model the user never picked."""

from __future__ import annotations

from tests.helpers import OWNER

VEO = {"prompt": "a paper boat on a rainy street", "model": "veo-3.1-t2v"}


def test_a_model_without_a_key_is_priced_and_names_the_key_to_add(studio):
    est = studio.estimate(VEO, owner=OWNER)
    assert est["model"] == "veo-3.1-t2v" and est["model_name"] == "Veo 3.1"
    assert est["total_usd"] == 3.2 and est["max_usd"] == 3.2
    assert est["allowed"] is False and est["needs_key"] == "wavespeed"
    assert est["message"].startswith("Veo 3.1 would cost $3.20 - add a WaveSpeed key to run it")
    assert "WAVESPEED_API_KEY" in est["message"]
    assert [i["field"] for i in est["issues"]] == ["model"]


def test_a_hugging_face_model_names_its_own_key(studio):
    est = studio.estimate({"prompt": "a fox", "model": "hf-wan-2.2-t2v"}, owner=OWNER)
    assert est["model"] == "hf-wan-2.2-t2v" and est["needs_key"] == "huggingface"
    assert est["total_usd"] > 0 and est["allowed"] is False
    assert "Hugging Face" in est["message"] and "HF_TOKEN" in est["message"]


def test_a_configured_or_offline_model_needs_no_key(studio):
    est = studio.estimate({"prompt": "a fox", "model": "auto"}, owner=OWNER)
    assert est["allowed"] and est["needs_key"] is None and est["model"] == "local-draft-t2v"
    assert not est["issues"]


def test_every_driver_is_in_the_breakdown_with_a_time_from_the_latency_class(studio):
    est = studio.estimate({**VEO, "duration": 8, "resolution": "1080p", "aspect": "9:16", "variations": 2,
                           "quality": "premium"}, owner=OWNER)
    drivers = {d["label"]: d["value"] for d in est["breakdown"]}
    for label in ("Model", "Duration", "Resolution", "Aspect", "Sound", "Variations", "Quality", "Unit price"):
        assert label in drivers, (label, drivers)
    assert drivers["Duration"] == "8 s" and drivers["Aspect"] == "9:16" and drivers["Variations"] == "× 2"
    assert drivers["Sound"] == "on" and drivers["Quality"] == "premium"
    model = studio.catalog.get("veo-3.1-t2v")
    assert est["expected_s"] == round(model.latency.expected_s(8))
    assert est["total_usd"] == 6.4


def test_image_to_video_never_says_choose_auto_for_a_control_without_auto(studio):
    for model in studio.catalog.models(operation="image-to-video"):
        est = studio.estimate({"operation": "image-to-video", "model": model.id, "aspect": "16:9"}, owner=OWNER)
        for issue in (i for i in est["issues"] if i["field"] == "aspect"):
            assert "auto" not in issue["message"].lower(), (model.id, issue)


def test_first_load_names_no_model_the_user_did_not_pick(studio):
    from studios.create import DEFAULTS, build_request

    est = studio.estimate(build_request(*DEFAULTS), owner=OWNER)
    text = " ".join(i["message"] for i in est["issues"]) + " ".join(est["notes"])
    for model in studio.catalog.models(operation="text-to-video"):
        if model.id != est["model"]:
            assert model.name not in text, text


def test_meters_without_a_price_line_of_their_own_lead_with_the_price_and_model(studio, clip_factory):
    """The AI-edit box (Edit, Enhance, Transform) and the Avatar tab have no 'Cost | Time' line beside
    their button: their meter itself starts with the price and the model."""
    from studios.common import ai_box  # noqa: F401  (the box's meter is this function)
    import studios.common as common
    from studios.meter import priced_meter

    assert common.cost_meter is priced_meter
    est = studio.estimate(VEO, owner=OWNER)
    html = priced_meter(est)
    assert html.index("$3.20") < html.index("<table>") and "Veo 3.1" in html
    assert "Free" in priced_meter(studio.estimate({"prompt": "a fox", "model": "auto"}, owner=OWNER))

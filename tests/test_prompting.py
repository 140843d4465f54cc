"""Templates, motion presets and the offline prompt enhancer."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, NotFound
from core.prompting import BASE_NEGATIVE, PHOTO_SUBJECT, cue_kind, cue_kinds, enhance_offline
from core.templates import (
    ASPECTS,
    get_template,
    load_camera_moves,
    load_motion_presets,
    load_templates,
    resolve_motion,
)


def test_shipped_templates_are_complete():
    templates = load_templates()
    assert len(templates) >= 6
    for required in ("social-short", "product-hero", "explainer", "cinematic", "tutorial", "testimonial",
                     "announcement"):
        assert required in templates
    for template in templates.values():
        assert template.scaffold.startswith("{subject}") and template.cues
        assert template.aspect in ASPECTS and template.fps in (24, 30) and template.duration > 0
        assert template.negative_prompt and template.description
        assert len(template.card.background) >= 2
        assert template.motion in load_motion_presets()


def test_unknown_template_lists_the_ids_that_exist():
    with pytest.raises(NotFound) as caught:
        get_template("vlog-of-doom")
    assert "vlog-of-doom" in caught.value.message
    assert "product-hero" in caught.value.hint and "cinematic" in caught.value.hint


def test_broken_template_file_names_the_entry_and_field(tmp_path):
    bad = tmp_path / "templates.toml"
    bad.write_text('[templates.oops]\nname = "Oops"\ndescription = "d"\nscaffold = "no subject here"\n'
                   'duration = 5\naspect = "16:9"\n[templates.oops.card]\n'
                   'background = ["#000000", "#ffffff"]\n'
                   'accent = "#123456"\ntext = "white"\n')
    with pytest.raises(InvalidInput) as caught:
        load_templates(bad)
    assert "'oops'" in caught.value.message and "scaffold" in caught.value.message


def test_motion_presets_grow_from_subtle_to_dynamic():
    presets = load_motion_presets()
    assert list(presets) == ["subtle", "medium", "dynamic"]
    assert presets["subtle"].zoom < presets["medium"].zoom < presets["dynamic"].zoom
    assert presets["subtle"].pan < presets["medium"].pan < presets["dynamic"].pan
    moves = load_camera_moves()
    for name in ("push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "ken-burns"):
        assert name in moves and not moves[name].still


@pytest.mark.parametrize(("motion", "camera", "expected"), [
    (None, None, ("medium", "ken-burns")),
    ("subtle", None, ("subtle", "push-in")),
    ("pan-left", None, ("medium", "pan-left")),
    ("dynamic", "tilt-up", ("dynamic", "tilt-up")),
    (" Dynamic ", None, ("dynamic", "ken-burns")),
])
def test_resolve_motion(motion, camera, expected):
    preset, move = resolve_motion(motion, camera)
    assert (preset.id, move.id) == expected


def test_resolve_motion_unknown_name_lists_choices():
    with pytest.raises(NotFound) as caught:
        resolve_motion("wobble")
    assert "subtle" in caught.value.hint and "ken-burns" in caught.value.hint


def test_template_scaffold_fills_after_the_users_words():
    result = enhance_offline("  A glass perfume   bottle with a gold cap. ", "product-hero")
    assert result.text == ("A glass perfume bottle with a gold cap, close-up product shot on a seamless "
                           "backdrop, soft studio lighting, slow turntable camera move, crisp detail")
    assert result.source == "offline template" and result.template_id == "product-hero"
    assert any("not an AI model" in note for note in result.notes)


def test_cues_are_added_only_when_the_prompt_lacks_them():
    result = enhance_offline("a fox running through snow, neon lighting, drone shot", "cinematic")
    assert result.text.startswith("a fox running through snow, neon lighting, drone shot")
    assert "golden hour" not in result.text        # the prompt already has lighting
    assert "dolly" not in result.text               # ... and a camera
    assert "wide shot" not in result.text           # ... and framing
    assert "subtle film grain" in result.text and "graded colour" in result.text  # style is added
    assert any("Kept your own lighting" in note for note in result.notes)


def test_default_cues_without_a_template_depend_on_the_operation():
    t2v = enhance_offline("a lighthouse in a storm")
    i2v = enhance_offline("the waves crash", operation="image-to-video")
    assert t2v.text.startswith("a lighthouse in a storm, ") and "lighting" in t2v.text
    assert i2v.text.startswith("the waves crash, ") and "faithful to the photo" in i2v.text
    assert enhance_offline("make it sharper", operation="upscale").text == "make it sharper"


def test_enhancer_is_deterministic():
    first = enhance_offline("a red kite over a beach", "social-short", negative_prompt="people")
    assert enhance_offline("a red kite over a beach", "social-short", negative_prompt="people") == first


def test_length_cap_keeps_user_words_first_and_notes_the_cut():
    long_prompt = " ".join(["a very detailed description of a lively harbour at sunset"] * 20)
    result = enhance_offline(long_prompt, "cinematic", max_chars=300)
    assert len(result.text) <= 300
    assert result.text.startswith("a very detailed description of a lively harbour")
    assert any("cut at a word boundary" in note for note in result.notes)
    roomy = enhance_offline("a kite", "cinematic", max_chars=60)
    assert len(roomy.text) <= 60 and roomy.text.startswith("a kite, ")
    assert any("to stay under 60 characters" in note for note in roomy.notes)


def test_empty_prompt():
    with pytest.raises(InvalidInput) as caught:
        enhance_offline("   ")
    assert caught.value.hint
    result = enhance_offline("", "product-hero", operation="image-to-video")
    assert result.text.startswith(PHOTO_SUBJECT)


def test_negative_prompt_merges_user_template_and_base_without_repeats():
    result = enhance_offline("a sneaker", "product-hero", negative_prompt="Blurry, text")
    phrases = [p.strip() for p in result.negative_prompt.split(",")]
    assert phrases[:2] == ["Blurry", "text"]
    assert "warped logo" in phrases
    assert len({p.lower() for p in phrases}) == len(phrases)
    assert all(p.strip() in result.negative_prompt for p in BASE_NEGATIVE.split(",") if p.strip() != "blurry")


def test_cue_detection():
    every_kind = {"camera", "framing", "lighting", "motion"}
    assert cue_kinds("slow dolly shot at golden hour, leaves drifting") == every_kind
    assert cue_kinds("a cat") == set()
    assert cue_kind("medium close-up of a person facing the camera") == "framing"
    assert cue_kind("slow turntable camera move") == "camera"
    assert cue_kind("graded colour") == "style"
    assert cue_kinds("worldwide delight") == set()  # whole words only

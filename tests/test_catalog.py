"""The model catalog: it loads, every entry is coherent, and a broken file gives a clear error."""

from __future__ import annotations

from datetime import date

import pytest

from core.catalog import Catalog, CatalogError, check_spec, load_catalog
from core.contracts import Operation
from core.errors import NotFound

SEED_MODELS = {
    "alibaba/wan-2.5/text-to-video": "text-to-video",
    "alibaba/wan-2.5/image-to-video": "image-to-video",
    "alibaba/wan-2.5/video-extend": "extend",
    "wavespeed-ai/hunyuan-video-1.5/text-to-video": "text-to-video",
    "wavespeed-ai/hunyuan-video-1.5/image-to-video": "image-to-video",
    "lightricks/ltx-2-pro/text-to-video": "text-to-video",
    "lightricks/ltx-2-pro/image-to-video": "image-to-video",
    "lightricks/ltx-2-fast/text-to-video": "text-to-video",
    "lightricks/ltx-2-fast/image-to-video": "image-to-video",
    "lightricks/ltx-2-retake": "retake",
    "wavespeed-ai/kandinsky5-pro/image-to-video": "image-to-video",
    "google/veo3.1/text-to-video": "text-to-video",
    "google/veo3.1/image-to-video": "image-to-video",
    "wavespeed-ai/hunyuan-avatar": "avatar",
    "wavespeed-ai/infinitetalk": "avatar",
    "wavespeed-ai/wan-2.1/mocha": "character-swap",
    "wavespeed-ai/video-face-swap": "face-swap",
    "wavespeed-ai/wan-2.1/ditto": "restyle",
    "wavespeed-ai/wan-2.1/synthetic-to-real-ditto": "restyle",
    "decart/lucy-edit-pro": "instruction-edit",
    "mirelo-ai/sfx-v1.5/video-to-video": "sound",
    "wavespeed-ai/hunyuan-video-foley": "sound",
    "wavespeed-ai/think-sound": "sound",
    "heygen/video-translate": "translate",
    "wavespeed-ai/flashvsr": "upscale",
    "wavespeed-ai/video-background-remover": "background-removal",
    "wavespeed-ai/video-outpainter": "outpaint",
    "wavespeed-ai/prompt-optimizer": "prompt-optimizer",
    "minimax/speech-2.6-turbo": "text-to-speech",
    "wavespeed-ai/molmo2/video-captioner": "captioning",
    "wavespeed-ai/molmo2/image-captioner": "captioning",
}


CHECKED = (date(2026, 8, 21), date(2026, 11, 28))  # the reference notes' date; the captioners' pages


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_every_seed_model_is_in_the_catalog_with_its_operation(catalog):
    served = {(m.provider_model, m.operation.value) for m in catalog.models(provider="wavespeed")}
    missing = {pm: op for pm, op in SEED_MODELS.items() if (pm, op) not in served}
    assert not missing


def test_every_operation_has_a_model_and_providers_are_known(catalog):
    assert set(catalog.operations()) == set(Operation)
    assert catalog.providers() == ["huggingface", "local", "wavespeed"]
    hf = catalog.models(provider="huggingface")
    assert {m.operation for m in hf} == {Operation.TEXT_TO_VIDEO, Operation.IMAGE_TO_VIDEO}


def test_entries_pass_the_cross_checks(catalog):
    assert [p for m in catalog for p in check_spec(m)] == []
    assert len(set(catalog.ids())) == len(catalog)


def test_paid_prices_carry_date_source_and_unverified_ones_a_note(catalog):
    for model in catalog:
        price = model.price
        if price.unit == "free":
            continue
        assert price.checked in CHECKED, model.id
        assert price.source.startswith("https://"), model.id
        if not price.verified:
            assert price.note, model.id
    remover = catalog.get("video-background-remover")
    assert remover.price.verified is False and "UNVERIFIED" in remover.price.note


def test_local_models_are_offline_free_drafts(catalog):
    local = {m.id: m for m in catalog.models(provider="local")}
    assert set(local) == {"local-draft-t2v", "local-draft-i2v", "local-prompt-enhancer", "local-voice",
                          "local-avatar-draft"}
    for model in local.values():
        assert model.offline and model.price.unit == "free" and model.tier == "draft"
    i2v = local["local-draft-i2v"].capabilities
    assert i2v.audio_in and i2v.min_duration == 2 and i2v.max_duration == 20
    assert set(i2v.aspects) == {"16:9", "9:16", "1:1", "4:5", "21:9"}
    assert i2v.resolutions == ["480p", "720p", "1080p"]


def test_wire_differences_are_data(catalog):
    wan = catalog.get("wan-2.5-t2v").wire
    assert wan.size == "size_star" and wan.sizes["9:16"]["720p"] == "720*1280"
    assert catalog.get("wan-2.5-i2v").wire.size == "resolution"
    assert catalog.get("veo-3.1-t2v").wire.size == "aspect_and_resolution"
    assert catalog.get("kandinsky-5-pro-i2v").wire.field_names == {"image": "image_url"}
    assert catalog.get("flashvsr").wire.field_names == {"resolution": "target_resolution"}
    assert catalog.get("video-face-swap").wire.field_names == {"image": "face_image"}
    ditto = catalog.get("wan-2.1-ditto")
    assert ditto.wire.field_names == {"style": "prompt"} and "Ghibli" in ditto.capabilities.options["style"]
    assert "output_language" in catalog.get("heygen-video-translate").capabilities.options


def test_descriptions_speak_to_creators(catalog):
    for model in catalog:
        assert 20 <= len(model.description) <= 160, model.id
        assert "API" not in model.description and "endpoint" not in model.description, model.id


def test_lookup_and_filters(catalog):
    assert catalog.get("flashvsr").operation == Operation.UPSCALE
    with pytest.raises(NotFound) as err:
        catalog.get("no-such-model")
    assert "flashvsr" in err.value.hint
    t2v = catalog.models(operation=Operation.TEXT_TO_VIDEO)
    assert t2v and all(m.operation == Operation.TEXT_TO_VIDEO for m in t2v)
    assert catalog.models(operation="upscale", provider="local") == []
    assert "wan-2.5-t2v" in catalog


def test_load_is_cached(catalog):
    assert load_catalog() is catalog


GOOD = """
[[models]]
id = "m1"
provider = "p"
provider_model = "x/y"
operation = "text-to-video"
name = "M"
description = "A model for testing."
tier = "standard"
[models.capabilities]
durations = [5]
[models.price]
unit = "per_second"
rates = { "*" = 0.1 }
verified = true
checked = 2026-08-21
source = "https://example.test"
"""


@pytest.mark.parametrize(
    "text, words",
    [
        ("[[models]\nid=", "not valid TOML"),
        ("title = 'no models'", "no [[models]]"),
        (GOOD.replace('operation = "text-to-video"', 'operation = "teleport"'), "operation"),
        (GOOD.replace('tier = "standard"\n', ""), "tier"),
        (GOOD + GOOD, "id used twice"),
        (GOOD.replace('source = "https://example.test"', ""), "source URL"),
        (GOOD.replace("durations = [5]", 'resolutions = ["720p"]\ndurations = [5]').replace('"*"', '"480p"'),
         "no price rate"),
    ],
)
def test_bad_files_raise_a_clear_catalog_error(tmp_path, text, words):
    path = tmp_path / "models.toml"
    path.write_text(text)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert words in str(err.value)


def test_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "absent.toml")


def test_a_good_custom_file_loads(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text(GOOD)
    assert load_catalog(path).ids() == ["m1"]

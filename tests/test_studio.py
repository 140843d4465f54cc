"""The facade end to end with no keys: preflight, offline drafts into the library, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.media.probe import probe
from core.errors import InvalidInput
from tests.helpers import OWNER, wait_for_job


def test_no_keys_only_local_is_configured(studio):
    assert studio.configured_providers() == {"local"}
    status = {row["provider"]: row for row in studio.provider_status()}
    assert status["wavespeed"]["configured"] is False and status["local"]["free"] is True


def test_offline_vertical_draft_lands_in_library(studio):
    request = {"operation": "text-to-video", "prompt": "A lighthouse at dawn, waves below",
               "aspect": "9:16", "resolution": "1080p", "duration": 5, "platform": "instagram_reels"}
    est = studio.estimate(request, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["offline"] and est["total_usd"] == 0 and est["provider"] == "local"
    answer = studio.create(request, owner=OWNER)
    assert answer["ok"] and len(answer["job_ids"]) == 1
    job = wait_for_job(studio, answer["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    asset = studio.asset(job["asset_id"], owner=OWNER)
    info = probe(asset["path"])
    assert (info.width, info.height) == (1080, 1920)
    assert info.duration_s == pytest.approx(5.0, abs=0.1)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p" and info.faststart and info.bt709
    assert asset["operation"] == "text-to-video" and asset["cost"] == 0
    assert [a["id"] for a in studio.assets(owner=OWNER)] == [asset["id"]]
    assert studio.ledger_summary(owner=OWNER)["month_spend_usd"] == 0


def test_variations_make_one_job_each(studio):
    answer = studio.create({"prompt": "paper boats", "aspect": "1:1", "resolution": "480p",
                            "duration": 2, "variations": 2, "seed": 7}, owner=OWNER)
    assert answer["ok"] and len(answer["job_ids"]) == 2
    views = [wait_for_job(studio, j) for j in answer["job_ids"]]
    assert {v["status"] for v in views} == {"succeeded"}
    seeds = {studio.asset(v["asset_id"], owner=OWNER)["settings"]["seed"] for v in views}
    assert seeds == {7, 8}


def test_image_to_video_with_audio(studio, tmp_path, clip_factory):
    photo = tmp_path / "photo.png"
    Image.new("RGBA", (640, 480), (200, 40, 40, 128)).save(photo)
    audio = clip_factory("voice.m4a", seconds=3)
    image_id = studio.import_media(photo, owner=OWNER)["id"]
    audio_id = studio.import_media(audio, owner=OWNER)["id"]
    answer = studio.create({"operation": "image-to-video", "image": image_id, "audio": audio_id,
                            "aspect": "16:9", "resolution": "480p", "duration": 2, "motion": "dynamic"}, owner=OWNER)
    assert answer["ok"], answer["issues"]
    job = wait_for_job(studio, answer["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    info = probe(studio.asset(job["asset_id"], owner=OWNER)["path"])
    assert (info.width, info.height) == (854, 480) and info.has_audio
    assert info.duration_s == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("request_, field", [
    ({"prompt": ""}, "prompt"),
    ({"prompt": "x" * 6000}, "prompt"),
    ({"prompt": "ok", "platform": "instagram_reels", "aspect": "16:9"}, "aspect"),
    ({"prompt": "ok", "model": "wan-2.5-t2v", "duration": 7}, "duration"),
])
def test_bad_requests_are_refused_with_reasons(studio, request_, field):
    answer = studio.create(request_, owner=OWNER)
    assert not answer["ok"] and answer["job_ids"] == []
    assert field in {i["field"] for i in answer["issues"]}, answer["issues"]
    assert all(i["message"] for i in answer["issues"])
    assert studio.job_list(owner=OWNER) == []


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n\x00\x00broken"])
def test_bad_images_are_refused(studio, tmp_path, content):
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    if not content:  # an empty upload never becomes an asset
        with pytest.raises(InvalidInput):
            studio.import_media(bad, owner=OWNER)
        return
    answer = studio.create({"operation": "image-to-video", "image": studio.import_media(bad, owner=OWNER)["id"],
                            "aspect": "16:9", "resolution": "480p", "duration": 2}, owner=OWNER)
    assert not answer["ok"]
    assert [i for i in answer["issues"] if i["field"] == "image"]


def test_huge_cmyk_image_is_normalised(studio, tmp_path):
    big = tmp_path / "wide.jpg"
    Image.new("CMYK", (10000, 400), (0, 120, 120, 0)).save(big)
    request = {"operation": "image-to-video", "image": studio.import_media(big, owner=OWNER)["id"],
               "aspect": "16:9", "resolution": "480p", "duration": 2}
    est = studio.estimate(request, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["request"]["image"] == request["image"]  # echoed as the asset id, never a server path
    service = studio.create_service
    prepared = Path(service.preflight(service.intake(request, OWNER), OWNER).request.image)
    with Image.open(prepared) as img:
        assert img.mode == "RGB" and max(img.size) <= 4096


def test_unknown_model_and_bad_shape(studio):
    answer = studio.create({"prompt": "x", "model": "no-such-model"}, owner=OWNER)
    assert not answer["ok"] and answer["issues"][0]["field"] == "model"
    answer = studio.create({"prompt": "x", "variations": 9}, owner=OWNER)
    assert not answer["ok"]


def test_paid_model_without_key_is_refused_not_sent(studio):
    answer = studio.create({"prompt": "a fox", "model": "wan-2.5-t2v", "aspect": "16:9",
                            "resolution": "720p", "duration": 5}, owner=OWNER)
    assert not answer["ok"] and not answer["job_ids"] and answer["needs_key"] == "wavespeed"
    assert any("add a WaveSpeed key" in i["message"] for i in answer["issues"]), answer["issues"]


def test_offline_prompt_enhancement_is_free_and_labelled(studio):
    assert "offline" in studio.prompts.label() and "free" in studio.prompts.label()
    result = studio.enhance_prompt({"prompt": "a fox crossing a frozen river", "template": "cinematic"},
                                   owner=OWNER)
    assert result["source"] == "offline template" and result["cost_usd"] == 0
    assert "fox crossing a frozen river" in result["prompt"] and len(result["prompt"]) > 40
    assert studio.ledger.entries("local") == []

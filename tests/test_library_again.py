""""Use these settings again": the exact request that made an asset (found again by its reuse key)."""

from __future__ import annotations

import pytest
from PIL import Image

from core.errors import InvalidInput, NotFound
from tests.helpers import OWNER, edit_apply, wait_for_job


def test_a_generated_asset_gives_back_the_exact_request_that_made_it(studio, tmp_path):
    Image.new("RGB", (640, 360), (30, 90, 160)).save(tmp_path / "sea.png")
    photo = studio.import_media(tmp_path / "sea.png", owner=OWNER)["id"]
    asked = {"operation": "image-to-video", "image": photo, "prompt": "waves roll in", "aspect": "16:9",
             "resolution": "480p", "duration": 2, "seed": 40, "variations": 2, "quality": "draft"}
    run = studio.create(asked, owner=OWNER)
    jobs = [wait_for_job(studio, j) for j in run["job_ids"]]
    assert all(j["status"] == "succeeded" for j in jobs), [j["error"] for j in jobs]
    second = jobs[1]["asset_id"]

    again = studio.settings_again({"asset_id": second}, owner=OWNER)
    assert again["studio"] == "create"
    request = again["request"]
    assert request["image"] == photo and request["seed"] == 41 and request["variations"] == 1
    assert request["model"] == studio.asset(second, owner=OWNER)["model"] and request["prompt"] == "waves roll in"
    assert studio.find_reuse(request, owner=OWNER)["asset_id"] == second  # the very request that made it
    with pytest.raises(NotFound):
        studio.settings_again(second, owner="bob")


def test_an_edit_gives_back_its_source_and_ops_and_an_import_has_none(studio, clip_factory):
    clip = studio.import_media(clip_factory("c.mp4", seconds=1), owner=OWNER)["id"]
    ops = [{"kind": "trim", "start": 0.0, "end": 0.5}, {"kind": "speed", "factor": 2.0}]
    job = wait_for_job(studio, edit_apply(studio, clip, ops))
    assert job["status"] == "succeeded", job["error"]
    again = studio.settings_again(job["asset_id"], owner=OWNER)
    assert again["studio"] == "edit" and again["asset_id"] == clip
    assert [op["kind"] for op in again["ops"]] == ["trim", "speed"] and again["ops"][1]["factor"] == 2.0
    with pytest.raises(InvalidInput, match="not made from settings"):
        studio.settings_again(clip, owner=OWNER)


def test_an_avatar_gives_back_the_avatar_request_it_came_from(studio, tmp_path):
    Image.new("RGB", (480, 600), (190, 150, 130)).save(tmp_path / "face.png")
    face = studio.import_media(tmp_path / "face.png", owner=OWNER)["id"]
    asked = {"photo_id": face, "script": "Hello from the harbour.", "captions": "off", "emotion": "happy"}
    run = studio.avatar(asked, owner=OWNER)
    voice, avatar = [wait_for_job(studio, j) for j in run["job_ids"]]
    assert avatar["status"] == "succeeded", avatar["error"]
    for made in (avatar["asset_id"], voice["asset_id"]):  # the talking video and its voice
        again = studio.settings_again({"asset_id": made}, owner=OWNER)
        assert again["studio"] == "avatar"
        assert {k: again["request"][k] for k in asked} == asked
        assert "confirm_usd" not in again["request"]
    rerun = studio.avatar({**again["request"], "estimate_only": True}, owner=OWNER)
    assert rerun["allowed"], rerun["issues"]  # sent back to /avatar as it is


@pytest.mark.parametrize("values", [("1080", "60", 2.0, 0.5, "Vivid", "Best"),
                                    ("720", "30", 0.0, 0.3, "HDR look (a look, not HDR mastering)", "Quick")])
def test_enhance_settings_come_back_from_their_ops(values):
    from studios.enhance import build_ops, ops_values

    assert ops_values(build_ops(*values)) == list(values)


@pytest.mark.parametrize("values", [
    ("MP4 - H.265", 28, 0, "9:16", "Pad with a blurred fill", 0.3, 0.7, "720", 1.5, "Medium (480 px, 12.5 fps)"),
    ("GIF", 22, 2.0, "keep", "Crop (choose the focus)", 0.5, 0.5, "keep", 1.0, "Small (320 px, 10 fps)"),
    ("WebM - VP9 + Opus", 30, 0, "1:1", "Letterbox", 0.5, 0.5, "480", 0.5, "Medium (480 px, 12.5 fps)")])
def test_transform_settings_come_back_from_their_ops(values):
    from studios.transform import build_ops, ops_values

    assert ops_values(build_ops(*values)) == list(values)

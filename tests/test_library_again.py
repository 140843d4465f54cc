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

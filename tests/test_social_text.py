"""Text burned in by an Edit step is known from the asset's lineage: the pack warns, per platform,
where it falls under that platform's buttons, and that platform's check fails with the reason."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.helpers import OWNER, edit_apply, social_pack, wait_for_job

SRT = "1\n00:00:00,000 --> 00:00:03,000\nDay one in Lisbon\n"


@pytest.fixture
def vertical(studio, clip_factory):
    clip = clip_factory("tall.mp4", seconds=3.2, size="270x480", rate=25)
    return studio.import_media(clip, title="tall", owner=OWNER)


def edited(studio, source, ops) -> dict:
    job = wait_for_job(studio, edit_apply(studio, source["id"], ops, owner=OWNER))
    assert job["status"] == "succeeded", job["error"]
    return studio.asset(job["asset_id"], owner=OWNER)


def test_a_caption_under_the_buttons_fails_that_platforms_check(studio, vertical):
    captioned = edited(studio, vertical, [{"kind": "trim", "start": 0.1}, {"kind": "captions", "srt": SRT}])
    options = {"platforms": ["instagram_reels", "youtube_shorts", "linkedin_square"], "size": "source"}
    plan = {row["platform"]: row for row in studio.social.plan(captioned["id"], options, owner=OWNER)}
    assert any("Day one in Lisbon" in w and "Instagram Reels" in w for w in plan["instagram_reels"]["warnings"])
    assert any("bottom 35%" in w for w in plan["instagram_reels"]["warnings"])
    assert not any("Day one" in w for w in plan["linkedin_square"]["warnings"])  # the square crop drops it

    job = wait_for_job(studio, social_pack(studio, captioned["id"], options, owner=OWNER), timeout=240)
    assert job["status"] == "succeeded", job["error"]
    result = studio.social.result(job["id"], owner=OWNER)
    with zipfile.ZipFile(result["zip"]) as archive:
        entries = {e["platform"]: e for e in json.loads(archive.read("manifest.json"))["platforms"]}
    for platform, name in (("instagram_reels", "Instagram Reels"), ("youtube_shorts", "YouTube Shorts")):
        check = {c["name"]: c for c in entries[platform]["checks"]}["burned-in text"]
        assert not check["passed"] and "Day one in Lisbon" in check["reason"] and name in check["reason"]
        assert not entries[platform]["passed"]
    assert "burned-in text" not in {c["name"] for c in entries["linkedin_square"]["checks"]}
    assert entries["linkedin_square"]["passed"] and not result["all_passed"]


def test_text_clear_of_the_buttons_passes(studio, vertical):
    titled = edited(studio, vertical, [{"kind": "text", "text": "Day one", "position": "center"}])
    options = {"platforms": ["instagram_reels", "tiktok"], "size": "source"}
    rows = studio.social.plan(titled["id"], options, owner=OWNER)
    assert not any("Day one" in w for row in rows for w in row["warnings"]), rows
    job = wait_for_job(studio, social_pack(studio, titled["id"], options, owner=OWNER), timeout=240)
    result = studio.social.result(job["id"], owner=OWNER)
    for entry in result["manifest"]["platforms"]:
        check = {c["name"]: c for c in entry["checks"]}["burned-in text"]
        assert check["passed"], check
    assert result["all_passed"]


def test_a_crop_that_cuts_through_text_is_reported(studio, clip_factory):
    wide = studio.import_media(clip_factory("wide.mp4", seconds=3.2, size="640x360", rate=25), title="wide",
                               owner=OWNER)
    titled = edited(studio, wide, [{"kind": "text", "text": "A long title across the whole frame",
                                    "position": "center"}])
    plan = {row["platform"]: row for row in studio.social.plan(
        titled["id"], {"platforms": ["tiktok", "youtube"], "size": "source"}, owner=OWNER)}
    assert any("crop cuts through 'A long title" in w for w in plan["tiktok"]["warnings"])
    assert not any("title" in w for w in plan["youtube"]["warnings"])  # same shape: scaled, the title stays whole


def test_burned_text_is_not_a_client_option(studio, vertical):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        studio.social.plan(vertical["id"], {"platforms": ["tiktok"], "burned_text": []}, owner=OWNER)
    assert "burned_text" in str(err.value)

"""What a creator reads of a pack: platforms chosen for the video's shape, one row and one player
per platform, and every check in plain words."""

from __future__ import annotations

import json
import re

import pytest

from core.platforms import suggested_platforms
from studios.pack_view import plan_html, results_html
from tests.helpers import OWNER, edit_apply, social_pack, wait_for_job

ENGINEER_WORDS = ("moov", "mdat", "GOP", "mov,mp4", "m4a", "yuv420p", "pix_fmt", "kbps", "elst", "<=")


@pytest.mark.parametrize("size, expected", [
    ((540, 960), ["instagram_reels", "tiktok", "youtube_shorts"]),
    ((1920, 1080), ["youtube", "linkedin_landscape", "x"]),
    ((1080, 1080), ["linkedin_square"]),
    ((1080, 1350), ["linkedin_portrait"]),
    ((720, 1280), ["instagram_reels", "tiktok", "youtube_shorts"]),
    ((2560, 1080), ["youtube", "linkedin_landscape", "x"]),  # 21:9: the nearest shape
])
def test_platforms_are_suggested_for_the_source_shape(size, expected):
    assert suggested_platforms(*size) == expected


@pytest.fixture
def pack(studio, clip_factory):
    clip = clip_factory("tall.mp4", seconds=3.2, size="270x480", rate=25)
    source = studio.import_media(clip, title="tall", owner=OWNER)
    platforms = studio.social.suggested(source["id"], owner=OWNER)
    title = [{"kind": "text", "text": "Day one"}]
    captioned = wait_for_job(studio, edit_apply(studio, source["id"], title, owner=OWNER))
    options = {"platforms": [*platforms, "x"], "size": "source"}
    job = wait_for_job(studio, social_pack(studio, captioned["asset_id"], options, owner=OWNER), timeout=240)
    assert job["status"] == "succeeded", job["error"]
    result = studio.social.result(job["id"], owner=OWNER)
    files = {p: studio.asset(a, owner=OWNER) for p, a in result["assets"].items()}
    return result, files


def test_results_are_one_row_and_one_player_per_platform_in_plain_words(pack):
    result, files = pack
    html = results_html(result, files)
    platforms = [e["platform"] for e in result["manifest"]["platforms"]]
    assert platforms == ["instagram_reels", "tiktok", "youtube_shorts", "x"]
    assert re.findall(r"class='vs-pack-row' data-platform='(\w+)'", html) == platforms
    assert re.findall(r"class='vs-pack-player' data-platform='(\w+)'", html) == platforms
    for platform in platforms:  # each player plays that platform's own file, with its cover as poster
        assert f"src='/gradio_api/file={files[platform]['path']}'" in html
    assert html.index("vs-pack-players") < html.index("vs-pack-table")  # players first, then the rows
    assert html.count("<details>") == len(platforms)  # the checks are folded away
    checks_text = json.dumps([c for e in result["manifest"]["platforms"] for c in e["checks"]
                              ], ensure_ascii=False)
    for word in ENGINEER_WORDS:
        assert word not in html, word
        assert word not in json.dumps([(c["label"], c["expected"], c["actual"], c["reason"])
                                       for e in result["manifest"]["platforms"] for c in e["checks"]]), word
    assert "Plays while downloading" in html and checks_text
    # the Edit caption sits under the vertical apps' buttons: those rows say why, unfolded
    assert "need attention" in html and "Text clear of the app&#x27;s buttons" in html
    assert "Day one" in html.split("<details>")[0]


def test_plan_rows_name_the_size_and_what_a_crop_keeps(studio, clip_factory):
    source = studio.import_media(clip_factory("tall.mp4", seconds=3.2, size="270x480", rate=25), owner=OWNER)
    platforms = [*studio.social.suggested(source["id"], owner=OWNER), "x"]
    html = plan_html(studio.social.plan(source["id"], {"platforms": platforms}, owner=OWNER))
    assert html.count("vs-plan-row") == 4
    assert "<b>Instagram Reels</b>: 1080x1920" in html and "upscaled from 270x480" in html
    assert "keeping 32% of the frame" in html  # X crops 9:16 to 16:9
    assert "Same file as TikTok and YouTube Shorts" in html

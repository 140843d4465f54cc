"""AI tags: a captioning model (played by the loopback fake vendor, never a real paid request) describes
an asset; the run is priced from the probed length, confirmed, reserved and settled like every paid run,
and its words land on the asset as AI tags."""

from __future__ import annotations

import pytest
from PIL import Image

from core.errors import InvalidInput, NotFound
from core.library.ai_tags import keywords
from studios.library_view import details_html
from tests.helpers import OWNER, wait_for_job

CAPTION = ("A red kite flies over golden sand dunes at noon. The kite loops above the dunes while a child "
           "runs along the ridge, holding the kite string.")
VIDEO_CAPTIONER = "wavespeed-ai/molmo2/video-captioner"


def test_keywords_are_the_captions_content_words_most_frequent_first():
    assert keywords(CAPTION)[:3] == ["kite", "dunes", "red"]
    assert not {"the", "while", "along", "video", "shows"} & set(keywords(CAPTION + " The video shows it."))
    assert len(keywords(" ".join(f"word{n}x" for n in range(40)))) <= 8
    assert keywords("") == []


@pytest.fixture
def tagged(paid_studio, vendor, clip_factory):
    studio, fake = paid_studio, vendor[1]
    fake.behave(VIDEO_CAPTIONER, steps=["created", "processing", "completed"], outputs="text", text=CAPTION)
    clip = studio.import_media(clip_factory("dunes.mp4", seconds=6, size="320x240"), owner=OWNER,
                               title="Dunes")["id"]
    return studio, fake, clip


def test_a_video_is_tagged_through_the_money_path_and_its_words_become_ai_tags(tagged):
    studio, fake, clip = tagged
    est = studio.ai_tag({"asset_id": clip, "estimate_only": True}, owner=OWNER)
    assert est["allowed"] and est["model"] == "molmo2-video-captioner"
    assert est["total_usd"] == pytest.approx(0.01) and est["price_basis"] == "exact"  # 6 s -> two 5 s blocks
    assert sum(fake.submits.values()) == 0 and studio.ledger.entries(OWNER) == []

    run = studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01}, owner=OWNER)
    assert run["ok"], run
    done = wait_for_job(studio, run["job_ids"][0])
    assert done["status"] == "succeeded", done["error"]
    assert fake.submits[VIDEO_CAPTIONER] == 1
    [sent] = [r.json for r in fake.requests if r.method == "POST" and r.path.endswith(VIDEO_CAPTIONER)]
    assert sent["detail_level"] == "low" and sent["video"]

    asset = studio.asset(clip, owner=OWNER)
    assert {"kite", "dunes"} <= set(asset["tags"]) and "upload" in asset["tags"]  # facts stay
    ai = studio.library.get(clip, OWNER).settings["ai_tags"]
    assert ai["model"] == "molmo2-video-captioner" and ai["caption"] == CAPTION and "kite" in ai["tags"]
    [entry] = studio.ledger.entries(OWNER)
    assert entry.state == "charged" and entry.actual_usd == pytest.approx(0.01)
    found = studio.search_assets({"query": "ridge"}, owner=OWNER)  # the caption is searchable
    assert [item["id"] for item in found["items"]] == [clip]
    shown = details_html(studio.asset_details(clip, owner=OWNER, pictures=False),
                         studio.asset_usage(clip, owner=OWNER), studio.lineage(clip, owner=OWNER))
    assert "AI description (Molmo2 video captioner)" in shown and "molmo2-video-captioner" not in shown
    assert "<td>Made by</td><td>Upload</td>" in shown


def test_tagging_again_is_offered_the_tags_it_has_unless_asked_to_run_again(tagged):
    studio, fake, clip = tagged
    first = studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01}, owner=OWNER)
    wait_for_job(studio, first["job_ids"][0])
    again = studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01}, owner=OWNER)
    assert not again["ok"] and again["job_ids"] == [] and "run_again" in again["message"]
    assert fake.submits[VIDEO_CAPTIONER] == 1
    fake.behave(VIDEO_CAPTIONER, outputs="text", text="A blue kite above a beach.")
    rerun = studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01, "run_again": True}, owner=OWNER)
    assert wait_for_job(studio, rerun["job_ids"][0])["status"] == "succeeded"
    tags = set(studio.asset(clip, owner=OWNER)["tags"])
    assert {"blue", "beach", "kite"} <= tags and "dunes" not in tags  # the old AI tags make way


def test_a_run_above_the_threshold_needs_the_amount_and_nothing_moves_without_it(tagged):
    studio, fake, clip = tagged
    refused = studio.ai_tag({"asset_id": clip, "confirm": True}, owner=OWNER)
    assert not refused["ok"] and refused["job_ids"] == [] and "confirm_usd" in refused["message"]
    assert sum(fake.submits.values()) == 0 and studio.ledger.entries(OWNER) == []


def test_pictures_use_the_image_captioner_and_a_failed_run_is_refunded(paid_studio, vendor, tmp_path):
    studio, fake = paid_studio, vendor[1]
    Image.new("RGB", (320, 240), (30, 90, 160)).save(tmp_path / "sea.png")
    photo = studio.import_media(tmp_path / "sea.png", owner=OWNER)["id"]
    fake.behave("wavespeed-ai/molmo2/image-captioner", steps=["created", "failed"], error="model crashed")
    est = studio.ai_tag({"asset_id": photo, "estimate_only": True}, owner=OWNER)
    assert est["model"] == "molmo2-image-captioner" and est["total_usd"] == pytest.approx(0.002)
    run = studio.ai_tag({"asset_id": photo, "confirm_usd": 0.002}, owner=OWNER)
    assert wait_for_job(studio, run["job_ids"][0])["status"] == "failed"
    [entry] = studio.ledger.entries(OWNER)
    assert entry.state == "refunded"
    assert "ai_tags" not in studio.library.get(photo, OWNER).settings


def test_no_key_or_someone_elses_asset_is_refused_before_anything_is_priced(studio, clip_factory):
    clip = studio.import_media(clip_factory("c.mp4", seconds=1), owner=OWNER)["id"]
    with pytest.raises(InvalidInput) as no_key:
        studio.ai_tag({"asset_id": clip}, owner=OWNER)
    assert no_key.value.field == "asset_id" and "WAVESPEED_API_KEY" in str(no_key.value)
    with pytest.raises(NotFound) as theirs:
        studio.ai_tag({"asset_id": clip}, owner="mallory")
    with pytest.raises(NotFound) as missing:
        studio.ai_tag({"asset_id": "0123456789abcdef"}, owner=OWNER)
    assert str(theirs.value) == str(missing.value).replace("0123456789abcdef", clip)
    with pytest.raises(InvalidInput):
        studio.ai_tag({"asset_id": clip, "user": "someone", "confirm_usd": 1.0}, owner=OWNER)


def test_a_sound_file_is_not_something_a_captioner_can_describe(paid_studio, tmp_path):
    import subprocess

    from core.media.ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=300:duration=2", str(tmp_path / "beep.wav")], check=True)
    beep = paid_studio.import_media(tmp_path / "beep.wav", owner=OWNER)["id"]
    with pytest.raises(InvalidInput) as refused:
        paid_studio.ai_tag({"asset_id": beep, "estimate_only": True}, owner=OWNER)
    assert refused.value.field == "asset_id" and "pictures and videos" in str(refused.value)

"""Edit, Enhance, Transform and Social through the facade: jobs, new versions with lineage, packs."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.media.probe import probe
from tests.helpers import ai_edit, OWNER, edit_apply, edit_batch, edit_join, edit_outcome, edit_preview, social_pack, wait_for_job


@pytest.fixture
def source(studio, clip_factory):
    clip = clip_factory("holiday.mp4", seconds=2, size="320x180", rate=25)
    return studio.import_media(clip, title="holiday", owner=OWNER)


def test_import_copies_and_probes(studio, source):
    assert source["operation"] == "upload" and (source["width"], source["height"]) == (320, 180)
    assert Path(source["path"]).exists() and source["poster"]


def test_import_refuses_a_broken_file_and_keeps_nothing(studio, tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 10)
    with pytest.raises(InvalidInput):
        studio.import_media(bad, owner=OWNER)
    assert studio.assets(owner=OWNER) == []
    assert not list(studio.settings.media_dir.rglob("*.mp4"))


def test_edit_chain_makes_a_new_version_with_parent(studio, source):
    ops = [{"kind": "trim", "start": 0.5, "end": 1.5}, {"kind": "speed", "factor": 2.0},
           {"kind": "color_grade", "preset": "warm"}, {"kind": "text", "text": "Hello"}]
    job = wait_for_job(studio, edit_apply(studio, source["id"], ops, owner=OWNER))
    assert job["status"] == "succeeded", job["error"]
    made = studio.asset(job["asset_id"], owner=OWNER)
    assert made["parent_id"] == source["id"] and made["operation"] == "edit"
    info = probe(made["path"])
    assert info.duration_s == pytest.approx(0.5, abs=0.08)
    assert info.video_codec == "h264" and info.faststart and info.has_audio and info.bt709
    assert Path(source["path"]).exists() and probe(source["path"]).duration_s == pytest.approx(2.0, abs=0.05)
    assert [a["id"] for a in studio.lineage(made["id"], owner=OWNER)] == [made["id"], source["id"]]


def test_bad_chain_is_refused_before_a_job_exists(studio, source):
    with pytest.raises(InvalidInput):
        edit_apply(studio, source["id"], [{"kind": "speed", "factor": 9}], owner=OWNER)
    with pytest.raises(InvalidInput):
        edit_apply(studio, source["id"], [], owner=OWNER)
    assert studio.job_list(owner=OWNER) == []


def test_impossible_settings_are_refused_before_a_job(studio, source):
    with pytest.raises(InvalidInput, match="2.0"):  # the clip is 2 s long
        edit_apply(studio, source["id"], [{"kind": "trim", "start": 5, "end": 8}], owner=OWNER)
    with pytest.raises(InvalidInput):
        edit_apply(studio, source["id"], [{"kind": "upscale", "short_side": 720},
                                         {"kind": "upscale", "short_side": 720}], owner=OWNER)
    assert studio.job_list(owner=OWNER) == []


def test_preview_and_outcome(studio, source):
    preview = edit_preview(studio, source["id"], [{"kind": "upscale", "short_side": 720}], owner=OWNER)
    assert probe(preview["path"]).height <= 360
    summary = edit_outcome(studio, source["id"], [{"kind": "upscale", "short_side": 720},
                                                  {"kind": "interpolate", "fps": 50}], owner=OWNER)
    assert summary.startswith("180p (320x180) @ 25 fps") and "720p (1280x720) @ 50 fps" in summary


def test_transform_batch_to_webm(studio, source, clip_factory):
    other = studio.import_media(clip_factory("b.mp4", seconds=1, size="160x120"), owner=OWNER)
    batch = edit_batch(studio, [source["id"], other["id"]],
                                    [{"kind": "format", "container": "webm"}], operation="transform", owner=OWNER)
    views = [wait_for_job(studio, j) for j in batch["job_ids"]]
    assert {v["status"] for v in views} == {"succeeded"}
    for view in views:
        info = probe(studio.asset(view["asset_id"], owner=OWNER)["path"])
        assert info.video_codec == "vp9" and info.audio_codec == "opus"


def test_join_two_clips(studio, source, clip_factory):
    other = studio.import_media(clip_factory("b.mp4", seconds=2, size="320x180"), owner=OWNER)
    job = wait_for_job(studio, edit_join(studio, [source["id"], other["id"]], "fade", 0.5, owner=OWNER))
    assert job["status"] == "succeeded", job["error"]
    assert probe(studio.asset(job["asset_id"], owner=OWNER)["path"]).duration_s == pytest.approx(3.5, abs=0.1)


def test_ai_edit_without_key_is_refused_with_reason(studio, source):
    answer = ai_edit(studio, source["id"], "background-removal")
    assert not answer["ok"] and answer["job_ids"] == []
    assert any("not configured" in i["message"] or "key" in i["message"] for i in answer["issues"])


def test_social_pack_makes_assets_zip_and_proof(studio, clip_factory):
    clip = clip_factory("wide.mp4", seconds=4, size="640x360", rate=30)
    src = studio.import_media(clip, owner=OWNER)
    options = {"platforms": ["tiktok", "linkedin_square", "x"], "captions_text": "Hello there",
               "thumbnail_title": "Launch"}
    plan = studio.social.plan(src["id"], options, owner=OWNER)
    assert {row["platform"] for row in plan} == {"tiktok", "linkedin_square", "x"}
    job = wait_for_job(studio, social_pack(studio, src["id"], options, owner=OWNER), timeout=240)
    assert job["status"] == "succeeded", job["error"]
    assert len(job["asset_ids"]) == 3
    for asset_id in job["asset_ids"]:
        asset = studio.asset(asset_id, owner=OWNER)
        assert asset["parent_id"] == src["id"] and asset["settings"]["passed"]
    result = studio.social.result(job["id"], owner=OWNER)
    assert result["all_passed"]
    with zipfile.ZipFile(result["zip"]) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert {p["platform"] for p in manifest["platforms"]} == {"tiktok", "linkedin_square", "x"}
    assert sum(n.endswith(".mp4") for n in names) == 3 and sum(n.endswith(".jpg") for n in names) >= 3


def test_gif_outcome_names_the_caps_and_matches_the_file(studio, clip_factory):
    wide = studio.import_media(clip_factory("wide.mp4", seconds=1, size="640x360", rate=25), title="wide", owner=OWNER)
    ops = [{"kind": "format", "container": "gif"}]
    summary = edit_outcome(studio, wide["id"], ops, owner=OWNER)
    assert summary.endswith("-> 270p (480x270) @ 12.5 fps, 1.0 s, GIF, no sound"), summary
    job = wait_for_job(studio, edit_apply(studio, wide["id"], ops, operation="transform", owner=OWNER))
    assert job["status"] == "succeeded", job["error"]
    made = probe(studio.asset(job["asset_id"], owner=OWNER)["path"])
    assert (made.width, made.height, made.fps, made.has_audio) == (480, 270, 12.5, False)
    fitted = edit_outcome(studio, wide["id"], [*ops, {"kind": "compress", "target_mb": 0.2}], owner=OWNER)
    assert fitted.endswith("GIF, no sound - at most 0.2 MB: the width, then the frame rate, drop until it fits")


def test_outcome_names_the_format_and_sound(studio, source):
    assert edit_outcome(studio, source["id"], [{"kind": "format", "container": "webm"}], owner=OWNER).endswith(
        "WebM VP9, with sound")
    assert edit_outcome(studio, source["id"], [{"kind": "format", "container": "mov", "vcodec": "prores",
                                               "audio": "drop"}], owner=OWNER).endswith("MOV ProRes, no sound")

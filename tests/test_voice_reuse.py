"""A voice is an audio asset like any other: it replaces or mixes under a clip's sound in Edit
(the `soundtrack` op, named by asset id) and is a video's audio in Create."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.media.probe import probe
from tests.helpers import OWNER, edit_apply, wait_for_job


@pytest.fixture
def voice(studio):
    run = studio.speech({"text": "A voice made by the studio, put on a clip.", "voice": "offline-female"},
                        owner=OWNER)
    job = wait_for_job(studio, run["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    return studio.library.get(job["asset_ids"][0], OWNER)


@pytest.mark.parametrize("mode, with_sound", [("replace", False), ("mix", True)])
def test_a_voice_replaces_or_mixes_under_a_clips_sound(studio, clip_factory, voice, mode, with_sound):
    clip = studio.import_media(clip_factory("c.mp4", seconds=4, audio=with_sound), owner=OWNER)["id"]
    job = wait_for_job(studio, edit_apply(studio, clip, [{"kind": "soundtrack", "audio": voice.id, "mode": mode}]))
    assert job["status"] == "succeeded", job["error"]
    out = studio.library.get(job["asset_ids"][0], OWNER)
    info = probe(out.path)
    assert info.has_audio and info.duration_s == pytest.approx(4.0, abs=0.1) and out.parent_id == clip
    assert voice.id in {e.asset_id for e in studio.audit.query(action="used-as-input")}


def test_a_soundtrack_is_named_by_asset_id_never_by_path(studio, clip_factory, voice):
    clip = studio.import_media(clip_factory("c.mp4", seconds=2), owner=OWNER)["id"]
    with pytest.raises(InvalidInput) as caught:
        edit_apply(studio, clip, [{"kind": "soundtrack", "audio": voice.path}])
    assert caught.value.field == "ops.0.audio"


def test_a_voice_is_a_videos_audio_in_create(studio, voice, tmp_path):
    from PIL import Image

    Image.new("RGB", (320, 240), (90, 120, 160)).save(tmp_path / "p.png")
    photo = studio.import_media(tmp_path / "p.png", owner=OWNER)["id"]
    est = studio.estimate({"operation": "avatar", "image": photo, "audio": voice.id}, owner=OWNER)
    assert est["allowed"] and est["model"] == "local-avatar-draft"

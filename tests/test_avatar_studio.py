"""Avatar Studio through the facade (/speech, /avatar) against the loopback fake WaveSpeed: prices
from the measured audio, one money path, lineage script -> voice -> avatar -> captioned, and the
offline draft with no key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import probe
from tests.helpers import OWNER, wait_for_job

FAST = {"VIDEO_STUDIO_MIN_POLL_S": "0.05", "VIDEO_STUDIO_MAX_POLL_S": "0.1"}
SCRIPT = "Hello and welcome. This short talk checks the whole path. Thanks for watching."


def tone(path: Path, seconds: float, freq: int = 220) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={freq}:sample_rate=48000:duration={seconds}", str(path)], check=True)
    return path


def photo(path: Path, size=(480, 640), mode="RGB") -> Path:
    Image.new(mode, size, (200, 160, 140, 255)[:len(mode)] if mode != "CMYK" else (10, 40, 60, 0)).save(
        path, "JPEG" if mode == "CMYK" else "PNG")
    return path


def imported(studio, path: Path) -> str:
    return studio.import_media(path, owner=OWNER)["id"]


def ledger_rows(studio):
    return studio.ledger.entries(OWNER)


@pytest.fixture
def paid(vendor, studio_factory):
    base, fake = vendor
    return studio_factory(base, VIDEO_STUDIO_PLAN="studio", **FAST), fake


def test_47_s_of_audio_at_720p_on_infinitetalk_is_2_82_before_and_after(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "voice.wav", 47))
    ask = {"photo_id": face, "audio_id": voice, "model": "infinitetalk", "resolution": "720p"}
    est = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["total_usd"] == est["max_usd"] == pytest.approx(2.82) and est["price_basis"] == "exact"
    assert est["breakdown"][0]["value"] == "0:47 at 720p: 47 s × $0.06 = $2.82"
    assert est["needs_confirmation"] and est["job_ids"] == [] and sum(fake.submits.values()) == 0
    refused = studio.avatar(ask, owner=OWNER)
    assert not refused["ok"] and refused["issues"][-1]["field"] == "confirm_usd" and not refused["job_ids"]
    run = studio.avatar({**ask, "confirm_usd": 2.82}, owner=OWNER)
    assert run["ok"], run["issues"]
    [job_id] = run["job_ids"]
    job = wait_for_job(studio, job_id)
    assert job["status"] == "succeeded", job["error"]
    entry = studio.ledger.entry(job_id)
    assert entry.state == "charged" and entry.actual_usd == pytest.approx(2.82)
    out = studio.library.get(job["asset_ids"][0], OWNER)
    info = probe(out.path)
    assert info.has_video and info.has_audio and info.duration_s == pytest.approx(47.0, abs=0.1)
    assert out.parent_id == voice and fake.submits["wavespeed-ai/infinitetalk"] == 1


def test_hunyuan_refuses_three_minutes_before_any_submit_naming_its_two_minute_limit(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "long.wav", 180))
    run = studio.avatar({"photo_id": face, "audio_id": voice, "model": "hunyuan-avatar", "confirm_usd": 50},
                        owner=OWNER)
    assert not run["ok"] and not run["job_ids"]
    [issue] = [i for i in run["issues"] if i["field"] == "audio_id"]
    assert "2 minutes" in issue["message"] and "split" in issue["message"]
    assert sum(fake.submits.values()) == 0 and ledger_rows(studio) == []


def test_auto_takes_the_cheapest_model_that_fits_the_audio(paid, tmp_path):
    studio, _ = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    short = imported(studio, tone(tmp_path / "short.wav", 11))
    long = imported(studio, tone(tmp_path / "long.wav", 130))
    assert studio.avatar({"photo_id": face, "audio_id": short, "resolution": "720p", "estimate_only": True},
                         owner=OWNER)["model"] == "hunyuan-avatar"  # $0.15 per 5 s beats $0.06 per second
    over_two_minutes = studio.avatar({"photo_id": face, "audio_id": long, "resolution": "720p",
                                      "estimate_only": True}, owner=OWNER)
    assert over_two_minutes["model"] == "infinitetalk" and over_two_minutes["total_usd"] == pytest.approx(7.80)


def test_the_creator_plan_allows_30_s_and_names_the_plan_that_allows_more(vendor, studio_factory, tmp_path):
    studio = studio_factory(vendor[0], **FAST)
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "voice.wav", 47))
    est = studio.avatar({"photo_id": face, "audio_id": voice, "model": "infinitetalk", "estimate_only": True},
                        owner=OWNER)
    assert not est["allowed"]
    [issue] = [i for i in est["issues"] if i["field"] == "duration"]
    assert "Creator plan allows runs up to 30 s" in issue["message"] and "Studio plan" in issue["message"]


def test_a_script_is_spoken_then_rendered_two_ledger_rows_and_assets_with_lineage(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    ask = {"photo_id": face, "script": SCRIPT, "voice": "Wise_Woman", "voice_model": "minimax-speech-02-hd",
           "model": "infinitetalk", "resolution": "480p"}
    est = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["price_basis"] == "upper-bound" and est["voice_model"] == "minimax-speech-02-hd"
    assert [b["label"] for b in est["breakdown"]] == ["Voice", "Avatar"]
    run = studio.avatar({**ask, "confirm_usd": est["max_usd"]}, owner=OWNER)
    assert run["ok"], run["issues"]
    voice_job, avatar_job, finish_job = run["job_ids"]
    finished = wait_for_job(studio, finish_job)
    assert finished["status"] == "succeeded", finished["error"]
    rows = {r.job_id: r for r in ledger_rows(studio)}
    assert set(rows) == {voice_job, avatar_job} and all(r.state == "charged" for r in rows.values())
    speech = studio.library.get(studio.job(voice_job, owner=OWNER)["asset_ids"][0], OWNER)
    talk = studio.library.get(studio.job(avatar_job, owner=OWNER)["asset_ids"][0], OWNER)
    captioned = studio.library.get(finished["asset_ids"][-1], OWNER)
    assert speech.operation == "text-to-speech" and speech.prompt == SCRIPT and talk.parent_id == speech.id
    assert captioned.parent_id == talk.id and captioned.operation == "captions"
    assert rows[avatar_job].actual_usd == pytest.approx(0.03 * max(5, -(-speech.duration_s // 1)))
    assert probe(talk.path).duration_s == pytest.approx(speech.duration_s, abs=0.15)
    assert "Hello and welcome." in studio.job(finish_job, owner=OWNER)["result"]["srt"]
    assert [a["id"] for a in studio.lineage(captioned.id, owner=OWNER)][:3] == [captioned.id, talk.id, speech.id]


def test_no_key_a_script_becomes_an_offline_voice_and_a_draft_as_long_as_it(studio, tmp_path):
    face = imported(studio, photo(tmp_path / "face.png"))
    est = studio.avatar({"photo_id": face, "script": SCRIPT, "voice": "offline-female", "estimate_only": True},
                        owner=OWNER)
    assert est["allowed"] and est["price_label"] == "Free" and est["model"] == "local-avatar-draft"
    run = studio.avatar({"photo_id": face, "script": SCRIPT, "voice": "offline-female", "captions": "both"},
                        owner=OWNER)
    assert run["ok"], run["issues"]
    voice_job, draft_job, finish_job = run["job_ids"]
    assert wait_for_job(studio, finish_job)["status"] == "succeeded"
    speech = studio.library.get(studio.job(voice_job, owner=OWNER)["asset_ids"][0], OWNER)
    draft = studio.library.get(studio.job(draft_job, owner=OWNER)["asset_ids"][0], OWNER)
    assert probe(draft.path).duration_s == pytest.approx(speech.duration_s, abs=0.1)
    assert draft.has_audio and draft.parent_id == speech.id and ledger_rows(studio) == []
    srt = studio.job(finish_job, owner=OWNER)["result"]["srt"]
    assert srt.startswith("1\n00:00:00") and "Thanks for watching." in srt


def test_speech_alone_is_an_audio_asset_priced_per_thousand_characters(paid):
    studio, fake = paid
    est = studio.speech({"text": SCRIPT, "voice": "Wise_Woman", "model": "minimax-speech-02-hd",
                         "estimate_only": True}, owner=OWNER)
    assert est["allowed"] and est["price_basis"] == "exact"
    assert est["total_usd"] == pytest.approx(round(len(SCRIPT) / 1000 * 0.05, 4))
    run = studio.speech({"text": SCRIPT, "voice": "Wise_Woman", "model": "minimax-speech-02-hd"}, owner=OWNER)
    job = wait_for_job(studio, run["job_ids"][0])
    asset = studio.library.get(job["asset_ids"][0], OWNER)
    assert asset.has_audio and asset.operation == "text-to-speech" and asset.duration_s > 1
    assert studio.ledger.entry(job["id"]).state == "charged"


@pytest.mark.parametrize("ask, field", [
    ({"text": ""}, "text"),
    ({"text": "word " * 20_000}, "text"),
    ({"text": "Hola", "voice": "offline-male", "language": "Klingon"}, "language"),
    ({"text": "Hi", "voice": "Nobody"}, "voice"),
    ({"text": "Hi", "speed": 3}, "speed"),
    ({"text": "Hi", "user": "mallory"}, "user"),
])
def test_bad_speech_requests_name_the_field_and_send_nothing(studio, ask, field):
    answer = studio.speech(ask, owner=OWNER)
    assert not answer["allowed"] and not answer["job_ids"]
    assert field in [i["field"] for i in answer["issues"]], answer["issues"]
    assert studio.job_list(owner=OWNER) == []


def test_bad_avatar_inputs_name_the_field_and_write_nothing(studio, tmp_path):
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "v.wav", 3))
    silent = imported(studio, tone(tmp_path / "silent.wav", 3, freq=0))
    tiny = imported(studio, photo(tmp_path / "tiny.png", size=(20, 20)))
    cases = [
        ({"photo_id": face}, "audio_id"),
        ({"photo_id": face, "audio_id": voice, "script": "Hi."}, "script"),
        ({"photo_id": tiny, "audio_id": voice}, "photo_id"),
        ({"photo_id": voice, "audio_id": voice}, "photo_id"),
        ({"photo_id": face, "audio_id": voice, "resolution": "1080p", "model": "infinitetalk"}, "resolution"),
        ({"photo_id": face, "script": "   "}, "script"),
        ({"photo_id": face, "script": "x" * 100_000}, "script"),
        ({"photo_id": face, "script": "Bonjour.", "voice": "offline-male", "language": "Klingon"}, "language"),
        ({"photo_id": "/etc/passwd", "audio_id": voice}, "photo_id"),
        ({"photo_id": face, "audio_id": silent}, "audio_id"),
    ]
    for ask, field in cases:
        answer = studio.avatar({**ask, "confirm_usd": 1}, owner=OWNER)
        assert not answer["ok"] and not answer["job_ids"], ask
        assert field in [i["field"] for i in answer["issues"]], (ask, answer["issues"])
    assert studio.job_list(owner=OWNER) == []
    assert [a for a in studio.assets(owner=OWNER) if a["operation"] == "avatar"] == []


def test_a_failed_scene_is_made_again_alone_without_paying_for_its_voice_again(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    fake.behave("wavespeed-ai/infinitetalk", steps=["created", "failed"], error="the GPU fell over")
    ask = {"photo_id": face, "script": SCRIPT, "voice": "Wise_Woman", "voice_model": "minimax-speech-02-hd",
           "model": "infinitetalk", "resolution": "480p", "captions": "srt"}
    est = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    run = studio.avatar({**ask, "confirm_usd": est["max_usd"]}, owner=OWNER)
    voice_job, avatar_job, finish_job = run["job_ids"]
    failed = wait_for_job(studio, finish_job)
    assert failed["status"] == "failed" and "The avatar was not made (" in failed["error"]
    assert "the GPU fell over" in failed["error"]
    assert studio.ledger.entry(avatar_job).state == "refunded" and studio.ledger.entry(voice_job).state == "charged"
    fake.behave("wavespeed-ai/infinitetalk", steps=["created", "processing", "completed"], error="")
    made = studio.avatar_scene({"job_id": voice_job, "scene": 1}, owner=OWNER)
    assert not made["ok"] and made["issues"][0]["field"] == "job_id"
    again = studio.avatar_scene({"job_id": finish_job, "scene": 1, "estimate_only": True}, owner=OWNER)
    assert again["allowed"] and again["price_basis"] == "exact" and [b["label"] for b in again["breakdown"]] == \
        ["Avatar, scene 1"]
    rerun = studio.avatar_scene({"job_id": finish_job, "scene": 1, "confirm_usd": again["max_usd"]}, owner=OWNER)
    assert rerun["ok"], rerun["issues"]
    new_avatar, new_finish = rerun["job_ids"]
    done = wait_for_job(studio, new_finish)
    assert done["status"] == "succeeded", done["error"]
    assert "Thanks for watching." in done["result"]["srt"]
    assert fake.submits["minimax/speech-02-hd"] == 1 and fake.submits["wavespeed-ai/infinitetalk"] == 2
    voice_asset = studio.job(voice_job, owner=OWNER)["asset_ids"][0]
    assert studio.library.get(done["asset_ids"][0], OWNER).parent_id == voice_asset
    assert studio.ledger.entry(new_avatar).state == "charged"
    made_twice = studio.avatar_scene({"job_id": new_finish, "scene": 1}, owner=OWNER)
    assert not made_twice["ok"] and "was made" in made_twice["issues"][0]["message"]


def test_two_people_from_two_photos_take_turns_and_are_priced_on_both_voices(paid, tmp_path):
    import io

    studio, fake = paid
    left = imported(studio, photo(tmp_path / "left.png", size=(300, 400)))
    right = imported(studio, photo(tmp_path / "right.png", size=(600, 800)))
    first = imported(studio, tone(tmp_path / "a.wav", 2))
    second = imported(studio, tone(tmp_path / "b.wav", 3, freq=330))
    ask = {"photo_id": left, "second_photo_id": right, "audio_id": first, "second_audio_id": second,
           "order": "left_right", "resolution": "480p"}
    est = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["model"] == "infinitetalk-multi" and est["total_usd"] == pytest.approx(0.15)  # 2 s + 3 s
    run = studio.avatar(ask, owner=OWNER)
    job = wait_for_job(studio, run["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    assert probe(studio.library.get(job["asset_ids"][0], OWNER).path).duration_s == pytest.approx(5.0, abs=0.1)
    [picture] = [Image.open(io.BytesIO(b)) for b in fake.stored.values() if b[:2] == b"\xff\xd8"]
    assert picture.size == (768 + 768, 1024)  # both portraits side by side at one height
    orphan = studio.avatar({"photo_id": left, "second_photo_id": right, "audio_id": first}, owner=OWNER)
    assert "second_photo_id" in [i["field"] for i in orphan["issues"]]


def test_a_long_script_is_split_into_scenes_made_one_by_one_and_joined(studio, tmp_path):
    face = imported(studio, photo(tmp_path / "face.png"))
    sentences = [f"This is sentence number {n} of a script that is long enough to need two scenes." for n in range(8)]
    script = " ".join(sentences)
    est = studio.avatar({"photo_id": face, "script": script, "voice": "offline-male", "resolution": "480p",
                         "estimate_only": True}, owner=OWNER)
    assert est["allowed"] and len(est["scenes"]) == 2  # the Creator plan's 30 s per run
    assert " ".join(s["text"] for s in est["scenes"]) == script  # split at sentence ends, nothing lost
    assert all(s["text"].endswith(".") for s in est["scenes"])
    run = studio.avatar({"photo_id": face, "script": script, "voice": "offline-male", "resolution": "480p"},
                        owner=OWNER)
    assert [s["label"] for s in run["steps"]] == ["Voice, scene 1", "Avatar, scene 1", "Voice, scene 2",
                                                  "Avatar, scene 2", "Join and captions"]
    done = wait_for_job(studio, run["job_ids"][-1], timeout=300)
    assert done["status"] == "succeeded", done["error"]
    voices = [studio.library.get(studio.job(j, owner=OWNER)["asset_ids"][0], OWNER) for j in run["job_ids"][0:4:2]]
    joined = studio.library.get(done["asset_ids"][0], OWNER)
    assert probe(joined.path).duration_s == pytest.approx(sum(v.duration_s for v in voices), abs=0.3)
    srt = done["result"]["srt"]
    assert "number 0" in srt and "number 7" in srt

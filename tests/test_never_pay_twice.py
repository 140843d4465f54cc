"""Never pay twice on every paid endpoint, not only /create: /speech, /avatar and /ai_tag given a
request identical to an earlier paid run send nothing and answer `ok: false` with
`reuse: {asset_id, created_at, cost_usd}` and a message, unless the request says `run_again: true`
(against the loopback fake WaveSpeed)."""

from __future__ import annotations

import pytest

from tests.helpers import OWNER, wait_for_job
from tests.test_ai_tags import CAPTION, VIDEO_CAPTIONER
from tests.test_avatar_studio import FAST, imported, photo, tone


@pytest.fixture
def paid(vendor, studio_factory):
    base, fake = vendor
    return studio_factory(base, VIDEO_STUDIO_PLAN="studio", **FAST), fake


def sent(fake) -> int:
    return sum(fake.submits.values())


def offered(answer: dict, made: dict) -> None:
    """`answer` refused the repeat and offered the earlier asset `made` (a job view)."""
    assert answer["ok"] is False and answer["job_ids"] == []
    assert answer["reuse"]["asset_id"] == made["asset_ids"][0]
    assert set(answer["reuse"]) >= {"asset_id", "created_at", "cost_usd"}
    assert answer["message"].startswith("You made this on ") and "run_again: true" in answer["message"]


def repeated(studio, fake, call, ask: dict, runs: int = 1) -> tuple[dict, dict, dict]:
    """Run `ask` (`runs` paid runs) once, then again: the repeat sends nothing and writes no ledger
    row. Returns (the repeat's answer, the first's last job, the first's answer)."""
    started = call(ask, owner=OWNER)
    first = wait_for_job(studio, started["job_ids"][runs - 1])
    assert first["status"] == "succeeded", first["error"]
    before, rows = sent(fake), len(studio.ledger.entries(OWNER))
    again = call(ask, owner=OWNER)
    offered(again, first)
    assert sent(fake) == before and len(studio.ledger.entries(OWNER)) == rows
    return again, first, started


def runs_again(studio, fake, call, ask: dict, runs: int = 1) -> None:
    """With run_again the same request is sent again (`runs` more submits)."""
    before = sent(fake)
    rerun = call({**ask, "run_again": True}, owner=OWNER)
    assert rerun["ok"], rerun["issues"]
    assert wait_for_job(studio, rerun["job_ids"][-1])["status"] == "succeeded"
    assert sent(fake) == before + runs


def test_a_repeated_speech_is_offered_the_earlier_voice_unless_run_again(paid):
    studio, fake = paid
    ask = {"text": "Hello there, this voice was made once.", "voice": "Wise_Woman",
           "model": "minimax-speech-02-hd", "confirm_usd": 1}
    again, _first, _started = repeated(studio, fake, studio.speech, ask)
    assert "run again for $0.0019?" in again["message"]  # 38 characters at $0.05 per 1,000, not "$0.00"
    runs_again(studio, fake, studio.speech, ask)


def test_a_repeated_avatar_is_offered_the_earlier_video_unless_run_again(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "voice.wav", 6))
    ask = {"photo_id": face, "audio_id": voice, "model": "infinitetalk", "resolution": "480p", "confirm_usd": 1}
    again, first, _started = repeated(studio, fake, studio.avatar, ask)
    assert again["reuse"]["cost_usd"] == pytest.approx(0.18)  # 6 s x $0.03
    assert studio.avatar({**ask, "estimate_only": True}, owner=OWNER)["reuse"]["asset_id"] == first["asset_ids"][0]
    runs_again(studio, fake, studio.avatar, ask)


def test_tagging_again_answers_the_earlier_tagging_as_reuse(paid, clip_factory):
    studio, fake = paid
    fake.behave(VIDEO_CAPTIONER, steps=["created", "processing", "completed"], outputs="text", text=CAPTION)
    clip = studio.import_media(clip_factory("dunes.mp4", seconds=6, size="320x240"), owner=OWNER)["id"]
    first = wait_for_job(studio, studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01}, owner=OWNER)["job_ids"][0])
    assert first["status"] == "succeeded", first["error"]
    again = studio.ai_tag({"asset_id": clip, "confirm_usd": 0.01}, owner=OWNER)
    assert again["ok"] is False and again["job_ids"] == [] and "run_again" in again["message"]
    assert again["reuse"]["asset_id"] == clip and again["reuse"]["cost_usd"] == pytest.approx(0.01)
    assert again["reuse"]["created_at"] == first["created_at"]
    assert fake.submits[VIDEO_CAPTIONER] == 1


def test_the_avatar_tab_offers_the_earlier_video_in_words_and_lets_the_creator_run_again():
    from studios.avatar_view import made_before_text

    refused = {"ok": False, "allowed": True, "max_usd": 0.18, "job_ids": [],
               "reuse": {"asset_id": "a1b2c3d4e5f60718", "created_at": "2026-11-12T09:30:00+00:00",
                         "cost_usd": 0.18, "title": "Talking presenter (avatar)"}}
    text = made_before_text(refused)
    assert text.startswith("**You made this on 12 Nov**") and "*Talking presenter (avatar)*" in text
    assert '"Run it again anyway"' in text and "$0.18" in text and "run_again" not in text
    assert made_before_text({**refused, "ok": True}) is None
    assert made_before_text({**refused, "allowed": False}) is None  # a refusal for another reason
    assert made_before_text({"ok": False, "allowed": True, "reuse": None}) is None
    unagreed = {**refused, "issues": [{"field": "confirm_usd", "message": "send confirm_usd", "allowed": ["0.18"]}]}
    assert made_before_text(unagreed) is None  # run again was asked; the amount is what is missing


def test_a_repeated_script_is_offered_the_earlier_avatar_unless_run_again(paid, tmp_path):
    studio, fake = paid
    face = imported(studio, photo(tmp_path / "face.png"))
    ask = {"photo_id": face, "script": "Hello and welcome. This talk was made once.", "voice": "Wise_Woman",
           "voice_model": "minimax-speech-02-hd", "model": "infinitetalk", "resolution": "480p",
           "captions": "off", "confirm_usd": 1}
    again, made, started = repeated(studio, fake, studio.avatar, ask, runs=2)
    voice_job = started["job_ids"][0]
    voice = studio.job(voice_job, owner=OWNER)["asset_ids"][0]
    assert [s["asset_id"] for s in again["reuse"]["steps"]] == [voice, made["asset_ids"][0]]
    # the same voice sent by id is the same request as far as the avatar goes
    by_id = studio.avatar({k: v for k, v in ask.items() if k not in ("script", "voice", "voice_model")}
                          | {"audio_id": voice}, owner=OWNER)
    assert by_id["reuse"]["asset_id"] == made["asset_ids"][0] and not by_id["ok"]
    runs_again(studio, fake, studio.avatar, ask, runs=2)


def test_priced_only_answers_are_shaped_like_every_paid_endpoints(paid, clip_factory):
    """estimate_only on /ai_edit and /ai_tag answers as on /speech and /avatar: the estimate fields
    with `ok` (whether it could run) and no `job_ids`, nothing sent."""
    studio, fake = paid
    clip = studio.import_media(clip_factory("silent.mp4", seconds=3, audio=False), owner=OWNER)["id"]
    for answer in (studio.edit.ai_apply({"asset_id": clip, "operation": "sound", "estimate_only": True}, owner=OWNER),
                   studio.ai_tag({"asset_id": clip, "estimate_only": True}, owner=OWNER),
                   studio.speech({"text": "Hi there.", "voice": "Wise_Woman", "estimate_only": True}, owner=OWNER)):
        assert answer["allowed"] and answer["total_usd"] > 0, answer
        assert answer["ok"] is True and answer["job_ids"] == [] and "reuse" in answer
    refused = studio.edit.ai_apply({"asset_id": clip, "operation": "face-swap", "estimate_only": True}, owner=OWNER)
    assert refused["ok"] is False and refused["job_ids"] == []
    assert sent(fake) == 0

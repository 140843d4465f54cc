"""Avatar Studio and AI edits over the REST API (in process, solo mode, the loopback fake WaveSpeed):
POST /speech, /avatar and /ai_edit answer like /create, with the same statuses for a refusal."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.helpers import OWNER, wait_for_job
from tests.test_avatar_studio import FAST, imported, photo, tone
from web.identity import Callers
from web.rest import build_rest


@pytest.fixture
def paid(vendor, studio_factory):
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_PLAN="studio", VIDEO_STUDIO_CONFIRM_ABOVE_USD="0.001", **FAST)
    return studio, TestClient(build_rest(studio, Callers(studio))), fake


def test_speech_and_avatar_over_rest(paid, tmp_path):
    studio, rest, fake = paid
    said = {"text": "Hello from the REST API.", "voice": "Wise_Woman", "model": "minimax-speech-02-hd"}
    est = rest.post("/speech", json={**said, "estimate_only": True})
    assert est.status_code == 200 and est.json()["allowed"] and est.json()["job_ids"] == []
    unconfirmed = rest.post("/speech", json=said)
    assert unconfirmed.status_code == 409 and unconfirmed.json()["field"] == "confirm_usd", unconfirmed.text
    run = rest.post("/speech", json={**said, "confirm_usd": est.json()["max_usd"]})
    assert run.status_code == 200 and run.json()["ok"], run.text
    assert wait_for_job(studio, run.json()["job_ids"][0])["status"] == "succeeded"

    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, tone(tmp_path / "voice.wav", 6))
    ask = {"photo_id": face, "audio_id": voice, "model": "infinitetalk", "resolution": "480p", "confirm_usd": 0.18}
    made = rest.post("/avatar", json=ask)
    assert made.status_code == 200 and made.json()["ok"], made.text
    job = wait_for_job(studio, made.json()["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    again = rest.post("/avatar", json=ask)
    assert again.status_code == 409 and again.json()["field"] == "run_again", again.text
    assert again.json()["answer"]["reuse"]["asset_id"] == job["asset_ids"][0]
    unagreed = rest.post("/avatar", json={**ask, "run_again": True, "confirm_usd": None})
    assert unagreed.status_code == 409 and unagreed.json()["field"] == "confirm_usd", unagreed.text
    too_long = rest.post("/avatar", json={**ask, "model": "hunyuan-avatar", "audio_id": imported(
        studio, tone(tmp_path / "long.wav", 180))})
    assert too_long.status_code == 400 and too_long.json()["field"] == "audio_id", too_long.text
    assert rest.post("/avatar", json={**ask, "user": "mallory"}).status_code == 400
    assert fake.submits["wavespeed-ai/infinitetalk"] == 1


def test_ai_edit_over_rest_needs_consent(paid, clip_factory, tmp_path):
    studio, rest, fake = paid
    clip = studio.import_media(clip_factory("talk.mp4", seconds=2, size="320x240"), owner=OWNER)["id"]
    face = imported(studio, photo(tmp_path / "face.png"))
    ask = {"asset_id": clip, "operation": "face-swap", "image_id": face, "confirm_usd": 1}
    refused = rest.post("/ai_edit", json=ask)
    assert refused.status_code == 400 and refused.json()["field"] == "consent", refused.text
    run = rest.post("/ai_edit", json={**ask, "consent": True})
    assert run.status_code == 200 and run.json()["ok"], run.text
    assert wait_for_job(studio, run.json()["job_ids"][0])["status"] == "succeeded"
    assert sum(fake.submits.values()) == 1
    priced = rest.post(f"/assets/{clip}/ai_tags", json={"estimate_only": True})
    assert priced.status_code == 200 and priced.json()["allowed"] and not priced.json().get("job_ids"), priced.text

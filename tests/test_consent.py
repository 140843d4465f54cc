"""Face swap, character swap and translate run only with the creator's consent statement ticked,
recorded with the job and in the audit log, and a team can switch them off; sound effects for a
silent clip are priced by the clip's probed length."""

from __future__ import annotations

import pytest
from PIL import Image

from core.accounts.policy import CONSENT_STATEMENT
from tests.helpers import OWNER, ai_edit, wait_for_job

FAST = {"VIDEO_STUDIO_MIN_POLL_S": "0.05", "VIDEO_STUDIO_MAX_POLL_S": "0.1"}


@pytest.fixture
def paid(vendor, studio_factory):
    base, fake = vendor
    return studio_factory(base, **FAST), fake


@pytest.fixture
def clip_and_face(paid, clip_factory, tmp_path):
    studio, _ = paid
    clip = studio.import_media(clip_factory("talk.mp4", seconds=6, size="320x240"), owner=OWNER)["id"]
    Image.new("RGB", (256, 256), (180, 140, 120)).save(tmp_path / "face.png")
    face = studio.import_media(tmp_path / "face.png", owner=OWNER)["id"]
    return clip, face


def test_face_swap_is_refused_without_consent_and_records_it_when_given(paid, clip_and_face):
    studio, fake = paid
    clip, face = clip_and_face
    refused = ai_edit(studio, clip, "face-swap", image_id=face)
    assert not refused["ok"] and not refused["job_ids"]
    [issue] = [i for i in refused["issues"] if i["field"] == "consent"]
    assert CONSENT_STATEMENT in issue["message"] and '"consent": true' in issue["message"]
    assert CONSENT_STATEMENT == "I have the right to use this person's face / voice."  # the issue's words
    assert sum(fake.submits.values()) == 0 and studio.ledger.entries(OWNER) == []
    est = ai_edit(studio, clip, "face-swap", image_id=face, consent=True, estimate=True)
    assert est["allowed"] and est["total_usd"] == pytest.approx(0.06)  # 6 s probed x $0.01
    run = ai_edit(studio, clip, "face-swap", image_id=face, consent=True)
    assert run["ok"], run["issues"]
    job = wait_for_job(studio, run["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    assert studio.jobs.get(job["id"]).payload["consent"] == {"statement": CONSENT_STATEMENT, "given_by": OWNER}
    [event] = studio.audit.query(action="consent-given")
    assert event.job_id == job["id"] and event.detail["operation"] == "face-swap"


@pytest.mark.parametrize("operation, extra", [
    ("character-swap", {"image_id": "FACE"}),
    ("translate", {"options": {"output_language": "German"}}),
])
def test_character_swap_and_translate_need_consent_too(paid, clip_and_face, operation, extra):
    studio, fake = paid
    clip, face = clip_and_face
    extra = {k: (face if v == "FACE" else v) for k, v in extra.items()}
    assert "consent" in [i["field"] for i in ai_edit(studio, clip, operation, **extra)["issues"]]
    assert ai_edit(studio, clip, operation, consent=True, estimate=True, **extra)["allowed"]
    direct = studio.create({"operation": operation, "video": clip, **({"image": face} if "image_id" in extra
                                                                       else {"options": extra["options"]})},
                           owner=OWNER)
    assert not direct["ok"] and "consent" in [i["field"] for i in direct["issues"]]
    assert sum(fake.submits.values()) == 0


def test_a_team_policy_switches_face_swap_off_even_with_consent(paid, clip_and_face):
    studio, fake = paid
    clip, face = clip_and_face
    studio.policy.update("admin", features={"face-swap": False})
    refused = ai_edit(studio, clip, "face-swap", image_id=face, consent=True)
    assert not refused["ok"] and any("turned off by your team's policy" in i["message"] for i in refused["issues"])
    assert sum(fake.submits.values()) == 0


def test_consent_must_be_a_real_boolean(paid, clip_and_face):
    studio, _ = paid
    clip, face = clip_and_face
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        ai_edit(studio, clip, "face-swap", image_id=face, consent="yes")
    assert caught.value.field == "consent"


def test_sound_effects_for_a_silent_clip_are_priced_by_its_probed_length(paid, clip_factory):
    studio, _ = paid
    silent = studio.import_media(clip_factory("silent.mp4", seconds=8, audio=False), owner=OWNER)["id"]
    est = ai_edit(studio, silent, "sound", model="mirelo-sfx-v1.5", estimate=True)
    assert est["allowed"], est["issues"]
    assert est["total_usd"] == pytest.approx(0.08) and est["price_basis"] == "exact"
    assert "0:08" in est["breakdown"][-1]["value"] or any("8 s" in b["value"] for b in est["breakdown"])

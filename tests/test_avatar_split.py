"""A voice longer than one avatar run: refused with the limit named and a split offered; split, it is made
as scenes cut at its pauses, priced and confirmed as one amount, each part its own paid run (the fake
vendor on loopback), joined again; one failed part is made again alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.avatar.split import cut_points, sentence_gaps
from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import probe
from core.voice.timing import WordTiming
from tests.helpers import OWNER, wait_for_job
from tests.test_avatar_studio import FAST, imported, photo


def talk(path: Path, seconds: float) -> Path:
    """A tone that pauses 1.5 s in every 10 s (a voice with breaths)."""
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=220:sample_rate=48000:duration={seconds}", "-af",
                    "volume='if(lt(mod(t,10),8.5),1,0)':eval=frame", str(path)], check=True)
    return path


def test_cuts_fall_in_the_last_pause_that_fits_else_at_the_limit():
    gaps = [(8.5, 10.0), (18.5, 20.0), (28.5, 30.0), (38.5, 40.0)]
    assert cut_points(47, gaps, 30) == [19.25]  # parts of 19.25 s and 27.75 s, each under 29 s
    assert cut_points(25, gaps, 30) == []
    assert cut_points(100, [], 30) == [29.0, 58.0, 87.0]  # no pause at all: cut at the limit
    words = [WordTiming("Hello", 0.0, 0.4), WordTiming("there.", 0.5, 0.9), WordTiming("Next", 1.3, 1.6),
             WordTiming("one", 1.7, 2.0)]
    assert sentence_gaps(words) == [(0.9, 1.3)]


@pytest.fixture
def creator(vendor, studio_factory):
    """The default creator plan: at most 30 s per run."""
    base, fake = vendor
    return studio_factory(base, VIDEO_STUDIO_PLAN="creator", **FAST), fake


def test_a_voice_longer_than_the_model_allows_is_offered_as_scenes(vendor, studio_factory, tmp_path):
    studio = studio_factory(vendor[0], VIDEO_STUDIO_PLAN="studio", **FAST)
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, talk(tmp_path / "long.wav", 130))
    ask = {"photo_id": face, "audio_id": voice, "model": "hunyuan-avatar", "resolution": "480p"}
    whole = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    assert not whole["allowed"]
    fields = {i["field"]: i["message"] for i in whole["issues"]}
    assert "2 minutes" in fields["audio_id"]  # the guard names the model's limit
    assert "2:00 (120 s)" in fields["split"] and "2 scenes" in fields["split"] and "$4.05 in total" in fields["split"]
    assert whole["split"]["scenes"] == 2 and all(p["duration_s"] < 120 for p in whole["split"]["parts"])
    split = studio.avatar({**ask, "split": True, "estimate_only": True}, owner=OWNER)
    assert split["allowed"], split["issues"]
    assert split["max_usd"] == pytest.approx(4.05)  # 110 s -> 22 blocks, 20.75 s -> 5 blocks, $0.15 each
    assert [b["label"] for b in split["breakdown"]] == ["Avatar, part 1 of 2", "Avatar, part 2 of 2"]
    assert sum(vendor[1].submits.values()) == 0 and studio.ledger.entries(OWNER) == []


def test_split_parts_are_paid_once_joined_and_a_failed_part_is_made_again_alone(creator, tmp_path):
    studio, fake = creator
    fake.behave("wavespeed-ai/infinitetalk", fail_first=1, error="the GPU fell over")
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, talk(tmp_path / "voice.wav", 47))
    ask = {"photo_id": face, "audio_id": voice, "model": "infinitetalk", "resolution": "480p", "captions": "off"}
    refused = studio.avatar({**ask, "confirm_usd": 5}, owner=OWNER)
    assert not refused["ok"] and "split" in [i["field"] for i in refused["issues"]]
    assert "Creator" in " ".join(i["message"] for i in refused["issues"])  # the plan's limit is named too
    est = studio.avatar({**ask, "split": True, "estimate_only": True}, owner=OWNER)
    assert est["max_usd"] == pytest.approx(1.44)  # 20 s + 28 s billed at $0.03
    short = studio.avatar({**ask, "split": True, "confirm_usd": 1.0}, owner=OWNER)
    assert not short["ok"] and not short["job_ids"]  # one amount covers the whole split
    run = studio.avatar({**ask, "split": True, "confirm_usd": est["max_usd"]}, owner=OWNER)
    assert run["ok"], run["issues"]
    first, second, finish = run["job_ids"]
    failed = wait_for_job(studio, finish)
    states = {job: studio.ledger.entry(job).state for job in (first, second)}
    assert sorted(states.values()) == ["charged", "refunded"]  # the first part sent failed (either may go first)
    scene = 1 if states[first] == "refunded" else 2
    assert failed["status"] == "failed" and f"Scene {scene} was not made" in failed["error"]
    price = {1: 0.60, 2: 0.84}[scene]  # only that part: 20 s or 28 s billed at $0.03
    again = studio.avatar_scene({"job_id": finish, "scene": scene, "estimate_only": True}, owner=OWNER)
    assert again["allowed"] and again["max_usd"] == pytest.approx(price)
    rerun = studio.avatar_scene({"job_id": finish, "scene": scene, "confirm_usd": price}, owner=OWNER)
    done = wait_for_job(studio, rerun["job_ids"][-1])
    assert done["status"] == "succeeded", done["error"]
    assert fake.submits["wavespeed-ai/infinitetalk"] == 3
    final = studio.library.get(done["asset_ids"][-1], OWNER)
    assert probe(final.path).duration_s == pytest.approx(47.0, abs=0.5) and probe(final.path).has_audio
    charged = [e for e in studio.ledger.entries(OWNER) if e.state == "charged"]
    assert sum(e.actual_usd for e in charged) == pytest.approx(1.44)


def test_a_split_is_refused_whole_when_its_runs_together_break_the_plan_budget(vendor, studio_factory, tmp_path):
    """The plan's length limits each run, its monthly budget the whole split: parts that each fit are
    refused together, before anything is sent or reserved, when their sum is over the budget."""
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_PLAN="free", **FAST)  # 10 s per run, $2.00 a month
    face = imported(studio, photo(tmp_path / "face.png"))
    voice = imported(studio, talk(tmp_path / "voice.wav", 40))
    ask = {"photo_id": face, "audio_id": voice, "model": "infinitetalk", "resolution": "720p",
           "captions": "off", "split": True}
    est = studio.avatar({**ask, "estimate_only": True}, owner=OWNER)
    assert len(est["split"]["parts"]) >= 4 and all(p["duration_s"] <= 10 for p in est["split"]["parts"])
    assert est["max_usd"] > 2.0  # 40 s at $0.06: over the Free plan's $2.00
    run = studio.avatar({**ask, "confirm_usd": est["max_usd"]}, owner=OWNER)
    assert not run["ok"] and run["job_ids"] == []
    assert "Free" in run["message"] and "$2.00" in run["message"], run["message"]
    assert sum(fake.submits.values()) == 0 and studio.ledger.entries(OWNER) == []

"""A voice is an audio asset, reused in Create (a draft's soundtrack) and Edit (the clip's new sound), in
Debian's chromium; and never paying twice in Create (a repeated identical paid request is offered the
earlier asset at $0; using it sends and charges nothing)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import probe
from tests.fakes.wavespeed_vendor import start_fake_wavespeed
from tests.helpers import OWNER
from tests.test_browser import CHROMIUM, app_page, unavailable

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("VIDEO_STUDIO_SHOTS", "/work/plan/shots"))


@pytest.fixture(autouse=True)
def _browser_available():
    if CHROMIUM is None:
        unavailable("Debian chromium is not installed (apt-get install chromium)")


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"leftovers-{name}.png"), full_page=True)


def studio_on(home: Path):
    from app import build_studio
    from core.settings import Settings

    return build_studio(Settings(VIDEO_STUDIO_HOME=home))


def library_voice(home: Path, tmp_path: Path, seconds: int = 3) -> str:
    """A voice in the library before the app starts (an AAC tone), by asset id."""
    voice = tmp_path / "narration.m4a"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=300:sample_rate=48000:duration={seconds}", "-c:a", "aac", str(voice)],
                   check=True)
    studio = studio_on(home)
    try:
        return studio.import_media(voice, owner=OWNER, title="Narration take 2")["id"]
    finally:
        studio.stop()


def test_a_library_voice_becomes_the_soundtrack_of_a_draft(tmp_path, clip_factory):
    home = tmp_path / "home"
    voice_id = library_voice(home, tmp_path)
    with app_page(home, clip_factory("seed.mp4", seconds=1)) as page:
        page.get_by_label("Prompt", exact=True).fill("A paper boat on a rainy street")
        page.get_by_text("More options").click()
        page.locator("#create-library-audio input").click()
        page.get_by_role("option", name=re.compile("Narration take 2")).click()
        page.locator("#create-audio a[download][href$='.m4a']").wait_for(state="attached", timeout=30_000)
        shot(page, "create-library-audio")
        page.get_by_role("button", name="Generate", exact=True).click()
        page.get_by_text("succeeded").first.wait_for(timeout=120_000)
    studio = studio_on(home)
    try:
        [made] = [a for a in studio.assets(owner=OWNER) if a["operation"] == "text-to-video"]
        job = studio.jobs.get(studio.asset(made["id"], owner=OWNER)["job_id"])
        assert job.payload["asked"]["audio"] == voice_id  # named by asset id, as API clients do
        assert probe(made["path"]).has_audio
    finally:
        studio.stop()


def test_a_library_voice_replaces_a_clips_sound_in_edit(tmp_path, clip_factory):
    home = tmp_path / "home"
    voice_id = library_voice(home, tmp_path, seconds=5)
    with app_page(home, clip_factory("seed.mp4", seconds=2, size="320x240")) as page:
        page.get_by_role("tab", name="Edit").click()
        page.get_by_label("Clip to edit").click()
        page.get_by_role("option", name=re.compile("seeded clip")).click()
        page.get_by_text("Audio", exact=True).click()
        page.get_by_label("Voice or music from your library").click()
        page.get_by_role("option", name=re.compile("Narration take 2")).click()
        shot(page, "edit-library-voice")
        page.get_by_role("button", name="Apply as new version").click()
        page.get_by_text("succeeded").first.wait_for(timeout=120_000)
    studio = studio_on(home)
    try:
        [made] = [a for a in studio.assets(owner=OWNER) if a["operation"] == "edit"]
        [op] = studio.asset(made["id"], owner=OWNER)["settings"]["ops"]
        assert (op["kind"], op["audio"], op["mode"]) == ("soundtrack", voice_id, "replace")
        info = probe(made["path"])
        assert info.has_audio and info.duration_s == pytest.approx(2.0, abs=0.15)  # the clip's length, its new sound
    finally:
        studio.stop()


def test_a_repeated_paid_request_is_offered_the_earlier_asset_at_no_cost(tmp_path, clip_factory):
    base_url, vendor, stop_vendor = start_fake_wavespeed(clip_factory("out.mp4", seconds=1).read_bytes())
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_CONFIRM_ABOVE_USD": "0.01"}
    home = tmp_path / "home"
    try:
        with app_page(home, clip_factory("seed.mp4", seconds=1), env) as page:
            page.get_by_label("Prompt", exact=True).fill("A kite over dunes at noon")
            page.get_by_label("Model", exact=True).click()
            page.get_by_role("option", name=re.compile(r"^Wan 2\.5 · standard")).click()
            page.get_by_text("More options").click()
            page.get_by_label("Seed (-1 = random)").fill("3")
            page.get_by_label("Seed (-1 = random)").press("Tab")
            agree = page.get_by_label(re.compile(r"I agree to pay up to \$"))
            agree.wait_for(timeout=60_000)
            price = re.search(r"\$[0-9.]+", agree.locator("xpath=..").inner_text()).group(0)
            agree.check()
            page.get_by_role("button", name="Generate", exact=True).click()
            page.get_by_text("succeeded").first.wait_for(timeout=120_000)
            assert sum(vendor.submits.values()) == 1

            page.get_by_role("button", name="Generate", exact=True).click()  # the same request again
            page.get_by_text(re.compile(r"You made this on \d+ \w{3}")).first.wait_for(timeout=60_000)
            assert f"pay {price} again" in page.locator(".prose", has_text="Nothing was sent").first.inner_text()
            shot(page, "create-reuse-offer")
            again = page.get_by_label("Run it again anyway (a new paid run)")
            again.check()
            page.get_by_role("button", name="Generate", exact=True).click()  # the amount is not agreed yet
            page.get_by_text(re.compile(r"Not started\..*confirm_usd")).wait_for(timeout=30_000)
            assert again.is_checked() and sum(vendor.submits.values()) == 1  # the offer and the choice stay
            page.get_by_role("button", name=re.compile("Use it")).click()
            page.get_by_text("nothing was sent, nothing charged").wait_for(timeout=30_000)
            page.locator("video:visible").first.wait_for(timeout=30_000)
            shot(page, "create-reuse-used")
            assert sum(vendor.submits.values()) == 1  # nothing sent for the second request
    finally:
        stop_vendor()
    studio = studio_on(home)
    try:
        assert [e.state for e in studio.ledger.entries(OWNER)] == ["charged"]  # nothing reserved for the offer
        assert len([a for a in studio.assets(owner=OWNER) if a["operation"] == "text-to-video"]) == 1
    finally:
        studio.stop()

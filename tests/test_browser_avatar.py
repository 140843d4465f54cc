"""The Avatar tab in Debian's chromium: the offline path from a photo and a typed script to a
captioned draft, and the cost meter pricing an uploaded voice from its measured length."""

from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from core.media.ffmpeg import ffmpeg_exe
from tests.fakes.wavespeed_vendor import start_fake_wavespeed
from tests.test_browser import CHROMIUM, FLAGS, unavailable
from tests.test_app_api import connect, free_port, launch, stop

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("VIDEO_STUDIO_SHOTS", "")) if os.environ.get("VIDEO_STUDIO_SHOTS") else None


@pytest.fixture(autouse=True)
def _browser_available():
    if CHROMIUM is None:
        unavailable("Debian chromium is not installed (apt-get install chromium)")


def shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_avatar_tab(port: int, proc, p):
    connect(port, proc)
    browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"http://127.0.0.1:{port}/")
    page.get_by_role("tab", name="Avatar").click()
    return browser, page


def face(tmp_path: Path) -> Path:
    path = tmp_path / "presenter.png"
    Image.new("RGB", (480, 600), (190, 150, 130)).save(path)
    return path


def photo_and_voice(page, tmp_path: Path, voice: Path, model: str) -> None:
    """Upload a photo and a voice recording in the Avatar tab and pick `model`."""
    page.locator("#avatar-photo input[type=file]").set_input_files(str(face(tmp_path)))
    page.get_by_label("Upload or record audio").check()
    page.locator("#avatar-audio input[type=file]").set_input_files(str(voice))
    page.locator("#avatar-model input").click()
    page.get_by_role("option", name=model, exact=True).click()


def test_a_typed_script_becomes_a_captioned_offline_draft(tmp_path):
    from playwright import sync_api

    port = free_port()
    proc = launch(tmp_path / "home", port)
    try:
        with sync_api.sync_playwright() as p:
            browser, page = open_avatar_tab(port, proc, p)
            page.locator("#avatar-photo input[type=file]").set_input_files(str(face(tmp_path)))
            page.get_by_role("textbox", name="Script").fill("Hello from the avatar tab. The captions follow my words.")
            meter = page.locator("#avatar-meter")
            meter.get_by_text("Free", exact=True).wait_for(timeout=60_000)
            assert "Offline avatar draft" in meter.inner_text()
            page.get_by_text("Time:").wait_for(timeout=30_000)
            shot(page, tmp_path, "avatar-form")
            page.get_by_role("button", name="Make the talking video").click()
            progress = page.locator("#avatar-progress")
            progress.get_by_text("Voice", exact=True).wait_for(timeout=30_000)
            progress.get_by_text("Join and captions").wait_for(timeout=30_000)
            page.locator("video:visible").first.wait_for(timeout=120_000)
            assert progress.locator(".vs-pill", has_text="done").count() == 3
            page.get_by_text("Made from:").wait_for(timeout=60_000)
            shot(page, tmp_path, "avatar-result")
            assert page.locator("a[href$='captions.srt']").count() >= 1  # the SRT download
            assert "your script" in page.locator("#avatar-lineage").inner_text()
            assert not re.search(r"\b[0-9a-f]{12,16}\b", progress.inner_text())  # words, no raw ids
            shot(page, tmp_path, "avatar-result")
            browser.close()
    finally:
        stop(proc)


def recording(path: Path, seconds: int, pauses: bool = False) -> Path:
    """A tone of `seconds` (with `pauses`: silent 1.5 s in every 10 s, like breaths)."""
    breaths = ["-af", "volume='if(lt(mod(t,10),8.5),1,0)':eval=frame"] if pauses else []
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=200:sample_rate=48000:duration={seconds}", *breaths, str(path)], check=True)
    return path


@contextmanager
def paid_avatar_tab(tmp_path: Path, **more_env):
    """The Avatar tab of an app on the studio plan whose WaveSpeed is the loopback fake: (page, vendor)."""
    from playwright import sync_api

    base_url, vendor, stop_vendor = start_fake_wavespeed(b"")
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_PLAN": "studio",
           **more_env}
    port = free_port()
    proc = launch(tmp_path / "home", port, env)
    try:
        with sync_api.sync_playwright() as p:
            browser, page = open_avatar_tab(port, proc, p)
            yield page, vendor
            browser.close()
    finally:
        stop(proc)
        stop_vendor()


def test_the_meter_prices_an_uploaded_voice_from_its_measured_length(tmp_path):
    voice = recording(tmp_path / "voice.wav", 47)
    with paid_avatar_tab(tmp_path) as (page, vendor):
        photo_and_voice(page, tmp_path, voice, "InfiniteTalk")
        page.locator("#avatar-resolution").get_by_label("720p").check()
        meter = page.locator("#avatar-meter")
        meter.get_by_text("0:47 at 720p: 47 s × $0.06 = $2.82").wait_for(timeout=60_000)
        shot(page, tmp_path, "avatar-paid-meter")
        page.get_by_label("I agree to pay up to $2.82").wait_for(timeout=30_000)
        assert sum(vendor.submits.values()) == 0  # pricing sends nothing


def test_making_the_same_talking_video_again_is_offered_the_earlier_one(tmp_path):
    """Never pay twice in the tab: the same photo, voice and settings again are offered the earlier
    video with nothing sent; "Run it again anyway" (with the amount agreed) pays for a new one."""
    import time

    voice = recording(tmp_path / "voice.wav", 6)
    with paid_avatar_tab(tmp_path, VIDEO_STUDIO_CONFIRM_ABOVE_USD="0.01") as (page, vendor):
        photo_and_voice(page, tmp_path, voice, "InfiniteTalk")
        page.locator("#avatar-meter").get_by_text("0:06 at 480p: 6 s × $0.03 = $0.18").wait_for(timeout=60_000)
        agree = page.get_by_label("I agree to pay up to $0.18").first
        agree.check()
        make = page.get_by_role("button", name="Make the talking video")
        make.click()
        page.locator("video:visible").first.wait_for(timeout=120_000)
        agree.check()
        make.click()
        page.get_by_text(re.compile(r"it is in the Library as .*open it there for \$0")).wait_for(timeout=30_000)
        shot(page, tmp_path, "avatar-made-before")
        assert vendor.submits["wavespeed-ai/infinitetalk"] == 1
        again = page.get_by_label("Run it again anyway (a new paid run)")
        again.check()
        make.click()  # the amount is not agreed yet: asked for, and the choice to run again is kept
        page.get_by_text(re.compile(r"Not started\..*confirm_usd")).wait_for(timeout=30_000)
        assert again.is_checked() and vendor.submits["wavespeed-ai/infinitetalk"] == 1
        agree.check()
        make.click()
        page.get_by_text(re.compile(r"^Started\. It keeps going")).wait_for(timeout=30_000)
        deadline = time.monotonic() + 60
        while vendor.submits["wavespeed-ai/infinitetalk"] < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert vendor.submits["wavespeed-ai/infinitetalk"] == 2


def test_face_swap_waits_for_the_consent_statement(tmp_path, clip_factory):
    from playwright import sync_api

    from tests.test_browser import seed_library

    base_url, vendor, stop_vendor = start_fake_wavespeed(clip_factory("out.mp4", seconds=1).read_bytes())
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url}
    seed_library(tmp_path / "home", clip_factory("seed.mp4", seconds=4, size="320x240"))
    port = free_port()
    proc = launch(tmp_path / "home", port, env)
    try:
        with sync_api.sync_playwright() as p:
            browser, page = open_avatar_tab(port, proc, p)
            page.get_by_text("Translate, face swap, character swap").click()
            page.get_by_label("Video to translate or swap").first.click()
            page.get_by_role("option", name=re.compile("seeded clip")).click()
            page.get_by_label("AI operation").last.click()
            page.get_by_role("option", name="Face swap").click()
            page.locator("#around-face input[type=file]").set_input_files(str(face(tmp_path)))
            gate = page.locator(".vs-issue", has_text="uses a real person")
            gate.wait_for(timeout=60_000)
            shot(page, tmp_path, "avatar-consent-gate")
            page.get_by_role("button", name="Run AI edit").last.click()
            page.get_by_text("Not started.").last.wait_for(timeout=30_000)
            assert sum(vendor.submits.values()) == 0
            page.locator("#around-consent input").check()
            gate.wait_for(state="detached", timeout=60_000)
            page.get_by_text("$0.05").last.wait_for(timeout=30_000)  # 4 s probed, billed at the 5 s minimum
            page.get_by_role("button", name="Run AI edit").last.click()
            page.get_by_text("succeeded").last.wait_for(timeout=90_000)
            assert vendor.submits["wavespeed-ai/video-face-swap"] == 1
            shot(page, tmp_path, "avatar-consent-given")
            browser.close()
    finally:
        stop(proc)
        stop_vendor()


LONG_SCRIPT = ("Welcome to the harbour tour. We start at the old lighthouse, where the keepers lived for two "
               "hundred years. The tower is forty metres tall and its lamp still turns every night. From the top "
               "you can see the whole bay, the fishing boats and the island. Next we walk along the quay to the "
               "market hall. Fishermen sell their catch here every morning before sunrise. The hall was built in "
               "stone after the great fire. Finally we reach the ferry pier. Thanks for joining the tour today.")


def test_one_failed_scene_is_made_again_alone_with_its_voice_reused(tmp_path):
    """A script of two scenes: the first avatar sent fails at the (fake) provider; the tab offers to
    make that scene again, priced, and only its avatar is sent again (both voices are kept)."""
    from playwright import sync_api

    from tests.helpers import OWNER

    base_url, vendor, stop_vendor = start_fake_wavespeed(b"")
    vendor.behave("wavespeed-ai/infinitetalk", fail_first=1, error="the GPU fell over")
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_CONFIRM_ABOVE_USD": "0.01"}
    home = tmp_path / "home"
    port = free_port()
    proc = launch(home, port, env)
    try:
        with sync_api.sync_playwright() as p:
            browser, page = open_avatar_tab(port, proc, p)
            page.locator("#avatar-photo input[type=file]").set_input_files(str(face(tmp_path)))
            page.get_by_role("textbox", name="Script").fill(LONG_SCRIPT)
            page.get_by_label("Voice", exact=True).click()
            page.get_by_role("option", name=re.compile(r"^Wise woman - MiniMax Speech 02 HD")).click()
            page.locator("#avatar-model input").click()
            page.get_by_role("option", name="InfiniteTalk", exact=True).click()
            agree = page.get_by_label(re.compile(r"I agree to pay up to \$")).first
            agree.wait_for(timeout=60_000)
            agree.check()
            page.get_by_role("button", name="Make the talking video").click()
            progress = page.locator("#avatar-progress")
            progress.get_by_text("Voice, scene 2").wait_for(timeout=30_000)
            page.get_by_role("button", name="Make the failed scene again").wait_for(timeout=120_000)
            assert "the GPU fell over" in progress.inner_text()
            shot(page, tmp_path, "leftovers-avatar-failed-scene")
            retry_box = page.get_by_label(re.compile(r"I agree to pay up to \$")).last
            retry_box.check()
            page.get_by_role("button", name="Make the failed scene again").click()
            page.get_by_text(re.compile(r"Making scene \d again; the other scenes are kept")).wait_for(timeout=30_000)
            page.locator("video:visible").first.wait_for(timeout=180_000)
            shot(page, tmp_path, "leftovers-avatar-scene-made-again")
            assert vendor.submits["minimax/speech-02-hd"] == 2  # one voice per scene, none sent again
            assert vendor.submits["wavespeed-ai/infinitetalk"] == 3  # two scenes, then the failed one alone
            browser.close()
    finally:
        stop(proc)
        stop_vendor()
    from app import build_studio
    from core.settings import Settings

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home))
    try:
        states = sorted((e.model, e.state) for e in studio.ledger.entries(OWNER))
        assert states == [("infinitetalk", "charged"), ("infinitetalk", "charged"), ("infinitetalk", "refunded"),
                          ("minimax-speech-02-hd", "charged"), ("minimax-speech-02-hd", "charged")]
    finally:
        studio.stop()


def test_a_voice_too_long_for_the_model_is_offered_as_scenes_priced_as_one_amount(tmp_path):
    voice = recording(tmp_path / "long.wav", 130, pauses=True)
    with paid_avatar_tab(tmp_path) as (page, vendor):
        photo_and_voice(page, tmp_path, voice, "Hunyuan Avatar")
        meter = page.locator("#avatar-meter")
        meter.get_by_text("one run takes at most 2:00 (120 s)").wait_for(timeout=60_000)
        assert "Split it into 2 scenes" in meter.inner_text() and "$4.05 in total" in meter.inner_text()
        shot(page, tmp_path, "leftovers-avatar-split-offer")
        page.locator("#avatar-split input").check()
        page.get_by_label("I agree to pay up to $4.05").wait_for(timeout=60_000)
        assert "Avatar, part 2 of 2" in meter.inner_text()
        shot(page, tmp_path, "leftovers-avatar-split")
        assert sum(vendor.submits.values()) == 0  # pricing sends nothing

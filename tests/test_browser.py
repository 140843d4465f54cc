"""What only a person sees: the app in Debian's chromium, driven by Playwright.

Skipped where chromium or Playwright is missing, unless VIDEO_STUDIO_REQUIRE_BROWSER=1 (CI sets
it): then a missing browser fails the test instead, so browser tests cannot silently not run."""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager

import pytest

from tests.test_app_api import connect, free_port, launch, stop
from tests.helpers import OWNER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("VIDEO_STUDIO_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.browser
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def seed_library(home, clip) -> None:
    """An asset that exists before the app starts (pickers are built with it already listed)."""
    from app import build_studio
    from core.settings import Settings

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home))
    studio.import_media(clip, title="seeded clip", owner=OWNER)
    studio.stop()


def unavailable(reason: str) -> None:
    """Skip, or fail when the browser tests are required (CI)."""
    if REQUIRED:
        pytest.fail(f"{reason}, and VIDEO_STUDIO_REQUIRE_BROWSER=1 requires the browser tests to run.")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _browser_available():
    if CHROMIUM is None:
        unavailable("Debian chromium is not installed (apt-get install chromium)")


@contextmanager
def app_page(home, seed_clip, env: dict | None = None):
    """The app launched on `home` (with `env`) with `seed_clip` in its library (none: empty), open in a
    chromium page."""
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("Playwright is not installed (pip install -r requirements.txt)")
    if seed_clip is not None:
        seed_library(home, seed_clip)
    port = free_port()
    proc = launch(home, port, env)
    try:
        connect(port, proc)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/")
            yield page
            browser.close()
    finally:
        stop(proc)


def test_create_then_edit_in_the_browser(tmp_path, clip_factory):
    with app_page(tmp_path / "home", clip_factory("seed.mp4", seconds=2, size="320x240", rate=25)) as page:
        page.get_by_label("Prompt").fill("A paper boat on a rainy street")
        page.get_by_text("Free", exact=True).wait_for(timeout=30_000)  # the live cost meter
        page.get_by_label("Platform preset").click()
        page.get_by_role("option", name="TikTok").click()
        vertical = page.locator("label:visible", has_text="9:16").locator("input")
        page.wait_for_function("el => el.checked", arg=vertical.element_handle(), timeout=30_000)
        page.get_by_text("1080p", exact=True).first.wait_for(timeout=30_000)  # the meter repriced it
        page.get_by_role("button", name="Generate", exact=True).click()
        page.get_by_text("succeeded").wait_for(timeout=90_000)
        page.screenshot(path=str(tmp_path / "create.png"))

        page.get_by_role("tab", name="Edit").click()
        page.get_by_label("Clip to edit").first.click()
        # The tab's reload lists the new draft; picking before it lands could click a moving list.
        page.get_by_role("option", name="A paper boat").wait_for(timeout=30_000)
        page.get_by_role("option", name="seeded clip").click()
        page.get_by_text("320x240 @ 25 fps, 2.0 s").wait_for(timeout=30_000)  # its probed summary
        page.screenshot(path=str(tmp_path / "edit.png"))


def test_a_gif_from_transform_is_shown_as_a_picture(tmp_path, clip_factory):
    with app_page(tmp_path / "home", clip_factory("seed.mp4", seconds=1, size="640x360", rate=25)) as page:
        page.get_by_role("tab", name="Transform").click()
        page.get_by_label("Clip to transform").first.click()
        page.get_by_role("option", name="seeded clip").click()
        page.get_by_label("Format and codec").click()
        page.get_by_role("option", name="GIF", exact=True).click()
        page.get_by_text("270p (480x270) @ 12.5 fps, 1.0 s, GIF, no sound").wait_for(timeout=30_000)
        page.get_by_role("button", name="Convert", exact=True).click()
        page.locator("img[src*='.gif']:visible").first.wait_for(timeout=90_000)
        assert page.locator("video:visible").count() == 0  # a GIF in a video player shows nothing
        page.screenshot(path=str(tmp_path / "transform_gif.png"))


def test_social_pack_for_a_vertical_clip(tmp_path, clip_factory):
    """A 9:16 clip: its platforms are ticked for it, the crop note sits under the choice, and the
    results show the ZIP and a player per platform above one row per platform."""
    with app_page(tmp_path / "home", clip_factory("tall.mp4", seconds=3.2, size="270x480", rate=25)) as page:
        page.get_by_role("tab", name="Social").click()
        page.get_by_label("Video to package").first.click()
        page.get_by_role("option", name=re.compile("seeded clip")).click()
        reels = page.get_by_role("checkbox", name="Instagram Reels")
        page.wait_for_function("el => el.checked", arg=reels.element_handle(), timeout=30_000)
        ticked = {name: page.get_by_role("checkbox", name=name, exact=True).is_checked()
                  for name in ("Instagram Reels", "TikTok", "YouTube Shorts", "LinkedIn 16:9", "X")}
        assert ticked == {"Instagram Reels": True, "TikTok": True, "YouTube Shorts": True,
                          "LinkedIn 16:9": False, "X": False}
        page.get_by_role("checkbox", name="X", exact=True).check()
        note = page.get_by_text("keeping 32% of the frame")
        note.wait_for(timeout=60_000)
        choice = page.locator("label:visible", has_text="LinkedIn 16:9").bounding_box()
        assert 0 < note.bounding_box()["y"] - choice["y"] < 500  # beside the choice, not far down the page
        page.screenshot(path=str(tmp_path / "social_plan.png"), full_page=True)

        page.get_by_role("button", name="Make the pack").click()
        rows = page.locator(".vs-pack-row")
        rows.nth(3).wait_for(timeout=180_000)
        assert rows.count() == 4
        assert page.locator(".vs-pack-player video").count() == 4
        served = page.evaluate("""async () => Promise.all([...document.querySelectorAll('.vs-pack-player video')]
            .map(async v => { const r = await fetch(v.src, {headers: {Range: 'bytes=0-99'}});
                              return [r.status, r.headers.get('content-type')]; }))""")
        assert all(status in (200, 206) and "video" in kind for status, kind in served), served  # they play
        zip_link = page.get_by_text(re.compile(r"social-pack.*\.zip")).first
        players = page.locator(".vs-pack-players")
        assert zip_link.bounding_box()["y"] < players.bounding_box()["y"] < rows.first.bounding_box()["y"]
        assert page.get_by_text("Rendering every platform").count() == 0
        assert page.locator("details[open]").count() == 0  # the detailed checks are folded away
        page.screenshot(path=str(tmp_path / "social_results.png"), full_page=True)

"""What only a person sees: the app in Debian's chromium, driven by Playwright (skipped without it)."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest

from tests.test_app_api import connect, free_port, launch, stop
from tests.helpers import OWNER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def seed_library(home, clip) -> None:
    """An asset that exists before the app starts (pickers are built with it already listed)."""
    from app import build_studio
    from core.settings import Settings

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home))
    studio.import_media(clip, title="seeded clip", owner=OWNER)
    studio.stop()


@contextmanager
def app_page(home, seed_clip):
    """The app launched on `home` with `seed_clip` in its library, open in a chromium page."""
    sync_api = pytest.importorskip("playwright.sync_api")
    seed_library(home, seed_clip)
    port = free_port()
    proc = launch(home, port)
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
        page.get_by_role("button", name="Create").click()
        page.get_by_text("succeeded").wait_for(timeout=90_000)
        page.screenshot(path=str(tmp_path / "create.png"))

        page.get_by_role("tab", name="Edit").click()
        page.get_by_label("Clip to edit").first.click()
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

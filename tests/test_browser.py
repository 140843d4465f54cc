"""What only a person sees: the app in Debian's chromium, driven by Playwright (skipped without it)."""

from __future__ import annotations

import shutil

import pytest

from tests.test_app_api import connect, free_port, launch, stop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def seed_library(home, clip) -> None:
    """An asset that exists before the app starts (pickers are built with it already listed)."""
    from app import build_studio
    from core.settings import Settings

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home))
    studio.import_media(clip, title="seeded clip")
    studio.stop()


def test_create_then_edit_in_the_browser(tmp_path, clip_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    seed_library(tmp_path / "home", clip_factory("seed.mp4", seconds=2, size="320x240", rate=25))
    port = free_port()
    proc = launch(tmp_path / "home", port)
    try:
        connect(port, proc)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/")
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
            browser.close()
    finally:
        stop(proc)

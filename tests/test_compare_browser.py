"""The Compare tab in Debian's chromium: the grid plays in sync, blind mode hides names until the vote."""

from __future__ import annotations

import os
import re
import time

import pytest

from tests.compare_helpers import launched_with_vendor
from tests.test_browser import CHROMIUM, FLAGS

REQUIRED = os.environ.get("VIDEO_STUDIO_REQUIRE_BROWSER") == "1"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="Debian chromium not installed")]
AUTOPLAY = "--autoplay-policy=no-user-gesture-required"
NAMES = re.compile(r"wan|hunyuan|wavespeed|alibaba", re.IGNORECASE)
TIMES = "sel => [...document.querySelectorAll(sel + ' video')].map(v => [v.currentTime, v.paused])"


def test_grid_plays_in_sync_and_blind_mode_hides_names_until_the_vote(tmp_path, clip_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    clip = clip_factory("vendor.mp4", seconds=4, size="320x180")
    with launched_with_vendor(tmp_path / "home", clip) as (port, _, _), sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, AUTOPLAY])
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("tab", name="Compare").click()
        page.get_by_label("Prompt for every model").fill("A paper boat on a rainy street")
        picker = page.locator("#vs-compare-models")
        picker.get_by_text(re.compile(r"Wan 2\.5 - \$")).wait_for(timeout=30_000)  # priced
        picker.locator("input[name='wan-2.5-t2v']").check()
        picker.locator("input[name='hunyuan-1.5-t2v']").check()
        page.get_by_label("Blind: hide names until I vote").check()
        page.get_by_label(re.compile("I agree to pay up to")).check(timeout=30_000)
        page.get_by_role("button", name="Run the compare").click()
        grid = page.locator("#vs-compare-grid")
        grid.get_by_text("succeeded").nth(1).wait_for(timeout=90_000)
        page.wait_for_function("() => [...document.querySelectorAll('#vs-compare-grid video')]"
                               ".filter(v => v.readyState >= 2).length === 2", timeout=30_000)
        assert not NAMES.search(grid.inner_text()), grid.inner_text()
        sources = grid.locator("video").evaluate_all("vs => vs.map(v => v.currentSrc)")
        assert len(sources) == 2 and not any(NAMES.search(src) for src in sources), sources
        page.screenshot(path=str(tmp_path / "compare_blind_grid.png"), full_page=True)

        videos = grid.locator("video")
        videos.first.evaluate("v => v.play()")  # play one: both play
        time.sleep(1.2)
        playing = page.evaluate(TIMES, "#vs-compare-grid")
        assert all(not paused and at > 0.3 for at, paused in playing), playing
        assert abs(playing[0][0] - playing[1][0]) < 0.35, playing
        videos.nth(1).evaluate("v => v.pause()")  # pause the other: both pause
        time.sleep(0.1)
        assert all(paused for _, paused in page.evaluate(TIMES, "#vs-compare-grid"))
        videos.first.evaluate("v => { v.currentTime = 2.5; }")  # scrub one right away: both move
        time.sleep(0.8)
        scrubbed = page.evaluate(TIMES, "#vs-compare-grid")
        assert all(abs(at - 2.5) < 0.1 for at, _ in scrubbed), scrubbed

        page.get_by_role("tab", name="Blind vote").click()
        pair = page.locator("#vs-compare-pair")
        page.get_by_role("button", name="A is better").wait_for(timeout=30_000)
        page.wait_for_function("() => !document.evaluate(\"//button[normalize-space()='A is better']\", document, "
                               "null, 9, null).singleNodeValue.disabled", timeout=30_000)
        assert not NAMES.search(pair.inner_text())
        page.get_by_role("button", name="A is better").click()
        page.get_by_text("Recorded as a blind vote").wait_for(timeout=30_000)
        revealed = page.get_by_text(re.compile(r"^A was")).inner_text()
        assert NAMES.search(revealed), revealed
        page.screenshot(path=str(tmp_path / "compare_revealed.png"), full_page=True)

        page.get_by_role("tab", name="Side by side").click()
        grid.get_by_text(re.compile(r"Output \d: (Wan 2\.5|HunyuanVideo 1\.5)")).first.wait_for(timeout=30_000)
        browser.close()

"""The Library tab in Debian's chromium: search, filter, tag, add to a collection, open the version tree,
"use these settings again" (skipped without chromium, unless VIDEO_STUDIO_REQUIRE_BROWSER=1)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.helpers import OWNER, edit_apply, wait_for_job
from tests.test_browser import CHROMIUM, app_page, unavailable

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("VIDEO_STUDIO_SHOTS", "/work/plan/shots"))
PROMPT = "A lighthouse in fog at dawn"


@pytest.fixture(autouse=True)
def _browser_available():
    if CHROMIUM is None:
        unavailable("Debian chromium is not installed (apt-get install chromium)")


def seed(home: Path, clip_factory) -> dict:
    """Two imports, an offline draft made from settings, and an edit of one import (a version tree)."""
    from app import build_studio
    from core.settings import Settings

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home)).start()
    try:
        harbour = studio.import_media(clip_factory("harbour.mp4", seconds=1, size="320x180"), owner=OWNER,
                                      title="Harbour at noon")["id"]
        studio.import_media(clip_factory("tower.mp4", seconds=1, size="180x320"), owner=OWNER, title="Tower")
        draft = studio.create({"prompt": PROMPT, "quality": "draft", "aspect": "16:9", "resolution": "480p",
                               "duration": 2, "seed": 5}, owner=OWNER)
        made = wait_for_job(studio, draft["job_ids"][0])
        trimmed = wait_for_job(studio, edit_apply(studio, harbour, [{"kind": "trim", "start": 0, "end": 0.5}],
                                                  title="Harbour trimmed"))
        assert made["status"] == trimmed["status"] == "succeeded"
        return {"harbour": harbour, "draft": made["asset_id"], "trimmed": trimmed["asset_id"]}
    finally:
        studio.stop()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"library-{name}.png"), full_page=True)


def open_item(page, title: str) -> None:
    """Click the grid item captioned `title` (waiting for the grid to show it), then wait for its details."""
    page.locator(".thumbnail-item, .gallery-item", has_text=title).first.click(timeout=30_000)
    page.locator(".vs-details", has_text=title).wait_for(timeout=30_000)


def search(page, words: str, expect: str) -> None:
    page.get_by_label("Search", exact=True).fill(words)
    page.get_by_label("Search", exact=True).press("Enter")
    page.get_by_text(expect).wait_for(timeout=30_000)


def pick(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_search_filter_tag_collect_versions_and_use_again(tmp_path, clip_factory):
    home = tmp_path / "home"
    seed(home, clip_factory)
    with app_page(home, clip_factory("seed.mp4", seconds=1, size="320x240")) as page:
        page.get_by_role("tab", name="Library").click()
        page.get_by_text("5 asset(s) · showing").wait_for(timeout=60_000)
        shot(page, "grid")

        search(page, "lighthouse", "1 asset(s) · showing")

        page.get_by_label("Search", exact=True).fill("")
        page.get_by_text("Filters").click()
        pick(page, "Operation", "upload")
        page.get_by_text("3 asset(s) · showing").wait_for(timeout=30_000)
        pick(page, "Aspect", "9:16")
        page.get_by_text("1 asset(s) · showing").wait_for(timeout=30_000)
        search(page, "lighthouse", "Nothing matches.")
        shot(page, "nothing-matches")
        page.get_by_role("button", name="Clear filters").click()
        page.get_by_text("1 asset(s) · showing").wait_for(timeout=30_000)  # the words stay, the filters go

        open_item(page, "A lighthouse in fog")
        page.get_by_text("Tags", exact=True).click()
        tags = page.get_by_label("Tags (type a new one and press Enter)")
        tags.fill("hero shot")
        tags.press("Enter")
        page.get_by_role("button", name="Save tags").click()
        page.get_by_text("Tags saved.").wait_for(timeout=30_000)
        page.locator(".vs-details .vs-tag", has_text="hero shot").wait_for(timeout=30_000)

        page.get_by_text("Collections", exact=True).click()
        page.get_by_label("Name", exact=True).fill("Launch week")
        page.get_by_role("button", name="New collection").click()
        page.get_by_text("Launch week: 0 asset(s)").wait_for(timeout=30_000)
        page.get_by_role("button", name="Add this asset").click()
        page.get_by_text("Launch week: 1 asset(s)").wait_for(timeout=30_000)
        shot(page, "tag-collection")

        search(page, "harbour trimmed", "1 asset(s) · showing")
        open_item(page, "Harbour trimmed")
        page.get_by_text("Versions", exact=True).click()
        tree = page.locator(".vs-tree")
        tree.locator(".vs-node", has_text="Harbour at noon").wait_for(timeout=30_000)
        assert "trim (start 0, end 0.5)" in tree.locator(".vs-here").inner_text()
        page.get_by_role("button", name="Show side by side").click()
        page.wait_for_function("() => [...document.querySelectorAll('video')].filter(v => v.src).length >= 3",
                               timeout=30_000)  # the opened asset, then versions A and B
        shot(page, "versions")
        page.get_by_role("button", name="Use these settings again").click()
        end = page.get_by_label("number input for End (s, 0 = to the end)")
        page.wait_for_function("el => el.value === '0.5'", arg=end.element_handle(timeout=30_000), timeout=30_000)
        shot(page, "use-again-edit")
        page.get_by_role("tab", name="Library").click()

        search(page, "lighthouse", "1 asset(s) · showing")
        open_item(page, "A lighthouse in fog")
        page.get_by_role("button", name="Use these settings again").click()
        prompt = page.get_by_label("Prompt", exact=True)
        page.wait_for_function(f"() => [...document.querySelectorAll('textarea')].some(t => t.value === {PROMPT!r})",
                               timeout=30_000)
        assert prompt.is_visible()
        page.get_by_text("Free", exact=True).wait_for(timeout=30_000)  # the meter priced the request
        shot(page, "use-again")

        page.get_by_role("tab", name="Library").click()
        page.get_by_role("tab", name="Analytics").click()
        page.get_by_text("paid run(s)").wait_for(timeout=60_000)
        assert re.fullmatch(r"\d{4}-\d\d-01", page.get_by_label("From (YYYY-MM-DD)").last.input_value())  # this month
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", page.get_by_label("Until (YYYY-MM-DD)").last.input_value())
        page.locator(".vega-embed, canvas, svg.marks").first.wait_for(timeout=60_000)
        assert page.get_by_text("Spend per day ($)").count() >= 1
        shot(page, "analytics")


def test_tag_with_ai_shows_the_price_first_then_marks_the_tags(tmp_path, clip_factory):
    """A captioning model (the loopback fake vendor) tags the opened asset: the price is shown before
    the confirmation, one run is sent, and the tags it wrote are marked AI."""
    from tests.fakes.wavespeed_vendor import start_fake_wavespeed

    base_url, vendor, stop_vendor = start_fake_wavespeed(b"")
    vendor.behave("wavespeed-ai/molmo2/video-captioner", outputs="text",
                  text="A sailboat crosses a calm harbour at sunset; the sailboat leans in the wind.")
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_CONFIRM_ABOVE_USD": "0.001"}
    try:
        with app_page(tmp_path / "home", clip_factory("harbour.mp4", seconds=6, size="320x180"), env) as page:
            page.get_by_role("tab", name="Library").click()
            open_item(page, "seeded clip")
            page.get_by_text("Tags", exact=True).click()
            price = page.locator("#library-ai-price")
            price.get_by_text("Molmo2 video captioner").wait_for(timeout=30_000)
            assert "$0.01" in price.inner_text() and "6 s" in price.inner_text()
            page.get_by_role("button", name="Tag with AI").click()
            page.get_by_text("Not started.").wait_for(timeout=30_000)  # the amount was not agreed yet
            assert sum(vendor.submits.values()) == 0
            page.get_by_label("I agree to pay up to $0.01").check()
            page.screenshot(path=str(SHOTS / "leftovers-library-ai-price.png"), full_page=True)
            page.get_by_role("button", name="Tag with AI").click()
            page.get_by_text("AI tags added").wait_for(timeout=60_000)
            page.locator(".vs-details .vs-ai-tag", has_text="sailboat").wait_for(timeout=30_000)
            assert vendor.submits["wavespeed-ai/molmo2/video-captioner"] == 1
            page.screenshot(path=str(SHOTS / "leftovers-library-ai-tagged.png"), full_page=True)
    finally:
        stop_vendor()


AVATAR_SCRIPT = "Hello from the harbour. This talk was made offline."


def seed_chains_and_avatar(home: Path, clip_factory, tmp_path: Path) -> None:
    """An enhanced and a transformed version of an import, and an offline avatar draft from a script."""
    from PIL import Image

    from app import build_studio
    from core.settings import Settings
    from studios import enhance, transform

    studio = build_studio(Settings(VIDEO_STUDIO_HOME=home)).start()
    try:
        clip = studio.import_media(clip_factory("harbour.mp4", seconds=1, size="320x180"), owner=OWNER,
                                   title="Harbour at noon")["id"]
        chains = [("enhance", enhance.build_ops("720", "keep", 0, 0.5, "None", "Balanced")),
                  ("transform", transform.build_ops("MP4 - H.264", 22, 0, "1:1", "Letterbox", 0.5, 0.5, "keep", 1.0))]
        for operation, ops in chains:
            job = studio.edit.apply({"asset_id": clip, "ops": ops, "operation": operation}, owner=OWNER)
            assert wait_for_job(studio, job)["status"] == "succeeded"
        Image.new("RGB", (480, 600), (190, 150, 130)).save(tmp_path / "face.png")
        face = studio.import_media(tmp_path / "face.png", owner=OWNER, title="Presenter")["id"]
        made = studio.avatar({"photo_id": face, "script": AVATAR_SCRIPT, "captions": "off", "title": "Harbour talk"},
                             owner=OWNER)
        assert made["ok"], made["issues"]
        assert wait_for_job(studio, made["job_ids"][-1])["status"] == "succeeded"
    finally:
        studio.stop()


def checked(page, label: str) -> None:
    """Wait until the visible radio option `label` is the chosen one."""
    box = page.locator("label:visible", has_text=label).locator("input").first
    page.wait_for_function("el => el.checked", arg=box.element_handle(timeout=30_000), timeout=30_000)


def test_use_again_opens_enhance_transform_and_avatar_filled_in(tmp_path, clip_factory):
    home = tmp_path / "home"
    seed_chains_and_avatar(home, clip_factory, tmp_path)
    with app_page(home, clip_factory("seed.mp4", seconds=1, size="320x240")) as page:
        for title, tab, expect in (("Harbour at noon (enhance)", "Enhance", "720"),
                                   ("Harbour at noon (transform)", "Transform", "Letterbox")):
            page.get_by_role("tab", name="Library").click()
            search(page, title, "1 asset(s) · showing")
            open_item(page, title)
            page.get_by_role("button", name="Use these settings again").click()
            page.get_by_text(f"Opened {tab} with the clip and the edits").wait_for(state="attached", timeout=30_000)
            if expect == "Letterbox":
                page.wait_for_function("() => [...document.querySelectorAll('input')].some("
                                       "i => i.offsetParent !== null && i.value === 'Letterbox')", timeout=30_000)
                checked(page, "1:1")
            else:
                checked(page, expect)
                sharpen = page.get_by_label("number input for Sharpen")
                page.wait_for_function("el => el.value === '0.5'", arg=sharpen.element_handle(timeout=30_000),
                                       timeout=30_000)
            page.screenshot(path=str(SHOTS / f"leftovers-use-again-{tab.lower()}.png"), full_page=True)
        page.get_by_role("tab", name="Library").click()
        search(page, "harbour talk", "2 asset(s) · showing")  # the voice and the talking video
        open_item(page, "Harbour talk (avatar)")
        page.get_by_role("button", name="Use these settings again").click()
        page.get_by_text("Opened Avatar with the settings that made it").wait_for(state="attached", timeout=30_000)
        page.wait_for_function(f"() => [...document.querySelectorAll('textarea')].some(t => t.value === "
                               f"{AVATAR_SCRIPT!r})", timeout=30_000)
        page.locator("#avatar-meter").get_by_text("Free", exact=True).wait_for(timeout=60_000)
        page.screenshot(path=str(SHOTS / "leftovers-use-again-avatar.png"), full_page=True)

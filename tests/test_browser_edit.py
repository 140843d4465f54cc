"""Edit in chromium: a source player at once, a range drawn over the frame strip, and the
apply-then-tweak loop (limits follow the new version, values clamped with a note, no red Error)."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.test_browser import app_page

pytestmark = pytest.mark.browser


def set_slider(page, elem_id: str, value: float) -> None:
    box = page.locator(f"#{elem_id} input[type=number]")
    box.fill(str(value))
    box.press("Enter")


def test_apply_then_tweak_keeps_working(tmp_path, clip_factory):
    clip = clip_factory("seed.mp4", seconds=4, size="320x240", rate=25)
    with app_page(tmp_path / "home", clip) as page:
        page.get_by_role("tab", name="Edit").click()
        page.get_by_label("Clip to edit").first.click()
        page.get_by_role("option", name="seeded clip").click()
        source = page.locator("#vs-edit-source video")
        source.wait_for(timeout=30_000)  # the source plays before any preview
        assert source.get_attribute("src")
        strip = page.locator("#vs-edit-range .vs-strip")
        strip.wait_for(timeout=30_000)

        set_slider(page, "vs-edit-start", 1)
        set_slider(page, "vs-edit-end", 3)
        selection = page.locator("#vs-edit-range .vs-range")
        page.wait_for_function("el => Math.abs(parseFloat(el.style.left) - 25) < 1 && "
                               "Math.abs(parseFloat(el.style.width) - 50) < 1",
                               arg=selection.element_handle(), timeout=10_000)  # 1-3 s of 4 s on the strip

        page.get_by_role("button", name="Apply as new version").click()
        page.get_by_text("End is now").wait_for(timeout=120_000)  # the new 2 s version is selected
        end = page.locator("#vs-edit-end input[type=number]")
        assert float(end.input_value()) <= 2.0
        assert float(end.get_attribute("max")) == pytest.approx(2.0, abs=0.05)
        page.get_by_role("button", name="Preview 3 s").click()
        page.locator("#vs-edit-preview video").wait_for(timeout=60_000)
        assert page.get_by_text("Error", exact=True).count() == 0
        assert page.get_by_text("greater than maximum").count() == 0

        # the range handles snap to frames: a drag lands on a multiple of 1/25 s
        handle = page.locator("#vs-edit-range .vs-handle-start")
        box, strip_box = handle.bounding_box(), strip.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(strip_box["x"] + strip_box["width"] * 0.333, box["y"] + box["height"] / 2, steps=4)
        page.mouse.up()
        start = page.locator("#vs-edit-start input[type=number]")
        page.wait_for_function("el => parseFloat(el.value) > 0.5", arg=start.element_handle(), timeout=10_000)
        assert round(float(start.input_value()) * 25, 3) % 1 == 0


def test_a_picture_as_the_edit_video_gets_a_message_that_stays(tmp_path, clip_factory):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), "red").save(picture)
    with app_page(tmp_path / "home", clip_factory("seed.mp4", seconds=1, size="160x120", rate=10)) as page:
        page.get_by_role("tab", name="Edit").click()
        with page.expect_file_chooser() as chooser:
            page.locator("#vs-edit-picker button", has_text="Upload a video").click()
        chooser.value.set_files(str(picture))
        message = page.get_by_text("Create → Image to video")
        message.wait_for(timeout=30_000)
        assert "Clip to edit" in page.locator("#vs-edit-picker").inner_text()
        page.wait_for_timeout(5_000)
        assert message.is_visible()  # it stays until the next action


def test_an_empty_library_shows_a_hint(tmp_path):
    with app_page(tmp_path / "home", None) as page:
        page.get_by_role("tab", name="Edit").click()
        page.locator("#vs-edit-picker").get_by_text("Your library has no videos yet").wait_for(timeout=30_000)

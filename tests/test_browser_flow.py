"""One path in chromium: a result's send-to actions open the next tab with that asset selected."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import app_page

pytestmark = pytest.mark.browser


def active_tab(page) -> str:
    return page.locator("[role=tab][aria-selected=true]").first.inner_text().strip()


def picker_value(page, label: str) -> str:
    return page.get_by_label(label).first.input_value()


def test_send_to_actions_open_each_tab_with_the_asset(tmp_path, clip_factory):
    with app_page(tmp_path / "home", clip_factory("seed.mp4", seconds=2, size="320x240", rate=25)) as page:
        page.get_by_role("tab", name="Library").click()
        page.locator(".gallery-item, button.thumbnail-item").first.click(timeout=30_000)
        page.locator(".vs-meter b:visible", has_text="seeded clip").first.wait_for(timeout=30_000)  # selected
        page.locator(".vs-send-edit:visible").first.click()
        page.wait_for_function("() => document.querySelector('[role=tab][aria-selected=true]').innerText.trim() == 'Edit'",
                               timeout=30_000)
        page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value.startsWith('seeded clip'))",
                               timeout=30_000)
        assert picker_value(page, "Clip to edit").startswith("seeded clip ·")
        page.locator("#vs-edit-source video").wait_for(timeout=30_000)

        page.locator("#vs-edit-end input[type=number]").fill("1")
        page.locator("#vs-edit-end input[type=number]").press("Enter")
        page.get_by_role("button", name="Apply as new version").click()
        new_version = re.compile(r"seeded clip \(edit\) · v2")
        page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value.includes('(edit) · v2'))",
                               timeout=120_000)
        page.locator(".vs-send-social:visible").first.click()
        page.wait_for_function("() => document.querySelector('[role=tab][aria-selected=true]').innerText.trim() == 'Social'",
                               timeout=30_000)
        assert new_version.search(picker_value(page, "Video to package"))

        page.get_by_role("tab", name="Edit").click()
        page.locator(".vs-send-enhance:visible").first.click()
        page.wait_for_function("() => document.querySelector('[role=tab][aria-selected=true]').innerText.trim() == 'Enhance'",
                               timeout=30_000)
        assert new_version.search(picker_value(page, "Clip to enhance"))

        page.get_by_role("tab", name="Edit").click()
        page.locator(".vs-send-library:visible").first.click()
        page.wait_for_function("() => document.querySelector('[role=tab][aria-selected=true]').innerText.trim() == 'Library'",
                               timeout=30_000)
        page.locator(".vs-meter b:visible", has_text="seeded clip (edit)").first.wait_for(timeout=30_000)

"""What a person reads and sees in chromium: a typed value out of range is said (field and limits)
instead of clamped silently, a stale error goes once it is fixed, the jobs table speaks in model
names and relative times, players show a poster, and pickers show a thumbnail."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import app_page

pytestmark = pytest.mark.browser


def test_out_of_range_values_and_stale_messages_and_the_jobs_table(tmp_path):
    with app_page(tmp_path / "home", None) as page:
        page.get_by_label("Prompt").wait_for(timeout=60_000)
        page.get_by_text("Free", exact=True).wait_for(timeout=30_000)  # the meter answered

        duration = page.locator("input[type=number][aria-label='number input for Duration (s)']")
        duration.fill("600")
        duration.press("Tab")
        note = page.locator(".vs-bound-note")
        note.wait_for(timeout=10_000)
        words = note.inner_text()
        assert "Duration" in words and "2" in words and "20" in words and "600" in words, words
        page.wait_for_timeout(3_000)  # timers tick; the note stays until the next action
        assert note.count() == 1
        assert page.get_by_text("greater than maximum").count() == 0
        assert duration.input_value() == "20"

        page.get_by_role("button", name="Generate", exact=True).click()  # with no prompt
        refusal = page.get_by_text("The prompt is empty").first
        refusal.wait_for(timeout=30_000)
        assert note.count() == 0  # the next action ended the note
        page.get_by_label("Prompt").fill("A paper boat drifting down a rainy street")
        page.wait_for_function("() => !document.body.innerText.includes('The prompt is empty')", timeout=15_000)

        duration.fill("2")
        duration.press("Tab")
        page.get_by_role("button", name="Generate", exact=True).click()
        page.get_by_text("succeeded").wait_for(timeout=120_000)
        table = page.locator(".vs-jobs table").first
        row = table.locator("tr").nth(1)
        seen = row.evaluate("r => { const c = r.cloneNode(true); c.querySelectorAll('details').forEach(d => d.remove());"
                            " return c.innerText; }")
        assert "Local draft" in seen and "local-draft" not in seen, seen
        assert re.search(r"just now|\d+ min ago", seen), seen
        assert "A paper boat" in seen, seen
        job_id = row.locator("details code").first.text_content()
        assert len(job_id) >= 8 and job_id[:8] not in seen  # the id is only in the details fold

        page.set_viewport_size({"width": 1280, "height": 900})  # Create's right-hand column at a laptop's width
        page.wait_for_timeout(300)
        fits = table.evaluate("t => [t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1,"
                              " t.querySelector('td').getBoundingClientRect().width / t.getBoundingClientRect().width]")
        assert fits[0], "the jobs table runs past the edge of its column"
        assert fits[1] >= 0.4, f"the What column takes only {fits[1]:.0%} of the table"


def test_players_show_a_poster_and_pickers_a_thumbnail(tmp_path, clip_factory):
    clip = clip_factory("seed.mp4", seconds=3, size="320x240", rate=25, source="testsrc2")
    with app_page(tmp_path / "home", clip) as page:
        page.get_by_role("tab", name="Edit").click()
        page.get_by_label("Clip to edit").first.click()
        page.get_by_role("option", name="seeded clip").click()
        source = page.locator("#vs-edit-source video")
        source.wait_for(timeout=30_000)
        page.wait_for_function("v => v.getAttribute('poster')", arg=source.element_handle(), timeout=15_000)
        poster = source.get_attribute("poster")
        assert poster.endswith(".poster.jpg")
        loaded = page.evaluate("url => new Promise(r => { const i = new Image(); i.onload = () => r([i.naturalWidth, "
                               "i.naturalHeight]); i.onerror = () => r(null); i.src = url; })", poster)
        assert loaded and loaded[0] == 320 and loaded[1] == 240, loaded  # a real frame of the clip, full size
        thumb = page.locator("#vs-edit-picker img.vs-thumb")
        thumb.wait_for(timeout=15_000)
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", thumb.element_handle())

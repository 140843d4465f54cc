"""The Library tab's words and plot rows: human dates, page lines, what a version did, analytics frames."""

from __future__ import annotations

from datetime import UTC, datetime

from studios.analytics import budget_line, frames
from studios.library_view import NOTHING, captions, human_date, node_label, node_what, page_line

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_dates_read_like_a_person_says_them():
    assert human_date("2026-11-27T09:05:00+00:00", NOW) == "today 09:05"
    assert human_date("2026-11-26T23:10:00+00:00", NOW) == "yesterday 23:10"
    assert human_date("2026-11-12T10:00:00+00:00", NOW) == "12 Nov"
    assert human_date("2025-11-12T10:00:00", NOW) == "12 Nov 2025"


def test_grid_tiles_tell_look_alike_assets_apart():
    """Two versions of one long prompt-title, and two drafts of it made the same minute: each tile says its
    title's tail, version, size, length and when, over two lines; identical ones are numbered."""
    title = "A paper boat drifting down a rainy street at dusk, neon reflections"
    base = {"title": title, "width": 1280, "height": 720, "duration": 5.0, "cost": 0.0,
            "created_at": "2026-11-27T14:55:00+00:00", "parent_id": None}
    first, twin = {**base, "id": "a1"}, {**base, "id": "a2"}
    edit = {**base, "id": "b1", "title": title + " (edit)", "parent_id": "a1", "width": 1080, "height": 1920,
            "duration": 3.0}
    shown = captions([first, edit, twin], {a["id"]: a for a in (first, edit, twin)}, NOW)
    assert len(set(shown)) == 3, shown
    head, facts = shown[1].split("\n")
    assert head.endswith("(edit)") and head.startswith("A paper boat drifting down")
    assert facts == "v2 · 1080x1920 · 3.0 s · 5 min ago · free"
    assert shown[0].split("\n")[1] == "1280x720 · 5.0 s · 5 min ago · free"
    assert shown[2].endswith("#2")


def test_page_lines_and_the_nothing_matches_state():
    assert page_line(0, 1, 24) == NOTHING
    assert page_line(50, 3, 24) == "50 asset(s) · showing 49-50 · page 3 of 3"


def test_a_version_says_what_it_did_zeros_included():
    node = {"ops": [{"kind": "trim", "start": 0.0, "end": 0.5}, {"kind": "stabilize", "smoothing": None}]}
    assert node_what(node) == "trim (start 0, end 0.5); stabilize"
    made = {"model": "wan-2.5-t2v", "settings": {"duration": 5, "resolution": "720p", "seed": 0}}
    assert node_what(made) == "wan-2.5-t2v · 5 s · 720p · seed 0"
    named = {**made, "model_name": "Wan 2.5", "operation": "text-to-video", "cost_usd": 0.5}
    assert node_label(named) == "Text to video: Wan 2.5 · 5 s · 720p · seed 0 · $0.50"


def test_analytics_rows_put_two_figures_side_by_side_and_money_in_dollars():
    model = {"model": "wan-2.5-t2v", "tier": "standard", "spend_usd": 1.0, "estimate_usd": 1.0, "actual_usd": 0.9,
             "p50_s": 20.0, "p90_s": 31.0, "success_rate": 0.5}
    shown = frames([{"day": "2026-11-01", "spend_usd": 0.4, "runs": 1}, {"day": "2026-11-02", "spend_usd": 0.5,
                                                                       "runs": 1}], [], [model], 50.0)
    assert shown["versus"]["bar"].tolist() == ["wan-2.5-t2v (standard) · estimate", "wan-2.5-t2v (standard) · actual"]
    named = frames([], [], [{**model, "model_name": "Wan 2.5"}], 50.0)
    assert named["model"]["model"].tolist() == ["Wan 2.5 (standard)"]
    assert shown["times"]["seconds"].tolist() == [20.0, 31.0] and shown["success"]["success_pct"].tolist() == [50.0]
    spent = shown["budget"][shown["budget"]["series"] == "spend to date"]["usd"].tolist()
    assert spent == [0.4, 0.9]
    line = budget_line({"runs": 0, "month_spend_usd": 0.0, "budget_usd": 50.0, "plan": "creator"},
                       {"runs": 2, "spend_usd": 0.0, "success_rate": 1.0})
    assert line.startswith("**This month:** 0 paid run(s), $0.00 spent of $50.00 on the creator plan")

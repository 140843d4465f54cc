"""Pickers speak in words: titles that keep what tells versions apart, relative dates, no ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studios.labels import ago, ago_dated, choice_labels, not_a_video

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PROMPT = "A paper boat drifting down a rainy street past the lanterns of the old town"


def asset(id_, title, parent=None, minutes=5, size=(1080, 1920), seconds=3.0):
    return {"id": id_, "title": title, "parent_id": parent, "width": size[0], "height": size[1],
            "duration": seconds, "created_at": (NOW - timedelta(minutes=minutes)).isoformat()}


def test_labels_keep_the_version_words_and_never_show_ids():
    assets = [asset("9625c7aa", f"{PROMPT} (edit) - Instagram Reels", parent="b1", minutes=2),
              asset("b1", f"{PROMPT} (edit)", parent="a0"), asset("a0", PROMPT, minutes=90)]
    labels = dict((i, label) for label, i in choice_labels(assets, NOW))
    assert labels["9625c7aa"].endswith("(edit) - Instagram Reels · v3 · 1080x1920 · 3.0 s · 2 min ago")
    assert "(edit) · v2" in labels["b1"] and labels["a0"].endswith("1 h ago")
    assert len({*labels.values()}) == 3 and not any("9625c7" in label or "[" in label for label in labels.values())
    assert len(labels["9625c7aa"]) > 50


def test_labels_that_would_read_the_same_are_numbered():
    twins = [asset("x1", "Sunset"), asset("x2", "Sunset"), asset("x3", "Sunset")]
    assert [label for label, _ in choice_labels(twins, NOW)][1:] == [
        "Sunset · 1080x1920 · 3.0 s · 5 min ago · #2", "Sunset · 1080x1920 · 3.0 s · 5 min ago · #3"]


def test_dates_are_relative():
    assert ago((NOW - timedelta(seconds=20)).isoformat(), NOW) == "just now"
    assert ago((NOW - timedelta(hours=3)).isoformat(), NOW) == "3 h ago"
    assert ago((NOW - timedelta(days=1, hours=2)).isoformat(), NOW) == "yesterday"
    assert ago(datetime(2026, 3, 12, tzinfo=UTC), NOW) == "12 Mar 2026"


def test_older_moments_carry_their_date_and_time():
    assert ago_dated(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert ago_dated((NOW - timedelta(days=3)).isoformat(), NOW) == "3 days ago, 24 Nov 12:00"
    assert ago_dated("2026-03-12T09:00:00+00:00", NOW) == "12 Mar 2026, 09:00"
    assert ago_dated(None, NOW) == ""


def test_a_picture_given_as_a_video_points_to_image_to_video():
    message = not_a_video("/tmp/upload/photo.png", "Clip to edit")
    assert message.startswith("**Clip to edit:**") and "Create → Image to video" in message
    assert not_a_video("/tmp/upload/clip.mp4", "Clip to edit") == ""

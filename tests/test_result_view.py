"""How a finished asset is shown: a player, an animated picture, or its poster with a download."""

from __future__ import annotations

import pytest

from studios.result_view import display_kind, show


@pytest.mark.parametrize("path, codec, kind", [
    ("a/clip.mp4", "h264", "video"), ("a/clip.webm", "vp9", "video"), ("a/clip.mov", "h264", "video"),
    ("a/clip.gif", "gif", "image"), ("a/clip.mov", "prores", "poster"), ("a/clip.mp4", "hevc", "poster"),
])
def test_display_kind_follows_what_browsers_play(path, codec, kind):
    assert display_kind({"path": path, "codec": codec}) == kind


def test_a_gif_is_shown_as_a_picture_with_its_file():
    video, image, file, note = show({"path": "m/loop.gif", "codec": "gif", "poster": "m/loop.jpg"})
    assert video["visible"] is False and image == {"__type__": "update", "value": "m/loop.gif", "visible": True}
    assert file["value"] == "m/loop.gif" and note["visible"] is False


def test_prores_shows_its_poster_and_says_why():
    video, image, file, note = show({"path": "m/master.mov", "codec": "prores", "poster": "m/master.jpg"})
    assert video["visible"] is False and image["value"] == "m/master.jpg"
    assert file["value"] == "m/master.mov" and note["visible"] and "ProRes" in note["value"]


def test_nothing_selected_clears_the_view():
    video, image, file, note = show(None)
    assert video["value"] is None and video["visible"] and not image["visible"] and not file["visible"]

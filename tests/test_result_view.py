"""How a finished asset is shown: a player, an animated picture, or its poster with a download."""

from __future__ import annotations

from pathlib import Path

import pytest

from studios import files
from studios.result_view import display_kind, show


@pytest.fixture
def media(tmp_path, monkeypatch):
    """Files named like library media, and a Gradio cache of this test's own."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    files.bind("test-secret")
    folder = tmp_path / "m"
    folder.mkdir()
    for name in ("loop.gif", "loop.jpg", "master.mov", "master.jpg"):
        (folder / name).write_bytes(name.encode())
    return folder


def owner_copy(value: str, name: str) -> bool:
    """`value` is the owner's served copy of `name`: in their own folder of the cache."""
    path = Path(value)
    return path.name == name and files.cached_owner_key(path) == files.owner_key("ana")


@pytest.mark.parametrize("path, codec, kind", [
    ("a/clip.mp4", "h264", "video"), ("a/clip.webm", "vp9", "video"), ("a/clip.mov", "h264", "video"),
    ("a/clip.gif", "gif", "image"), ("a/clip.mov", "prores", "poster"), ("a/clip.mp4", "hevc", "poster"),
])
def test_display_kind_follows_what_browsers_play(path, codec, kind):
    assert display_kind({"path": path, "codec": codec}) == kind


def test_a_gif_is_shown_as_a_picture_with_its_file(media):
    video, image, file, note = show({"path": str(media / "loop.gif"), "codec": "gif",
                                     "poster": str(media / "loop.jpg")}, "ana")
    assert video["visible"] is False and image["visible"] is True and owner_copy(image["value"], "loop.gif")
    assert owner_copy(file["value"], "loop.gif") and note["visible"] is False


def test_prores_shows_its_poster_and_says_why(media):
    video, image, file, note = show({"path": str(media / "master.mov"), "codec": "prores",
                                     "poster": str(media / "master.jpg")}, "ana")
    assert video["visible"] is False and owner_copy(image["value"], "master.jpg")
    assert owner_copy(file["value"], "master.mov") and note["visible"] and "ProRes" in note["value"]


def test_each_owner_gets_their_own_unguessable_copy(media):
    mine = files.served(media / "loop.gif", "ana")
    theirs = files.served(media / "loop.gif", "bob")
    assert Path(mine).read_bytes() == Path(theirs).read_bytes() == b"loop.gif"
    assert files.cached_owner_key(mine) != files.cached_owner_key(theirs)
    assert files.served(media / "loop.gif", "ana") == mine  # made once per file version
    files.bind("another-installation")
    assert files.owner_key("ana") != files.cached_owner_key(mine)  # the key depends on the secret


def test_nothing_selected_clears_the_view():
    video, image, file, note = show(None)
    assert video["value"] is None and video["visible"] and not image["visible"] and not file["visible"]

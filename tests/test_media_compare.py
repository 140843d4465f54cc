"""The split-frame before/after: left half original, right half enhanced, one browser-ready MP4."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from core.errors import InvalidInput
from core.media.compare import split_compare
from core.media.probe import probe
from tests.conftest import make_clip
from tests.test_media_support import assert_browser_mp4, frame_rgb
from tests.helpers import OWNER, edit_compare

TOP_BAND = 0.15  # the labels sit in the top 15 % of the frame


def halves(path: Path, left: str, right: str, size: str, seconds: float, rate: int = 25,
           audio: bool = True) -> Path:
    """A clip whose left and right halves are solid colours, so a wrong crop shows."""
    paint = f"drawbox=c={left}:t=fill,drawbox=x=iw/2:w=iw/2:c={right}:t=fill"
    return make_clip(path, seconds=seconds, size=size, rate=rate, audio=audio, source="color",
                     extra=["-vf", paint])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Stand-ins for two versions: a small original (2 s, red | green) and a larger enhanced clip
    (1.2 s, yellow | blue). Done right, the comparison is red | blue."""
    tmp = tmp_path_factory.mktemp("compare")
    return (halves(tmp / "original.mp4", "red", "green", "320x180", 2.0, audio=False),
            halves(tmp / "enhanced.mp4", "yellow", "blue", "640x360", 1.2, rate=30))


@pytest.fixture(scope="module")
def compared(pair, tmp_path_factory):
    dest = tmp_path_factory.mktemp("compared") / "split.mp4"
    return split_compare(*pair, dest, right_label="AI: it's 2x, [sharp]")


def _mean(rgb: np.ndarray) -> np.ndarray:
    return rgb.reshape(-1, 3).mean(axis=0)


def test_left_is_the_original_right_is_the_enhanced(compared):
    assert (compared.width, compared.height) == (640, 360)
    assert compared.fps == pytest.approx(30)
    assert compared.duration_s == pytest.approx(1.2, abs=0.07)  # the shorter clip
    assert_browser_mp4(compared, audio=True)  # the enhanced clip's sound
    assert compared.bt709
    below_labels = frame_rgb(Path(compared.path), 0.5)[int(360 * TOP_BAND):]
    red, blue = _mean(below_labels[:, :160]), _mean(below_labels[:, -160:])
    assert red[0] > 200 and red[1] < 40 and red[2] < 40, red
    assert blue[2] > 200 and blue[0] < 40 and blue[1] < 40, blue
    assert _mean(below_labels[:, 300:316])[0] > 200  # the original reaches the middle, minus the divider
    assert _mean(below_labels[:, 324:340])[2] > 200


def test_colours_are_re_expressed_in_bt709_not_just_retagged(compared):
    """Both inputs are untagged SD, so BT.601: pure red must land on BT.709's red (Y ~63), not
    keep its BT.601 code values (Y ~81, orange when read as BT.709)."""
    with av.open(compared.path) as container:
        frame = next(container.decode(video=0))
        luma = frame.to_ndarray(format="yuv420p")[: frame.height]
    assert luma[100:, :160].mean() == pytest.approx(63, abs=3)


def test_the_shorter_original_sets_the_length_and_silent_enhanced_stays_silent(tmp_path):
    original = halves(tmp_path / "o.mp4", "red", "red", "320x180", 0.6)
    enhanced = halves(tmp_path / "e.mp4", "blue", "blue", "480x270", 1.0, audio=False)
    info = split_compare(original, enhanced, tmp_path / "split.mp4")
    assert (info.width, info.height) == (480, 270)
    assert info.duration_s == pytest.approx(0.6, abs=0.07)
    assert_browser_mp4(info, audio=False)


def _bright_pixels(rgb: np.ndarray) -> int:
    return int((rgb > 200).all(axis=2).sum())


def test_labels_are_drawn_on_their_own_halves(pair, compared, tmp_path):
    bare = split_compare(*pair, tmp_path / "bare.mp4", left_label="", right_label="")
    for info, expect_text in ((compared, True), (bare, False)):
        band = frame_rgb(Path(info.path), 0.5)[: int(360 * TOP_BAND)]
        left, right = band[:, :300], band[:, 340:]  # the divider in the middle is white too
        assert (_bright_pixels(left) > 50) is expect_text, info.path
        assert (_bright_pixels(right) > 50) is expect_text, info.path


def test_a_broken_file_is_refused(pair, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 10)
    for args in ((broken, pair[1]), (pair[0], broken)):
        with pytest.raises(InvalidInput) as refused:
            split_compare(*args, tmp_path / "out.mp4")
        assert refused.value.hint
    assert not (tmp_path / "out.mp4").exists()


def test_compare_through_the_facade(studio, clip_factory):
    from studios.api import json_safe

    original = studio.import_media(clip_factory("o.mp4", seconds=1, size="320x180"), title="original", owner=OWNER)
    enhanced = studio.import_media(clip_factory("e.mp4", seconds=1, size="640x360"), title="enhanced", owner=OWNER)
    made = edit_compare(studio, original["id"], enhanced["id"], owner=OWNER)
    info = probe(made["path"])
    assert Path(made["path"]).exists() and (info.width, info.height) == (640, 360)
    assert made["summary"] == info.summary()
    assert len(studio.assets(owner=OWNER)) == 2  # a comparison is not a library version
    assert set(json_safe(made)) == {"file_path", "summary"}  # what /compare answers

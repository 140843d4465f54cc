"""Stills for the UI: the trim timeline's frame strip, single frames and posters."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from test_media_support import make_graph_clip

from core.errors import InvalidInput
from core.media.frames import extract_frame, frame_strip, poster


@pytest.fixture
def ramp(tmp_path):
    """2 s, 160x120, 25 fps; brightness rises with time (frame n has luma 40 + 2n)."""
    return make_graph_clip(tmp_path / "ramp.mp4", "color=c=black:s=160x120:r=25:d=2,"
                           "geq=lum='40+2*N':cb=128:cr=128[v]", 2.0)


def gray(frame: float) -> float:
    """The RGB grey of frame n (limited-range luma 40 + 2n expanded to full range)."""
    return (40 + 2 * frame - 16) * 255 / 219


def test_frame_strip_is_one_png_of_evenly_spaced_frames(ramp, studio_home):
    strip = frame_strip(ramp, count=4, height=60)
    image = np.asarray(Image.open(strip).convert("L"), dtype=float)
    assert strip.suffix == ".png" and image.shape == (60, 4 * 80)
    means = [image[:, i * 80:(i + 1) * 80].mean() for i in range(4)]
    expected = [gray(25 * t) for t in (0.25, 0.75, 1.25, 1.75)]  # evenly spaced mid-points
    assert np.allclose(means, expected, atol=3.5), (means, expected)
    assert frame_strip(ramp, count=4, height=60) == strip  # cached for the same file


def test_extract_frame_returns_the_frame_at_that_time(ramp, tmp_path):
    frame = extract_frame(ramp, 1.0, dest=tmp_path / "f.png")
    image = np.asarray(Image.open(frame).convert("L"), dtype=float)
    assert image.shape == (120, 160)
    assert abs(image.mean() - gray(25)) < 2
    with pytest.raises(InvalidInput, match="outside the clip"):
        extract_frame(ramp, 5.0, dest=tmp_path / "g.png")


def test_poster_is_a_jpeg_from_the_clip(ramp, studio_home):
    path = poster(ramp)
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (160, 120)

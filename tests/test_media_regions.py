"""Burned-in text is known where the engine draws it, and followed through later edits."""

from __future__ import annotations

import av
import numpy as np
import pytest

from core.media.burned_text import burned_text
from core.media.graph import StreamState
from core.media.ops import chain_from_dicts
from core.media.plan import source_state
from core.media.probe import probe
from core.media.regions import TextRegion
from core.media.render import render
from tests.conftest import make_clip

SRT = "1\n00:00:00,000 --> 00:00:01,000\n{}\n"


def bright_box(path, at_s: float = 0.5) -> tuple[int, int, int, int]:
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            if frame.time >= at_s - 1e-3:
                ys, xs = np.nonzero(frame.to_ndarray(format="gray") > 60)
                return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    raise AssertionError("no frame")


@pytest.fixture(scope="module")
def black(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("black") / "black.mp4", seconds=1, size="640x360",
                     source="color", audio=False)


@pytest.mark.parametrize("op", [
    {"kind": "text", "text": "Day one of the trip"},
    {"kind": "text", "text": "A much longer title that will need to wrap over a few lines here",
     "position": "top-left", "size": 0.12},
    {"kind": "text", "text": "Boxed", "position": "center", "box": True, "box_color": "white"},
    {"kind": "captions", "srt": SRT.format("Hello captions in the bottom")},
    {"kind": "captions", "size": 0.08,
     "srt": SRT.format("A very long caption line that libass will surely need to wrap onto two lines at least")},
    {"kind": "captions", "srt": SRT.format("Top boxed"), "position": "top", "box": True, "outline_color": "white"},
], ids=["text", "text-wrapped", "text-box", "captions", "captions-wrapped", "captions-top-box"])
def test_the_known_box_is_where_the_pixels_are(black, tmp_path, op):
    out = tmp_path / "out.mp4"
    render(black, [op], out)
    (region,) = burned_text(source_state(probe(black)), chain_from_dicts([op]))
    x0, y0, x1, y1 = region.x0 * 640, region.y0 * 360, region.x1 * 640, region.y1 * 360
    px0, py0, px1, py1 = bright_box(out)
    slack = 4  # anti-aliased edges
    assert x0 - slack <= px0 and y0 - slack <= py0 and px1 <= x1 + slack and py1 <= y1 + slack  # it covers the text
    assert px0 - x0 < 12 and py0 - y0 < 12 and x1 - px1 < 12 and y1 - py1 < 12  # and not much more
    assert (region.start, region.end) == (0.0, 1.0)


STATE = StreamState(1920, 1080, 25.0, 10.0, True)
TITLE = {"kind": "text", "text": "Title", "position": "bottom", "start": 2.0, "end": 6.0}


def only(ops: list[dict], inherited=()) -> TextRegion:
    (region,) = burned_text(STATE, chain_from_dicts(ops), inherited)
    return region


def test_trim_and_speed_retime_the_text():
    region = only([TITLE, {"kind": "trim", "start": 1.0, "end": 9.0}, {"kind": "speed", "factor": 2.0}])
    assert (region.start, region.end) == (0.5, 2.5)
    assert burned_text(STATE, chain_from_dicts([TITLE, {"kind": "trim", "start": 7.0}])) == []


def test_a_cut_closes_the_gap():
    region = only([TITLE, {"kind": "cut_out", "start": 0.5, "end": 1.5}])
    assert (region.start, region.end) == (1.0, 5.0)
    parts = burned_text(STATE, chain_from_dicts([TITLE, {"kind": "cut_out", "start": 3.0, "end": 4.0}]))
    assert [(r.start, r.end) for r in parts] == [(2.0, 3.0), (3.0, 5.0)]


def test_a_crop_moves_the_box_and_a_pad_shrinks_it():
    before = only([TITLE])
    cropped = only([TITLE, {"kind": "reframe", "aspect": "9:16"}])  # a 606x1080 window in the middle
    assert cropped.y0 == pytest.approx(before.y0) and cropped.x0 <= 0.5 <= cropped.x1
    assert 0 <= cropped.x0 and cropped.x1 <= 1  # cut by the crop: only its visible part is left
    padded = only([TITLE, {"kind": "reframe", "aspect": "9:16", "mode": "pad_blur"}])
    assert padded.x1 - padded.x0 == pytest.approx(before.x1 - before.x0, abs=0.01)  # full width kept
    assert 0.3 < padded.y0 < padded.y1 < 0.7  # in the middle band of the tall canvas
    gone = burned_text(STATE, chain_from_dicts([{**TITLE, "position": "bottom-left"},
                                                {"kind": "reframe", "aspect": "9:16", "focus_x": 1.0}]))
    assert gone == []


def test_inherited_text_is_carried_and_new_text_added():
    first = burned_text(STATE, chain_from_dicts([TITLE]))
    both = burned_text(STATE, chain_from_dicts([{"kind": "speed", "factor": 2.0},
                                                {"kind": "text", "text": "Later", "position": "top"}]), first)
    assert [(r.text, r.start, r.end) for r in both] == [("Title", 1.0, 3.0), ("Later", 0.0, 5.0)]

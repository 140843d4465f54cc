"""Pixel checks: reframing fills, text/captions inside the safe zone, and colours (BT.601, HDR)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from test_media_support import assert_browser_mp4, bright_box, ffmpeg, frame_rgb, make_graph_clip

from core.media.frames import poster
from core.media.ops import Captions, FormatSpec, Reframe, SafeZone, TextOverlay, Trim
from core.media.plan import build_plan
from core.media.probe import probe
from core.media.render import render

ZONE = SafeZone(top=0.1, right=0.1, bottom=0.2, left=0.15)
LONG = "A long title that cannot fit on one line and has to wrap inside the safe zone"


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> Path:
    """320x240: left half red, right half blue."""
    graph = "color=c=red:s=160x240:d=1[l];color=c=blue:s=160x240:d=1[r];[l][r]hstack[v]"
    return make_graph_clip(tmp_path_factory.mktemp("px") / "halves.mp4", graph)


@pytest.fixture(scope="module")
def dark(tmp_path_factory) -> Path:
    """640x360 black, 1 s."""
    return make_graph_clip(tmp_path_factory.mktemp("px") / "dark.mp4", "color=c=black:s=640x360:d=1[v]")


def _mean(rgb: np.ndarray) -> np.ndarray:
    return rgb.reshape(-1, 3).mean(axis=0)


@pytest.mark.parametrize("focus_x, colour", [(0.0, 0), (1.0, 2)])
def test_crop_follows_the_focus_point(halves, tmp_path, focus_x, colour):
    out = render(halves, [Reframe("9:16", "crop", focus_x=focus_x)], tmp_path / "crop.mp4")
    assert (out.width, out.height) == (134, 240)
    mean = _mean(frame_rgb(Path(out.path)))
    assert mean[colour] > 200 and mean[2 - colour] < 40


def test_letterbox_puts_black_bars_above_and_below(halves, tmp_path):
    out = render(halves, [Reframe("9:16", "letterbox")], tmp_path / "lb.mp4")
    assert (out.width, out.height) == (240, 426)
    rgb = frame_rgb(Path(out.path)).astype(int)
    assert rgb[:110].max() < 30 and rgb[-110:].max() < 30  # bars: picture is 240x180 in the middle
    assert _mean(rgb[200:220, :100])[0] > 200 and _mean(rgb[200:220, -100:])[2] > 200


def test_blurred_fill_is_a_soft_copy_of_the_picture_not_black(halves, tmp_path):
    out = render(halves, [Reframe("9:16", "pad_blur")], tmp_path / "blur.mp4")
    assert (out.width, out.height) == (240, 426)
    rgb = frame_rgb(Path(out.path)).astype(int)
    top = rgb[:100]
    assert top.max() > 120  # coloured, not black bars
    row = top[50, :, 0] - top[50, :, 2]  # red minus blue along a row of the fill
    assert row[0] > 100 and row[-1] < -100  # red on the left, blue on the right, like the source
    middle = np.abs(np.diff(row))
    assert middle.max() < 60  # soft: no hard edge between the halves in the fill
    assert _mean(rgb[200:220, :100])[0] > 200  # the sharp picture sits in the middle


@pytest.mark.parametrize("position", ["top-left", "bottom", "right", "center"])
def test_text_lands_inside_the_safe_zone_at_its_anchor(dark, tmp_path, position):
    out = render(dark, [TextOverlay(LONG, position=position, size=0.09, safe_zone=ZONE)], tmp_path / "t.mp4")
    box = bright_box(frame_rgb(Path(out.path), 0.5))
    assert box is not None, "no text drawn"
    x0, y0, x1, y1 = box
    zx0, zy0, zx1, zy1 = ZONE.box(640, 360)
    assert zx0 <= x0 and x1 <= zx1 and zy0 <= y0 and y1 <= zy1, (box, (zx0, zy0, zx1, zy1))
    if position == "top-left":
        assert x0 - zx0 < 12 and y0 - zy0 < 15
    if position == "bottom":
        assert zy1 - y1 < 12 and abs((x0 + x1) / 2 - (zx0 + zx1) / 2) < 15
    if position == "right":
        assert zx1 - x1 < 12
    if position == "center":
        assert abs((y0 + y1) / 2 - (zy0 + zy1) / 2) < 15
    assert y1 - y0 > 45  # it wrapped onto more than one line


def test_text_shows_only_in_its_time_window(dark, tmp_path):
    out = render(dark, [TextOverlay("Now", start=0.5, end=0.8)], tmp_path / "w.mp4")
    assert bright_box(frame_rgb(Path(out.path), 0.2)) is None
    assert bright_box(frame_rgb(Path(out.path), 0.6)) is not None


@pytest.mark.parametrize("position", ["bottom", "top"])
def test_captions_wrap_inside_the_safe_zone(dark, tmp_path, position):
    cues = ((0.0, 1.0, LONG + " with even more words to wrap"),)
    captions = Captions(cues=cues, size=0.07, position=position, safe_zone=ZONE)
    out = render(dark, [captions], tmp_path / "c.mp4")
    box = bright_box(frame_rgb(Path(out.path), 0.5))
    assert box is not None, "no caption drawn"
    x0, y0, x1, y1 = box
    zx0, zy0, zx1, zy1 = ZONE.box(640, 360)
    assert zx0 <= x0 and x1 <= zx1 and zy0 <= y0 and y1 <= zy1, (box, (zx0, zy0, zx1, zy1))
    assert (y0 > 180) if position == "bottom" else (y1 < 180)
    assert y1 - y0 > 40  # two lines or more


def test_text_is_drawn_with_the_bundled_fonts_when_no_font_is_installed(dark, tmp_path, monkeypatch):
    conf = tmp_path / "fonts.conf"  # a fontconfig that knows no fonts at all
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/fc</cachedir></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    chain = [TextOverlay("Title", position="top"), Captions(cues=((0.0, 1.0, "Caption"),))]
    rgb = frame_rgb(Path(render(dark, chain, tmp_path / "f.mp4").path), 0.5)
    assert bright_box(rgb[:180]) is not None and bright_box(rgb[180:]) is not None


def _centre_luma(path: Path) -> float:
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        y = frame.to_ndarray(format="yuv420p")[: frame.height]
    h, w = y.shape
    return float(y[h // 4: 3 * h // 4, w // 4: 3 * w // 4].mean())


def _red_clip(path: Path, size: str, tags: str) -> Path:
    """Pure red; its YUV is BT.601-coded (Y ~81), `tags` are the colour tags it claims."""
    return make_graph_clip(path, f"color=c=red:s={size}:d=0.4,format=yuv420p{tags}[v]", seconds=0.4)


@pytest.mark.parametrize("size, tags, luma", [
    ("320x240", ",setparams=colorspace=smpte170m:color_primaries=smpte170m:color_trc=smpte170m", 63),
    ("320x240", "", 63),  # untagged SD is BT.601 by convention
    ("1280x720", ",setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709", 81),
])
def test_bt601_sources_are_converted_not_just_retagged(tmp_path, size, tags, luma):
    src = _red_clip(tmp_path / "red.mp4", size, tags)
    assert _centre_luma(src) == pytest.approx(81, abs=2)
    out = render(src, [FormatSpec("mp4", "h264")], tmp_path / "out.mp4")
    assert out.bt709
    # BT.709 red is Y=63 (BT.601: 81). A source already tagged BT.709 keeps its values.
    assert _centre_luma(Path(out.path)) == pytest.approx(luma, abs=2)


@pytest.fixture(scope="module")
def hdr10(tmp_path_factory) -> Path:
    """10-bit PQ (HDR10) clip: left half diffuse white (100 nits), right half a 1000-nit highlight."""
    path = tmp_path_factory.mktemp("hdr") / "pq.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x240:d=0.6,format=yuv420p10le,"
           "geq=lum='if(lt(X,W/2),508,723)':cb=512:cr=512,"
           "setparams=color_trc=smpte2084:color_primaries=bt2020:colorspace=bt2020nc",
           "-c:v", "libx264", "-pix_fmt", "yuv420p10le", str(path))
    return path


def test_hdr_is_tone_mapped_to_sdr_not_retagged(hdr10, tmp_path):
    out = render(hdr10, [Trim(0.2, 0.6)], tmp_path / "sdr.mp4")
    assert_browser_mp4(out, audio=False)
    assert out.bt709 and out.color_transfer == 1
    with av.open(out.path) as container:
        y = next(container.decode(video=0)).to_ndarray(format="yuv420p")[:240].astype(float)
    # Re-tagging alone would show 127 and 180 (grey, flat); tone-mapped, white is white.
    assert y[:, 20:140].mean() > 140 and y[:, 180:300].mean() > 220


def test_hdr_tone_mapping_keeps_the_fast_input_seek(hdr10, tmp_path):
    plan = build_plan(probe(hdr10), [Trim(0.2, 0.6)], tmp_path / "x.mp4")
    args = plan.passes[-1].args
    assert args[:2] == ["-ss", "0.2"] and "tonemap=tonemap=hable" in " ".join(args)


def test_anamorphic_pixels_are_made_square_at_the_intended_shape(tmp_path):
    """320x240 stored with 4:3 pixels is a 16:9 picture: it must come out 426x240, not squeezed."""
    src = make_graph_clip(tmp_path / "anamorphic.mp4", "testsrc2=s=320x240:d=0.5,setsar=4/3[v]", seconds=0.5)
    info = probe(src)
    assert (info.width, info.height, info.pixel_aspect) == (426, 240, pytest.approx(4 / 3, abs=1e-3))
    out = render(src, [FormatSpec("mp4", "h264")], tmp_path / "square.mp4")
    assert (out.width, out.height, out.pixel_aspect) == (426, 240, 1.0)
    with Image.open(poster(src)) as still:
        assert still.size == (426, 240)

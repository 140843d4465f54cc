"""What a viewer sees: captions and titles inside the safe zone, reframes that follow the focus
and never stretch, a blurred fill, and a thumbnail from the best frame."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from core.media.probe import probe
from core.platforms import load_platforms
from core.social import CaptionStyle, PackRequest, plan_pack, render_pack
from core.social.analysis import Tap, best_time, sample
from tests.conftest import make_clip

FAST = "superfast"
BRIGHT = 100
LONG_CAPTION = "Every caption stays clear of the buttons, names and music bars that each app draws"


def grey_frame(path, at_s: float) -> np.ndarray:
    """The decoded frame showing at `at_s`, as a grey (luma) array."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= at_s - 1e-3:
                return frame.to_ndarray(format="gray")
    raise AssertionError(f"no frame at {at_s} s in {path}")


def render(src, platforms, out_dir, **fields):
    """At the source's detail (small frames, fast tests); placement scales with the frame."""
    request = PackRequest(source=src, platforms=platforms, preset=FAST, **{"size": "source", **fields})
    plan = plan_pack(request, probe(src))
    return {o.platform: o for o in render_pack(plan, out_dir).outputs}


def assert_inside_safe_zone(pixels: np.ndarray, platform: str):
    safe = load_platforms()[platform].safe_zone.scaled(pixels.shape[1], pixels.shape[0])
    ys, xs = np.nonzero(pixels > BRIGHT)
    assert len(xs) > 200, f"{platform}: no text drawn"
    assert xs.min() >= safe.x0 and xs.max() < safe.x1, (platform, xs.min(), xs.max(), safe)
    assert ys.min() >= safe.y0 and ys.max() < safe.y1, (platform, ys.min(), ys.max(), safe)


@pytest.fixture(scope="module")
def dark(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dark")
    return make_clip(tmp / "dark.mp4", seconds=3, size="640x360", rate=25, source="color", audio=False)


@pytest.mark.parametrize("style", [
    CaptionStyle(),
    CaptionStyle(box=True, box_color="#FFFFFF", box_opacity=1.0, color="#000000", position="top"),
    CaptionStyle(size=0.09, position="middle"),
], ids=["outline-bottom", "box-top", "large-middle"])
def test_caption_pixels_lie_inside_each_safe_zone(dark, tmp_path, style):
    platforms = ["instagram_reels", "tiktok", "youtube_shorts", "youtube", "linkedin_portrait"]
    outputs = render(dark, platforms, tmp_path, captions_text=LONG_CAPTION, caption_style=style,
                     safe_zone_preview=False)
    for platform, output in outputs.items():
        assert output.passed
        assert_inside_safe_zone(grey_frame(output.video, 1.0), platform)


def test_srt_captions_show_only_in_their_window(dark, tmp_path):
    srt = "1\n00:00:01,000 --> 00:00:02,000\nNow you see me\n"
    output = render(dark, ["tiktok"], tmp_path, srt=srt, segment_start=0.5)["tiktok"]
    assert (grey_frame(output.video, 0.2) > BRIGHT).sum() == 0  # cue starts at 1.0 - 0.5 s
    assert_inside_safe_zone(grey_frame(output.video, 1.0), "tiktok")
    assert (grey_frame(output.video, 2.0) > BRIGHT).sum() == 0


def test_thumbnail_title_lies_inside_the_safe_zone(dark, tmp_path):
    outputs = render(dark, ["instagram_reels", "youtube", "x"], tmp_path,
                     thumbnail_title="A title long enough to need more than one line on a phone")
    for platform, output in outputs.items():
        with Image.open(output.thumbnail) as image:
            assert_inside_safe_zone(np.asarray(image.convert("L")), platform)


def test_safe_zone_preview_shades_each_platform_ui(dark, tmp_path):
    from core.social import safe_zone_preview

    path = safe_zone_preview(dark, ["tiktok", "youtube"], tmp_path / "zones.png", panel_height=480)
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
    tiktok = load_platforms()["tiktok"].safe_zone.scaled(270, 480)
    top_band, centre = rgb[tiktok.top // 2, 135], rgb[240, 135]
    assert top_band[0] > top_band[1] + 60  # UI area: red shade over the black frame
    assert centre.max() < 30  # safe area: the frame as it is
    assert rgb.shape[1] == 270 + 854 + 2 * 12 and rgb.shape[0] == 480 + 40  # panels side by side, labelled


@pytest.fixture(scope="module")
def jumping_box(tmp_path_factory):
    """A white square on black: at the far left for 2.5 s, then at the far right."""
    tmp = tmp_path_factory.mktemp("box")
    jump = "color=white:s=40x40:r=25:d=5[b];[in][b]overlay=x='if(lt(t,2.5),20,260)':y=70:shortest=1"
    return make_clip(tmp / "box.mp4", seconds=5, size="320x180", rate=25, source="color", audio=False,
                     extra=["-vf", jump])


def test_auto_focus_follows_the_action(jumping_box, tmp_path):
    auto = render(jumping_box, ["tiktok"], tmp_path / "auto", focus="auto")["tiktok"]
    centre = render(jumping_box, ["tiktok"], tmp_path / "centre", focus="center")["tiktok"]
    assert auto.passed
    for t in (1.0, 4.5):
        assert (grey_frame(auto.video, t) > 200).sum() > 1000, t  # the square is in the crop
        assert (grey_frame(centre.video, t) > 200).sum() == 0, t  # a centre crop misses it


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """Left half black, right half white."""
    tmp = tmp_path_factory.mktemp("halves")
    return make_clip(tmp / "halves.mp4", seconds=1, size="320x180", rate=25, source="color", audio=False,
                     extra=["-vf", "drawbox=x=iw/2:y=0:w=iw/2:h=ih:color=white:t=fill"])


@pytest.mark.parametrize("focus, mean_range", [
    ((1.6, 0.5), (230, 256)),  # outside the frame: clamped to the right edge
    ((0.0, 0.5), (0, 25)),
    ("center", (100, 160)),
])
def test_focus_point_moves_the_crop(halves, tmp_path, focus, mean_range):
    output = render(halves, ["tiktok"], tmp_path, focus=focus)["tiktok"]
    mean = grey_frame(output.video, 0.5).mean()
    assert mean_range[0] <= mean < mean_range[1]


@pytest.fixture(scope="module")
def square(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("square")
    return make_clip(tmp / "sq.mp4", seconds=1, size="320x180", rate=25, source="color", audio=False,
                     extra=["-vf", "drawbox=x=130:y=60:w=60:h=60:color=white:t=fill"])


def bright_box(pixels: np.ndarray, rows: slice = slice(None)) -> tuple[int, int]:
    ys, xs = np.nonzero(pixels[rows] > 200)
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1


@pytest.mark.parametrize("platform", ["tiktok", "linkedin_portrait", "linkedin_square"])
def test_crop_never_stretches(square, tmp_path, platform):
    output = render(square, [platform], tmp_path)[platform]
    w, h = bright_box(grey_frame(output.video, 0.5))
    assert abs(w / h - 1) < 0.08, (w, h)


def test_pad_blur_keeps_the_whole_frame_over_a_soft_fill(square, halves, tmp_path):
    output = render(square, ["tiktok"], tmp_path / "sq", reframe="pad_blur")["tiktok"]
    pixels = grey_frame(output.video, 0.5)
    height, width = pixels.shape
    band = round(width * 180 / 320)  # the whole 16:9 picture, fitted to the width
    top = (height - band) // 2
    w, h = bright_box(pixels, slice(top + 4, top + band - 4))
    assert abs(w / h - 1) < 0.08 and abs(w - 60 * width / 320) < 6
    fill = render(halves, ["tiktok"], tmp_path / "halves", reframe="pad_blur")["tiktok"]
    fill_pixels = grey_frame(fill.video, 0.5).astype(float)
    strip = fill_pixels[: top - 8]
    assert strip[:, -40:].mean() > 150 and strip[:, :40].mean() < 60  # a copy of the picture, not bars
    assert 0 < np.abs(np.diff(strip[strip.shape[0] // 2])).max() < 40  # and soft: no hard edge


def test_best_frame_is_sharp_well_exposed_and_steady(tmp_path):
    src = make_clip(tmp_path / "mixed.mp4", seconds=6, size="320x180", rate=25, audio=False, extra=[
        "-vf", "gblur=sigma=12:enable='lt(t,2)',eq=brightness=-0.85:enable='gte(t,4)'"])
    tap = Tap.for_source(320, 180, 6)
    samples = sample(src, 0.0, 6.0, tap, tmp_path)
    assert len(samples) == pytest.approx(24, abs=1)
    assert 2.0 <= best_time(samples, until=6.0) < 4.0
    assert best_time(samples, until=1.5) < 1.5  # never past the platform's own end


def test_hdr_source_is_tone_mapped_in_the_pack(tmp_path):
    """A 1000-nit PQ highlight shows white (~235), not the grey (~180) a re-tag alone gives."""
    src = tmp_path / "pq.mp4"
    make_clip(src, seconds=0.6, size="320x240", source="color", audio=False,
              extra=["-vf", "format=yuv420p10le,geq=lum=723:cb=512:cr=512,"
                            "setparams=color_trc=smpte2084:color_primaries=bt2020:colorspace=bt2020nc",
                     "-pix_fmt", "yuv420p10le"])
    output = render(src, ["tiktok"], tmp_path / "pack")["tiktok"]
    assert probe(output.video).bt709
    assert grey_frame(output.video, 0.0).mean() > 220

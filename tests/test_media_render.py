"""Rendering chains for real: every op's output is probed (duration, size, fps, codecs, faststart)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_clip
from test_media_support import CallRecorder, assert_browser_mp4, audio_rms, frame_rgb, make_graph_clip

import core.media.render as render_module
from core.errors import Cancelled, InvalidInput, MediaError
from core.media.ops import (
    AudioCleanup, Captions, ColorEnhance, ColorGrade, CutOut, Denoise, FrameRate, Interpolate, Join, Lut,
    Reframe, Scale, Sharpen, Speed, Stabilize, TextOverlay, Trim, Upscale,
)
from core.media.render import render


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """2 s, 320x240, 25 fps, H.264 + AAC."""
    return make_clip(tmp_path_factory.mktemp("src") / "clip.mp4", seconds=2.0)


@pytest.fixture
def calls(monkeypatch) -> CallRecorder:
    recorder = CallRecorder(render_module.run_ffmpeg)
    monkeypatch.setattr(render_module, "run_ffmpeg", recorder)
    return recorder


def test_trim_is_frame_accurate(clip, tmp_path):
    out = render(clip, [Trim(0.4, 1.2)], tmp_path / "trim.mp4")
    assert_browser_mp4(out)
    assert out.frame_count == 20
    assert out.duration_s == pytest.approx(0.8, abs=0.05)
    assert (out.width, out.height, out.fps) == (320, 240, 25)


def test_a_whole_chain_is_one_ffmpeg_run_with_one_input(clip, tmp_path, calls):
    chain = [Trim(0.2, 1.8), Speed(2.0), ColorGrade("vivid", brightness=0.05), CutOut(0.2, 0.3),
             TextOverlay("Title"), Captions(cues=((0.0, 0.5, "Hello"),)), Reframe("1:1"), AudioCleanup()]
    out = render(clip, chain, tmp_path / "chain.mp4")
    assert len(calls.calls) == 1 and calls.input_count() == 1
    assert_browser_mp4(out)
    assert (out.width, out.height) == (240, 240)
    assert out.duration_s == pytest.approx(0.7, abs=0.06)


def test_cut_out_removes_a_span_in_the_middle(clip, tmp_path):
    out = render(clip, [CutOut(0.5, 1.0)], tmp_path / "cut.mp4")
    assert_browser_mp4(out)
    assert out.duration_s == pytest.approx(1.5, abs=0.06)
    assert abs(out.frame_count - 38) <= 1


@pytest.mark.parametrize("factor, seconds", [(2.0, 1.0), (0.25, 8.0)])
def test_speed_changes_duration_and_keeps_sound(clip, tmp_path, factor, seconds):
    source = clip if factor > 1 else make_clip(tmp_path / "short.mp4", seconds=1.0, size="160x120")
    expected = seconds if factor > 1 else 4.0
    out = render(source, [Speed(factor)], tmp_path / "speed.mp4")
    assert_browser_mp4(out)
    assert out.duration_s == pytest.approx(expected, abs=0.08)
    assert out.fps == 25


def test_stabilize_runs_a_detection_pass_then_one_render(clip, tmp_path, calls):
    seen: list[float] = []
    out = render(clip, [Trim(0, 1), Stabilize(10)], tmp_path / "stab.mp4",
                 on_progress=lambda p, _: seen.append(p))
    assert len(calls.calls) == 2 and "vidstabdetect" in " ".join(calls.calls[0])
    assert_browser_mp4(out)
    assert (out.width, out.height) == (320, 240) and out.duration_s == pytest.approx(1.0, abs=0.05)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert max(p for p in seen if p < 0.5 + 1e-9) <= 0.5


def test_black_and_white_grade_removes_colour(clip, tmp_path):
    out = render(clip, [Trim(0, 0.4), ColorGrade("bw")], tmp_path / "bw.mp4")
    rgb = frame_rgb(Path(out.path)).astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).mean() < 3


@pytest.mark.parametrize("preset, warmer", [("warm", True), ("cool", False)])
def test_warm_and_cool_shift_the_white_balance(tmp_path, preset, warmer):
    grey = make_graph_clip(tmp_path / "grey.mp4", "color=c=0x808080:s=64x64:d=0.3[v]", 0.3)
    r, _, b = frame_rgb(Path(render(grey, [ColorGrade(preset)], tmp_path / "g.mp4").path))[32, 32].astype(int)
    assert (r - b > 8) if warmer else (b - r > 8)


def test_a_cube_lut_is_applied(tmp_path):
    red = make_graph_clip(tmp_path / "red.mp4", "color=c=red:s=64x64:d=0.3[v]", 0.3)
    cube = tmp_path / "swap.cube"  # swap red and blue: out(r,g,b) = (b,g,r); red index varies fastest
    rows = [f"{b} {g} {r}" for b in (0, 1) for g in (0, 1) for r in (0, 1)]
    cube.write_text("LUT_3D_SIZE 2\n" + "\n".join(rows) + "\n")
    out = render(red, [Lut(str(cube))], tmp_path / "lut.mp4")
    r, g, b = frame_rgb(Path(out.path))[32, 32].astype(int)
    assert b > 200 and r < 60


def test_a_broken_lut_fails_cleanly_and_keeps_the_old_output(tmp_path, clip):
    cube = tmp_path / "bad.cube"
    cube.write_text("LUT_3D_SIZE 2\nnot numbers at all\n")
    dest = tmp_path / "keep.mp4"
    dest.write_bytes(b"previous version")
    with pytest.raises(MediaError):
        render(clip, [Lut(str(cube))], dest)
    assert dest.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_look_ops_keep_the_stream_valid(clip, tmp_path):
    chain = [Trim(0, 0.5), Denoise(5), Sharpen(0.6, "cas"), Sharpen(0.5), ColorEnhance(0.8),
             ColorEnhance(0.8, "hdr-look"), ColorGrade("teal-orange", gamma=1.2),
             AudioCleanup(-16, volume_db=-2)]
    out = render(clip, chain, tmp_path / "look.mp4")
    assert_browser_mp4(out)
    assert out.duration_s == pytest.approx(0.5, abs=0.05)


def test_audio_cleanup_changes_the_sound_level(tmp_path):
    quiet = make_clip(tmp_path / "quiet.mp4", seconds=2.0, extra=["-af", "volume=-30dB"])
    before = audio_rms(Path(render(quiet, [], tmp_path / "same.mp4").path))  # same mono->stereo upmix
    louder = render(quiet, [AudioCleanup(loudness_lufs=-14, noise_reduction=0)], tmp_path / "norm.mp4")
    assert audio_rms(Path(louder.path)) > 8 * before  # about +25 dB towards -14 LUFS
    gain_only = AudioCleanup(None, noise_reduction=0, volume_db=-12, highpass_hz=0)
    softer = render(quiet, [gain_only], tmp_path / "v.mp4")
    assert audio_rms(Path(softer.path)) == pytest.approx(before / 4, rel=0.15)


def test_frame_rate_change_and_interpolation(clip, tmp_path):
    slower = render(clip, [Trim(0, 1), FrameRate(15)], tmp_path / "fps.mp4")
    assert slower.fps == 15 and abs(slower.frame_count - 15) <= 1
    smooth = render(clip, [Trim(0, 0.5), Interpolate(50)], tmp_path / "interp.mp4")
    assert smooth.fps == 50 and abs(smooth.frame_count - 25) <= 1
    assert_browser_mp4(smooth)


def test_upscale_and_scale_sizes(clip, tmp_path):
    up = render(clip, [Trim(0, 0.3), Upscale(720)], tmp_path / "up.mp4")
    assert (up.width, up.height) == (960, 720)
    down = render(clip, [Trim(0, 0.3), Scale(short_side=120)], tmp_path / "down.mp4")
    assert (down.width, down.height) == (160, 120)
    assert_browser_mp4(down)


def test_join_with_a_transition_and_a_cut(clip, tmp_path):
    other = make_clip(tmp_path / "other.mp4", seconds=1.0, size="640x360", audio=False)
    faded = render(clip, [Trim(0, 1), Join((str(other),), "wipeleft", 0.5)], tmp_path / "fade.mp4")
    assert_browser_mp4(faded)
    assert (faded.width, faded.height) == (320, 240)
    assert faded.duration_s == pytest.approx(1.5, abs=0.08)
    cut = render(clip, [Trim(0, 1), Join((str(other), str(other)), "cut")], tmp_path / "cut.mp4")
    assert cut.duration_s == pytest.approx(3.0, abs=0.08) and cut.has_audio


def test_join_refuses_a_missing_clip_before_rendering(clip, tmp_path, calls):
    with pytest.raises(InvalidInput, match="does not exist"):
        render(clip, [Join((str(tmp_path / "gone.mp4"),))], tmp_path / "o.mp4")
    assert calls.calls == []


def test_cancel_stops_the_render_and_leaves_nothing(clip, tmp_path):
    with pytest.raises(Cancelled):
        render(clip, [Speed(0.5)], tmp_path / "never.mp4", should_cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_ops_may_arrive_as_dicts_from_the_job_queue(clip, tmp_path):
    chain = [{"kind": "trim", "start": 0, "end": 0.5}, {"kind": "speed", "factor": 2}]
    out = render(clip, chain, tmp_path / "d.mp4")
    assert out.duration_s == pytest.approx(0.25, abs=0.05)

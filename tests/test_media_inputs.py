"""Awkward inputs: rotated phone clips, variable frame rate, odd sizes, and files that cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_clip
from test_media_support import assert_browser_mp4, ffmpeg

from core.errors import InvalidInput
from core.media.frames import poster
from core.media.ops import Speed, Trim
from core.media.probe import probe
from core.media.render import render


def test_a_rotated_phone_clip_comes_out_upright(clip_factory, tmp_path):
    flat = clip_factory("flat.mp4", seconds=1.0)
    rotated = tmp_path / "phone.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(flat), "-c", "copy", str(rotated))
    assert (probe(rotated).rotation, probe(rotated).width) == (90, 240)
    out = render(rotated, [Trim(0, 0.5)], tmp_path / "upright.mp4")
    assert_browser_mp4(out)
    assert (out.width, out.height, out.coded_width) == (240, 320, 240)


def test_variable_frame_rate_becomes_constant(tmp_path):
    vfr = tmp_path / "vfr.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
           "-vf", "settb=1/1000,setpts='(N*0.04+if(mod(N,3),0,0.02))/TB'", "-fps_mode", "vfr",
           "-enc_time_base", "1/1000", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
           str(vfr))
    assert probe(vfr).variable_fps
    out = render(vfr, [Speed(1.0)], tmp_path / "cfr.mp4")
    assert_browser_mp4(out, audio=False)
    assert out.fps == 25 and abs(out.frame_count - 50) <= 1


def test_odd_sizes_come_out_even(clip_factory, tmp_path):
    odd = clip_factory("odd.mp4", seconds=0.5, extra=["-vf", "scale=321:241", "-pix_fmt", "yuv444p"])
    assert (probe(odd).width, probe(odd).pix_fmt) == (321, "yuv444p")
    out = render(odd, [], tmp_path / "even.mp4")
    assert_browser_mp4(out)
    assert abs(out.width - 321) == 1 and abs(out.height - 241) == 1


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "noise.mp4"
    path.write_bytes(os.urandom(20_000))
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    return path


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mov"
    path.write_text("these are my notes, not a video\n" * 50)
    return path


def _audio_only(tmp_path: Path) -> Path:
    path = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(path))
    return path


def _truncated(tmp_path: Path, faststart: bool) -> Path:
    flags = ["-movflags", "+faststart"] if faststart else []
    whole = make_clip(tmp_path / "whole.mp4", seconds=1.0, extra=flags)
    cut = tmp_path / ("cut-fast.mp4" if faststart else "cut.mp4")
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.6)])
    return cut


@pytest.mark.parametrize("make, words", [
    (_corrupt, "not a readable video"), (_empty, "empty"), (_text, "not a readable video"),
    (_audio_only, "no picture"), (lambda p: _truncated(p, False), "not a readable video"),
    (lambda p: _truncated(p, True), "cut short"), (lambda p: p / "missing.mp4", "does not exist"),
])
def test_unusable_inputs_get_a_readable_error(tmp_path, make, words):
    source = make(tmp_path)
    for attempt in (lambda: render(source, [Trim(0, 0.5)], tmp_path / "out.mp4"), lambda: poster(source)):
        with pytest.raises(InvalidInput) as err:
            attempt()
        assert words in err.value.message and err.value.hint
    assert not (tmp_path / "out.mp4").exists()


def test_trim_outside_the_clip_says_how_long_the_clip_is(clip_factory, tmp_path):
    clip = clip_factory("short.mp4", seconds=1.0)
    with pytest.raises(InvalidInput) as err:
        render(clip, [Trim(0.5, 3.0)], tmp_path / "out.mp4")
    assert "past the end" in err.value.message and "1.0" in err.value.hint
    with pytest.raises(InvalidInput, match="starts at 2"):
        render(clip, [Speed(2), Trim(2.0)], tmp_path / "out.mp4")

"""Output formats, size targets, previews, stream-copy trims and audio track handling."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_clip
from test_media_support import CallRecorder, assert_browser_mp4

import core.media.render as render_module
from core.errors import InvalidInput
from core.media.ops import ColorGrade, Compress, FastTrim, FormatSpec, Speed, TextOverlay, Trim
from core.media.ops_output import MB
from core.media.render import render


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_clip(tmp_path_factory.mktemp("out") / "clip.mp4", seconds=1.0)


@pytest.mark.parametrize("spec, codec, container, audio", [
    (FormatSpec("gif"), "gif", "gif", ""),
    (FormatSpec("webm"), "vp9", "matroska,webm", "opus"),
    (FormatSpec("mov", "prores"), "prores", "mov,mp4,m4a,3gp,3g2,mj2", "pcm_s16le"),
    (FormatSpec("mp4", "h265", crf=30), "hevc", "mov,mp4,m4a,3gp,3g2,mj2", "aac"),
    (FormatSpec("mov", "h264", bitrate_kbps=400), "h264", "mov,mp4,m4a,3gp,3g2,mj2", "aac"),
])
def test_other_formats_have_the_asked_codec(clip, tmp_path, spec, codec, container, audio):
    suffix = {"gif": ".gif", "webm": ".webm", "mov": ".mov"}.get(spec.container, ".mp4")
    out = render(clip, [Trim(0, 0.5), spec], tmp_path / f"out{suffix}")
    assert out.video_codec == codec and out.container == container
    assert out.audio_codec == audio and out.has_audio is bool(audio)
    assert out.width % 2 == 0 and out.height % 2 == 0
    if spec.container in ("mp4", "mov"):
        assert out.faststart is True
    if codec == "gif":
        assert out.fps == 12.5 and out.frame_count == 7


def test_compress_lands_within_five_percent_under_the_target(tmp_path):
    noisy = make_clip(tmp_path / "noisy.mp4", seconds=2.5, extra=["-vf", "noise=alls=50:allf=t+u"])
    target_mb = 0.3
    out = render(noisy, [Compress(target_mb)], tmp_path / "small.mp4")
    assert 0.95 * target_mb * MB <= out.size_bytes <= target_mb * MB, out.size_bytes
    assert_browser_mp4(out)
    assert out.duration_s == pytest.approx(2.5, abs=0.06)


def test_an_impossible_size_target_is_refused_before_rendering(clip, tmp_path, monkeypatch):
    recorder = CallRecorder(render_module.run_ffmpeg)
    monkeypatch.setattr(render_module, "run_ffmpeg", recorder)
    with pytest.raises(InvalidInput) as err:
        render(clip, [Compress(0.005)], tmp_path / "tiny.mp4")
    assert "too small" in err.value.message and "sound" in err.value.message
    assert recorder.calls == [] and not (tmp_path / "tiny.mp4").exists()


def test_preview_renders_the_start_of_the_edit_small(tmp_path):
    source = make_clip(tmp_path / "big.mp4", seconds=4.0, size="640x480")
    chain = [Speed(0.5), ColorGrade("warm"), TextOverlay("Preview"), FormatSpec("webm")]
    out = render(source, chain, tmp_path / "preview.mp4", preview=True)
    assert_browser_mp4(out)
    assert (out.width, out.height) == (480, 360)
    assert out.duration_s == pytest.approx(3.0, abs=0.06)


def test_fast_trim_copies_streams_without_re_encoding(tmp_path):
    source = make_clip(tmp_path / "gop.mp4", seconds=2.0, extra=["-g", "10"])
    out = render(source, [FastTrim(0.4, 1.4)], tmp_path / "fast.mp4")
    assert out.video_codec == "h264" and out.has_audio and out.faststart is True
    assert out.duration_s == pytest.approx(1.0, abs=0.15)  # keyframe cut: close, not exact


def test_audio_modes_for_a_silent_source(tmp_path):
    mute = make_clip(tmp_path / "mute.mp4", seconds=1.0, audio=False)
    assert_browser_mp4(render(mute, [], tmp_path / "keep.mp4"), audio=False)
    ensured = render(mute, [FormatSpec(audio="ensure")], tmp_path / "ensure.mp4")
    assert_browser_mp4(ensured, audio=True)
    assert ensured.duration_s == pytest.approx(1.0, abs=0.06)
    loud = make_clip(tmp_path / "loud.mp4", seconds=1.0)
    assert_browser_mp4(render(loud, [FormatSpec(audio="drop")], tmp_path / "drop.mp4"), audio=False)


def test_gif_width_and_rate_are_the_users_to_choose(clip, tmp_path):
    wide = make_clip(tmp_path / "wide.mp4", seconds=1.0, size="640x360")
    out = render(wide, [FormatSpec("gif", gif_width=320, gif_fps=10)], tmp_path / "small.gif")
    assert (out.width, out.height, out.fps) == (320, 180, 10)
    with pytest.raises(InvalidInput, match="fps exactly"):
        FormatSpec("gif", gif_fps=11)
    with pytest.raises(InvalidInput, match="GIFs only"):
        FormatSpec("mp4", gif_width=320)


def test_gif_fits_a_size_target_by_lowering_width_then_rate(tmp_path):
    busy = make_clip(tmp_path / "busy.mp4", seconds=2.0, size="640x360")
    first = render(busy, [FormatSpec("gif")], tmp_path / "full.gif")
    target_mb = round(first.size_bytes / MB * 0.45, 3)
    out = render(busy, [FormatSpec("gif"), Compress(target_mb)], tmp_path / "fit.gif")
    assert out.video_codec == "gif" and out.size_bytes <= target_mb * MB
    assert out.width < first.width and out.fps >= 10  # smaller picture, motion kept smooth
    assert out.duration_s == pytest.approx(2.0, abs=0.15)


def test_a_gif_target_too_small_is_refused_and_nothing_is_written(clip, tmp_path):
    with pytest.raises(InvalidInput, match="120 px wide and 5 fps"):
        render(clip, [FormatSpec("gif"), Compress(0.001)], tmp_path / "tiny.gif")
    assert list(tmp_path.iterdir()) == []

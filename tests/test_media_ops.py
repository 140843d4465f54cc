"""Op values: validation, JSON round trips, and the plans/commands they build (no rendering)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.media.graph import escape_value
from core.media.ops import (
    AudioCleanup, Captions, ColorEnhance, ColorGrade, Compress, CutOut, Denoise, FastTrim, FormatSpec,
    FrameRate, Interpolate, Join, Lut, Reframe, SafeZone, Scale, Sharpen, Soundtrack, Speed, Stabilize,
    TextOverlay, Trim, Upscale, chain_from_json, chain_to_json, op_from_dict, registered_kinds,
)
from core.media.ops_time import atempo_chain
from core.media.plan import build_plan
from core.media.probe import MediaInfo
from core.media.render import build_command

SRT = "1\n00:00:00,000 --> 00:00:00,800\nHello there\n\n2\n00:00:00,900 --> 00:00:01,500\nSecond line\n"
EVERY_OP = [
    Trim(0.2, 1.0), CutOut(0.3, 0.5), Speed(1.5), Stabilize(20), ColorGrade("teal-orange", contrast=1.1),
    Lut("/tmp/look.cube"), TextOverlay("Hi", position="top-left", safe_zone=SafeZone(0.1, 0.1, 0.2, 0.1)),
    Captions(srt=SRT), Captions(cues=((0.0, 1.0, "a"),)), AudioCleanup(-16), Interpolate(50), FrameRate(30),
    Upscale(720), Denoise(3), Sharpen(0.4, "cas"), ColorEnhance(0.6, "hdr-look"), Reframe("1:1", "pad_blur"),
    Scale(short_side=480), FormatSpec("webm"), Compress(8), Join(("/tmp/b.mp4",), "wipeleft", 0.4),
    FastTrim(0, 1), Soundtrack("/tmp/voice.m4a", "mix", 3.0, -12.0),
]


def info(width=320, height=240, seconds=2.0, fps=25.0, audio=True, path="/tmp/in.mp4") -> MediaInfo:
    return MediaInfo(path=path, size_bytes=1000, container="mov,mp4,m4a,3gp,3g2,mj2", duration_s=seconds,
                     bit_rate=1, has_video=True, has_audio=audio, width=width, height=height, fps=fps,
                     video_codec="h264", pix_fmt="yuv420p")


def test_every_kind_is_covered_and_round_trips_through_json():
    assert {op.kind for op in EVERY_OP} == set(registered_kinds())
    text = chain_to_json(EVERY_OP)
    assert chain_from_json(text) == EVERY_OP
    assert all(isinstance(item["kind"], str) for item in json.loads(text))


@pytest.mark.parametrize("data, words", [
    ({"kind": "warp"}, "Unknown edit operation"),
    ({"kind": "trim", "begin": 1}, "no setting begin"),
    ({"kind": "cut_out", "start": 1}, "incomplete"),
])
def test_bad_dicts_are_refused_with_a_hint(data, words):
    with pytest.raises(InvalidInput) as err:
        op_from_dict(data)
    assert words in err.value.message and err.value.hint


@pytest.mark.parametrize("make", [
    lambda: Speed(5), lambda: Speed(0.1), lambda: Trim(2, 1), lambda: Trim(-1),
    lambda: ColorGrade("sepia"), lambda: ColorGrade(contrast=3), lambda: Reframe("wide"),
    lambda: Reframe("9:16", "stretch"), lambda: FormatSpec("webm", "h264"), lambda: FormatSpec("avi"),
    lambda: FormatSpec(crf=20, bitrate_kbps=900), lambda: FormatSpec("mov", "prores", crf=10),
    lambda: Compress(0), lambda: TextOverlay("  "), lambda: TextOverlay("x", color="bluish"),
    lambda: TextOverlay("x", position="middle-ish"), lambda: Captions(), lambda: Captions(srt="not captions"),
    lambda: Captions(cues=((2.0, 1.0, "x"),)), lambda: Upscale(900), lambda: Scale(),
    lambda: Scale(width=100, short_side=100), lambda: Join(()), lambda: Join(("a.mp4",), "spin"),
    lambda: Sharpen(2), lambda: Denoise(0), lambda: AudioCleanup(loudness_lufs=0), lambda: FrameRate(0),
    lambda: TextOverlay("x", safe_zone=(0.5, 0, 0, 0)),
])
def test_settings_are_checked_when_an_op_is_made(make):
    with pytest.raises(InvalidInput) as err:
        make()
    assert err.value.message and err.value.hint


def test_atempo_chain_stays_in_range_and_multiplies_to_the_factor():
    for factor in (0.25, 0.4, 0.5, 1.5, 2.0, 3.0, 4.0):
        steps = [float(s.split("=")[1]) for s in atempo_chain(factor)]
        assert all(0.5 <= s <= 2.0 for s in steps)
        assert abs(__import__("math").prod(steps) - factor) < 1e-6


def test_filter_values_are_escaped_for_both_parser_levels():
    assert escape_value("it's a: b, [c]; d\\") == "it\\\\\\'s a\\\\: b\\, \\[c\\]\\; d\\\\\\\\"


def test_a_chain_is_one_command_with_one_input_and_a_leading_trim_seeks_the_input():
    chain = [Trim(0.5, 1.5), Speed(2), ColorGrade("warm"), Captions(srt=SRT), Reframe("9:16"), AudioCleanup()]
    plan = build_plan(info(), chain, Path("/tmp/out.mp4"))
    assert len(plan.passes) == 1
    args = plan.passes[0].args
    assert args.count("-i") == 1 and args.count("-filter_complex") == 1
    assert args[:4] == ["-ss", "0.5", "-t", "1"]
    assert args[-1] == "/tmp/out.mp4" and "+faststart" in args
    assert plan.duration == pytest.approx(0.5)
    assert (plan.state.width, plan.state.height) == (134, 240)


def test_joined_clips_add_one_input_each():
    others = {p: info(path=p, seconds=1.0) for p in ("/tmp/b.mp4", "/tmp/c.mp4")}
    args = build_command(info(), [Join(tuple(others), "fade", 0.5)], Path("/tmp/o.mp4"), clip_infos=others)
    assert args.count("-i") == 3
    assert args[args.index("-filter_complex") + 1].count("xfade=") == 2


def test_analysis_passes_only_where_an_op_needs_one():
    dest = Path("/tmp/o.mp4")
    assert len(build_plan(info(), [Stabilize()], dest).passes) == 2
    two_pass = build_plan(info(), [Compress(1)], dest)
    assert [p.label for p in two_pass.passes] == ["analyse bitrate (pass 1 of 2)", "encode"]
    assert "-pass" in two_pass.passes[0].args and two_pass.passes[0].args[-3:] == ["-f", "null", "-"]
    assert len(build_plan(info(), [Stabilize(), Speed(2), Compress(1)], dest).passes) == 3


def test_preview_is_short_small_and_fast():
    args = build_command(info(1920, 1080, seconds=20), [Speed(0.5), FormatSpec("webm")], Path("/tmp/p.mp4"),
                         preview=True)
    assert args[args.index("-t") + 1] == "3" and "ultrafast" in args and "libx264" in args
    assert "scale=640:360" in args[args.index("-filter_complex") + 1]


def test_a_size_target_below_what_sound_needs_is_refused_before_any_work():
    with pytest.raises(InvalidInput) as err:
        build_plan(info(seconds=60), [Compress(0.5)], Path("/tmp/o.mp4"))
    assert "too small" in err.value.message and "MB" in err.value.hint


def test_ops_check_themselves_against_the_stream():
    for chain in ([Trim(1, 5)], [Trim(3)], [CutOut(0, 2)], [Speed(2), Trim(0, 1.5)], [Interpolate(24)],
                  [Upscale(720), Upscale(720)], [Scale(width=100, height=100)]):
        with pytest.raises(InvalidInput):
            build_plan(info(), chain, Path("/tmp/o.mp4"))
    with pytest.raises(InvalidInput, match="no sound"):
        build_plan(info(audio=False), [AudioCleanup()], Path("/tmp/o.mp4"))
    with pytest.raises(InvalidInput, match="fast trim"):
        build_plan(info(), [FastTrim(0, 1), Speed(2)], Path("/tmp/o.mp4"))
    with pytest.raises(InvalidInput, match="LUT"):
        build_plan(info(), [Lut("/nowhere/look.cube")], Path("/tmp/o.mp4"))


def test_platform_pixel_margins_convert_to_fractions():
    zone = SafeZone.from_reference_pixels(top=192, right=108, bottom=480, left=54)
    assert zone == SafeZone(0.1, 0.1, 0.25, 0.05)


def test_frames_above_1080p_get_the_memory_bounded_encoder_and_decoder():
    big = build_command(info(3840, 2160), [], Path("/tmp/o.mp4"))
    assert "sliced-threads=1" in big[big.index("-x264-params") + 1]
    assert "bframes=0" in big[big.index("-x264-params") + 1]
    assert big[: big.index("-i")] == ["-filter_threads", "1", "-threads", "1"]
    small = build_command(info(1920, 1080), [], Path("/tmp/o.mp4"))
    assert "-x264-params" not in small and small[0] == "-i"
    downscaled = build_command(info(3840, 2160), [Scale(short_side=1080)], Path("/tmp/o.mp4"))
    assert "-x264-params" not in downscaled
    assert "-x264-params" not in build_command(info(3840, 2160), [], Path("/tmp/p.mp4"), preview=True)


def test_srt_and_webvtt_cues_parse_and_text_stays_literal_in_ass():
    from core.media.captions import CaptionStyle, parse_srt
    from core.media.text_style import parse_color

    vtt = ("WEBVTT\n\n00:01.500 --> 00:02.250\nfirst {line}\nback\\N slash\n\n"
           "1:02:03,004 --> 1:02:04,000\nlate\n")
    cues = parse_srt(vtt)
    assert cues == [(1.5, 2.25, "first {line}\nback\\N slash"), (3723.004, 3724.0, "late")]
    style = CaptionStyle(40, parse_color("white"), parse_color("black"), 3, False, False)
    doc = style.ass_document(cues, 1080, 1920, SafeZone(0.1, 0.05, 0.2, 0.05))
    assert "first \\{line\\}\\Nback\\\u2060N slash" in doc
    assert ",2,59,59,389,1" in doc  # bottom-centre, margins = safe zone + outline + 2 px
    with pytest.raises(InvalidInput, match="line 2"):
        parse_srt("1\nnot a timing line\nhello\n")

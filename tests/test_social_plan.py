"""plan_pack is pure: every decision follows from the request, the probed facts and the specs."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.media.probe import MediaInfo
from core.platforms import load_platforms
from core.social import PackRequest, plan_pack
from core.social.captions import parse_srt
from core.social.plan import average_safe_ceiling, choose_fps

SRT = """1
00:00:01,000 --> 00:00:02,500
First <i>line</i>

2
00:00:04,000 --> 00:00:06,000
Second line
"""


def source(width=1920, height=1080, seconds=10.0, fps=30.0, audio=True) -> MediaInfo:
    return MediaInfo(path="/clips/source.mp4", size_bytes=1_000_000, container="mov,mp4", duration_s=seconds,
                     bit_rate=1_000_000, has_video=True, has_audio=audio, width=width, height=height, fps=fps,
                     video_codec="h264", pix_fmt="yuv420p")


def plan_one(platform: str, info: MediaInfo | None = None, specs=None, **request):
    req = PackRequest(source="/clips/source.mp4", platforms=[platform], **request)
    return plan_pack(req, info or source(), specs).platforms[0]


def test_landscape_to_vertical_is_cropped_and_delivered_at_the_platform_size():
    p = plan_one("instagram_reels")
    assert p.mode == "crop"
    assert p.crop == (608, 1080)  # the largest 9:16 window of a 1920x1080 frame
    assert (p.width, p.height) == (1080, 1920)  # the platform's recommended size
    assert any("upscaled from 608x1080" in n for n in p.notes)


@pytest.mark.parametrize("platform, size", [
    ("instagram_reels", (1080, 1920)), ("linkedin_portrait", (1080, 1350)), ("linkedin_square", (1080, 1080)),
    ("linkedin_landscape", (1920, 1080)), ("x", (1280, 720)), ("youtube", (1920, 1080)),
])
def test_every_platform_gets_its_recommended_size(platform, size):
    small = source(width=640, height=360)
    for reframe in ("crop", "pad_blur"):
        assert (plan_one(platform, small, reframe=reframe).width,
                plan_one(platform, small, reframe=reframe).height) == size


def test_keep_source_detail_renders_no_bigger_than_the_crop():
    p = plan_one("instagram_reels", size="source")
    assert (p.width, p.height) == (608, 1080)
    assert not any("upscaled" in n for n in p.notes)
    assert any("keep the source's detail" in n for n in p.notes)


def test_a_source_bigger_than_the_platform_is_not_called_upscaled():
    p = plan_one("youtube", source(width=3840, height=2160))
    assert (p.width, p.height) == (1920, 1080) and not any("upscaled" in n for n in p.notes)
    padded = plan_one("tiktok", reframe="pad_blur")  # 1920x1080 fitted into 1080x1920 shrinks
    assert (padded.width, padded.height) == (1080, 1920) and not any("upscaled" in n for n in padded.notes)
    assert any("upscaled from 640x360" in n for n in plan_one("tiktok", source(640, 360), reframe="pad_blur").notes)


def test_pad_blur_keeps_the_whole_frame_at_full_size():
    p = plan_one("tiktok", reframe="pad_blur")
    assert p.mode == "pad_blur"
    assert (p.width, p.height) == (1080, 1920)


def test_same_shape_is_only_scaled():
    p = plan_one("youtube")
    assert p.mode == "scale" and (p.width, p.height) == (1920, 1080)


def test_small_source_is_upscaled_to_the_platform_minimum_with_a_warning():
    p = plan_one("instagram_reels", source(width=320, height=180), size="source")
    assert (p.width, p.height) == (540, 960)
    assert any("upscaled from 102x180" in w for w in p.warnings)


def test_long_source_is_trimmed_under_the_maximum():
    p = plan_one("x", source(seconds=200))
    assert p.duration_s == pytest.approx(139.9) and p.source_span_s == pytest.approx(139.9)
    assert any("Trimmed" in n for n in p.notes)


def test_segment_start_moves_the_window():
    p = plan_one("x", source(seconds=200), segment_start=150)
    assert p.source_span_s == pytest.approx(50)


def test_short_source_holds_the_last_frame_to_reach_the_minimum():
    p = plan_one("tiktok", source(seconds=2))
    assert p.duration_s >= 3 and p.hold_s == pytest.approx(p.duration_s - 2)
    assert any("at least 3 s" in w for w in p.warnings)


def test_missing_audio_gets_a_silent_track_only_where_needed():
    assert plan_one("instagram_reels", source(audio=False)).audio == "silent"
    assert plan_one("linkedin_landscape", source(audio=False)).audio == "none"
    assert plan_one("linkedin_landscape").audio == "source"


@pytest.mark.parametrize("src_fps, platform, expected", [
    (30, "tiktok", 30), (60, "x", 30), (120, "tiktok", 60), (10, "tiktok", 24), (5, "x", 5),
    (29.97, "instagram_reels", 29.97), (15, "linkedin_square", 15), (5, "linkedin_square", 24),
])
def test_frame_rate_follows_the_platform_range(src_fps, platform, expected):
    assert choose_fps(src_fps, load_platforms()[platform]) == pytest.approx(expected)


def test_gop_is_half_a_second_by_default():
    assert plan_one("tiktok").gop_frames == 15
    assert plan_one("facebook_reels").gop_frames == 60  # Facebook asks for 2-5 s GOPs


def test_focus_point_outside_the_frame_is_clamped_and_reported():
    req = PackRequest(source="/clips/source.mp4", platforms=["tiktok"], focus=(1.7, -0.2))
    plan = plan_pack(req, source())
    assert plan.platforms[0].focus == (1.0, 0.0)
    assert any("outside the frame" in n for n in plan.notes)
    assert any("outside the frame" in w for w in plan.platforms[0].warnings)


def test_size_cap_triggers_two_pass_within_guidance():
    specs = load_platforms()
    specs["x"] = specs["x"].model_copy(update={"max_file_mb": 5.0})
    p = plan_one("x", source(seconds=60), specs)
    budget = 5e6 * 8 * 0.95 / 60 / 1000 - 128
    assert p.fit_video_kbps == int(budget) and p.error is None
    assert plan_one("x", source(seconds=60)).fit_video_kbps is None  # 512 MB is never in reach


def test_recommended_bitrate_is_guidance_and_only_a_documented_cap_binds():
    assert plan_one("youtube_shorts").video_kbps_cap == 0  # 8 Mbps is YouTube's recommendation, not a limit
    assert plan_one("tiktok").video_kbps_cap == 0
    reels = plan_one("instagram_reels")  # Instagram documents at most 25 Mbps; a 2 s VBV buffer could add 2 s
    assert reels.video_kbps_cap == int(25000 * 10 / 12)
    assert average_safe_ceiling(8000, 100) == int(8000 * 100 / 102)


def test_reels_tiktok_and_shorts_from_one_source_share_one_file():
    req = PackRequest(source="/clips/source.mp4", platforms=["instagram_reels", "tiktok", "youtube_shorts",
                                                             "facebook_reels", "x"])
    reels, tiktok, shorts, facebook, x = plan_pack(req, source()).platforms
    assert set(reels.shares_with) == {"tiktok", "youtube_shorts"} and set(shorts.shares_with) == {
        "instagram_reels", "tiktok"}
    for p in (reels, tiktok, shorts):  # the strictest cap of the three, the richest audio advice
        assert (p.video_kbps_cap, p.audio_kbps) == (int(25000 * 10 / 12), 384)
        assert any("Same file as" in n and "encoded once" in n for n in p.notes)
    assert facebook.shares_with == [] and x.shares_with == []  # 2 s keyframes; another shape
    captioned = plan_pack(req.model_copy(update={"captions_text": "Hi"}), source()).platforms
    assert all(p.shares_with == [] for p in captioned)  # captions sit in each app's own safe area


def test_unreachable_size_cap_fails_that_platform_only():
    specs = load_platforms()
    specs["x"] = specs["x"].model_copy(update={"max_file_mb": 0.05})
    req = PackRequest(source="/clips/source.mp4", platforms=["x", "tiktok"])
    plan = plan_pack(req, source(seconds=60), specs)
    x, tiktok = plan.platforms
    assert x.error and "0.05 MB" in x.error and "shorter segment" in x.error
    assert tiktok.ok and [p.id for p in plan.renderable] == ["tiktok"]


def test_typed_caption_covers_the_whole_output():
    p = plan_one("tiktok", captions_text="  Hello  ")
    assert [(c.start, c.end, c.text) for c in p.cues] == [(0.0, 10.0, "Hello")]


def test_srt_cues_are_shifted_by_the_segment_and_clipped():
    p = plan_one("tiktok", srt=SRT, segment_start=1.5)
    assert [(c.start, round(c.end, 3), c.text) for c in p.cues] == [(0.0, 1.0, "First line"),
                                                                    (2.5, 4.5, "Second line")]


def test_srt_without_cues_is_refused():
    with pytest.raises(InvalidInput):
        parse_srt("not subtitles at all")


@pytest.mark.parametrize("request_fields, info, message", [
    ({"platforms": ["myspace"]}, source(), "Unknown platform"),
    ({"platforms": ["x", "x"]}, source(), "twice"),
    ({"platforms": ["x"], "segment_start": 12}, source(), "only 10.0 s"),
    ({"platforms": ["x"], "captions_text": "a", "srt": SRT}, source(), "Both"),
    ({"platforms": ["x"]}, source(width=0, height=0), "no picture"),
])
def test_bad_requests_are_clear_errors(request_fields, info, message):
    with pytest.raises(InvalidInput) as err:
        plan_pack(PackRequest(source="/clips/source.mp4", **request_fields), info)
    assert message in str(err.value)

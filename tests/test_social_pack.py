"""render_pack end to end on lavfi sources: every output's probed facts meet its platform spec."""

from __future__ import annotations

import json
import zipfile

import pytest

from core.errors import Cancelled
from core.media.probe import probe
from core.platforms import load_platforms
from core.social import PackRequest, compliance, plan_pack, render_pack, write_zip
from core.social import command
from core.social.compliance import count_edit_lists
from tests.conftest import make_clip

FAST = "superfast"


def render(src, platforms, out_dir, specs=None, progress=None, **fields):
    """A pack at the source's detail unless `size` says otherwise (small files, fast tests)."""
    req = PackRequest(source=src, platforms=platforms, preset=FAST, **{"size": "source", **fields})
    plan = plan_pack(req, probe(src), specs)
    return render_pack(plan, out_dir, on_progress=progress)


def assert_meets_spec(output, spec):
    """The probed file agrees with the spec on every fact the issue names."""
    info = probe(output.video)
    assert output.passed, [c for c in output.checks if not c.passed]
    assert abs(info.width / info.height - spec.aspect_ratio) < 0.01 * spec.aspect_ratio
    max_w, max_h = spec.largest
    assert spec.min_width <= info.width <= max_w and spec.min_height <= info.height <= max_h
    assert spec.min_duration_s <= info.duration_s <= spec.max_duration_s
    assert spec.fps_min <= info.fps <= spec.fps_max and not info.variable_fps
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p" and info.faststart is True
    assert info.size_bytes <= spec.max_file_bytes
    assert count_edit_lists(output.video) == 0
    if info.has_audio:
        assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, 2)
    assert output.thumbnail and output.thumbnail.exists()


@pytest.fixture(scope="module")
def landscape_pack(tmp_path_factory):
    """16:9 with audio, 5 s, to every vertical and landscape family at once (one decode)."""
    tmp = tmp_path_factory.mktemp("landscape")
    src = make_clip(tmp / "wide.mp4", seconds=5, size="480x270", rate=30)
    progress: dict[str, list[float]] = {}
    result = render(src, ["instagram_reels", "tiktok", "youtube_shorts", "youtube", "linkedin_portrait", "x"],
                    tmp / "out", progress=lambda p, f: progress.setdefault(p, []).append(f),
                    captions_text="Made for every platform", thumbnail_title="Launch day")
    return result, progress


def test_landscape_source_meets_every_spec(landscape_pack):
    result, _ = landscape_pack
    specs = load_platforms()
    assert [o.platform for o in result.outputs] == [p.id for p in result.plan.platforms]
    for output in result.outputs:
        assert_meets_spec(output, specs[output.platform])
        assert probe(output.video).has_audio
    assert result.all_passed and result.preview and result.preview.exists()


def test_outputs_are_probed_at_exactly_the_platform_sizes(tmp_path, monkeypatch):
    from core.social import manifest
    from core.social import render as render_module

    graphs = []
    real_run = render_module.run_ffmpeg
    monkeypatch.setattr(render_module, "run_ffmpeg",
                        lambda args, **kw: graphs.append(args[args.index("-filter_complex") + 1])
                        or real_run(args, **kw))
    src = make_clip(tmp_path / "wide.mp4", seconds=1, size="320x180", rate=25)
    sizes = {"instagram_reels": (1080, 1920), "linkedin_portrait": (1080, 1350),
             "linkedin_square": (1080, 1080), "linkedin_landscape": (1920, 1080), "x": (1280, 720)}
    result = render(src, list(sizes), tmp_path / "out", size="platform", safe_zone_preview=False)
    entries = {e["platform"]: e for e in manifest(result)["platforms"]}
    for output in result.outputs:
        info = probe(output.video)
        assert (info.width, info.height) == sizes[output.platform] == (
            entries[output.platform]["width"], entries[output.platform]["height"])
        assert output.passed, [c for c in output.checks if not c.passed]
    reels = result.plan.platforms[0]
    assert any("upscaled from 102x180" in n for n in reels.notes)
    assert "crop=w=102:h=180" in graphs[0] and "scale=1080:1920:flags=lanczos" in graphs[0]


def test_thumbnails_are_at_each_platform_size(landscape_pack):
    from PIL import Image

    result, _ = landscape_pack
    specs = load_platforms()
    for output in result.outputs:
        with Image.open(output.thumbnail) as image:
            thumb = specs[output.platform].thumbnail
            assert image.size == (thumb.width, thumb.height)


def test_progress_is_per_platform_monotonic_and_complete(landscape_pack):
    result, progress = landscape_pack
    assert set(progress) == {o.platform for o in result.outputs}
    for fractions in progress.values():
        assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 2


def test_zip_and_manifest_are_complete(landscape_pack, tmp_path):
    result, _ = landscape_pack
    path = write_zip(result, tmp_path / "pack.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.testzip() is None
    expected = {o.video.name for o in result.outputs} | {o.thumbnail.name for o in result.outputs}
    assert names == expected | {result.preview.name, "manifest.json"}
    assert manifest["all_passed"] is True
    assert [e["platform"] for e in manifest["platforms"]] == [o.platform for o in result.outputs]
    for entry in manifest["platforms"]:
        info = probe(result.out_dir / entry["file"])
        assert entry["size_bytes"] == info.size_bytes
        assert entry["duration_s"] == pytest.approx(info.duration_s, abs=0.001)
        assert {c["name"] for c in entry["checks"]} >= {
            "aspect", "resolution", "duration", "fps", "codec", "faststart", "file size"}
        assert all(c["passed"] for c in entry["checks"])


def test_vertical_source_without_audio(tmp_path):
    src = make_clip(tmp_path / "tall.mp4", seconds=5, size="270x480", rate=25, audio=False)
    platforms = ["tiktok", "facebook_reels", "linkedin_landscape", "linkedin_square"]
    result = render(src, platforms, tmp_path / "out", reframe="pad_blur")
    specs = load_platforms()
    by_id = {o.platform: o for o in result.outputs}
    for output in result.outputs:
        assert_meets_spec(output, specs[output.platform])
    assert probe(by_id["tiktok"].video).has_audio  # sound-on feeds get a silent track
    assert probe(by_id["facebook_reels"].video).has_audio
    assert not probe(by_id["linkedin_landscape"].video).has_audio
    assert any("silent track" in n for n in by_id["tiktok"].notes)


def test_square_source_to_every_remaining_platform(tmp_path):
    src = make_clip(tmp_path / "square.mp4", seconds=3, size="360x360", rate=24)
    result = render(src, ["linkedin_square", "facebook_feed", "instagram_reels"], tmp_path / "out")
    specs = load_platforms()
    for output in result.outputs:
        assert_meets_spec(output, specs[output.platform])


def test_long_tiny_source_is_trimmed_per_platform(tmp_path):
    src = make_clip(tmp_path / "long.mp4", seconds=200, size="160x90", rate=5, audio=False)
    result = render(src, ["x", "youtube_shorts", "linkedin_landscape"], tmp_path / "out")
    specs = load_platforms()
    by_id = {o.platform: o for o in result.outputs}
    for output in result.outputs:
        assert_meets_spec(output, specs[output.platform])
    assert 139 < probe(by_id["x"].video).duration_s <= 140
    assert 179 < probe(by_id["youtube_shorts"].video).duration_s <= 180
    assert probe(by_id["linkedin_landscape"].video).duration_s == pytest.approx(200, abs=0.1)
    assert probe(by_id["linkedin_landscape"].video).fps == 24  # 5 fps is under LinkedIn's 10 fps floor


def test_source_shorter_than_the_minimum_is_held(tmp_path):
    src = make_clip(tmp_path / "short.mp4", seconds=2, size="320x180", rate=30)
    result = render(src, ["tiktok", "x"], tmp_path / "out")
    tiktok, x = result.outputs
    assert tiktok.passed and 3 <= probe(tiktok.video).duration_s < 3.2
    assert any("at least 3 s" in w for w in tiktok.warnings)
    assert x.passed and probe(x.video).duration_s == pytest.approx(2, abs=0.05)


@pytest.fixture(scope="module")
def busy_clip(tmp_path_factory):
    """Noisy video: constant quality would spend far more than a small cap allows."""
    tmp = tmp_path_factory.mktemp("busy")
    return make_clip(tmp / "busy.mp4", seconds=4, size="320x180", rate=30,
                     extra=["-vf", "noise=alls=60:allf=t"])


def capped(platform: str, megabytes: float) -> dict:
    specs = load_platforms()
    specs[platform] = specs[platform].model_copy(update={"max_file_mb": megabytes})
    return specs


def test_tight_size_cap_goes_two_pass_and_is_met(busy_clip, tmp_path):
    result = render(busy_clip, ["x", "tiktok"], tmp_path / "out", specs=capped("x", 0.13))
    x, tiktok = result.outputs
    assert result.plan.platforms[0].fit_video_kbps  # decided up front: the budget is under constant quality
    assert any("two-pass" in n for n in x.notes)
    assert x.passed and probe(x.video).size_bytes <= 130_000
    assert tiktok.passed


def test_looser_size_cap_is_met_by_a_lower_ceiling_or_a_measured_second_pass(busy_clip, tmp_path):
    result = render(busy_clip, ["x"], tmp_path / "out", specs=capped("x", 0.2))
    (x,) = result.outputs
    assert result.plan.platforms[0].size_budget_kbps and not result.plan.platforms[0].fit_video_kbps
    assert any("held under" in n for n in x.notes)
    assert x.passed and probe(x.video).size_bytes <= 200_000


def test_unreachable_size_cap_is_reported_and_the_rest_finish(busy_clip, tmp_path):
    result = render(busy_clip, ["linkedin_square", "tiktok"], tmp_path / "out",
                    specs=capped("linkedin_square", 0.005))
    linkedin, tiktok = result.outputs
    assert linkedin.error and "0.005 MB" in linkedin.error and linkedin.video is None
    assert tiktok.passed
    with zipfile.ZipFile(write_zip(result, tmp_path / "p.zip")) as archive:
        entry = json.loads(archive.read("manifest.json"))["platforms"][0]
    assert entry["error"] == linkedin.error and entry["passed"] is False and entry["file"] is None


def test_a_platform_that_cannot_render_does_not_stop_the_others(tmp_path, monkeypatch):
    real = command.video_encoding

    def broken_for_x(plan, p):
        encoding = real(plan, p)
        return encoding if p.id != "x" else type(encoding)(preset="no-such-preset")

    monkeypatch.setattr(command, "video_encoding", broken_for_x)
    src = make_clip(tmp_path / "clip.mp4", seconds=2, size="320x180", rate=30)
    result = render(src, ["x", "tiktok", "youtube"], tmp_path / "out")
    x, tiktok, youtube = result.outputs
    assert x.error and "render X" in x.error and x.video is None
    assert tiktok.passed and youtube.passed
    assert not result.all_passed


def test_platforms_with_identical_files_share_one_encode(tmp_path, monkeypatch):
    from core.social import render as render_module

    commands = []
    real_run = render_module.run_ffmpeg
    monkeypatch.setattr(render_module, "run_ffmpeg",
                        lambda args, **kw: commands.append(args) or real_run(args, **kw))
    src = make_clip(tmp_path / "clip.mp4", seconds=3.2, size="540x960", rate=30)
    progress: dict[str, list[float]] = {}
    result = render(src, ["instagram_reels", "tiktok", "youtube_shorts", "x"], tmp_path / "plain",
                    progress=lambda p, f: progress.setdefault(p, []).append(f))
    encodes = [a for a in commands[0] if str(a).endswith(".mp4") and a != str(src)]
    assert len(encodes) == 2  # Reels, TikTok and Shorts accept the very same file
    reels, tiktok, shorts, x = result.outputs
    assert reels.passed and tiktok.passed and shorts.passed and x.passed
    assert reels.video.read_bytes() == tiktok.video.read_bytes() == shorts.video.read_bytes()
    assert len({reels.video, tiktok.video, shorts.video}) == 3
    assert len(progress["tiktok"]) > 2 and progress["tiktok"][-1] == 1.0
    commands.clear()
    render(src, ["instagram_reels", "tiktok"], tmp_path / "captioned", captions_text="Different safe zones")
    assert len([a for a in commands[0] if str(a).endswith(".mp4") and a != str(src)]) == 2


def test_cancel_leaves_nothing_half_written(tmp_path):
    src = make_clip(tmp_path / "clip.mp4", seconds=3, size="320x180", rate=30)
    plan = plan_pack(PackRequest(source=src, platforms=["tiktok", "x"], preset=FAST), probe(src))
    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        render_pack(plan, out, should_cancel=lambda: True)
    assert list(out.iterdir()) == []


def test_a_pack_where_no_platform_can_be_made_reports_each(tmp_path):
    src = make_clip(tmp_path / "clip.mp4", seconds=2, size="320x180", rate=30)
    result = render(src, ["x"], tmp_path / "out", specs=capped("x", 0.001))
    (x,) = result.outputs
    assert x.error and not x.passed and result.preview is None
    assert not [f for f in (tmp_path / "out").iterdir()]


def test_compliance_explains_a_file_that_does_not_fit(tmp_path):
    # 4:3, 1 s, Baseline profile (ultrafast), moov at the end, AAC priming edit list, GOP 250
    odd = make_clip(tmp_path / "odd.mp4", seconds=1, size="320x240", rate=25)
    checks = {c.name: c for c in compliance(odd, load_platforms()["instagram_reels"])}
    failing = ("aspect", "resolution", "duration", "faststart", "keyframes", "codec", "edit lists", "colour")
    for name in failing:
        assert not checks[name].passed and checks[name].reason, name
    for name in ("pixel format", "fps", "file size", "audio", "container", "bitrate"):
        assert checks[name].passed, name

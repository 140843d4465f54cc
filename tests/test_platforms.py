"""Platform specs as data: complete, sourced, dated and self-consistent."""

from __future__ import annotations

import re

import pytest

from core.errors import NotFound
from core.platforms import (
    FIGURE_GROUPS,
    PlatformDataError,
    SafeZone,
    checked_on,
    get_platform,
    load_platforms,
)

ISSUE_PLATFORMS = {
    "instagram_reels", "tiktok", "youtube_shorts", "youtube", "linkedin_square", "linkedin_portrait",
    "linkedin_landscape", "facebook_reels", "facebook_feed", "x",
}


def test_every_platform_the_issue_names_is_shipped():
    assert ISSUE_PLATFORMS <= set(load_platforms())


@pytest.mark.parametrize("platform_id", sorted(ISSUE_PLATFORMS))
def test_every_figure_group_has_a_dated_source(platform_id):
    spec = get_platform(platform_id)
    assert set(spec.sources) == set(FIGURE_GROUPS) | ({"bitrate_cap"} if spec.video_kbps_max else set())
    for group, source in spec.sources.items():
        assert source.title, group
        assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", source.date), (group, source.date)


@pytest.mark.parametrize("platform_id", sorted(ISSUE_PLATFORMS))
def test_specs_are_consistent(platform_id):
    spec = get_platform(platform_id)
    assert abs(spec.width / spec.height - spec.aspect_ratio) < 0.01 * spec.aspect_ratio
    assert spec.width % 2 == 0 and spec.height % 2 == 0
    assert spec.min_width <= spec.width and spec.min_height <= spec.height
    assert spec.fps_min <= spec.fps_max and spec.min_duration_s < spec.max_duration_s
    safe = spec.safe_zone.scaled(spec.width, spec.height)
    assert safe.x0 < safe.x1 and safe.y0 < safe.y1


def test_aspects_match_the_issue():
    specs = load_platforms()
    assert {p: specs[p].aspect for p in ("linkedin_square", "linkedin_portrait", "linkedin_landscape")} == {
        "linkedin_square": "1:1", "linkedin_portrait": "4:5", "linkedin_landscape": "16:9"}
    vertical = ("instagram_reels", "tiktok", "youtube_shorts", "facebook_reels")
    assert all(specs[p].aspect == "9:16" for p in vertical)
    assert specs["youtube"].aspect == "16:9"


def test_reference_figures_are_kept():
    specs = load_platforms()
    assert specs["youtube_shorts"].max_duration_s == 180
    assert specs["x"].max_duration_s == 140 and specs["x"].max_file_mb == 512
    assert specs["tiktok"].max_duration_s == 600 and specs["tiktok"].min_duration_s == 3
    assert specs["facebook_reels"].max_duration_s == 90
    assert specs["instagram_reels"].safe_zone == SafeZone(top=270, bottom=670, left=65, right=65)
    assert specs["youtube_shorts"].video_kbps_for(30) == 8000
    assert specs["youtube_shorts"].video_kbps_for(60) == 12000
    assert specs["youtube_shorts"].video_kbps_max is None  # a recommendation, not a cap
    assert specs["instagram_reels"].video_kbps_max == specs["x"].video_kbps_max == 25000


def test_safe_zone_scales_with_the_canvas():
    zone = SafeZone(top=270, bottom=670, left=65, right=65)
    assert zone.scaled(1080, 1920).model_dump() == {
        "width": 1080, "height": 1920, "top": 270, "bottom": 670, "left": 65, "right": 65}
    half = zone.scaled(540, 960)
    assert (half.top, half.bottom, half.left, half.right) == (135, 335, 32, 32)
    assert (half.x1, half.y1) == (508, 625)
    wide = zone.scaled(1920, 1080)  # horizontal margins follow width, vertical follow height
    assert (wide.top, wide.bottom, wide.left, wide.right) == (152, 377, 116, 116)


def test_checked_date_is_recorded():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", checked_on())


def test_unknown_platform_is_a_clear_error():
    with pytest.raises(NotFound) as err:
        get_platform("myspace")
    assert "tiktok" in err.value.hint


def test_unsourced_figure_is_refused(tmp_path):
    broken = tmp_path / "platforms.toml"
    broken.write_text(
        '[sources.a]\ntitle = "t"\ndate = "2026"\n'
        '[platforms.p]\nname = "P"\naspect = "1:1"\nwidth = 100\nheight = 100\nmin_width = 10\n'
        'min_height = 10\nfps_min = 0\nfps_max = 60\nmin_duration_s = 0\nmax_duration_s = 10\n'
        'max_file_mb = 1\nvideo_kbps = 100\nthumbnail = { width = 100, height = 100 }\n'
        'safe_zone = { top = 0, bottom = 0, left = 0, right = 0 }\n'
        '[platforms.p.figure_sources]\naspect = "a"\n', encoding="utf-8")
    with pytest.raises(PlatformDataError) as err:
        load_platforms(broken)
    assert "without a source" in str(err.value)


def test_unknown_source_is_refused(tmp_path):
    broken = tmp_path / "platforms.toml"
    broken.write_text('[platforms.p]\nname = "P"\n[platforms.p.figure_sources]\naspect = "nowhere"\n',
                      encoding="utf-8")
    with pytest.raises(PlatformDataError) as err:
        load_platforms(broken)
    assert "nowhere" in str(err.value)

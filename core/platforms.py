"""Social platform video specs: data/platforms.toml read into typed, sourced `PlatformSpec`s."""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import NotFound, StudioError
from core.settings import DATA_DIR

PLATFORMS_PATH = DATA_DIR / "platforms.toml"
SAFE_ZONE_CANVAS = (1080, 1920)  # margins in the data are pixels on this canvas
FIGURE_GROUPS = ("aspect", "resolution", "fps", "duration", "file_size", "codec", "bitrate",
                 "safe_zone", "thumbnail", "audio")


class PlatformDataError(StudioError):
    """The shipped platform file is broken (a release problem, not a user one)."""

    code = "platform_data_error"


class Source(BaseModel):
    """Where a figure was published, and when."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    url: str = ""
    date: str


class SafeRect(BaseModel):
    """Safe-zone margins in pixels on a real canvas, plus the inner rectangle they leave."""

    model_config = ConfigDict(frozen=True)

    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int

    @property
    def x0(self) -> int:
        return self.left

    @property
    def y0(self) -> int:
        return self.top

    @property
    def x1(self) -> int:
        """First column right of the safe area."""
        return self.width - self.right

    @property
    def y1(self) -> int:
        """First row below the safe area."""
        return self.height - self.bottom


class SafeZone(BaseModel):
    """UI overlay margins in pixels on the 1080x1920 reference canvas."""

    model_config = ConfigDict(frozen=True)

    top: int = Field(ge=0)
    bottom: int = Field(ge=0)
    left: int = Field(ge=0)
    right: int = Field(ge=0)

    def scaled(self, width: int, height: int) -> SafeRect:
        """Margins for a `width` x `height` canvas: vertical by height, horizontal by width."""
        ref_w, ref_h = SAFE_ZONE_CANVAS
        return SafeRect(
            width=width, height=height,
            top=round(self.top * height / ref_h), bottom=round(self.bottom * height / ref_h),
            left=round(self.left * width / ref_w), right=round(self.right * width / ref_w),
        )


class ThumbnailSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    max_kb: int | None = None


class PlatformSpec(BaseModel):
    """What one platform accepts for a video post, each figure group with its source."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    aspect: str  # "W:H"
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    min_width: int = Field(gt=0)
    min_height: int = Field(gt=0)
    max_width: int | None = None
    max_height: int | None = None
    fps_min: float = Field(ge=0)
    fps_max: float = Field(gt=0)
    min_duration_s: float = Field(ge=0)
    max_duration_s: float = Field(gt=0)
    max_file_mb: float = Field(gt=0)
    video_codec: str = "h264"
    video_profile: str = "High"
    pix_fmt: str = "yuv420p"
    video_kbps: int = Field(gt=0)  # recommended (guidance, not a limit)
    video_kbps_high_fps: int | None = None
    video_kbps_max: int | None = Field(default=None, gt=0)  # a documented cap on the video bitrate
    audio_codec: str = "aac"
    audio_kbps: int = 128
    audio_sample_rate: int = 48000
    audio_required: bool = False
    gop_seconds: float = Field(default=0.5, gt=0)
    faststart: bool = True
    suggest: bool = False  # pre-selected for sources of its shape
    thumbnail: ThumbnailSpec
    safe_zone: SafeZone
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _consistent(self) -> PlatformSpec:
        if abs(self.width / self.height - self.aspect_ratio) > 0.01 * self.aspect_ratio:
            raise ValueError(f"{self.width}x{self.height} is not {self.aspect}")
        if self.min_width > self.width or self.min_height > self.height:
            raise ValueError("minimum size is larger than the recommended size")
        if self.fps_min > self.fps_max or self.min_duration_s >= self.max_duration_s:
            raise ValueError("a range has its minimum above its maximum")
        missing = [g for g in FIGURE_GROUPS if g not in self.sources]
        if self.video_kbps_max and "bitrate_cap" not in self.sources:
            missing.append("bitrate_cap")
        if missing:
            raise ValueError(f"figures without a source: {', '.join(missing)}")
        return self

    @property
    def aspect_ratio(self) -> float:
        """Width over height, from the `aspect` string."""
        w, _, h = self.aspect.partition(":")
        return float(w) / float(h)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @property
    def largest(self) -> tuple[int, int]:
        """Largest accepted size (the recommended size unless a maximum is given)."""
        return self.max_width or self.width, self.max_height or self.height

    def video_kbps_for(self, fps: float) -> int:
        """Recommended video bitrate at a frame rate (the high-fps figure above 30 fps): guidance
        for quality, never a limit. Only `video_kbps_max` (when documented) and the file-size
        cap limit a file."""
        if fps > 30.5 and self.video_kbps_high_fps:
            return self.video_kbps_high_fps
        return self.video_kbps


def load_platforms(path: Path | None = None) -> dict[str, PlatformSpec]:
    """All platform specs by id, in file order. Raises PlatformDataError on a broken file."""
    return dict(_load(path or PLATFORMS_PATH))


def suggested_platforms(width: int, height: int, specs: dict[str, PlatformSpec] | None = None) -> list[str]:
    """The platforms to pre-select for a `width` x `height` source: the suggested ones of its
    shape, or of the nearest shape (a 4:3 clip gets the 1:1 or 4:5 ones, whichever is closer)."""
    specs = specs if specs is not None else load_platforms()
    if width <= 0 or height <= 0:
        return []
    offered = [s for s in specs.values() if s.suggest]
    distance = {s.id: abs(math.log(width / height / s.aspect_ratio)) for s in offered}
    nearest = min(distance.values(), default=0.0)
    return [s.id for s in offered if distance[s.id] <= nearest + 0.01]


def get_platform(platform_id: str) -> PlatformSpec:
    specs = load_platforms()
    if platform_id not in specs:
        raise NotFound(f"There is no platform called '{platform_id}'.",
                       f"Choose one of: {', '.join(specs)}.")
    return specs[platform_id]


def checked_on(path: Path | None = None) -> str:
    """The date the platform figures were last checked."""
    return _read(path or PLATFORMS_PATH).get("checked", "")


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[str, PlatformSpec], ...]:
    raw = _read(path)
    sources = {sid: Source(id=sid, **body) for sid, body in raw.get("sources", {}).items()}
    specs = []
    for pid, body in raw.get("platforms", {}).items():
        body = dict(body)
        named = body.pop("figure_sources", {})
        unknown = sorted(set(named.values()) - set(sources))
        if unknown:
            raise PlatformDataError(f"Platform '{pid}' cites unknown sources: {', '.join(unknown)}.",
                                    f"Add them under [sources] in {path.name}.")
        try:
            specs.append((pid, PlatformSpec(id=pid, sources={g: sources[s] for g, s in named.items()},
                                            **body)))
        except ValidationError as exc:
            raise PlatformDataError(f"Platform '{pid}' in {path.name} is invalid: {exc}",
                                    "Fix the platform data file.") from exc
    if not specs:
        raise PlatformDataError(f"{path.name} lists no platforms.", "Restore the shipped file.")
    return tuple(specs)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlatformDataError(f"Cannot read {path.name}: {exc}", "Restore the shipped file.") from exc

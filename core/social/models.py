"""The Social Optimizer's data: what the creator asks for, the plan, and what came out."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.media.probe import MediaInfo
from core.media.regions import TextRegion
from core.platforms import PlatformSpec

Reframe = Literal["crop", "pad_blur"]
OutputSize = Literal["platform", "source"]  # the platform's recommended size, or no more than the source's detail
# x264 presets that keep the High profile (ultrafast drops CABAC and 8x8 transforms: Baseline)
Preset = Literal["superfast", "veryfast", "faster", "fast", "medium", "slow"]
Focus = Literal["center", "auto"] | tuple[float, float]


class CaptionStyle(BaseModel):
    """How captions and thumbnail titles look. Sizes are fractions of the frame's shorter side."""

    model_config = ConfigDict(frozen=True)

    font: str = "DejaVu Sans"
    bold: bool = True
    size: float = Field(default=0.055, gt=0.01, le=0.2)
    color: str = "#FFFFFF"
    outline_color: str = "#000000"
    outline: float = Field(default=0.08, ge=0, le=0.5)  # outline width, fraction of font size
    box: bool = False  # opaque box behind the text instead of an outline
    box_color: str = "#000000"
    box_opacity: float = Field(default=0.6, ge=0, le=1)
    position: Literal["bottom", "middle", "top"] = "bottom"


class PackRequest(BaseModel):
    """One source, several platforms, one button.

    size: "platform" delivers each platform's recommended size (1080x1920 for 9:16, ...),
    upscaling a smaller crop with a high-quality scaler; "source" keeps the source's detail
    (no upscaling above the platform's minimum: smaller files).
    focus: "center", "auto" (follows motion and saliency) or an (x, y) point in 0..1 of the
    source frame. srt is the text of an SRT file (times on the source's timeline).
    """

    model_config = ConfigDict(frozen=True)

    source: Path
    platforms: list[str] = Field(min_length=1)
    size: OutputSize = "platform"
    reframe: Reframe = "crop"
    focus: Focus = "center"
    segment_start: float = Field(default=0.0, ge=0)
    captions_text: str | None = None
    srt: str | None = None
    caption_style: CaptionStyle = CaptionStyle()
    thumbnail_title: str | None = None
    thumbnail_style: CaptionStyle = CaptionStyle(size=0.085, position="middle")
    preset: Preset = "veryfast"
    crf: int = Field(default=20, ge=0, le=51)
    safe_zone_preview: bool = True
    burned_text: list[TextRegion] = []  # text already in the source (from its edit history), never from a client


class Cue(BaseModel):
    """One caption on the output timeline."""

    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    text: str


class PlatformPlan(BaseModel):
    """Everything decided for one platform before any pixel is touched."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    spec: PlatformSpec
    width: int = 0
    height: int = 0
    fps: float = 0.0
    duration_s: float = 0.0  # output length
    source_span_s: float = 0.0  # how much of the source (from segment_start) is used
    hold_s: float = 0.0  # last frame held this long to reach the platform's minimum
    mode: Literal["scale", "crop", "pad_blur"] = "crop"
    crop: tuple[int, int] = (0, 0)  # crop window size in source pixels (mode "crop")
    focus: tuple[float, float] | Literal["auto"] = (0.5, 0.5)
    audio: Literal["source", "silent", "none"] = "source"
    audio_kbps: int = 128  # the platform's recommended audio bitrate (the highest of a shared file's platforms)
    video_kbps_cap: int = 0  # VBV max rate: a documented bitrate cap, or lower to respect the size cap; 0 = none
    size_budget_kbps: int | None = None  # video kbps that keeps the file under the cap, when it binds
    fit_video_kbps: int | None = None  # two-pass average bitrate (when constant quality would overshoot)
    gop_frames: int = 1
    cues: list[Cue] = []
    shares_with: list[str] = []  # platforms that get the very same file (encoded once)
    notes: list[str] = []
    warnings: list[str] = []
    error: str | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def ok(self) -> bool:
        return self.error is None


class PackPlan(BaseModel):
    """The whole pack, decided from the request and the probed source alone."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    request: PackRequest
    source: MediaInfo
    platforms: list[PlatformPlan]
    notes: list[str] = []

    @property
    def renderable(self) -> list[PlatformPlan]:
        return [p for p in self.platforms if p.ok]

    @property
    def read_span_s(self) -> float:
        """Seconds of source to decode (the longest span any platform uses)."""
        return max((p.source_span_s for p in self.renderable), default=0.0)


class Check(BaseModel):
    """One spec check of one output: `name` is its stable id, `label` and the rest plain words."""

    name: str
    label: str = ""
    passed: bool
    expected: str
    actual: str
    reason: str = ""


class PlatformOutput(BaseModel):
    """What one platform got: files, facts, checks, or the reason it failed."""

    platform: str
    name: str
    video: Path | None = None
    thumbnail: Path | None = None
    size_bytes: int = 0
    duration_s: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    checks: list[Check] = []
    notes: list[str] = []
    warnings: list[str] = []
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.checks) and all(c.passed for c in self.checks)


class PackResult(BaseModel):
    """The rendered pack."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    plan: PackPlan
    out_dir: Path
    outputs: list[PlatformOutput]
    preview: Path | None = None
    elapsed_s: float = 0.0

    @property
    def all_passed(self) -> bool:
        return all(o.passed for o in self.outputs)

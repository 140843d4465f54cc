"""The Social Optimizer's pack request as clients send it (the engine's PackRequest minus the file)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from core.boundary.fields import STRICT, AssetId, Platform, ShortText, Text
from core.social.models import CaptionStyle, Preset

Point = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class Style(CaptionStyle):
    """How captions and thumbnail titles look, read strictly."""

    model_config = STRICT


class PackOptions(BaseModel):
    """What a pack is made of; `asset_id` names the source video."""

    model_config = STRICT

    platforms: Annotated[list[Platform], Field(min_length=1, max_length=20)]
    size: Literal["platform", "source"] = "platform"
    reframe: Literal["crop", "pad_blur"] = "crop"
    focus: Literal["center", "auto"] | Annotated[tuple[Point, Point], Field(strict=False)] = "center"
    segment_start: Annotated[float, Field(ge=0, le=36_000, allow_inf_nan=False)] = 0.0
    captions_text: Text | None = None
    srt: Annotated[str, Field(max_length=500_000)] | None = None
    thumbnail_title: ShortText | None = None
    caption_style: Style | None = None
    thumbnail_style: Style | None = None
    preset: Preset = "veryfast"
    crf: Annotated[StrictInt, Field(ge=0, le=51)] = 20
    safe_zone_preview: StrictBool = True

    def engine_options(self) -> dict:
        return self.model_dump(exclude={"asset_id"}, exclude_none=True)


class PackRequest(PackOptions):
    asset_id: AssetId



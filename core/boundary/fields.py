"""Field types shared by the request models: ids, media references, finite numbers, closed sets.

Data-driven sets (models, platforms, templates, motions) are read from `data/` once; the
validators name the allowed values in their message.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictStr
from pydantic_core import PydanticCustomError

from core.capability import SHORT_SIDE
from core.contracts import Operation, Quality

STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # an identifier, never a path (no "/" or ".")
MAX_URL = 2048
MAX_TEXT = 20_000
AUTO = "auto"

Finite = Annotated[float, Field(allow_inf_nan=False)]
Money = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
ShortText = Annotated[str, Field(max_length=300)]

OperationName = Literal[tuple(op.value for op in Operation)]  # type: ignore[valid-type]
QualityName = Literal[tuple(q.value for q in Quality)]  # type: ignore[valid-type]
Resolution = Literal[tuple(SHORT_SIDE)]  # type: ignore[valid-type]


def one_of(values, noun: str):
    """A validator: the value must be in `values()` (read lazily from data/); the message lists them."""

    def check(value: str) -> str:
        allowed = list(values())
        if value not in allowed:
            raise PydanticCustomError(
                "not_allowed", "there is no {noun} called \"{value}\"; use one of: {choices}.",
                {"allowed": allowed, "noun": noun, "value": value[:60], "choices": ", ".join(allowed)})
        return value

    return AfterValidator(check)


def _asset_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise PydanticCustomError(
            "asset_id", "give an asset id (from /import or /assets); "
            "file paths on the server are not accepted.", {"allowed": []})
    return value


def _job_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise PydanticCustomError("job_id", "give a job id (from /create or /job).",
                                  {"allowed": []})
    return value


def _media_ref(value: str) -> str:
    if ID_PATTERN.fullmatch(value):
        return value
    if value.startswith("https://") and len(value) <= MAX_URL and not any(c.isspace() for c in value):
        return value
    raise PydanticCustomError(
        "media_ref", "give an asset id (from /import or /assets) or an https:// link; "
        "file paths on the server are not accepted.", {"allowed": []})


AssetId = Annotated[StrictStr, AfterValidator(_asset_id)]
JobId = Annotated[StrictStr, AfterValidator(_job_id)]
MediaRef = Annotated[StrictStr, AfterValidator(_media_ref)]


def _option_value(value: Any) -> Any:
    ok = isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))
    if not ok or (isinstance(value, str) and len(value) > 2000):
        raise PydanticCustomError("option_value", "must be text, a finite number or true/false.", {"allowed": []})
    return value


OptionValue = Annotated[Any, AfterValidator(_option_value)]


def is_asset_id(value: str) -> bool:
    return bool(ID_PATTERN.fullmatch(value))


@cache
def model_ids() -> tuple[str, ...]:
    from core.catalog import load_catalog

    return (AUTO, *load_catalog().ids())


@cache
def aspect_names() -> tuple[str, ...]:
    from core.catalog import load_catalog
    from core.templates import ASPECTS

    seen = dict.fromkeys([AUTO, *ASPECTS])
    for model in load_catalog():
        seen.update(dict.fromkeys(model.capabilities.aspects))
    return tuple(seen)


@cache
def create_platform_ids() -> tuple[str, ...]:
    from core.platform_presets import create_platforms

    return tuple(pid for _, pid in create_platforms())


@cache
def platform_ids() -> tuple[str, ...]:
    from core.platforms import load_platforms

    return tuple(load_platforms())


@cache
def template_ids() -> tuple[str, ...]:
    from core.templates import load_templates

    return tuple(load_templates())


@cache
def motion_ids() -> tuple[str, ...]:
    from core.templates import load_camera_moves, load_motion_presets

    return (*load_motion_presets(), *load_camera_moves())


ModelName = Annotated[StrictStr, one_of(model_ids, "model")]
Aspect = Annotated[StrictStr, one_of(aspect_names, "aspect")]
CreatePlatform = Annotated[StrictStr, one_of(create_platform_ids, "platform preset")]
Platform = Annotated[StrictStr, one_of(platform_ids, "platform")]
TemplateName = Annotated[StrictStr, one_of(template_ids, "template")]
MotionName = Annotated[StrictStr, one_of(motion_ids, "motion")]

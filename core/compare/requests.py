"""Requests of the Compare studio and its API, parsed strictly: real booleans, finite numbers,
known values, no unknown fields. Media are named by asset id, never by a server path."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError
from pydantic import model_validator

from core.capability import SHORT_SIDE
from core.errors import InvalidInput

STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, frozen=True)
ID = re.compile(r"[0-9a-f]{16}")
OPERATIONS = ("text-to-video", "image-to-video", "avatar")
WINNERS = ("a", "b", "tie", "both_bad")
CRITERIA = ("follows_prompt", "motion", "visual_quality", "sound")
MAX_CELLS = 64

Operation = Literal["text-to-video", "image-to-video", "avatar"]
Winner = Literal["a", "b", "tie", "both_bad"]
Criterion = Literal["follows_prompt", "motion", "visual_quality", "sound"]
Resolution = Literal[tuple(SHORT_SIDE)]  # type: ignore[valid-type]
Money = Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
Prompt = Annotated[StrictStr, Field(max_length=20_000)]
Seed = Annotated[StrictInt, Field(ge=0, le=2_147_483_647)]


def _id(value: str) -> str:
    if not ID.fullmatch(value):
        raise ValueError("give an id of 16 letters and digits (from /assets or /compare_models); "
                         "file paths on the server are not accepted")
    return value


Id = Annotated[StrictStr, AfterValidator(_id)]


@cache
def _model_ids(operation: str | None = None) -> tuple[str, ...]:
    from core.catalog import load_catalog

    return tuple(m.id for m in load_catalog() if m.operation.value in OPERATIONS
                 and (operation is None or m.operation.value == operation))


def _same_operation(models: list[str], operation: str) -> None:
    wrong = [m for m in models if m not in _model_ids(operation)]
    if wrong:
        raise ValueError(f"models: {', '.join(wrong)} cannot do {operation}; use {', '.join(_model_ids(operation))}")


def _model(value: str) -> str:
    if value not in _model_ids():
        raise ValueError(f"there is no video model called \"{value[:60]}\"; use one of: {', '.join(_model_ids())}")
    return value


ModelId = Annotated[StrictStr, AfterValidator(_model)]


def _option(value: Any) -> Any:
    if not (isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))):
        raise ValueError("must be text, a finite number or true/false")
    return value


class Settings(BaseModel):
    """One set of settings for every model of a compare (each runs the nearest it can do)."""

    model_config = STRICT

    duration: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)] | None = None
    resolution: Resolution | None = None
    aspect: Literal["16:9", "9:16", "1:1", "4:5", "21:9", "auto"] | None = None
    seed: Seed | None = None
    negative_prompt: Prompt = ""
    generate_audio: StrictBool | None = None
    options: dict[StrictStr, Annotated[Any, AfterValidator(_option)]] = Field(default_factory=dict, max_length=20)


class Inputs(BaseModel):
    """What every model of the group gets: a prompt, an image, or a photo and an audio track."""

    model_config = STRICT

    operation: Operation = "text-to-video"
    prompt: Prompt = ""
    image_id: Id | None = None
    photo_id: Id | None = None
    audio_id: Id | None = None
    settings: Settings = Field(default_factory=Settings)
    blind: StrictBool = False
    estimate_only: StrictBool = False
    run_again: StrictBool = False

    @model_validator(mode="after")
    def _inputs_fit_the_operation(self):
        op = self.operation
        if op == "text-to-video" and not self.prompt.strip():
            raise ValueError("prompt: text-to-video needs a prompt")
        if op == "image-to-video" and not self.image_id:
            raise ValueError("image_id: image-to-video needs an image (an asset id from /import)")
        if op == "avatar" and not (self.photo_id and self.audio_id):
            raise ValueError("photo_id: an avatar needs a photo_id and an audio_id (asset ids from /import)")
        extra = {"text-to-video": ("image_id", "photo_id", "audio_id"), "image-to-video": ("photo_id", "audio_id"),
                 "avatar": ("image_id",)}[op]
        for name in extra:
            if getattr(self, name):
                raise ValueError(f"{name}: a {op} compare does not take {name}; remove it")
        return self


class CompareRequest(Inputs):
    """/compare_models: one request on 2-4 models."""

    models: Annotated[list[ModelId], Field(min_length=2, max_length=4)]
    confirm_usd: Money | None = None

    @model_validator(mode="after")
    def _distinct(self):
        if len(set(self.models)) != len(self.models):
            raise ValueError("models: name each model once")
        _same_operation(self.models, self.operation)
        return self


class SweepRequest(Inputs):
    """/compare_sweep: prompts x seeds x models, under a ceiling that is also the confirmation."""

    prompts: Annotated[list[Prompt], Field(min_length=1, max_length=10)] = Field(default_factory=list)
    seeds: Annotated[list[Seed], Field(max_length=10)] = Field(default_factory=list)
    models: Annotated[list[ModelId], Field(min_length=1, max_length=4)]
    ceiling_usd: Money

    @model_validator(mode="before")
    @classmethod
    def _prompt_list(cls, data):
        if isinstance(data, dict) and data.get("prompts") and "prompt" not in data:
            first = data["prompts"][0] if isinstance(data["prompts"], list) else ""
            return {**data, "prompt": first if isinstance(first, str) else ""}
        return data

    @model_validator(mode="after")
    def _grid(self):
        if len(set(self.models)) != len(self.models):
            raise ValueError("models: name each model once")
        _same_operation(self.models, self.operation)
        if self.settings.seed is not None:
            raise ValueError("settings.seed: a sweep takes its seeds from \"seeds\"")
        cells = max(1, len(self.prompts)) * max(1, len(self.seeds)) * len(self.models)
        if cells > MAX_CELLS:
            raise ValueError(f"prompts: the grid has {cells} runs; a sweep makes at most {MAX_CELLS}")
        return self


class ResultRequest(BaseModel):
    model_config = STRICT

    group_id: Id


class VoteRequest(BaseModel):
    """/vote: which of two outputs of a group is better, overall or on one criterion (or several)."""

    model_config = STRICT

    group_id: Id
    a_asset_id: Id
    b_asset_id: Id
    winner: Winner
    criterion: Criterion | None = None
    criteria: dict[Criterion, Winner] = Field(default_factory=dict)

    def choices(self) -> dict[str, str]:
        """criterion ("" = overall) -> winner, every vote this request records."""
        return {(self.criterion or ""): self.winner, **self.criteria}


class LeaderboardRequest(BaseModel):
    model_config = STRICT

    operation: Operation = "text-to-video"
    audio: StrictBool | None = None
    criterion: Criterion | None = None


class ExportRequest(BaseModel):
    model_config = STRICT

    what: Literal["votes", "prompts", "results"] = "votes"
    format: Literal["csv", "jsonl"] = "csv"


def parse(model: type[BaseModel], data: Any):
    """`data` (JSON from a client) -> `model`, or InvalidInput naming the field and what to send."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise InvalidInput("The request must be a JSON object.", "See the README for the fields.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError) -> InvalidInput:
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in error.get("loc", ()))
    kind, message = error.get("type", ""), str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "is not a field of this request" + (
            " (the studio knows who you are from your session)" if field in ("user", "owner") else "")
    elif kind in ("literal_error", "enum"):
        message = f"must be one of: {error.get('ctx', {}).get('expected', '')}"
    elif kind in ("bool_type", "bool_parsing"):
        message = "must be true or false (a JSON boolean)"
    elif kind == "finite_number":
        message = "must be a finite number"
    elif kind == "missing":
        message = "is required"
    if not field and ": " in message:  # a whole-request rule names its field first
        field, message = message.split(": ", 1)
    return InvalidInput(f"{field or 'request'}: {message}.", "See the README for the Compare fields.")

"""Requests of the Compare studio and its API: strict like every money-bearing request (real
booleans, finite numbers, known values, unknown fields refused, no `user`). Media are the
caller's asset ids, never a server path; `confirm_usd` confirms the group's total bound.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from core.boundary.create import Confirmation
from core.boundary.fields import ID_PATTERN, STRICT, AssetId, Money, OptionValue, Resolution, Seconds, Text

OPERATIONS = ("text-to-video", "image-to-video", "avatar")
MAX_CELLS = 64

Operation = Literal["text-to-video", "image-to-video", "avatar"]
Winner = Literal["a", "b", "tie", "both_bad"]
Criterion = Literal["follows_prompt", "motion", "visual_quality", "sound"]
Seed = Annotated[StrictInt, Field(ge=0, le=2_147_483_647)]


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
        allowed = list(_model_ids())
        raise PydanticCustomError("not_allowed", "there is no video model called \"{value}\"; use one of: {choices}.",
                                  {"allowed": allowed, "value": value[:60], "choices": ", ".join(allowed)})
    return value


def _group_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise PydanticCustomError("group_id", "give a group_id (from /compare_models or /compare_sweep).",
                                  {"allowed": []})
    return value


ModelId = Annotated[StrictStr, AfterValidator(_model)]
GroupId = Annotated[StrictStr, AfterValidator(_group_id)]


class Settings(BaseModel):
    """One set of settings for every model of a compare (each runs the nearest it can do)."""

    model_config = STRICT

    duration: Seconds | None = None
    resolution: Resolution | None = None
    aspect: Literal["16:9", "9:16", "1:1", "4:5", "21:9", "auto"] | None = None
    seed: Seed | None = None
    negative_prompt: Text = ""
    generate_audio: StrictBool | None = None
    options: dict[StrictStr, OptionValue] = Field(default_factory=dict, max_length=20)


class Inputs(BaseModel):
    """What every model of the group gets: a prompt, an image, or a photo and an audio track."""

    model_config = STRICT

    operation: Operation = "text-to-video"
    prompt: Text = ""
    image_id: AssetId | None = None
    photo_id: AssetId | None = None
    audio_id: AssetId | None = None
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


class CompareRequest(Confirmation, Inputs):
    """/compare_models: one request on 2-4 models, `confirm_usd` covering the group's total `max_usd`."""

    models: Annotated[list[ModelId], Field(min_length=2, max_length=4)]

    @model_validator(mode="after")
    def _distinct(self):
        if len(set(self.models)) != len(self.models):
            raise ValueError("models: name each model once")
        _same_operation(self.models, self.operation)
        return self


class SweepRequest(Inputs):
    """/compare_sweep: prompts x seeds x models, under a ceiling that is also the confirmation."""

    prompts: Annotated[list[Text], Field(min_length=1, max_length=10)] = Field(default_factory=list)
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

    group_id: GroupId


class VoteRequest(BaseModel):
    """/vote: which of two outputs of a group is better, overall or on one criterion (or several)."""

    model_config = STRICT

    group_id: GroupId
    a_asset_id: AssetId
    b_asset_id: AssetId
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
    blind_only: StrictBool = False  # count only votes cast before the names were shown


class ExportRequest(BaseModel):
    model_config = STRICT

    what: Literal["votes", "prompts", "results"] = "votes"
    format: Literal["csv", "jsonl"] = "csv"

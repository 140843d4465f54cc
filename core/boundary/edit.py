"""Requests of Edit, Enhance and Transform: op chains (typed per kind), joins, AI edits.

Each op kind's fields come from its dataclass in core.media (so the two never drift); the
fields that name other media take asset ids (join clips) or content (a LUT's .cube text, kept
by its hash as `lut_id`) instead of paths.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Discriminator, Field, StrictBool, StrictFloat, StrictStr, Tag, create_model

from core.boundary.create import Confirmation, _drop_empty
from core.boundary.parse import TAG
from core.boundary.fields import (
    STRICT,
    AssetId,
    MediaRef,
    Finite,
    ModelName,
    OptionValue,
    Resolution,
    ShortText,
    Text,
)
from core.media.ops import TRANSITIONS, registered_kinds
from core.media.op_base import _REGISTRY
from core.media.text_style import SafeZone
from pydantic import model_validator

EditOperation = Literal["edit", "enhance", "transform"]
AI_OPERATIONS = ("background-removal", "instruction-edit", "retake", "extend", "upscale", "restyle",
                 "outpaint", "sound", "translate", "face-swap", "character-swap")
AiOperation = Literal[AI_OPERATIONS]  # type: ignore[valid-type]
Transition = Literal[tuple(TRANSITIONS)]  # type: ignore[valid-type]
MAX_OPS = 40

# Lists where the engine keeps tuples: a JSON array is accepted, each item stays strict.
_ZONE = Annotated[tuple[StrictFloat, StrictFloat, StrictFloat, StrictFloat], Field(strict=False)]
_CUE = Annotated[tuple[StrictFloat, StrictFloat, StrictStr], Field(strict=False)]
# Fields that name media: asset ids at the boundary, resolved to files by the core.
MEDIA_FIELDS: dict[str, dict[str, Any]] = {
    "join": {"clips": (Annotated[list[AssetId], Field(min_length=1, max_length=20)], ...),
             "transition": (Transition, "fade"), "duration": (Finite, 0.5)},
    "soundtrack": {"audio": (AssetId, ...)},
    "lut": {"cube": (Annotated[str, Field(min_length=1, max_length=16_000_000)] | None, None),
            "lut_id": (Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None, None)},
}
REMOVED_FIELDS = {"join": {"clips"}, "lut": {"path"}}


def _boundary_type(hint: Any) -> Any:
    if hint is SafeZone:
        return _ZONE
    if hint is tuple:
        return Annotated[list[_CUE], Field(max_length=2000)]
    if hint is float:
        return Finite
    if hint == (float | None):
        return Finite | None
    if hint is str:
        return Annotated[str, Field(max_length=100_000)]
    return hint


def _one_lut(op):
    if op.cube is None and op.lut_id is None:
        raise ValueError("a lut needs `cube`, the text of a .cube 3D LUT file")
    return op


def _spec(kind: str) -> type[BaseModel]:
    cls = _REGISTRY[kind]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {"kind": (Literal[kind], ...)}
    for f in dataclasses.fields(cls):
        if f.name in REMOVED_FIELDS.get(kind, ()):
            continue
        default = ... if f.default is dataclasses.MISSING else f.default
        if isinstance(default, SafeZone):
            default = tuple(default)
        elif hints[f.name] is tuple and default == ():
            default = []
        fields[f.name] = (_boundary_type(hints[f.name]), default)
    fields.update(MEDIA_FIELDS.get(kind, {}))
    validators = {"one_lut": model_validator(mode="after")(_one_lut)} if kind == "lut" else {}
    return create_model(f"{cls.__name__}Op", __config__=STRICT, __validators__=validators, **fields)


def _kind_of(value: Any) -> Any:
    kind = value.get("kind") if isinstance(value, dict) else None
    return f"{TAG}{kind}" if isinstance(kind, str) else None


@cache
def op_union() -> Any:
    """A discriminated union of every registered op kind's spec."""
    members = tuple(Annotated[_spec(kind), Tag(f"{TAG}{kind}")] for kind in registered_kinds())
    return Annotated[Union[members], Discriminator(_kind_of)]  # noqa: UP007


Ops = Annotated[list[op_union()], Field(max_length=MAX_OPS)]  # type: ignore[valid-type]


class ChainRequest(BaseModel):
    """{asset_id, ops}: what /outcome and /preview take."""

    model_config = STRICT

    asset_id: AssetId
    ops: Ops = Field(default_factory=list)

    def op_dicts(self) -> list[dict]:
        return [op.model_dump() for op in self.ops]


class EditRequest(ChainRequest):
    operation: EditOperation = "edit"
    title: ShortText = ""


class BatchRequest(BaseModel):
    model_config = STRICT

    asset_ids: Annotated[list[AssetId], Field(min_length=1, max_length=50)]
    ops: Ops
    operation: EditOperation = "edit"

    def op_dicts(self) -> list[dict]:
        return [op.model_dump() for op in self.ops]


class JoinRequest(BaseModel):
    model_config = STRICT

    asset_ids: Annotated[list[AssetId], Field(min_length=2, max_length=20)]
    transition: Transition = "fade"
    duration: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = 0.5


class CompareRequest(BaseModel):
    model_config = STRICT

    original_id: AssetId
    enhanced_id: AssetId


class AiEditRequest(Confirmation):
    """A provider edit of one asset (priced like /create; `estimate_only` just prices it)."""

    asset_id: AssetId
    operation: AiOperation
    prompt: Text = ""
    model: ModelName = "auto"
    options: dict[str, OptionValue] = Field(default_factory=dict, max_length=20)
    resolution: Resolution | None = None
    image_id: MediaRef | None = None  # the face (face swap) or the character (character swap)
    consent: StrictBool | None = None  # face swap, character swap, translate: the consent statement, ticked
    estimate_only: StrictBool = False

    _empty = model_validator(mode="before")(classmethod(lambda cls, data: _drop_empty(data)))

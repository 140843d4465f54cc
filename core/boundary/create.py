"""Requests of the Create studio and its API: estimate, create, prompt enhancement.

`confirm_usd` is the confirmation: the amount the user agreed to. A `confirm` field, where
sent, must be a JSON boolean; `confirm: true` alone is refused (see core.money.confirmation).
`run_again: true` runs a request even when an identical earlier paid run made an asset.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool, StrictInt, model_validator

from core.boundary.fields import (
    STRICT,
    Aspect,
    CreatePlatform,
    MediaRef,
    ModelName,
    Money,
    MotionName,
    OperationName,
    OptionValue,
    QualityName,
    Resolution,
    Seconds,
    TemplateName,
    Text,
)

OPTIONAL_WHEN_EMPTY = ("image", "audio", "video", "platform", "template", "motion", "resolution", "aspect",
                       "duration", "seed", "generate_audio", "confirm_usd", "confirm", "consent", "run_again")


def _drop_empty(data: Any) -> Any:
    """Optional fields sent as "" or null mean "not set" (forms send empty strings)."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (k in OPTIONAL_WHEN_EMPTY and (v is None or v == ""))}
    return data


class Confirmation(BaseModel):
    """The money part every paid request carries."""

    model_config = STRICT

    confirm_usd: Money | None = None
    confirm: StrictBool | None = None
    run_again: StrictBool = False  # run even when an identical earlier run's asset exists (never pay twice)


class CreateRequest(Confirmation):
    """What a creator asks for (the same fields for /estimate and /create)."""

    operation: OperationName = "text-to-video"
    prompt: Text = ""
    negative_prompt: Text = ""
    image: MediaRef | None = None
    audio: MediaRef | None = None
    video: MediaRef | None = None
    duration: Seconds | None = None
    resolution: Resolution | None = None
    aspect: Aspect | None = None
    platform: CreatePlatform | None = None
    template: TemplateName | None = None
    motion: MotionName | None = None
    quality: QualityName = "standard"
    model: ModelName = "auto"
    seed: StrictInt | None = Field(default=None, ge=0, le=2_147_483_647)
    variations: StrictInt = Field(default=1, ge=1, le=4)
    generate_audio: StrictBool | None = None
    options: dict[str, OptionValue] = Field(default_factory=dict, max_length=20)
    consent: StrictBool | None = None  # face swap, character swap, translate: the creator's consent statement

    _empty = model_validator(mode="before")(classmethod(lambda cls, data: _drop_empty(data)))

    def generation_fields(self) -> dict:
        """The fields of core.contracts.GenerationRequest (media still as the client named them)."""
        return self.model_dump(exclude={"confirm_usd", "confirm", "consent", "run_again"})


class EnhanceRequest(Confirmation):
    """Prompt enhancement: the provider's helper when configured (paid), else the offline one."""

    prompt: Text
    template: TemplateName | None = None
    operation: OperationName = "text-to-video"
    offline: StrictBool = False  # use the free offline template even when a paid helper is configured

    _empty = model_validator(mode="before")(classmethod(lambda cls, data: _drop_empty(data)))

"""Requests of the Avatar studio and its API: /speech (a script spoken by a voice) and /avatar (a
photo and a voice, or a script and a voice, made into a talking presenter with captions).

Both are money-bearing: strict, unknown fields refused, `confirm_usd` the amount agreed to.
Lengths are never declared: the studio measures the audio (or bounds a script's speech).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, model_validator

from core.boundary.create import Confirmation, _drop_empty
from core.boundary.fields import CreatePlatform, JobId, MediaRef, ModelName, Resolution, ShortText

# Long enough that a 100,000-character paste reaches the script check, which says what to do.
ScriptText = Annotated[StrictStr, Field(max_length=200_000)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=80)]
Speed = Annotated[float, Field(ge=0.5, le=2.0, allow_inf_nan=False)]
Emotion = Literal["neutral", "happy", "professional", "excited"]
Captions = Literal["auto", "burn", "srt", "both", "off"]
Order = Literal["meanwhile", "left_right", "right_left"]
EMPTY_MEANS_UNSET = ("voice", "language", "audio_id", "script", "second_photo_id", "second_audio_id",
                     "platform", "resolution", "seed", "expression_prompt", "order")


def _unset_empty(data):
    data = _drop_empty(data)
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (k in EMPTY_MEANS_UNSET and (v is None or v == ""))}
    return data


class SpeechRequest(Confirmation):
    """/speech: `text` spoken by `voice` (a voice id of the model; the model's first when unset)."""

    text: ScriptText
    voice: Name | None = None
    model: ModelName = "auto"
    language: Name | None = None
    speed: Speed = 1.0
    emotion: Emotion = "neutral"
    title: ShortText = ""
    estimate_only: StrictBool = False

    _empty = model_validator(mode="before")(classmethod(lambda cls, data: _unset_empty(data)))


class AvatarRequest(Confirmation):
    """/avatar: a photo and either an audio (`audio_id`) or a `script` spoken by `voice`."""

    photo_id: MediaRef
    audio_id: MediaRef | None = None
    script: ScriptText | None = None
    voice: Name | None = None
    voice_model: ModelName = "auto"
    language: Name | None = None
    speed: Speed = 1.0
    model: ModelName = "auto"
    resolution: Resolution | None = None
    emotion: Emotion = "neutral"
    expression_prompt: Annotated[StrictStr, Field(max_length=500)] | None = None
    seed: StrictInt | None = Field(default=None, ge=0, le=2_147_483_647)
    second_photo_id: MediaRef | None = None
    second_audio_id: MediaRef | None = None
    order: Order | None = None
    captions: Captions = "auto"
    platform: CreatePlatform | None = None
    title: ShortText = ""
    split: StrictBool = False  # a voice longer than one run is made as scenes cut at its pauses
    estimate_only: StrictBool = False

    _empty = model_validator(mode="before")(classmethod(lambda cls, data: _unset_empty(data)))


class SceneRequest(Confirmation):
    """/avatar_scene: make one scene of an avatar request again (its finishing job names the request)."""

    job_id: JobId  # the finishing job ("Join and captions") of the request
    scene: Annotated[StrictInt, Field(ge=1, le=500)]  # 1 = the first scene
    estimate_only: StrictBool = False

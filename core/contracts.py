"""The provider port and the request/model types that cross it.

`core` defines these; `providers/` implement `Provider`. Capabilities, wire names and prices
are data (read from `data/models.toml` into `ModelSpec`), never `if` branches on a vendor.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Operation(StrEnum):
    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    EXTEND = "extend"
    AVATAR = "avatar"
    UPSCALE = "upscale"
    RESTYLE = "restyle"
    FACE_SWAP = "face-swap"
    CHARACTER_SWAP = "character-swap"
    SOUND = "sound"
    TRANSLATE = "translate"
    RETAKE = "retake"
    INSTRUCTION_EDIT = "instruction-edit"
    BACKGROUND_REMOVAL = "background-removal"
    OUTPAINT = "outpaint"
    PROMPT_OPTIMIZER = "prompt-optimizer"
    TEXT_TO_SPEECH = "text-to-speech"
    CAPTIONING = "captioning"  # a description of a video or picture (AI tags in the Library)


class Quality(StrEnum):
    DRAFT = "draft"
    STANDARD = "standard"
    PREMIUM = "premium"


INPUT_KINDS = ("prompt", "image", "audio", "video", "text", "face_image")


class MediaLimits(BaseModel):
    """Limits a model puts on one input file."""

    min_s: float | None = None
    max_s: float | None = None
    max_mb: float | None = None
    min_side: int | None = None
    max_side: int | None = None
    formats: list[str] = []


class Capabilities(BaseModel):
    """What a model can honour. Empty lists mean 'not applicable / any'."""

    durations: list[int] = []
    min_duration: float | None = None
    max_duration: float | None = None
    duration_from: Literal["request", "audio", "video", "text", "fixed"] = "request"
    resolutions: list[str] = []
    aspects: list[str] = []
    aspect_from_input: bool = False
    inputs_required: list[str] = []
    inputs_accepted: list[str] = []
    audio_in: bool = False
    audio_out: bool = False
    audio_toggle: bool = False
    seed: bool = False
    negative_prompt: bool = False
    max_prompt_chars: int = 2000
    image: MediaLimits = MediaLimits()
    audio: MediaLimits = MediaLimits()
    video: MediaLimits = MediaLimits()
    options: dict[str, list[str]] = {}
    languages: list[str] = []  # languages a speech model speaks (English names); empty = not stated


class Wire(BaseModel):
    """How a request's generic fields are named on the vendor's wire."""

    size: Literal["size_star", "resolution", "aspect_ratio", "aspect_and_resolution", "none"] = "none"
    field_names: dict[str, str] = {}
    fixed: dict[str, Any] = {}
    sizes: dict[str, dict[str, str]] = {}


class Price(BaseModel):
    """A price formula. `rates` maps a resolution (or '*') to a unit price in USD."""

    unit: Literal["per_second", "per_block", "per_run", "per_1k_chars", "free"]
    rates: dict[str, float] = {}
    audio_rates: dict[str, float] = {}
    block_s: float = 5.0
    min_billed_s: float = 0.0
    max_billed_s: float | None = None
    min_billed_chars: int = 0  # per_1k_chars: shorter texts are billed as this many characters
    verified: bool = False
    checked: date | None = None
    source: str = ""
    note: str = ""


class Latency(BaseModel):
    """Wall time: base seconds plus seconds of processing per output second.

    `per_output_s` is the typical ratio (ETAs); `max_per_output_s` the slowest documented one
    (avatar models take 10-30 s per output second), for deadlines. Unset: the typical ratio.
    """

    base_s: float = 30.0
    per_output_s: float = 6.0
    max_per_output_s: float | None = None

    def expected_s(self, output_s: float) -> float:
        """Typical wall time for `output_s` seconds of output."""
        return self.base_s + self.per_output_s * output_s

    def slowest_s(self, output_s: float) -> float:
        """The longest wall time the provider documents for `output_s` seconds of output."""
        return self.base_s + (self.max_per_output_s or self.per_output_s) * output_s


class ModelSpec(BaseModel):
    """One model as the catalog describes it."""

    model_config = ConfigDict(frozen=True)

    id: str
    provider: str
    provider_model: str
    operation: Operation
    name: str
    description: str
    tier: Quality
    latency: Latency = Latency()
    capabilities: Capabilities = Capabilities()
    wire: Wire = Wire()
    price: Price
    default_resolution: str | None = None
    default_duration: float | None = None
    default_aspect: str | None = None
    offline: bool = False


PENDING = "pending:"  # a media field's value while another job of the same request makes the file


def pending_job(value: object) -> str | None:
    """The job id a media field waits for ("pending:<job id>"), or None for a file or a link."""
    return value[len(PENDING):] if isinstance(value, str) and value.startswith(PENDING) else None


class GenerationRequest(BaseModel):
    """A request inside the core, after the boundary (core.boundary) and media resolution.

    File fields are local paths the core resolved from asset ids or fetched links (or an https
    URL the core could not fetch, or `pending:<job id>` while another job makes it). `input_duration` is the length the core MEASURED of the input
    that sets the output length; clients never declare it.
    """

    operation: Operation = Operation.TEXT_TO_VIDEO
    prompt: str = ""
    negative_prompt: str = ""
    image: str | None = None
    audio: str | None = None
    video: str | None = None
    duration: float | None = None
    resolution: str | None = None
    aspect: str | None = None
    platform: str | None = None
    template: str | None = None
    motion: str | None = None
    quality: Quality = Quality.STANDARD
    model: str = "auto"
    seed: int | None = None
    variations: int = Field(default=1, ge=1, le=4)
    generate_audio: bool | None = None
    options: dict[str, Any] = {}
    input_duration: float | None = None


TaskStatusName = Literal["queued", "running", "completed", "failed", "cancelled"]


class TaskState(BaseModel):
    """A provider's view of one task."""

    status: TaskStatusName
    progress: float | None = None
    eta_s: float | None = None
    outputs: list[str] = []
    error: str = ""
    retry_after: float | None = None
    refunded: bool = True  # False when a failed task may still have been billed


@runtime_checkable
class Provider(Protocol):
    """The port every provider adapter implements.

    submit() is the only call that may spend money: callers never repeat it blindly.
    poll() and fetch() are safe to repeat. A provider may set `accepts_urls = True` when its
    models can read an https link themselves (the core otherwise sends only files it holds),
    and `title` / `key_env` to name itself and its key in messages ("WaveSpeed", "WAVESPEED_API_KEY").
    """

    name: str
    free: bool

    def configured(self) -> bool: ...

    def submit(self, model: ModelSpec, request: GenerationRequest) -> str: ...

    def poll(self, model: ModelSpec, task_id: str) -> TaskState: ...

    def fetch(self, output: str, dest: Path) -> Path: ...

    def quote(self, model: ModelSpec, request: GenerationRequest) -> float | None: ...

    def balance(self) -> float | None: ...


@runtime_checkable
class MediaFetcher(Protocol):
    """Fetches a client's https link (public hosts only, size-capped) so the core can measure it."""

    def fetch(self, url: str, dest: Path, max_bytes: int) -> Path: ...

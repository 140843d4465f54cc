"""What the cost meter reads besides the price: every driver in the order a creator scans them,
the time a run takes from its model's latency class, and which key a priced model still needs.

Pure functions over a request, its model and its estimate; nothing here decides money (the
preflight does) — it only says the same facts in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.capability import audio_on
from core.contracts import GenerationRequest, ModelSpec
from core.money.pricing import CostEstimate, format_usd

# Pricing's own lines that the meter states in its own words (or leaves out).
RESTATED = {"Model", "Resolution", "Audio", "Variations"}


@dataclass(frozen=True)
class KeyHelp:
    """How a provider's key is named and added, for messages ("WaveSpeed", "WAVESPEED_API_KEY")."""

    title: str
    env: str


def output_seconds(request: GenerationRequest, model: ModelSpec, est: CostEstimate | None) -> float | None:
    """Seconds of video the run makes: asked, measured, or the length the price was bounded by."""
    for value in (request.duration, request.input_duration, est.billed_seconds if est else None,
                  model.default_duration):
        if value is not None and value > 0:
            return float(value)
    return None


def expected_seconds(request: GenerationRequest, model: ModelSpec, est: CostEstimate | None) -> int:
    """The typical wall time of one run (variations run side by side) from the latency class."""
    length = output_seconds(request, model, est)
    return round(max(model.latency.expected_s(length if length is not None else 5.0), 1.0))


def sound_words(request: GenerationRequest, model: ModelSpec) -> str:
    if audio_on(request, model):
        return "on"
    if request.audio and model.capabilities.audio_in:
        return "your soundtrack"
    return "off" if model.capabilities.audio_out else "none (silent model)"


def breakdown(request: GenerationRequest, model: ModelSpec, est: CostEstimate | None) -> list[dict]:
    """Model, duration, resolution, aspect, sound, variations, quality, then pricing's own lines
    (billed seconds, minimums, unit price, live quote)."""
    length = output_seconds(request, model, est)
    basis = est.basis if est else "exact"
    duration = "-" if length is None else (f"up to {length:g} s" if basis == "upper-bound" else f"{length:g} s")
    if model.capabilities.duration_from in ("audio", "video") and request.input_duration is not None:
        duration += f" (your {model.capabilities.duration_from})"
    rows = [("Model", model.name), ("Duration", duration),
            ("Resolution", request.resolution or (est.resolution if est else None) or "as the input"),
            ("Aspect", "same as the input" if request.aspect in (None, "auto") else request.aspect),
            ("Sound", sound_words(request, model)),
            ("Variations", f"× {max(1, request.variations)}"),
            ("Quality", request.quality.value)]
    extra = [(d.label, d.value) for d in (est.drivers if est else []) if d.label not in RESTATED]
    return [{"label": label, "value": str(value)} for label, value in rows + extra]


def key_message(model: ModelSpec, est: CostEstimate | None, key: KeyHelp) -> str:
    """'Veo 3.1 would cost $3.20 - add a WaveSpeed key to run it (...)'."""
    if est is not None and est.known:
        price = ("up to " if est.basis == "upper-bound" else "") + format_usd(est.max_usd)
        head = f"{model.name} would cost {price} - add a {key.title} key to run it"
    else:
        head = f"{model.name} needs a {key.title} key to run"
    return (f"{head} (set {key.env} in the environment or the .env file, then restart the studio), "
            "or pick Auto to use what is set up.")

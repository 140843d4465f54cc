"""One set of settings for several models: each model gets the nearest it can do, or is left out.

A compare sends the same settings to every model, but models differ (Wan makes 5 or 10 s,
LTX-2 6-20 s at 1080p only, Hunyuan is silent). `fit` moves each setting the model cannot
honour to the nearest value it can (the closest length, the closest short side, the closest
frame shape), drops what it does not take (a seed, a negative prompt, a sound switch), and
says so for every change. What cannot be moved (a missing input, a prompt too long, an audio
longer than the model takes) leaves the model out, with the guard's reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from core.capability import AUTO, SHORT_SIDE, Issue, check, resolve_defaults
from core.contracts import GenerationRequest, ModelSpec


@dataclass
class Fitted:
    """`request` as `model` will run it; `adjusted` maps a setting to (asked, used)."""

    model: ModelSpec
    request: GenerationRequest
    adjusted: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.issues

    @property
    def reason(self) -> str:
        """Why the model is left out, or what it does differently; "" when it runs as asked."""
        if self.issues:
            return " ".join(i.message for i in self.issues)
        return " ".join(self.notes)


def fit(request: GenerationRequest, model: ModelSpec) -> Fitted:
    """The nearest request `model` can honour, with a note per change and the issues left."""
    caps, name = model.capabilities, model.name
    out = Fitted(model=model, request=request)
    changes: dict[str, Any] = {}

    def change(key: str, used: Any, note: str) -> None:
        out.adjusted[key] = (getattr(request, key), used)
        changes[key] = used
        out.notes.append(note)

    asked = request.duration
    if asked is not None:
        if caps.duration_from != "request":
            source = {"audio": "your audio", "video": "your video", "text": "the text"}.get(caps.duration_from, "")
            change("duration", None, f"{name} makes a clip as long as {source or 'it does'}; "
                                     "the length setting does not apply.")
        else:
            used = _nearest_duration(asked, caps.durations, caps.min_duration, caps.max_duration)
            if used != asked:
                change("duration", used, f"{name} runs at {used:g} s, the nearest length it makes to {asked:g} s.")
    if request.resolution is not None and request.resolution not in caps.resolutions:
        if caps.resolutions:
            used = _nearest_resolution(request.resolution, caps.resolutions)
            change("resolution", used, f"{name} runs at {used}, the nearest it makes to {request.resolution}.")
        else:
            change("resolution", None, f"{name} keeps the resolution of your input.")
    if request.aspect not in (None, AUTO) and request.aspect not in caps.aspects:
        if caps.aspects and not caps.aspect_from_input:
            used = _nearest_aspect(request.aspect, caps.aspects)
            change("aspect", used, f"{name} makes {used} frames, the nearest shape to {request.aspect}.")
        else:
            change("aspect", None, f"{name} keeps the shape of your input.")
    if request.seed is not None and not caps.seed:
        change("seed", None, f"{name} takes no seed.")
    if request.negative_prompt.strip() and not caps.negative_prompt:
        change("negative_prompt", "", f"{name} takes no negative prompt.")
    if request.generate_audio is True and not caps.audio_out:
        change("generate_audio", None, f"{name} makes silent video.")
    if request.generate_audio is False and caps.audio_out and not caps.audio_toggle:
        change("generate_audio", None, f"{name} always makes sound.")
    dropped = {k: v for k, v in request.options.items() if k not in caps.options
               or (caps.options[k] and str(v) not in caps.options[k])}
    if dropped:
        out.adjusted["options"] = (dict(request.options), {k: v for k, v in request.options.items()
                                                            if k not in dropped})
        changes["options"] = out.adjusted["options"][1]
        out.notes.append(f"{name} has no setting {', '.join(sorted(dropped))} (as asked); it runs without.")
    fitted = request.model_copy(update=changes) if changes else request
    out.request = resolve_defaults(fitted, model)
    out.issues = check(out.request, model)
    return out


def _nearest_duration(asked: float, allowed: list[int], low: float | None, high: float | None) -> float:
    if allowed:  # the closest length; between two, the shorter (it costs less)
        return float(min(allowed, key=lambda d: (abs(d - asked), d)))
    if low is not None and asked < low:
        return float(low)
    if high is not None and asked > high:
        return float(high)
    return asked


def _nearest_resolution(asked: str, allowed: list[str]) -> str:
    short = SHORT_SIDE.get(asked, 720)
    return min(allowed, key=lambda r: (abs(SHORT_SIDE.get(r, 0) - short), SHORT_SIDE.get(r, 0)))


def _nearest_aspect(asked: str, allowed: list[str]) -> str:
    target = _ratio(asked)
    return min(allowed, key=lambda a: (abs(math.log(_ratio(a) / target)), a))


def _ratio(aspect: str) -> float:
    try:
        width, height = (float(x) for x in aspect.split(":"))
        return width / height if width > 0 and height > 0 else 1.0
    except ValueError:
        return 1.0

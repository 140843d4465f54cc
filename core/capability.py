"""The capability guard: can this model honour this request, exactly as asked?

Nothing is silently dropped: a field the model cannot use is an `Issue` that says what is
wrong and what to do. `resolve_defaults` fills unset fields from the model's defaults.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from core.contracts import GenerationRequest, ModelSpec
from core.errors import InvalidInput
from core.media.encoding import even

# 480p/720p/1080p name the SHORT side of the frame; 2k/4k follow the 1440/2160 convention.
SHORT_SIDE = {"480p": 480, "512p": 512, "720p": 720, "1024p": 1024, "1080p": 1080, "2k": 1440, "4k": 2160}
INPUT_NOUNS = {"prompt": "a text prompt", "image": "an image", "audio": "an audio track", "video": "a video"}
AUTO = "auto"


class Issue(BaseModel):
    """One reason a request cannot run as asked. `allowed` lists the values that would work."""

    field: str
    message: str
    allowed: list[str] = []


def output_size(resolution: str, aspect: str) -> tuple[int, int]:
    """Frame size (width, height), even, with `resolution` as the short side: 9:16 1080p -> 1080x1920."""
    if resolution not in SHORT_SIDE:
        hint = f"Use one of: {', '.join(SHORT_SIDE)}."
        raise InvalidInput(f"Unknown resolution '{resolution}'.", hint=hint)
    try:
        w, h = (float(part) for part in aspect.split(":"))
        if w <= 0 or h <= 0:
            raise ValueError(aspect)
    except (ValueError, AttributeError):
        hint = "Write it as width:height, e.g. 16:9."
        raise InvalidInput(f"Unknown aspect '{aspect}'.", hint=hint) from None
    short = SHORT_SIDE[resolution]
    return (even(short * w / h), short) if w >= h else (short, even(short * h / w))


def audio_on(request: GenerationRequest, model: ModelSpec) -> bool:
    """Whether the run makes sound: models with a switch default to on."""
    caps = model.capabilities
    if not caps.audio_out:
        return False
    return request.generate_audio is not False if caps.audio_toggle else True


def resolve_defaults(request: GenerationRequest, model: ModelSpec) -> GenerationRequest:
    """The request with duration, resolution, aspect and sound filled from the model where unset."""
    caps = model.capabilities
    updates: dict[str, Any] = {}
    if request.duration is None and caps.duration_from == "request":
        first = caps.durations[0] if caps.durations else caps.min_duration
        updates["duration"] = model.default_duration if model.default_duration is not None else first
    if request.resolution is None and caps.resolutions:
        updates["resolution"] = model.default_resolution or caps.resolutions[0]
    if request.aspect in (None, AUTO) and caps.aspects and not caps.aspect_from_input:
        updates["aspect"] = model.default_aspect or caps.aspects[0]
    if request.generate_audio is None and caps.audio_toggle:
        updates["generate_audio"] = caps.audio_out
    return request.model_copy(update=updates) if updates else request


def check(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    """Every way `model` would fail to honour `request`; empty when it can run as asked."""
    if request.operation != model.operation:
        return [
            Issue(
                field="model",
                message=f"{model.name} does {model.operation.value}, not {request.operation.value}. "
                "Pick a model made for this task.",
            )
        ]
    return [
        *_inputs(request, model),
        *_duration(request, model),
        *_input_length(request, model),
        *_resolution(request, model),
        *_aspect(request, model),
        *_extras(request, model),
        *_options(request, model),
    ]


def _present(request: GenerationRequest, kind: str) -> bool:
    value = getattr(request, kind)
    return bool(value.strip()) if isinstance(value, str) else value is not None


def _inputs(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    caps, out = model.capabilities, []
    for kind, noun in INPUT_NOUNS.items():
        required = kind in caps.inputs_required
        present = _present(request, kind)
        if required and not present:
            out.append(Issue(field=kind, message=f"{model.name} needs {noun}. Add {noun} and try again."))
        elif present and not required and kind not in caps.inputs_accepted:
            out.append(
                Issue(
                    field=kind,
                    message=f"{model.name} does not use {noun}, so it would be ignored. "
                    f"Remove it, or pick a model that takes {noun}.",
                )
            )
    if len(request.prompt) > caps.max_prompt_chars:
        out.append(
            Issue(
                field="prompt",
                message=f"The prompt has {len(request.prompt)} characters; {model.name} takes at most "
                f"{caps.max_prompt_chars}. Shorten it.",
            )
        )
    for name in caps.inputs_required:
        if name in caps.options and request.options.get(name) in (None, ""):
            out.append(
                Issue(
                    field=f"options.{name}",
                    message=f"{model.name} needs a {name.replace('_', ' ')}. Choose one.",
                    allowed=caps.options[name],
                )
            )
    return out


def _seconds(values: list[float]) -> list[str]:
    return [f"{v:g}" for v in values]


def _duration(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    caps, asked = model.capabilities, request.duration
    if asked is None:
        return []
    if caps.duration_from in ("audio", "video"):
        source = caps.duration_from
        if request.input_duration is not None and abs(asked - request.input_duration) <= 0.5:
            return []
        return [
            Issue(
                field="duration",
                message=f"{model.name} makes a clip as long as your {source}; it cannot be set. "
                f"Leave the length empty, or trim the {source} first.",
            )
        ]
    if caps.duration_from in ("text", "fixed"):
        return [Issue(field="duration", message=f"{model.name} does not take a length. Leave it empty.")]
    if caps.durations and asked not in caps.durations:
        allowed = _seconds(caps.durations)
        return [
            Issue(
                field="duration",
                message=f"{model.name} makes clips of {', '.join(allowed)} s; you asked for {asked:g} s. "
                "Pick one of those lengths.",
                allowed=allowed,
            )
        ]
    low, high = caps.min_duration, caps.max_duration
    if (low is not None and asked < low) or (high is not None and asked > high):
        span = f"{low or 0:g}–{high:g} s" if high is not None else f"at least {low:g} s"
        return [
            Issue(
                field="duration",
                message=f"{model.name} makes clips of {span}; you asked for {asked:g} s. "
                "Choose a length in that range.",
                allowed=[span],
            )
        ]
    return []


def _input_length(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    """The input that sets the output length must fit the model's limits."""
    caps, length = model.capabilities, request.input_duration
    if caps.duration_from not in ("audio", "video") or length is None:
        return []
    kind = caps.duration_from
    limits = getattr(caps, kind)
    if limits.max_s is not None and length > limits.max_s:
        return [
            Issue(
                field=kind,
                message=f"Your {kind} is {length:.1f} s; {model.name} takes at most {limits.max_s:g} s. "
                f"Trim the {kind} or split it into parts.",
                allowed=[f"≤ {limits.max_s:g} s"],
            )
        ]
    if limits.min_s is not None and length < limits.min_s:
        return [
            Issue(
                field=kind,
                message=f"Your {kind} is {length:.1f} s; {model.name} needs at least {limits.min_s:g} s. "
                f"Use a longer {kind}.",
                allowed=[f"≥ {limits.min_s:g} s"],
            )
        ]
    return []


def _resolution(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    caps, asked = model.capabilities, request.resolution
    if asked is None or asked in caps.resolutions:
        return []
    if not caps.resolutions:
        message = f"{model.name} keeps the resolution of your input; leave resolution empty."
    else:
        offered = ", ".join(caps.resolutions)
        message = f"{model.name} makes {offered}; {asked} is not available. Pick one of those."
    return [Issue(field="resolution", message=message, allowed=caps.resolutions)]


def _aspect(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    caps, asked = model.capabilities, request.aspect
    if asked in (None, AUTO) or asked in caps.aspects:
        return []
    if not caps.aspects:
        message = (
            f"{model.name} keeps the shape of your input, so it cannot make {asked}. "
            f"Choose '{AUTO}', or crop your input to {asked} first."
        )
        return [Issue(field="aspect", message=message, allowed=[AUTO])]
    message = f"{model.name} makes {', '.join(caps.aspects)} frames, not {asked}. Pick one of those shapes."
    return [Issue(field="aspect", message=message, allowed=caps.aspects)]


def _extras(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    """Seed, negative prompt and the sound switch."""
    caps, name, sound = model.capabilities, model.name, request.generate_audio
    rules = [
        (request.seed is not None and not caps.seed, "seed", [],
         f"{name} does not take a seed, so a run cannot be repeated exactly. Clear the seed."),
        (bool(request.negative_prompt.strip()) and not caps.negative_prompt, "negative_prompt", [],
         f"{name} does not use a negative prompt. Clear it, or say what to avoid in the prompt."),
        (bool(sound) and not caps.audio_out, "generate_audio", ["off"],
         f"{name} makes silent video. Turn sound off, or add sound afterwards with a sound model."),
        (sound is False and caps.audio_out and not caps.audio_toggle, "generate_audio", ["on"],
         f"{name} always makes sound. Turn sound on, or mute the result afterwards."),
    ]
    return [Issue(field=field, message=text, allowed=allowed) for bad, field, allowed, text in rules if bad]


def _options(request: GenerationRequest, model: ModelSpec) -> list[Issue]:
    offered, out = model.capabilities.options, []
    for key, value in request.options.items():
        if key not in offered:
            names = ", ".join(offered) or "none"
            out.append(
                Issue(
                    field=f"options.{key}",
                    message=f"{model.name} has no '{key}' setting (its settings: {names}). Remove it.",
                    allowed=list(offered),
                )
            )
        elif offered[key] and str(value) not in offered[key]:
            out.append(
                Issue(
                    field=f"options.{key}",
                    message=f"'{value}' is not a {key.replace('_', ' ')} {model.name} knows. "
                    "Choose one of the list.",
                    allowed=offered[key],
                )
            )
    return out

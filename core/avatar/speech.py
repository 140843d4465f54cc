"""Speech requests: which speech model speaks a text in a voice and language, and the Create-style
request that runs it (priced per 1,000 characters as billed, through the one money path).

"auto" takes the cheapest configured hosted model that has the voice and speaks the language,
and the free offline voice when no hosted one fits (or none is configured).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.capability import Issue
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Operation
from core.errors import InvalidInput, StudioError
from core.money.pricing import estimate
from core.voice.languages import check_voice, find_language, language_options, languages, voices
from core.voice.script import check_script

AUTO = "auto"
SPEECH = Operation.TEXT_TO_SPEECH
# How an emotion preset reads to a speech model with an `emotion` setting.
SPEECH_EMOTIONS = {"neutral": "neutral", "happy": "happy", "professional": "neutral", "excited": "happy"}


@dataclass(frozen=True)
class Spoken:
    """A checked speech request: the model, its voice, and the Create request that runs it."""

    model: ModelSpec
    voice: str
    create: dict  # for CreateService.estimate / create (confirmation fields not included)
    issues: list[Issue]


def speech_models(catalog: Catalog, configured: set[str]) -> list[ModelSpec]:
    """Speech models that can run here: hosted ones with their provider configured, and offline ones."""
    return [m for m in catalog.models(SPEECH) if m.offline or m.provider in configured]


def pick_model(catalog: Catalog, configured: set[str], asked: str, text: str, voice: str | None,
               language: str | None, field: str = "model") -> ModelSpec:
    """The asked speech model, or on auto the cheapest that has `voice` and speaks `language`
    (hosted first, the offline voice last)."""
    if asked != AUTO:
        model = catalog.get(asked)
        if model.operation != SPEECH:
            raise InvalidInput(f"{model.name} does not speak text.", "Pick a speech model, or auto.", field=field,
                               allowed=[m.id for m in catalog.models(SPEECH)])
        return model
    usable = speech_models(catalog, configured)
    fits = [m for m in usable if _fits(m, voice, language)]
    if not fits:
        with_voice = [m for m in usable if _fits(m, voice, None)]
        if not with_voice:
            offered = sorted({v for m in usable for v in voices(m)})
            raise InvalidInput(f"No speech model here has the voice '{voice}'.", "Pick one of the voices listed.",
                               field="voice", allowed=offered)
        spoken = sorted({name for m in with_voice for name in languages(m)})
        raise InvalidInput(f"The voice '{voice or 'chosen'}' cannot speak {language}.",
                           "Pick one of its languages, or another voice.", field="language", allowed=spoken)
    probe = GenerationRequest(operation=SPEECH, prompt=text)
    return min(fits, key=lambda m: (m.offline, estimate(probe, m).total_usd, m.id))


def _fits(model: ModelSpec, voice: str | None, language: str | None) -> bool:
    offered = voices(model)
    if voice and offered and voice not in offered:
        return False
    return not (language and languages(model) and find_language(model, language) is None)


def spoken(catalog: Catalog, configured: set[str], *, text: object, voice: str | None, model: str,
           language: str | None, speed: float, emotion: str = "neutral", text_field: str = "text",
           model_field: str = "model") -> Spoken:
    """Check a speech request and build the Create request that runs it; InvalidInput (naming the
    field) for an empty or overlong text or a model that does not speak."""
    try:
        script = check_script(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, exc.hint, field=text_field) from None
    chosen = pick_model(catalog, configured, model, script, voice, language, model_field)
    voice = voice or next(iter(voices(chosen)), None)
    issues = check_voice(chosen, voice, language)
    options: dict = {"voice_id": voice or ""}
    options.update(language_options(chosen, language))
    offered = chosen.capabilities.options
    if "speed" in offered:
        options["speed"] = speed
    elif speed != 1.0:
        issues.append(Issue(field="speed", message=f"{chosen.name} speaks at one speed. Use 1, or pick a "
                            "model with a speed setting.", allowed=["1"]))
    if "emotion" in offered and emotion in SPEECH_EMOTIONS:
        options["emotion"] = SPEECH_EMOTIONS[emotion]
    request = {"operation": SPEECH.value, "prompt": script, "model": chosen.id, "options": options}
    return Spoken(model=chosen, voice=voice or "", create=request, issues=issues)


def voice_list(catalog: Catalog, configured: set[str]) -> list[dict]:
    """Every speech model that can run here with its voices, languages, speed and price, for pickers."""
    out = []
    for model in speech_models(catalog, configured):
        price = model.price
        out.append({"model": model.id, "name": model.name, "offline": model.offline, "voices": voices(model),
                    "languages": languages(model), "speed": "speed" in model.capabilities.options,
                    "usd_per_1k_chars": 0.0 if price.unit == "free" else float(next(iter(price.rates.values()), 0)),
                    "min_billed_chars": price.min_billed_chars})
    return out


def refusal_of(exc: StudioError) -> dict:
    """An InvalidInput as the issues list of an answer."""
    return {"field": getattr(exc, "field", None) or "request", "message": str(exc),
            "allowed": list(getattr(exc, "allowed", []) or [])}


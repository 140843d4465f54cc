"""Which voices and languages a speech model offers, and the refusal when a request asks for one
it does not have. All of it is catalog data (`capabilities.languages`, `options.voice_id`)."""

from __future__ import annotations

from core.capability import Issue
from core.contracts import ModelSpec

LANGUAGE_OPTION = "language"  # the request option a model with a language setting reads


def voices(model: ModelSpec) -> list[str]:
    """The model's voice ids (empty when it takes any id, e.g. cloned voices only)."""
    return list(model.capabilities.options.get("voice_id", []))


def languages(model: ModelSpec) -> list[str]:
    """The languages the model speaks, by English name; empty when the catalog does not say."""
    return list(model.capabilities.languages)


def find_language(model: ModelSpec, language: str) -> str | None:
    """The model's own spelling of `language` (case and spacing ignored), or None."""
    wanted = " ".join(language.split()).casefold()
    return next((name for name in languages(model) if name.casefold() == wanted), None)


def check_voice(model: ModelSpec, voice: str | None, language: str | None) -> list[Issue]:
    """Every way `voice` and `language` do not fit `model`, each naming what would."""
    issues: list[Issue] = []
    offered = voices(model)
    if not voice or not voice.strip():
        issues.append(Issue(field="voice", message=f"{model.name} needs a voice. Choose one.", allowed=offered))
    elif offered and voice not in offered:
        issues.append(Issue(field="voice", message=f"{model.name} has no voice '{voice}'. Choose one of its "
                            "voices.", allowed=offered))
    if language and language.strip() and languages(model) and find_language(model, language) is None:
        spoken = languages(model)
        if len(spoken) == 1:
            what = f"{model.name} speaks {spoken[0]} only"
        else:
            what = f"{model.name} does not speak {language}"
        issues.append(Issue(field="language", message=f"{what}. Pick one of its languages, or a speech model "
                            f"that speaks {language}.", allowed=spoken))
    return issues


def language_options(model: ModelSpec, language: str | None) -> dict[str, str]:
    """The request option that carries `language` to `model`: {'language': name} for models
    with a language setting, nothing for models that speak one language or detect it."""
    if not language or LANGUAGE_OPTION not in model.capabilities.options:
        return {}
    return {LANGUAGE_OPTION: find_language(model, language) or language}

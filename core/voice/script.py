"""Scripts: checked once, split at sentence boundaries, packed into scenes that fit one run.

A scene is what one speech + avatar run renders. Its length is estimated from the text at a
deliberately slow speaking rate (so real speech comes out shorter, never longer), and every
scene fits the model's longest input and the plan's longest run, whichever is shorter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Protocol

from core.contracts import ModelSpec
from core.errors import InvalidInput

MAX_SCRIPT_CHARS = 20_000  # about 20 minutes of speech
CHARS_PER_SECOND = 14.0  # slower than real voices (eSpeak NG ~17.7, Piper ~19, ALwrity 15)
FIT_MARGIN = 0.9  # a scene is planned at most 90% of the limit
_SENTENCE_END = re.compile(  # after . ! ? … (and a closing quote) and a space; after 。！？ at once
    r"(?<=[.!?\u2026][\"'\u201d\u2019)\]])\s+|(?<=[.!?\u2026])\s+|(?<=[\u3002\uff01\uff1f])\s*|\n\s*\n")
_CLAUSE_END = re.compile(r"(?<=[,;:\u2014\u3001\uff0c])\s+")


class RunLimit(Protocol):
    """What scene planning needs of a plan: its name and its longest run (core.money.plans.Plan fits)."""

    name: str
    max_duration_s: float


@dataclass(frozen=True)
class Scene:
    """One run's worth of script: its place, its text and its estimated spoken length."""

    index: int
    text: str
    estimated_s: float

    @property
    def chars(self) -> int:
        return len(self.text)


def check_script(text: object, max_chars: int = MAX_SCRIPT_CHARS) -> str:
    """The script, stripped; InvalidInput (field `script`) when it is empty, not text or too long."""
    if not isinstance(text, str) or not text.strip():
        raise _invalid("The script is empty.", "Type what the presenter should say (a sentence or more).")
    script = text.strip()
    if len(script) > max_chars:
        minutes = max_chars / CHARS_PER_SECOND / 60
        raise _invalid(
            f"The script has {len(script):,} characters; the studio speaks at most {max_chars:,} "
            f"(about {minutes:.0f} minutes) in one video.",
            "Split it into several videos, or shorten it.",
        )
    return script


def split_sentences(text: str) -> list[str]:
    """Sentences in order (ending punctuation kept, paragraph breaks end a sentence too)."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [" ".join(part.split()) for part in parts if part]


def estimate_seconds(text: str, speed: float = 1.0, chars_per_second: float = CHARS_PER_SECOND) -> float:
    """Spoken length of `text` at `speed`, on the slow side."""
    return len(text) / (chars_per_second * speed)


def scene_limit_s(model: ModelSpec, plan: RunLimit | None = None) -> float:
    """The longest audio one run may take: the model's input limit and the plan's, the lower one."""
    caps = model.capabilities
    limits = [caps.audio.max_s, caps.max_duration]
    if plan is not None:
        limits.append(plan.max_duration_s)
    known = [float(v) for v in limits if v]
    if not known:
        raise _invalid(f"{model.name} names no longest input, so a script cannot be split for it.",
                       "Pick an avatar or speech model.")
    return min(known)


def plan_scenes(script: str, model: ModelSpec, plan: RunLimit | None = None, *, speed: float = 1.0,
                chars_per_second: float = CHARS_PER_SECOND) -> list[Scene]:
    """Split `script` at sentence boundaries into scenes that each fit one run of `model`.

    Sentences are packed greedily in order; a sentence too long on its own is cut at clause
    marks, then between words. Pure: no file, no engine, no network.
    """
    text = check_script(script)
    if not (math.isfinite(speed) and speed > 0):
        raise InvalidInput("The speed must be a positive number.", "Use 1 for normal speed.")
    limit = scene_limit_s(model, plan)
    budget = limit * FIT_MARGIN * chars_per_second * speed  # characters per scene
    pieces = [piece for sentence in split_sentences(text) for piece in _fit(sentence, budget)]
    scenes = _pack(pieces, budget)
    return [Scene(i, s, round(estimate_seconds(s, speed, chars_per_second), 2)) for i, s in enumerate(scenes)]


def _fit(sentence: str, budget: float) -> list[str]:
    """The sentence, or its clauses, or runs of its words, each within `budget` characters."""
    if len(sentence) <= budget:
        return [sentence]
    parts: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        parts += [clause] if len(clause) <= budget else _pack(_words(clause, int(budget)), budget)
    return _pack(parts, budget)


def _pack(parts: list[str], budget: float) -> list[str]:
    """Join consecutive parts with spaces while the result stays within `budget` characters."""
    packed: list[str] = []
    for part in parts:
        if packed and len(packed[-1]) + 1 + len(part) <= budget:
            packed[-1] = f"{packed[-1]} {part}"
        else:
            packed.append(part)
    return packed


def _words(clause: str, budget: int) -> list[str]:
    """Words, with any word longer than the budget (text without spaces, e.g. Chinese) cut."""
    return [word[i:i + budget] for word in clause.split() for i in range(0, len(word), budget)]


def _invalid(message: str, hint: str) -> InvalidInput:
    error = InvalidInput(message, hint)
    error.field = "script"  # type: ignore[attr-defined]
    return error

"""Word timings: when each word of a script is spoken, in seconds of the speech audio.

Two sources: an engine's own word marks (`timings_from_marks`: exact where the engine marks a
word, shared out by length where it speaks several words as one), or, for audio that came
without marks (a provider voice, an upload), `spread_timings`, which shares the measured
length out by characters, sentence pauses included. Captions are built from either.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import InvalidInput

_TOKEN = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*$")
PAUSE_CHARS = 6  # a sentence end weighs like this many characters of speech


@dataclass(frozen=True)
class WordTiming:
    """One word of the script and when it is spoken (seconds from the start of the audio)."""

    text: str
    start: float
    end: float

    @property
    def ends_sentence(self) -> bool:
        return bool(_SENTENCE_END.search(self.text))


@dataclass(frozen=True)
class Mark:
    """An engine's word mark: the word's first character (0-based) in the text and its time."""

    char: int
    seconds: float


def tokens(text: str) -> list[tuple[int, str]]:
    """(first character, word) for every whitespace-separated word of `text`."""
    return [(m.start(), m.group()) for m in _TOKEN.finditer(text)]


def timings_from_marks(text: str, marks: Sequence[Mark], duration_s: float,
                       sentence_ends: Sequence[float] = ()) -> list[WordTiming]:
    """Timings for every word of `text` from an engine's word marks.

    A word takes the time of the last mark at or before it; words sharing one mark (an engine
    may speak "of the" as one unit) share that mark's span by length. A word ends where the
    next starts, or at the first sentence end after it when that comes sooner.
    """
    words = tokens(text)
    if not words:
        return []
    ordered = sorted(marks, key=lambda m: m.char)
    chars = [m.char for m in ordered]
    starts: list[float] = []
    for first, _word in words:
        at = bisect.bisect_right(chars, first) - 1
        starts.append(ordered[at].seconds if at >= 0 else 0.0)
    starts = _monotonic(starts)
    bounds = _share_ties(words, starts, duration_s)
    ends_sorted = sorted(sentence_ends)
    out: list[WordTiming] = []
    for (_, word), (start, nxt) in zip(words, bounds):
        cut = bisect.bisect_right(ends_sorted, start + 1e-6)
        end = min(nxt, ends_sorted[cut]) if cut < len(ends_sorted) else nxt
        out.append(WordTiming(word, round(start, 3), round(max(end, start + 0.01), 3)))
    return out


def spread_timings(text: str, duration_s: float) -> list[WordTiming]:
    """Timings for audio without word marks: the length shared out by characters, with a
    short pause weight after each sentence. Approximate; captions built on it stay in sync
    sentence by sentence because the pauses are where the speaker pauses."""
    if not (math.isfinite(duration_s) and duration_s > 0):
        raise InvalidInput("The speech has no length.", "Use an audio file with sound in it.")
    words = tokens(text)
    weights = [len(w) + 1 + (PAUSE_CHARS if _SENTENCE_END.search(w) else 0) for _, w in words]
    total = sum(weights) or 1
    out, clock = [], 0.0
    for (_, word), weight in zip(words, weights):
        span = duration_s * weight / total
        speech = span * (len(word) + 1) / weight  # the pause part of a sentence end stays silent
        out.append(WordTiming(word, round(clock, 3), round(clock + speech, 3)))
        clock += span
    return out


def _monotonic(values: list[float]) -> list[float]:
    best, out = 0.0, []
    for value in values:
        best = max(best, value)
        out.append(best)
    return out


def _share_ties(words: list[tuple[int, str]], starts: list[float], duration_s: float) -> list[tuple[float, float]]:
    """(start, next start) per word; runs of words with the same start share the span up to the
    next distinct start in proportion to their length."""
    bounds: list[tuple[float, float]] = []
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and starts[j + 1] == starts[i]:
            j += 1
        span_end = starts[j + 1] if j + 1 < len(words) else max(duration_s, starts[i])
        lengths = [len(w) for _, w in words[i:j + 1]]
        clock, total = starts[i], sum(lengths)
        for length in lengths:
            step = (span_end - starts[i]) * length / total
            bounds.append((clock, clock + step))
            clock += step
        i = j + 1
    return bounds

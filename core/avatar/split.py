"""A voice longer than one avatar run, cut into parts that each fit: at its pauses, or between sentences.

`pauses` finds the silences (ffmpeg's silencedetect); `cut_points` picks, greedily, the last pause or
sentence end that keeps each part within the limit (a hard cut at the limit only where a stretch has
neither); `split_audio` writes the parts as M4A, each with its share of the word track when the voice
has one (so captions stay timed), and keeps them by the file's content and the limit, so pricing the
same request again cuts nothing. Pure where it can be: `cut_points` takes numbers.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import InvalidInput
from core.library.fingerprint import file_version_key
from core.media.ffmpeg import run_ffmpeg
from core.money.pricing import clock, format_usd
from core.media.probe import probe
from core.voice.timing import WordTiming
from core.voice.track import encode_speech, read_words

SILENCE_DB = -35  # quieter than this counts as a pause
MIN_PAUSE_S = 0.3
MARGIN_S = 1.0  # a part stays this far under the limit (encoder padding, whole-second billing)
SENTENCE_END = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f")


@dataclass(frozen=True)
class Part:
    """One piece of the voice: its place, where it starts and ends in the original, and its file."""

    index: int
    start_s: float
    end_s: float
    path: str

    @property
    def duration_s(self) -> float:
        return round(self.end_s - self.start_s, 3)


def offer(parts: list[Part], prices: list[float], length_s: float, limit_s: float) -> dict:
    """The answer's `split`: the limit, the parts and what they cost together, and the sentence that
    offers it (naming the limit)."""
    total = round(sum(prices), 4)
    what = "free" if total == 0 else f"{format_usd(total)} in total"
    message = (f"The voice is {clock(round(length_s))} long and one run takes at most {clock(round(limit_s))} ({limit_s:g} s). "
               f"Split it into {len(parts)} scenes cut at its pauses ({what}): send split: true, or tick "
               "\"Split it into scenes\".")
    return {"limit_s": limit_s, "scenes": len(parts), "total_usd": total, "message": message,
            "parts": [{"scene": p.index + 1, "start_s": p.start_s, "end_s": p.end_s, "duration_s": p.duration_s}
                      for p in parts]}


def pauses(audio: Path) -> list[tuple[float, float]]:
    """(start, end) of every silence in `audio`, in order."""
    with tempfile.TemporaryDirectory(prefix="pauses-") as scratch:
        found = Path(scratch) / "silence.txt"
        run_ffmpeg(["-i", str(audio), "-vn", "-af",
                    f"silencedetect=noise={SILENCE_DB}dB:d={MIN_PAUSE_S},ametadata=mode=print:file={found}",
                    "-f", "null", "-"], label="find the pauses")
        lines = found.read_text(encoding="utf-8").splitlines() if found.exists() else []
    starts = [float(line.split("=", 1)[1]) for line in lines if line.startswith("lavfi.silence_start=")]
    ends = [float(line.split("=", 1)[1]) for line in lines if line.startswith("lavfi.silence_end=")]
    return [(max(start, 0.0), end) for start, end in zip(starts, ends)]


def sentence_gaps(words: list[WordTiming]) -> list[tuple[float, float]]:
    """The gaps after words that end a sentence (where a cut keeps each sentence whole)."""
    return [(w.end, nxt.start) for w, nxt in zip(words, words[1:]) if w.text.rstrip("\"')]").endswith(SENTENCE_END)]


def cut_points(duration_s: float, gaps: list[tuple[float, float]], limit_s: float) -> list[float]:
    """Where to cut a `duration_s` voice so every part is at most `limit_s` - MARGIN_S long: in the
    middle of the last gap (pause or sentence end) that fits, else at the limit itself."""
    longest = max(limit_s - MARGIN_S, 1.0)
    middles = sorted((start + end) / 2 for start, end in gaps)
    cuts: list[float] = []
    position = 0.0
    while duration_s - position > longest:
        fitting = [m for m in middles if position + 1.0 < m <= position + longest]
        cut = round(fitting[-1] if fitting else position + longest, 3)
        cuts.append(cut)
        position = cut
    return cuts


def split_audio(audio: Path, limit_s: float, work_dir: Path) -> list[Part]:
    """`audio` cut into parts that each fit `limit_s` (kept under work_dir/splits, reused)."""
    audio = Path(audio)
    digest = file_version_key(audio)  # estimates run on every change of the form: no bytes read
    folder = Path(work_dir) / "splits" / f"{digest}-{int(limit_s * 1000)}"
    index = folder / "parts.json"
    if index.exists():
        parts = [Part(**p) for p in json.loads(index.read_text(encoding="utf-8"))]
        if all(Path(p.path).exists() for p in parts):
            return parts
    duration = probe(audio).duration_s
    if not duration:
        raise InvalidInput("audio_id: the audio has no length to split.", "Choose another audio file.",
                           field="audio_id")
    try:
        words = read_words(audio) or []
    except InvalidInput:
        words = []
    bounds = [0.0, *cut_points(duration, pauses(audio) + sentence_gaps(words), limit_s), duration]
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for n, (start, end) in enumerate(zip(bounds, bounds[1:])):
        dest = folder / f"part-{n + 1}.m4a"
        _cut(audio, start, end, [_shifted(w, start) for w in words if w.start >= start - 0.05 and w.end <= end + 0.05],
             dest)
        parts.append(Part(n, round(start, 3), round(end, 3), str(dest)))
    index.write_text(json.dumps([asdict(p) for p in parts]), encoding="utf-8")
    return parts


def _shifted(word: WordTiming, start: float) -> WordTiming:
    return WordTiming(word.text, round(max(word.start - start, 0.0), 3), round(max(word.end - start, 0.0), 3))


def _cut(audio: Path, start: float, end: float, words: list[WordTiming], dest: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="part-") as scratch:
        wav = Path(scratch) / "part.wav"
        # -ss/-to before -i: ffmpeg seeks the input, so a part decodes its own stretch only
        run_ffmpeg(["-ss", f"{start:.3f}", "-to", f"{end:.3f}", "-i", str(audio), "-vn", "-ac", "1", "-ar", "48000",
                    "-c:a", "pcm_s16le", str(wav)], label="cut the voice")
        encode_speech(wav, words, dest)

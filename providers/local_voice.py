"""The offline voice: eSpeak NG (bundled by the espeakng-loader wheel) speaking a script to a
voice file with exact word timings. No network, no key, no download at run time.

eSpeak NG runs in a child process (providers/espeak_worker.py): its library keeps global
state, and a separate process keeps its GPL-3.0-or-later code at arm's length. It is robotic
but intelligible, ~600x faster than real time here, speaks 100+ languages (41 are offered)
and marks every word, so captions follow the speech exactly.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.contracts import GenerationRequest
from core.errors import InvalidInput, MediaError
from core.voice.script import check_script
from core.voice.timing import Mark, WordTiming, timings_from_marks
from core.voice.track import encode_speech

WORKER = Path(__file__).with_name("espeak_worker.py")
BASE_WPM = 175  # eSpeak NG's own default speaking rate
SPEEDS = (0.5, 2.0)
VOICES = {"offline-male": "", "offline-female": "+f3"}  # eSpeak NG voice variants
DEFAULT_VOICE, DEFAULT_LANGUAGE = "offline-male", "English"
FORMATS = ("m4a", "wav")
# Language names as the catalog (and MiniMax) spell them -> eSpeak NG voice (file) names.
LANGUAGES = {
    "English": "en-us", "English (UK)": "en", "French": "fr", "German": "de", "Spanish": "es",
    "Spanish (Latin America)": "es-419", "Italian": "it", "Portuguese": "pt", "Portuguese (Brazil)": "pt-br",
    "Dutch": "nl", "Polish": "pl", "Russian": "ru", "Ukrainian": "uk", "Turkish": "tr", "Arabic": "ar",
    "Hindi": "hi", "Japanese": "ja", "Chinese": "cmn", "Chinese,Yue": "yue", "Korean": "ko", "Vietnamese": "vi",
    "Indonesian": "id", "Thai": "th", "Greek": "el", "Czech": "cs", "Romanian": "ro", "Finnish": "fi",
    "Swedish": "sv", "Danish": "da", "Norwegian": "nb", "Hungarian": "hu", "Hebrew": "he", "Persian": "fa",
    "Malay": "ms", "Slovak": "sk", "Croatian": "hr", "Bulgarian": "bg", "Catalan": "ca", "Tamil": "ta",
    "Afrikaans": "af", "Slovenian": "sl",
}


@dataclass(frozen=True)
class Speech:
    """A spoken script: the voice file, its probed length and when each word is said."""

    path: Path
    duration_s: float
    words: list[WordTiming]
    voice: str
    language: str
    speed: float


@dataclass(frozen=True)
class SpeechPlan:
    """A speech request for the offline voice, checked: what to say, how, and into which format."""

    text: str
    voice: str
    language: str
    speed: float
    suffix: str = ".m4a"

    @property
    def output_name(self) -> str:
        return f"speech{self.suffix}"


def plan_speech(request: GenerationRequest) -> SpeechPlan:
    """Check a text-to-speech request (prompt = the script; options voice_id, language, speed,
    format) without speaking it; InvalidInput names the field and what to do."""
    options = request.options
    text, voice, language, speed = check_speech(request.prompt, options.get("voice_id", DEFAULT_VOICE),
                                                options.get("language", DEFAULT_LANGUAGE), options.get("speed", 1.0))
    fmt = options.get("format", "m4a")
    if fmt not in FORMATS:
        raise _invalid("format", f"The offline voice saves {' or '.join(FORMATS)}, not {fmt!r}.",
                       "Pick m4a (keeps word timings for captions) or wav.")
    return SpeechPlan(text, voice, language, speed, f".{fmt}")


def check_speech(text: object, voice: object, language: object, speed: object) -> tuple[str, str, str, float]:
    """(script, voice, language name, speed), checked; InvalidInput with `.field` otherwise."""
    script = check_script(text)
    if voice not in VOICES:
        raise _invalid("voice", f"There is no offline voice '{voice}'.", f"Choose one of: {', '.join(VOICES)}.")
    return script, str(voice), _language_name(language), _speed(speed)


def synthesize(text: str, dest: Path, *, voice: str = DEFAULT_VOICE, language: str = DEFAULT_LANGUAGE,
               speed: float = 1.0, timeout_s: float | None = None) -> Speech:
    """Speak `text` into `dest` (.m4a with its word track, or .wav). InvalidInput for an empty
    or overlong script, an unknown voice, a language the voice cannot speak, a bad speed."""
    script, voice, language, speed = check_speech(text, voice, language, speed)
    engine_voice = LANGUAGES[language] + VOICES[voice]
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="offline-voice-") as scratch:
        wav = Path(scratch) / "speech.wav"
        result = _run_worker(script, engine_voice, round(BASE_WPM * speed), wav, timeout_s)
        duration = result["samples"] / result["sample_rate"]
        if duration <= 0:
            raise InvalidInput("The offline voice made no sound from this script.",
                               "Use words the chosen language can read aloud.")
        marks = [Mark(char=max(pos - 1, 0), seconds=ms / 1000) for pos, _length, ms in result["words"]]
        ends = [ms / 1000 for ms in result["sentence_ends"]]
        words = timings_from_marks(script, marks, duration, ends)
        info = encode_speech(wav, words, dest, title=script[:80])
    return Speech(path=dest, duration_s=info.duration_s, words=words, voice=voice, language=language, speed=speed)


def _language_name(language: object) -> str:
    wanted = " ".join(str(language).split()).casefold()
    for name in LANGUAGES:
        if name.casefold() == wanted:
            return name
    raise _invalid("language", f"The offline voice cannot speak '{language}'.",
                   f"Choose one of its {len(LANGUAGES)} languages: {', '.join(LANGUAGES)}.")


def _speed(value: object) -> float:
    low, high = SPEEDS
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not low <= value <= high:
        raise _invalid("speed", f"The speed must be a number from {low:g} to {high:g}, not {value!r}.",
                       "Use 1 for normal speed, 0.8 for slower, 1.2 for faster.")
    return float(value)


def _run_worker(text: str, voice: str, rate: int, wav: Path, timeout_s: float | None) -> dict:
    job = json.dumps({"text": text, "voice": voice, "rate": rate, "wav": str(wav)})
    limit = timeout_s or 30 + len(text) / 200
    try:
        done = subprocess.run([sys.executable, str(WORKER)], input=job, capture_output=True, text=True,
                              timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(f"The offline voice took longer than {limit:.0f} s and was stopped.",
                         "Try a shorter script.") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["it stopped without a reason"])[-1]
        raise MediaError(f"The offline voice failed: {reason[:300]}.",
                         "Try again; if it keeps failing, reinstall the requirements (espeakng-loader).")
    return json.loads(done.stdout)


def _invalid(field: str, message: str, hint: str) -> InvalidInput:
    error = InvalidInput(message, hint)
    error.field = field  # type: ignore[attr-defined]
    return error

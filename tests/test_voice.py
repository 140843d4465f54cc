"""The offline voice (eSpeak NG from the espeakng-loader wheel): real speech files, probed,
with word timings that survive in the file; refusals that say what to do."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import wave

import av
import numpy as np
import pytest

from core.catalog import load_catalog
from core.errors import InvalidInput
from core.media.probe import probe
from core.voice.track import read_words
from providers.local_voice import LANGUAGES, WORKER, synthesize

SCRIPT = "Welcome to the studio. Today we turn one photo into a presenter! Ready? Let's begin."


def pitch_hz(path) -> float:
    """Median pitch of the voiced parts, by autocorrelation (a rough, honest measure)."""
    with av.open(str(path)) as container:
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    rate, size = 48_000, 2048
    found = []
    for start in range(0, len(samples) - size, size):
        frame = samples[start:start + size] * np.hanning(size)
        if np.sqrt(np.mean(frame ** 2)) < 0.02:
            continue
        corr = np.correlate(frame, frame, "full")[size - 1:]
        low, high = rate // 400, rate // 70
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.3 * corr[0]:
            found.append(rate / lag)
    return float(np.median(found))


def test_a_script_becomes_an_m4a_voice_that_carries_its_word_timings(tmp_path):
    speech = synthesize(SCRIPT, tmp_path / "voice.m4a")
    info = probe(speech.path)
    assert info.has_audio and not info.has_video and info.audio_codec == "aac"
    assert info.sample_rate == 48_000 and info.channels == 1
    assert 3.0 < info.duration_s < 12.0 and speech.duration_s == info.duration_s
    assert [w.text for w in speech.words] == SCRIPT.split()
    starts = [w.start for w in speech.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(w.start < w.end <= info.duration_s + 0.05 for w in speech.words)
    stored = read_words(speech.path)
    assert [w.text for w in stored] == [w.text for w in speech.words]
    assert [w.start for w in stored] == pytest.approx([w.start for w in speech.words], abs=0.002)


def test_wav_output_is_48k_pcm_without_a_word_track(tmp_path):
    speech = synthesize("One short sentence.", tmp_path / "voice.wav")
    with wave.open(str(speech.path)) as wav:
        assert wav.getframerate() == 48_000 and wav.getnchannels() == 1 and wav.getsampwidth() == 2
        assert wav.getnframes() / 48_000 == pytest.approx(speech.duration_s, abs=0.01)
    assert read_words(speech.path) is None


def test_speed_and_voice_change_the_speech(tmp_path):
    normal = synthesize(SCRIPT, tmp_path / "normal.m4a")
    fast = synthesize(SCRIPT, tmp_path / "fast.m4a", speed=2.0)
    assert 0.4 < fast.duration_s / normal.duration_s < 0.7
    female = synthesize(SCRIPT, tmp_path / "female.m4a", voice="offline-female")
    assert pitch_hz(female.path) > 1.3 * pitch_hz(normal.path)


def test_every_offered_language_is_bundled_and_speaks(tmp_path):
    catalog = load_catalog().get("local-voice")
    assert catalog.capabilities.languages == list(LANGUAGES) == catalog.capabilities.options["language"]
    listed = subprocess.run([sys.executable, str(WORKER), "--voices"], capture_output=True, text=True,
                            check=True)
    bundled = set(json.loads(listed.stdout))
    assert set(LANGUAGES.values()) <= bundled
    french = synthesize("Bonjour à tous. Voici la démonstration.", tmp_path / "fr.m4a", language="french")
    assert french.language == "French" and french.duration_s > 1.0
    assert [w.text for w in french.words] == "Bonjour à tous. Voici la démonstration.".split()


@pytest.mark.parametrize("text, kwargs, field, words", [
    ("", {}, "script", "empty"),
    ("   \n ", {}, "script", "empty"),
    ("word " * 20_000, {}, "script", "Split it"),
    ("Hello.", {"language": "Klingon"}, "language", "cannot speak 'Klingon'"),
    ("Hello.", {"voice": "Morgan Freeman"}, "voice", "offline-male"),
    ("Hello.", {"speed": math.nan}, "speed", "from 0.5 to 2"),
    ("Hello.", {"speed": 3}, "speed", "from 0.5 to 2"),
    ("Hello.", {"speed": True}, "speed", "from 0.5 to 2"),
])
def test_bad_speech_requests_are_refused_with_what_to_do(tmp_path, text, kwargs, field, words):
    with pytest.raises(InvalidInput) as caught:
        synthesize(text, tmp_path / "voice.m4a", **kwargs)
    assert caught.value.field == field and words in str(caught.value)
    assert caught.value.hint and not (tmp_path / "voice.m4a").exists()

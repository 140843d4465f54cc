"""Speak one text with eSpeak NG and write a WAV file; run as a child process, never imported.

    python espeak_worker.py < {"text": ..., "voice": "en-us+f3", "rate": 175, "wav": "/path/out.wav"}
    python espeak_worker.py --voices      (prints the name of every bundled language voice)

Prints {"sample_rate", "samples", "words": [[first char (1-based), length, ms], ...],
"sentence_ends": [ms, ...]} on stdout. The library comes with its voice data from the
`espeakng-loader` wheel (GPL-3.0-or-later); it keeps global state and is not thread-safe, so
each call gets a process of its own, which also keeps a crash in C code away from the studio.
Only the standard library and espeakng_loader are used here.
"""

from __future__ import annotations

import ctypes
import json
import sys
import wave

import espeakng_loader

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
EVENT_LIST_TERMINATED, EVENT_WORD, EVENT_END = 0, 1, 5
PARAM_RATE = 1


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """espeak_EVENT from speak_lib.h."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


def speak(text: str, voice: str, rate: int, wav_path: str) -> dict:
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
    if sample_rate <= 0:
        raise RuntimeError("eSpeak NG could not start (its voice data is missing or unreadable)")
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"eSpeak NG has no voice {voice!r}")
    lib.espeak_SetParameter(PARAM_RATE, int(rate), 0)
    chunks: list[bytes] = []
    words: list[list[int]] = []
    sentence_ends: list[int] = []

    def on_audio(wav, count, events) -> int:
        if count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == EVENT_WORD:
                words.append([event.text_position, event.length, event.audio_position])
            elif event.type == EVENT_END:
                sentence_ends.append(event.audio_position)
            i += 1
        return 0

    callback = _Callback(on_audio)
    lib.espeak_SetSynthCallback(callback)
    data = text.encode("utf-8")
    status = lib.espeak_Synth(ctypes.c_char_p(data), len(data) + 1, 0, 0, 0, CHARS_UTF8, None, None)
    lib.espeak_Synchronize()
    if status != 0:
        raise RuntimeError(f"eSpeak NG refused the text (status {status})")
    pcm = b"".join(chunks)
    with wave.open(wav_path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    lib.espeak_Terminate()
    return {"sample_rate": sample_rate, "samples": len(pcm) // 2, "words": words, "sentence_ends": sentence_ends}


class _Voice(ctypes.Structure):
    """espeak_VOICE from speak_lib.h."""

    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_void_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


def voice_names() -> list[str]:
    """Names `espeak_SetVoiceByName` accepts: the voice files' names ("en-us", "fr", "pt-br")."""
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    voices = lib.espeak_ListVoices(None)
    names: list[str] = []
    i = 0
    while voices[i]:
        names.append(voices[i].contents.identifier.decode().rsplit("/", 1)[-1].lower())
        i += 1
    return sorted(names)


def main() -> int:
    if sys.argv[1:] == ["--voices"]:
        json.dump(voice_names(), sys.stdout)
        return 0
    job = json.loads(sys.stdin.read())
    try:
        result = speak(job["text"], job["voice"], job["rate"], job["wav"])
    except (RuntimeError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

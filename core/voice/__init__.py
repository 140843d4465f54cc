"""Voice: scripts split into scenes, word timings, captions timed to speech, voice files that
carry their word timings, and which voices and languages a speech model offers.

The offline engine itself (eSpeak NG) is an adapter in providers/local_voice.py.
"""

from core.voice.captions import burn_captions, captions_from_timings, srt_text, styled_captions
from core.voice.languages import check_voice, language_options, languages, voices
from core.voice.script import MAX_SCRIPT_CHARS, Scene, check_script, plan_scenes, split_sentences
from core.voice.timing import Mark, WordTiming, spread_timings, timings_from_marks
from core.voice.track import encode_speech, read_words

__all__ = [
    "MAX_SCRIPT_CHARS", "Mark", "Scene", "WordTiming", "burn_captions", "captions_from_timings",
    "check_script", "check_voice", "encode_speech", "language_options", "languages", "plan_scenes",
    "read_words", "spread_timings", "split_sentences", "srt_text", "styled_captions", "timings_from_marks",
    "voices",
]

"""Captions timed to speech: word timings grouped into readable cues (a pysubs2 file), styled
inside a platform's safe zone for burning in, or written as SRT.

Grouping: a cue ends at a sentence end, at a pause, or before it would exceed its character
or time budget. The ASS layout (font fitted so every cue stays inside the safe rectangle) is
the one social packs use, so captions look the same everywhere in the studio.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pysubs2

from core.errors import InvalidInput
from core.media.ffmpeg import run_ffmpeg
from core.media.probe import MediaInfo, probe
from core.platforms import SafeRect, get_platform
from core.social.captions import ass_document, ass_filter
from core.social.models import CaptionStyle, Cue
from core.voice.timing import WordTiming

MAX_CUE_CHARS = 42
MAX_CUE_S = 4.5
PAUSE_S = 0.45  # a silence this long between words starts a new cue
MIN_SHOW_S = 0.8  # a short cue stays up this long when the next one leaves room
DEFAULT_MARGINS = (0.05, 0.05, 0.10, 0.05)  # top, right, bottom, left: fractions, no platform chosen


def captions_from_timings(words: Sequence[WordTiming], *, max_chars: int = MAX_CUE_CHARS,
                          max_s: float = MAX_CUE_S) -> pysubs2.SSAFile:
    """Cues of at most `max_chars` characters and `max_s` seconds, cut at sentence ends and pauses."""
    if not words:
        raise InvalidInput("There are no spoken words to caption.", "Add a script, or speech with words in it.")
    groups: list[list[WordTiming]] = [[]]
    for word in words:
        group = groups[-1]
        if group and _breaks(group, word, max_chars, max_s):
            groups.append([word])
        else:
            group.append(word)
    subs = pysubs2.SSAFile()
    for n, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        next_start = groups[n + 1][0].start if n + 1 < len(groups) else None
        if end - start < MIN_SHOW_S:
            end = start + MIN_SHOW_S if next_start is None else min(start + MIN_SHOW_S, max(end, next_start))
        subs.append(pysubs2.SSAEvent(start=pysubs2.make_time(s=start), end=pysubs2.make_time(s=end),
                                     text=" ".join(w.text for w in group)))
    return subs


def _breaks(group: list[WordTiming], word: WordTiming, max_chars: int, max_s: float) -> bool:
    last = group[-1]
    length = sum(len(w.text) + 1 for w in group) + len(word.text)
    return (last.ends_sentence or word.start - last.end >= PAUSE_S or length > max_chars
            or word.end - group[0].start > max_s)


def cues(subs: pysubs2.SSAFile) -> list[Cue]:
    """The cues of a caption file, in seconds."""
    return [Cue(start=e.start / 1000, end=e.end / 1000, text=e.plaintext) for e in subs if not e.is_comment]


def safe_rect(width: int, height: int, platform: str | None = None) -> SafeRect:
    """The area captions may use on a `width` x `height` frame: the platform's safe zone, or
    plain margins when no platform is chosen."""
    if platform:
        return get_platform(platform).safe_zone.scaled(width, height)
    top, right, bottom, left = DEFAULT_MARGINS
    return SafeRect(width=width, height=height, top=round(top * height), bottom=round(bottom * height),
                    left=round(left * width), right=round(right * width))


def styled_captions(subs: pysubs2.SSAFile, width: int, height: int, platform: str | None = None,
                    style: CaptionStyle | None = None) -> pysubs2.SSAFile:
    """The captions as an ASS file for a `width` x `height` frame, every cue inside the safe area."""
    document = ass_document(cues(subs), style or CaptionStyle(), safe_rect(width, height, platform))
    return pysubs2.SSAFile.from_string(document)


def srt_text(subs: pysubs2.SSAFile) -> str:
    """The captions as SRT text (to deliver beside the video)."""
    return subs.to_string("srt")


def write_ass(subs: pysubs2.SSAFile, dest: Path) -> Path:
    """Save a styled caption file for ffmpeg's `ass` filter."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    subs.save(str(dest), format_="ass")
    return dest


def burn_filter(ass_path: Path) -> str:
    """The ffmpeg filter that draws `ass_path` with the studio's bundled fonts."""
    return ass_filter(ass_path)


def burn_captions(video: Path, subs: pysubs2.SSAFile, dest: Path, platform: str | None = None,
                  style: CaptionStyle | None = None) -> MediaInfo:
    """Burn captions into `video` (sound copied as is) and return the probed result."""
    info = probe(video)
    if not info.has_video:
        raise InvalidInput(f"{video.name} has no picture to put captions on.", "Choose a video.")
    dest = Path(dest)
    ass = write_ass(styled_captions(subs, info.width, info.height, platform, style),
                    dest.with_name(f".{dest.stem}.captions.ass"))
    partial = dest.with_name(f".{dest.stem}.partial{dest.suffix}")
    try:
        run_ffmpeg(["-i", str(video), "-vf", burn_filter(ass), "-map", "0:v:0", "-map", "0:a?",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
                    "-c:a", "copy", "-movflags", "+faststart", str(partial)],
                   duration_s=info.duration_s, label="burn in the captions")
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
        ass.unlink(missing_ok=True)
    return probe(dest)

"""Captions and titles as ASS documents laid out inside a platform's safe zone.

Rendered by ffmpeg's `ass` filter with the project's own fonts (fontsdir), so they look the
same on a machine without system fonts.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from core.errors import InvalidInput
from core.media.captions import parse_srt as read_srt
from core.platforms import SafeRect
from core.settings import FONTS_DIR
from core.social.filters import escape
from core.social.models import CaptionStyle, Cue

AVG_GLYPH_WIDTH = 0.6  # of the font size, bold DejaVu Sans, for fit estimates
LINE_HEIGHT = 1.25


def parse_srt(text: str) -> list[Cue]:
    """Cues of an SRT (or WebVTT) file's text, markup tags removed. Raises InvalidInput naming
    the first unreadable line, or when there are no captions."""
    cues = [Cue(start=start, end=end, text=re.sub(r"<[^>]+>", "", body).strip())
            for start, end, body in read_srt(text.lstrip("\ufeff"))]
    return [cue for cue in cues if cue.text]


def cues_for_output(text: str | None, srt_cues: list[Cue] | None, start: float,
                    span: float, duration: float) -> list[Cue]:
    """Cues on an output's timeline: typed text for the whole output, or SRT cues shifted by
    the segment start and clipped to the part of the source the output uses."""
    if text and text.strip():
        return [Cue(start=0.0, end=duration, text=text.strip())]
    shifted = []
    for cue in srt_cues or []:
        a, b = cue.start - start, min(cue.end - start, span)
        if b > 0 and a < span:
            shifted.append(Cue(start=max(a, 0.0), end=b, text=cue.text))
    return shifted


def ass_document(cues: list[Cue], style: CaptionStyle, safe: SafeRect) -> str:
    """An ASS script for a `safe.width` x `safe.height` frame that keeps every cue inside `safe`."""
    short = min(safe.width, safe.height)
    size = _fitted_size(cues, style.size * short, safe)
    outline = style.outline * size
    pad = math.ceil(outline + 0.02 * short)
    margin_l, margin_r = safe.left + pad, safe.right + pad
    alignment, margin_v, override = {
        "bottom": (2, safe.bottom + pad, ""),
        "top": (8, safe.top + pad, ""),
        "middle": (5, 0, "{\\an5\\pos(%d,%d)}" % ((margin_l + safe.width - margin_r) // 2,
                                                  (safe.y0 + safe.y1) // 2)),
    }[style.position]
    primary = _ass_color(style.color, 1.0)
    if style.box:
        box = _ass_color(style.box_color, style.box_opacity)
        border_style, edge, back = 3, box, box
    else:
        border_style, edge, back = 1, _ass_color(style.outline_color, 1.0), "&H80000000"
    header = (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {safe.width}\nPlayResY: {safe.height}\nWrapStyle: 0\nScaledBorderAndShadow: yes\n\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
        "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Default,{style.font},{size:.0f},{primary},{primary},{edge},{back},"
        f"{-1 if style.bold else 0},0,0,0,100,100,0,0,{border_style},{outline:.1f},0,"
        f"{alignment},{margin_l},{margin_r},{margin_v},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    events = [f"Dialogue: 0,{_ass_time(c.start)},{_ass_time(c.end)},Default,,0,0,0,,"
              f"{override}{_ass_text(c.text)}" for c in cues]
    return header + "\n".join(events) + "\n"


def ass_filter(path: Path) -> str:
    """The filter that burns an ASS file in, with the project's fonts."""
    return f"ass=filename={escape(path)}:fontsdir={escape(FONTS_DIR)}"


def _fitted_size(cues: list[Cue], size: float, safe: SafeRect) -> float:
    """Shrink the font until the tallest cue (estimated) fits in 80% of the safe height."""
    width = max(safe.x1 - safe.x0, 1) * 0.9
    height = max(safe.y1 - safe.y0, 1) * 0.8
    for _ in range(12):
        per_line = max(1, int(width / (AVG_GLYPH_WIDTH * size)))
        lines = max((sum(math.ceil(max(len(part), 1) / per_line) for part in c.text.split("\n"))
                     for c in cues), default=1)
        if lines * LINE_HEIGHT * size <= height:
            break
        size *= 0.85
    return max(size, 8.0)


def _ass_color(hex_color: str, opacity: float) -> str:
    value = hex_color.lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        raise InvalidInput(f"'{hex_color}' is not a colour.", "Use a hex colour like #FFCC00.")
    r, g, b = value[0:2], value[2:4], value[4:6]
    return f"&H{round((1 - opacity) * 255):02X}{b}{g}{r}".upper()


def _ass_time(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_text(text: str) -> str:
    """Plain text to ASS: braces and backslashes would start override codes."""
    clean = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return "\\N".join(line.strip() for line in clean.split("\n"))

"""Caption cues: read SRT/WebVTT text and write a styled ASS document for libass."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.media.op_base import require
from core.media.text_style import FONT_FAMILY, Rgba, SafeZone, text_width, wrap

Cue = tuple[float, float, str]
_TIME = r"(\d{1,2}:)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}")
# libass sizes a font by its ascent + descent (1.164 em for DejaVu Sans): glyphs are this much
# smaller than the same pixel size elsewhere, and one line advances by the font size
ASS_EM = 1 / 1.164


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    whole = int((hours or "0:")[:-1]) * 3600 + int(minutes) * 60 + int(seconds)
    return whole + int(fraction.ljust(3, "0")) / 1000


def parse_srt(text: str) -> list[Cue]:
    """Cues from SRT (or WebVTT) text. Raises InvalidInput naming the bad line."""
    cues: list[Cue] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        match = _TIMING.match(lines[i])
        if not match:
            stripped = lines[i].strip()
            require(not stripped or stripped.isdigit() or stripped.startswith(("WEBVTT", "NOTE")),
                    f"Caption line {i + 1} is not a cue number or a timing line: {stripped[:60]!r}.",
                    "Use SRT timing lines like 00:00:01,000 --> 00:00:02,500.")
            i += 1
            continue
        g = match.groups()
        start, end = _seconds(*g[0:4]), _seconds(*g[4:8])
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        require(end > start, f"The caption at line {i} ends before it starts.", "Fix its timing.")
        cues.append((start, end, "\n".join(body)))
    require(bool(cues), "No captions were found in the text.",
            "Paste SRT captions (number, timing line, text, blank line).")
    return cues


def check_cues(cues: list[Cue] | tuple[Cue, ...]) -> list[Cue]:
    checked: list[Cue] = []
    for n, cue in enumerate(cues, 1):
        require(len(cue) == 3, f"Caption {n} must be (start, end, text).", "Fix the caption list.")
        start, end, text = float(cue[0]), float(cue[1]), str(cue[2])
        require(0 <= start < end, f"Caption {n} has a bad timing ({start:g} to {end:g} s).",
                "Each caption must end after it starts, from 0 s on.")
        checked.append((start, end, text))
    require(bool(checked), "There are no captions to burn in.", "Add at least one caption.")
    return checked


def _ass_time(seconds: float) -> str:
    cs = round(seconds * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_text(text: str) -> str:
    """Plain text for a Dialogue line: braces are escaped (they start override tags), a word
    joiner after each backslash keeps \\N or \\h in the text literal, newlines become \\N."""
    safe = text.replace("\\", "\\\u2060").replace("{", "\\{").replace("}", "\\}")
    return safe.replace("\n", "\\N")


def _balanced(text: str, px: int, room: float) -> list[str]:
    """Lines as libass's smart wrapping makes them: as few as a greedy wrap, evened out."""
    greedy = wrap(text, "bold", px, room) or [text]
    width = text_width(text, "bold", px) / len(greedy)
    while width < room:
        lines = wrap(text, "bold", px, width)
        if lines is not None and len(lines) <= len(greedy):
            return lines
        width *= 1.03
    return greedy


@dataclass(frozen=True)
class CaptionStyle:
    """How burned-in captions look, in pixels of the frame they are drawn on."""

    font_px: int
    color: Rgba
    outline_color: Rgba
    outline_px: int
    box: bool
    top: bool  # captions at the top of the safe zone instead of the bottom

    def margins(self, width: int, height: int, zone: SafeZone) -> tuple[int, int, int]:
        """(left, right, vertical) margins libass keeps, in pixels."""
        x0, y0, x1, y1 = zone.box(width, height)
        pad = self.outline_px + 2
        return x0 + pad, width - x1 + pad, (y0 if self.top else height - y1) + pad

    def cue_box(self, text: str, width: int, height: int, zone: SafeZone) -> tuple[float, float, float, float]:
        """Where libass draws a cue (x0, y0, x1, y1 in pixels, outline included): lines wrapped
        to the space between the margins, centred, stacked up from the bottom margin (or down
        from the top one)."""
        left, right, vertical = self.margins(width, height, zone)
        room = max(width - left - right, 1)
        em = max(1, round(self.font_px * ASS_EM))
        lines = [line for part in text.split("\n") for line in _balanced(part, em, room)]
        text_w = min(max(text_width(line, "bold", em) for line in lines), room)
        text_h = len(lines) * self.font_px
        x0 = left + (room - text_w) / 2
        y0 = vertical if self.top else height - vertical - text_h
        edge = self.outline_px
        return x0 - edge, y0 - edge, x0 + text_w + edge, y0 + text_h + edge

    def ass_document(self, cues: list[Cue], width: int, height: int, zone: SafeZone) -> str:
        margin_l, margin_r, margin_v = self.margins(width, height, zone)
        back = self.outline_color.ass() if self.box else "&H80000000"
        style = ",".join(map(str, [
            "Default", FONT_FAMILY, self.font_px, self.color.ass(), "&H000000FF",
            self.outline_color.ass(), back, -1, 0, 0, 0, 100, 100, 0, 0,
            3 if self.box else 1, self.outline_px, 0, 8 if self.top else 2,
            margin_l, margin_r, margin_v, 1,
        ]))
        events = "\n".join(
            f"Dialogue: 0,{_ass_time(s)},{_ass_time(e)},Default,,0,0,0,,{_ass_text(t)}"
            for s, e, t in cues
        )
        return (
            "[Script Info]\nScriptType: v4.00+\n"
            f"PlayResX: {width}\nPlayResY: {height}\nWrapStyle: 0\nScaledBorderAndShadow: yes\n\n"
            "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
            "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
            "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
            f"Style: {style}\n\n"
            "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
            f"{events}\n"
        )

"""Shared text styling: safe zones, colours, the project's own fonts, and line wrapping."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

from PIL import ImageFont

from core.media.op_base import in_range, require
from core.settings import FONTS_DIR

FONT_FILES = {"bold": "DejaVuSans-Bold.ttf", "regular": "DejaVuSans.ttf"}
FONT_FAMILY = "DejaVu Sans"
NAMED_COLORS = {
    "white": "FFFFFF", "black": "000000", "yellow": "FFFF00", "red": "FF0000", "green": "00FF00",
    "blue": "0000FF", "cyan": "00FFFF", "magenta": "FF00FF", "orange": "FFA500", "gray": "808080",
}
POSITIONS = ("top-left", "top", "top-right", "left", "center", "right",
             "bottom-left", "bottom", "bottom-right")


class SafeZone(NamedTuple):
    """Margins (fractions of the frame) that text must stay inside: platform UI lives there."""

    top: float = 0.05
    right: float = 0.05
    bottom: float = 0.10
    left: float = 0.05

    @classmethod
    def from_reference_pixels(cls, top: int, right: int, bottom: int, left: int,
                              canvas: tuple[int, int] = (1080, 1920)) -> SafeZone:
        """From margins in pixels on a reference canvas (how platform specs publish them)."""
        width, height = canvas
        return cls(top / height, right / width, bottom / height, left / width)

    def checked(self) -> SafeZone:
        for name, value in self._asdict().items():
            in_range(f"safe-zone {name} margin", value, 0.0, 0.45)
        return self

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in pixels of the area text may use."""
        return (round(self.left * width), round(self.top * height),
                round(width * (1 - self.right)), round(height * (1 - self.bottom)))


class Rgba(NamedTuple):
    hex: str  # RRGGBB
    alpha: float  # 0 (clear) .. 1 (opaque)

    def ffmpeg(self) -> str:
        return f"0x{self.hex}@{self.alpha:g}"

    def ass(self) -> str:
        """ASS colours are &HAABBGGRR with inverted alpha."""
        r, g, b = self.hex[0:2], self.hex[2:4], self.hex[4:6]
        return f"&H{round((1 - self.alpha) * 255):02X}{b}{g}{r}"


def parse_color(text: str) -> Rgba:
    """'white', '#FFCC00', 'FFCC00', 'black@0.5' -> Rgba. Raises InvalidInput otherwise."""
    match = re.fullmatch(r"\s*#?([0-9a-fA-F]{6}|[a-zA-Z]+)\s*(?:@\s*(\d*\.?\d+))?\s*", str(text))
    value = match[1].lower() if match else ""
    hex_value = NAMED_COLORS.get(value) or (value.upper() if re.fullmatch(r"[0-9a-f]{6}", value) else "")
    require(bool(hex_value), f"{text!r} is not a colour this editor knows.",
            f"Use #RRGGBB or one of: {', '.join(NAMED_COLORS)} (optionally @opacity, e.g. black@0.5).")
    alpha = float(match[2]) if match[2] else 1.0
    in_range("colour opacity", alpha, 0.0, 1.0)
    return Rgba(hex_value, alpha)


def font_file(weight: str = "bold") -> Path:
    """The project's bundled font (no fontconfig or system fonts needed)."""
    require(weight in FONT_FILES, f"Unknown font weight {weight!r}.", "Use 'bold' or 'regular'.")
    return FONTS_DIR / FONT_FILES[weight]


@cache
def _font(weight: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(weight)), px)


def text_width(text: str, weight: str, px: int) -> float:
    return _font(weight, px).getlength(text)


def wrap(text: str, weight: str, px: int, max_width: float) -> list[str] | None:
    """Greedy word wrap to max_width pixels; None when a single word is too wide."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if text_width(candidate, weight, px) <= max_width:
                line = candidate
            elif not line or text_width(word, weight, px) > max_width:
                return None
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def fit_text(text: str, weight: str, px: int, max_width: float, max_height: float,
             line_gap: float = 0.2) -> tuple[list[str], int]:
    """Wrap `text` into the box, shrinking the font until it fits. Returns (lines, font px)."""
    size = max(8, px)
    while True:
        lines = wrap(text, weight, size, max_width)
        if lines is not None and len(lines) * size * (1 + line_gap) <= max_height:
            return lines, size
        require(size > 8, "The text does not fit inside the safe zone even at the smallest size.",
                "Shorten the text or make the safe-zone margins smaller.")
        size = max(8, int(size * 0.9))

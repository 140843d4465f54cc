"""Storyboard card layers for offline text-to-video drafts, drawn with Pillow.

Three layers so ffmpeg can animate them separately: a gradient background (the camera pushes
into it), the static chrome (honest "offline draft" label, template name, clip facts) and the
prompt text (fades and slides in). Plus a small badge for image-to-video drafts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from core.settings import FONTS_DIR
from core.templates import CardStyle

DRAFT_LABEL = "Offline draft - no AI model"
BADGE_LABEL = "Offline draft"
DEFAULT_STYLE = CardStyle(background=("#0f172a", "#1e293b", "#334155"), accent="#38bdf8",
                          text="#f8fafc", weight="bold", layout="center")
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class CardText:
    """What the card's chrome says: a title and one line of clip facts."""

    title: str
    facts: str


def background(size: tuple[int, int], style: CardStyle, seed: int) -> Image.Image:
    """A multi-stop linear gradient (angle from the seed) with two soft accent discs."""
    rng = random.Random(seed)
    image = gradient(size, style.background, rng.uniform(0, 360))
    width, height = size
    glow = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(glow)
    accent = ImageColor.getrgb(style.accent)
    for alpha in (34, 22):
        radius = rng.uniform(0.25, 0.45) * max(size)
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(*accent, alpha))
    return Image.alpha_composite(image.convert("RGBA"), glow).convert("RGB")


def gradient(size: tuple[int, int], stops: tuple[str, ...], angle_deg: float) -> Image.Image:
    """Evenly spaced colour stops along a direction, computed with numpy (no pixel loops)."""
    width, height = size
    theta = math.radians(angle_deg)
    xs = np.arange(width, dtype=np.float32) - width / 2
    ys = np.arange(height, dtype=np.float32) - height / 2
    along = xs[None, :] * math.cos(theta) + ys[:, None] * math.sin(theta)
    reach = abs(width / 2 * math.cos(theta)) + abs(height / 2 * math.sin(theta))
    t = (along / max(reach, 1.0) + 1) / 2
    colours = np.array([ImageColor.getrgb(c) for c in stops], dtype=np.float32)
    positions = np.linspace(0, 1, len(stops))
    channels = [np.interp(t, positions, colours[:, c]) for c in range(3)]
    return Image.fromarray(np.stack(channels, axis=-1).round().astype(np.uint8), "RGB")


def chrome(size: tuple[int, int], style: CardStyle, text: CardText) -> Image.Image:
    """The honest label, the template name and the clip facts on a transparent layer."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    unit = min(size)
    margin = round(unit * 0.07)
    label_font = font(False, round(unit * 0.03))
    _pill(draw, (margin, margin), DRAFT_LABEL, label_font, fill=(0, 0, 0, 150), ink=(255, 255, 255, 255))
    title_font = font(True, round(unit * 0.038))
    title_y = margin + round(unit * 0.075)
    draw.text((margin, title_y), text.title.upper(), font=title_font, fill=_rgba(style.accent))
    facts_font = font(False, round(unit * 0.028))
    facts_y = size[1] - margin - facts_font.size
    draw.text((margin, facts_y), text.facts, font=facts_font, fill=_rgba(style.text, 200))
    return layer


def prompt_layer(size: tuple[int, int], style: CardStyle, prompt: str) -> Image.Image:
    """The prompt wrapped and fitted into the template's layout, over a short accent bar."""
    width, height = size
    unit = min(size)
    margin = round(unit * 0.08)
    box_w = width - 2 * margin
    box_h = round(height * (0.30 if style.layout == "lower-third" else 0.5))
    face, lines = fit_text(prompt, style.weight == "bold", box_w, box_h, unit)
    spacing = round(face.size * 0.25)
    line_h = face.size + spacing
    block_h = line_h * len(lines) - spacing
    bar_h, bar_gap = max(4, round(unit * 0.012)), round(unit * 0.035)
    if style.layout == "lower-third":
        top = height - round(unit * 0.16) - block_h
    else:
        top = (height - block_h) // 2
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    bar_w = round(unit * 0.12)
    bar_x = (width - bar_w) // 2 if style.layout == "center" else margin
    draw.rectangle((bar_x, top - bar_gap - bar_h, bar_x + bar_w, top - bar_gap), fill=_rgba(style.accent))
    shadow = max(1, round(face.size * 0.05))
    for index, line in enumerate(lines):
        x = (width - draw.textlength(line, font=face)) / 2 if style.layout == "center" else margin
        y = top + index * line_h
        draw.text((x + shadow, y + shadow), line, font=face, fill=(0, 0, 0, 110))
        draw.text((x, y), line, font=face, fill=_rgba(style.text))
    return layer


def badge(size: tuple[int, int], label: str = BADGE_LABEL, top: bool = False) -> Image.Image:
    """A small label pill ('Offline draft' by default) in the bottom-left (or top-left) corner."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    unit = min(size)
    face = font(False, max(10, round(unit * 0.032)))
    margin = round(unit * 0.04)
    draw = ImageDraw.Draw(layer)
    pill_h = round(face.size * 1.7)
    _pill(draw, (margin, margin if top else size[1] - margin - pill_h), label, face,
          fill=(0, 0, 0, 140), ink=(255, 255, 255, 230))
    return layer


def fit_text(text: str, bold: bool, box_w: int, box_h: int,
             unit: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (down to a floor) whose wrapped lines fit the box; cut with an ellipsis."""
    size = round(unit * 0.075)
    floor = max(12, round(unit * 0.035))
    while True:
        face = font(bold, size)
        lines = wrap(text, face, box_w)
        line_h = face.size * 1.25
        max_lines = max(1, int((box_h + face.size * 0.25) // line_h))
        if len(lines) <= max_lines:
            return face, lines
        if size <= floor:
            return face, _with_ellipsis(lines[:max_lines], face, box_w)
        size = max(floor, round(size * 0.9))


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by measured width; words longer than a line are broken."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while face.getlength(word) > width and len(word) > 1:
            cut = _longest_prefix(word, face, width)
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if face.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


@cache
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS_DIR / name), size)


def _with_ellipsis(lines: list[str], face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    last = lines[-1]
    while last and face.getlength(last + ELLIPSIS) > width:
        last = last[:-1]
    return [*lines[:-1], last.rstrip() + ELLIPSIS]


def _longest_prefix(word: str, face: ImageFont.FreeTypeFont, width: int) -> int:
    cut = len(word)
    while cut > 1 and face.getlength(word[:cut]) > width:
        cut -= 1
    return cut


def _pill(draw: ImageDraw.ImageDraw, origin: tuple[int, int], label: str, face, *, fill, ink) -> None:
    x, y = origin
    pad_x, pad_y = round(face.size * 0.7), round(face.size * 0.35)
    text_w = draw.textlength(label, font=face)
    box = (x, y, x + text_w + 2 * pad_x, y + face.size + 2 * pad_y)
    draw.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=fill)
    draw.text((x + pad_x, y + pad_y), label, font=face, fill=ink)


def _rgba(colour: str, alpha: int = 255) -> tuple[int, int, int, int]:
    return (*ImageColor.getrgb(colour), alpha)

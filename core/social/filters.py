"""Small helpers for writing ffmpeg filtergraph text safely."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

NTSC_RATES = (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001))


def escape(value: str | Path) -> str:
    """Escape a filter option value inside -filter_complex (option level, then graph level)."""
    option_level = "".join("\\" + c if c in "\\':" else c for c in str(value))
    return "".join("\\" + c if c in "\\'[],;" else c for c in option_level)


def num(value: float) -> str:
    """A compact decimal for filter arguments: 2 -> '2', 1/3 -> '0.333333'."""
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def rate(fps: float) -> str:
    """A frame rate as ffmpeg wants it: exact NTSC fractions, else a short decimal."""
    for ntsc in NTSC_RATES:
        if abs(fps - float(ntsc)) < 0.002:
            return f"{ntsc.numerator}/{ntsc.denominator}"
    return num(round(fps, 3))

"""Camera moves over a still as one ffmpeg `perspective` filter with per-frame expressions.

`perspective` samples the source at sub-pixel positions, so slow pushes and pans glide
without the 1-pixel stepping of `zoompan`. The view is a rectangle inside the canvas:
zoom z (>= 1) and a centre offset (ox, oy) in frame fractions, eased over the clip.
The base zoom leaves exactly enough room for the pan, so no edge ever shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.templates import CameraMove, MotionPreset

MAX_SUPERSAMPLE = 1.3

EASINGS = {
    "linear": "{p}",
    "ease-in": "({p})*({p})",
    "ease-out": "1-(1-{p})*(1-{p})",
    "ease-in-out": "(1-cos(PI*{p}))/2",
}


@dataclass(frozen=True)
class CameraPath:
    """Start and end of the view: zoom factor and centre offsets (fractions of the frame)."""

    zoom: tuple[float, float]
    offset_x: tuple[float, float]
    offset_y: tuple[float, float]
    easing: str

    @property
    def max_zoom(self) -> float:
        return max(self.zoom)


def camera_path(preset: MotionPreset, move: CameraMove, seed: int) -> CameraPath:
    """The preset's amounts applied to the move; the seed may mirror the pan direction."""
    flip_x, flip_y = 1, 1
    if move.seeded_direction:
        rng = random.Random(seed)
        flip_x, flip_y = rng.choice((1, -1)), rng.choice((1, -1))
    offset_x = tuple(flip_x * preset.pan * v for v in move.pan_x)
    offset_y = tuple(flip_y * preset.pan * v for v in move.pan_y)
    reach = max(abs(v) for v in (*offset_x, *offset_y))
    base = 1.0 / (1.0 - 2.0 * reach)
    zoom = tuple(base * (1.0 + preset.zoom * v) for v in move.zoom)
    return CameraPath(zoom=zoom, offset_x=offset_x, offset_y=offset_y, easing=preset.easing)


def supersample(path: CameraPath) -> float:
    """How much larger than the output the canvas should be so the closest view stays sharp."""
    return min(max(path.max_zoom, 1.0), MAX_SUPERSAMPLE)


def perspective_filter(path: CameraPath, frames: int) -> str:
    """A `perspective` filter that moves the view along `path` over `frames` frames."""
    progress = f"clip((in-1)/{max(frames - 1, 1)},0,1)"
    eased = f"({EASINGS[path.easing].format(p=progress)})"
    zoom = _lerp(path.zoom, eased)
    centre_x = f"W*(0.5+{_lerp(path.offset_x, eased)})"
    centre_y = f"H*(0.5+{_lerp(path.offset_y, eased)})"
    half_w, half_h = f"W/(2*{zoom})", f"H/(2*{zoom})"
    left, right = f"{centre_x}-{half_w}", f"{centre_x}+{half_w}"
    top, bottom = f"{centre_y}-{half_h}", f"{centre_y}+{half_h}"
    corners = {"x0": left, "y0": top, "x1": right, "y1": top,
               "x2": left, "y2": bottom, "x3": right, "y3": bottom}
    options = ":".join(f"{key}='{value}'" for key, value in corners.items())
    return f"perspective={options}:interpolation=linear:sense=source:eval=frame"


def _lerp(pair: tuple[float, float], eased: str) -> str:
    start, end = pair
    if start == end:
        return f"({start:.6f})"
    return f"({start:.6f}+{end - start:.6f}*{eased})"

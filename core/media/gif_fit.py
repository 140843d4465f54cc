"""Choosing a GIF's width and frame rate so the file fits a size target (pure arithmetic).

A GIF has no bitrate to set: its size follows the pixels drawn, roughly width^2 x frame rate.
The renderer makes the GIF, measures it, and steps down this ladder until it fits.
"""

from __future__ import annotations

from core.media.ops_output import GIF_RATES, GIF_WIDTH_RANGE

GIF_WIDTHS = (960, 800, 640, 560, 480, 400, 360, 320, 280, 240, 200, 160, 120)
AIM = 0.9  # aim 10% under the target: the size model is rough
MIN_FPS = 5.0
SMOOTH_FPS = 10.0  # below this motion looks choppy; above it, extra frames matter less than pixels

Step = tuple[int, float]  # (width, fps)


def cost(step: Step) -> float:
    """Relative size of a GIF at `step` (the height follows the width)."""
    width, fps = step
    return width * width * fps


def preference(step: Step) -> float:
    """How good a step looks: pixels count fully, frame rate up to SMOOTH_FPS, and rates below
    it are penalised (a bigger picture at 5 fps reads worse than a smaller one at 10)."""
    width, fps = step
    smooth = SMOOTH_FPS if fps >= SMOOTH_FPS else fps * fps / SMOOTH_FPS
    return width * width * smooth


def ladder(width: int, fps: float) -> list[Step]:
    """Every (width, fps) no larger than the first render's, largest first."""
    widths = sorted({width, *(w for w in GIF_WIDTHS if w < width and w >= GIF_WIDTH_RANGE[0])}, reverse=True)
    rates = sorted({fps, *(r for r in GIF_RATES if MIN_FPS <= r < fps)}, reverse=True)
    return sorted(((w, r) for w in widths for r in rates), key=cost, reverse=True)


def next_step(current: Step, size_bytes: int, target_bytes: float, steps: list[Step]) -> Step | None:
    """The best-looking smaller step expected to land under the target, or the smallest step
    when none is expected to; None when nothing smaller is left."""
    smaller = [s for s in steps if cost(s) < cost(current)]
    if not smaller:
        return None
    wanted = cost(current) * AIM * target_bytes / max(size_bytes, 1)
    fitting = [s for s in smaller if cost(s) <= wanted]
    if not fitting:
        return min(smaller, key=cost)
    return max(fitting, key=lambda s: (preference(s), cost(s)))

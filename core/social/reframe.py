"""Reframing geometry and its ffmpeg filters: centre/focus/auto crop, or a blurred-fill pad.

Never stretches: every path keeps the source's pixel aspect and ends with square pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.media.encoding import even
from core.social.filters import num

ASPECT_TOLERANCE = 0.01  # relative; closer than this counts as the same shape
BLUR_FILL_DOWNSCALE = 8  # the blurred background is blurred at 1/8 size (cheap, same look)
MAX_TRACK_POINTS = 240


def same_shape(width: int, height: int, aspect: float) -> bool:
    return abs(width / height - aspect) <= ASPECT_TOLERANCE * aspect


def crop_window(src_w: int, src_h: int, aspect: float) -> tuple[int, int]:
    """Largest even window of `aspect` that fits the source."""
    if src_w / src_h > aspect:
        h = src_h - src_h % 2
        return min(even(h * aspect), src_w - src_w % 2), h
    w = src_w - src_w % 2
    return w, min(even(w / aspect), src_h - src_h % 2)


def output_size(target: tuple[int, int], minimum: tuple[int, int],
                detail: tuple[int, int]) -> tuple[int, int, bool]:
    """Output size of the target's shape: no bigger than the detail the source has (`detail`
    is the source area that fills the frame, in source pixels), never below the minimum.
    Returns (width, height, upscaled)."""
    tw, th = target
    factor = min(1.0, max(detail[0] / tw, detail[1] / th))
    floor = max(minimum[0] / tw, minimum[1] / th)
    upscaled = factor < floor
    factor = max(factor, floor)
    height = even(th * factor)
    width = even(height * tw / th)
    if width < minimum[0]:
        width = even(minimum[0] + 1)
        height = even(width * th / tw)
    return width, height, upscaled


def clamp_focus(point: tuple[float, float]) -> tuple[tuple[float, float], bool]:
    """Clamp a focus point into the frame; says whether it had to move."""
    x, y = (min(1.0, max(0.0, v)) for v in point)
    return (x, y), (x, y) != tuple(point)


def crop_origin(src: tuple[int, int], window: tuple[int, int], focus: tuple[float, float]) -> tuple[int, int]:
    """Top-left of a window centred on the focus point, kept inside the frame."""
    return (_centred(src[0], window[0], focus[0]), _centred(src[1], window[1], focus[1]))


def _centred(extent: int, size: int, centre: float) -> int:
    return int(min(max(centre * extent - size / 2, 0), extent - size))


def crop_chain(src: tuple[int, int], window: tuple[int, int], out: tuple[int, int],
               focus: tuple[float, float] | None = None,
               track: Sequence[tuple[float, float, float]] | None = None) -> str:
    """crop (static, or following a (t, fx, fy) track) then scale to `out`."""
    if track:
        x = _track_expr(track, src[0], window[0], 1)
        y = _track_expr(track, src[1], window[1], 2)
    else:
        x, y = (str(v) for v in crop_origin(src, window, focus or (0.5, 0.5)))
    crop = f"crop=w={window[0]}:h={window[1]}:x='{x}':y='{y}'"
    return f"{crop},{scale_exact(out, window)}"


def scale_exact(out: tuple[int, int], size: tuple[int, int]) -> str:
    """Resize a `size` picture to `out` exactly (a no-op when the sizes match), square pixels.
    Enlarging uses Lanczos (the sharpest of ffmpeg's classic scalers), shrinking bicubic."""
    flags = "lanczos" if out[0] > size[0] or out[1] > size[1] else "bicubic"
    return f"scale={out[0]}:{out[1]}:flags={flags},setsar=1"


def pad_blur_graph(label_in: str, label_out: str, src: tuple[int, int], out: tuple[int, int],
                   tag: str) -> list[str]:
    """Fit the whole source inside `out` over a blurred, cropped copy of itself."""
    w, h = out
    fw, fh = fit_inside(src, out)
    small = (even(w / BLUR_FILL_DOWNSCALE), even(h / BLUR_FILL_DOWNSCALE))
    radius = max(2, min(small) // 8)
    return [
        f"[{label_in}]split=2[{tag}bg][{tag}fg]",
        f"[{tag}bg]scale={small[0]}:{small[1]}:force_original_aspect_ratio=increase:flags=fast_bilinear,"
        f"crop={small[0]}:{small[1]},boxblur={radius}:2,"
        f"scale={w}:{h}:flags=bilinear,setsar=1[{tag}bgs]",
        f"[{tag}fg]{scale_exact((fw, fh), src)}[{tag}fgs]",
        f"[{tag}bgs][{tag}fgs]overlay=x={(w - fw) // 2}:y={(h - fh) // 2}[{label_out}]",
    ]


def fit_inside(src: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Even size of the whole `src` picture fitted inside `box` (the blurred fill's foreground)."""
    scale = min(box[0] / src[0], box[1] / src[1])
    return min(even(src[0] * scale), box[0]), min(even(src[1] * scale), box[1])


def _track_expr(track: Sequence[tuple[float, float, float]], extent: int, size: int, axis: int) -> str:
    """Piecewise-linear crop offset over time: a flat sum of clipped ramps (no deep nesting)."""
    points = _thin(track)
    values = [_centred(extent, size, p[axis]) for p in points]
    if len(points) == 1 or max(values) == min(values):
        return str(values[0])
    terms = [str(values[0])]
    for (t0, *_), (t1, *_), v0, v1 in zip(points, points[1:], values, values[1:]):
        if v1 != v0 and t1 > t0:
            terms.append(f"{num((v1 - v0) / (t1 - t0))}*clip(t-{num(t0)},0,{num(t1 - t0)})")
    return "+".join(terms)


def _thin(track: Sequence[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    if len(track) <= MAX_TRACK_POINTS:
        return list(track)
    step = len(track) / MAX_TRACK_POINTS
    kept = [track[int(i * step)] for i in range(MAX_TRACK_POINTS)]
    return [*kept, track[-1]]


def focus_at(track: Sequence[tuple[float, float, float]], t: float) -> tuple[float, float]:
    """The track's focus point at time t (linear between samples)."""
    if not track:
        return 0.5, 0.5
    if t <= track[0][0]:
        return track[0][1], track[0][2]
    for (t0, x0, y0), (t1, x1, y1) in zip(track, track[1:]):
        if t0 <= t <= t1:
            k = (t - t0) / (t1 - t0) if t1 > t0 else 0.0
            return x0 + k * (x1 - x0), y0 + k * (y1 - y0)
    return track[-1][1], track[-1][2]


def reframe_statements(label_in: str, label_out: str, *, mode: str, src: tuple[int, int],
                       window: tuple[int, int], out: tuple[int, int], tag: str,
                       focus: tuple[float, float] = (0.5, 0.5),
                       track: Sequence[tuple[float, float, float]] | None = None,
                       before: str = "", after: str = "") -> list[str]:
    """Filtergraph statements taking [label_in] to [label_out] at size `out`, with optional
    filters `before` and `after` the reframe on the same chain."""
    if mode == "pad_blur":
        return [f"[{label_in}]{before or 'null'}[{tag}in]",
                *pad_blur_graph(f"{tag}in", f"{tag}fit", src, out, tag),
                f"[{tag}fit]{after or 'null'}[{label_out}]"]
    core = scale_exact(out, src) if mode == "scale" else crop_chain(src, window, out, focus, track)
    chain = ",".join(part for part in (before, core, after) if part)
    return [f"[{label_in}]{chain}[{label_out}]"]

"""Geometry ops: scale, upscale, and reframe to an aspect (crop, blurred fill or letterbox)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.media.encoding import even
from core.media.graph import Graph, StreamState
from core.media.op_base import BuildContext, Op, in_range, register, require
from core.media.regions import TextRegion, clipped_to

SIDE_RANGE = (16, 8192)
UPSCALE_TARGETS = (720, 1080, 1440, 2160)
REFRAME_MODES = ("crop", "pad_blur", "letterbox")


def even_down(value: float) -> int:
    """Largest even integer <= value (at least 2): a crop that never exceeds the frame."""
    return max(2, int(value) // 2 * 2)


def parse_aspect(text: str) -> float:
    """'9:16' -> 0.5625. Raises InvalidInput for anything else."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)\s*", str(text))
    require(bool(match) and float(match[1]) > 0 and float(match[2]) > 0,
            f"{text!r} is not an aspect ratio.", "Write it as width:height, e.g. 9:16 or 1:1.")
    ratio = float(match[1]) / float(match[2])
    in_range("aspect ratio", ratio, 0.2, 5.0)
    return ratio


@register
@dataclass(frozen=True)
class Scale(Op):
    """Resize. Give width, height (the other follows the aspect), both (must keep the aspect),
    or short_side (e.g. 720 makes a landscape clip 1280x720 and a portrait one 720x1280)."""

    kind = "scale"
    width: int | None = None
    height: int | None = None
    short_side: int | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.width, self.height, self.short_side) if v]
        require(bool(given), "Scale needs a width, a height or a short side.", "Set one of them.")
        require(not (self.short_side and (self.width or self.height)),
                "Scale takes either a short side or a width/height, not both.", "Keep one.")
        for value in given:
            in_range("size", value, *SIDE_RANGE)

    def target(self, state: StreamState) -> tuple[int, int]:
        if self.short_side:
            return state.fit_short_side(self.short_side)
        if self.width and self.height:
            stretch = abs((self.width / self.height) / (state.width / state.height) - 1)
            require(stretch <= 0.02,
                    f"Scaling {state.width}x{state.height} to {self.width}x{self.height} "
                    "would stretch the picture.",
                    "Reframe to the new aspect first, or give only the width or the height.")
            return even(self.width), even(self.height)
        if self.width:
            return even(self.width), even(state.height * self.width / state.width)
        return even(state.width * self.height / state.height), even(self.height)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        width, height = self.target(state)
        if (width, height) != (state.width, state.height):
            graph.vf(f"scale={width}:{height}:flags=bicubic", "setsar=1")
        return state.but(width=width, height=height)


@register
@dataclass(frozen=True)
class Upscale(Op):
    """Enlarge to a short side of 720/1080/1440/2160 (lanczos and a light unsharp). This is
    classic resampling: it makes a sharper big picture, it does not invent detail."""

    kind = "upscale"
    short_side: int = 1080

    def __post_init__(self) -> None:
        require(self.short_side in UPSCALE_TARGETS, f"Upscale target {self.short_side} is not offered.",
                f"Use one of {', '.join(map(str, UPSCALE_TARGETS))}.")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        require(self.short_side > state.short_side,
                f"The clip is already {state.width}x{state.height}; upscaling to {self.short_side} "
                "would not enlarge it.",
                "Pick a larger target, or use Scale to make it smaller.")
        width, height = state.fit_short_side(self.short_side)
        graph.vf(f"scale={width}:{height}:flags=lanczos", "setsar=1", "unsharp=5:5:0.4:5:5:0")
        return state.but(width=width, height=height)


@register
@dataclass(frozen=True)
class Reframe(Op):
    """Change the aspect. mode 'crop' cuts a window around (focus_x, focus_y) (0..1 of the frame);
    'pad_blur' fits the whole picture over a blurred, zoomed copy of itself; 'letterbox' fits it
    over black bars. Padded canvases keep the source's short side (1920x1080 -> 9:16 is 1080x1920)."""

    kind = "reframe"
    aspect: str = "9:16"
    mode: str = "crop"
    focus_x: float = 0.5
    focus_y: float = 0.5

    def __post_init__(self) -> None:
        parse_aspect(self.aspect)
        require(self.mode in REFRAME_MODES, f"Unknown reframe mode {self.mode!r}.",
                f"Use one of: {', '.join(REFRAME_MODES)}.")
        in_range("focus_x", self.focus_x, 0.0, 1.0)
        in_range("focus_y", self.focus_y, 0.0, 1.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        width, height = self._crop(graph, state) if self.mode == "crop" else self._pad(graph, state)
        return state.but(width=width, height=height)

    def crop_box(self, state: StreamState) -> tuple[int, int, int, int]:
        """(width, height, x, y) of the crop window in the `state` picture."""
        ratio, w, h = parse_aspect(self.aspect), state.width, state.height
        if w / h > ratio:
            cw, ch = even_down(h * ratio), even_down(h)
        else:
            cw, ch = even_down(w), even_down(w / ratio)
        x = min(max(self.focus_x * w - cw / 2, 0), w - cw)
        y = min(max(self.focus_y * h - ch / 2, 0), h - ch)
        return cw, ch, int(x), int(y)

    def pad_box(self, state: StreamState) -> tuple[int, int, int, int, int, int]:
        """(canvas width, height, fitted picture width, height, x, y) of a padded reframe."""
        ratio = parse_aspect(self.aspect)
        short = even_down(state.short_side)
        cw, ch = (even(short * ratio), short) if ratio >= 1 else (short, even(short / ratio))
        fit = min(cw / state.width, ch / state.height)
        fw, fh = min(even(state.width * fit), cw), min(even(state.height * fit), ch)
        return cw, ch, fw, fh, (cw - fw) // 2 // 2 * 2, (ch - fh) // 2 // 2 * 2

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        """Text outside a crop window is gone; what the window cuts keeps its visible part."""
        frame = (before.width, before.height)
        if self.mode == "crop":
            cw, ch, x, y = self.crop_box(before)
            moved = [r.in_window((x, y), (cw, ch), frame) for r in regions]
            moved = [r.boxed(max(r.x0, 0), max(r.y0, 0), min(r.x1, 1), min(r.y1, 1)) for r in moved if r.visible]
        else:
            cw, ch, fw, fh, x, y = self.pad_box(before)
            moved = [r.placed((x, y), (fw, fh), (cw, ch)) for r in regions]
        return clipped_to(moved, after.duration)

    def _crop(self, graph: Graph, state: StreamState) -> tuple[int, int]:
        cw, ch, x, y = self.crop_box(state)
        graph.vf(f"crop={cw}:{ch}:{x}:{y}", "setsar=1")
        return cw, ch

    def _pad(self, graph: Graph, state: StreamState) -> tuple[int, int]:
        cw, ch, fw, fh, x, y = self.pad_box(state)
        if self.mode == "letterbox":
            graph.vf(f"scale={fw}:{fh}", "setsar=1", f"pad={cw}:{ch}:{x}:{y}:color=black")
            return cw, ch
        src = graph.take_video()
        bg, fg, blurred, fitted, out = (graph.label("rf") for _ in range(5))
        small_w, small_h = even(cw / 8), even(ch / 8)
        graph.chain(f"[{src}]split=2[{bg}][{fg}]")
        graph.chain(f"[{bg}]scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
                    f"crop={small_w}:{small_h},gblur=sigma=4,scale={cw}:{ch},setsar=1[{blurred}]")
        graph.chain(f"[{fg}]scale={fw}:{fh},setsar=1[{fitted}]")
        graph.chain(f"[{blurred}][{fitted}]overlay={x}:{y}[{out}]")
        graph.set_streams(out, graph.take_audio())
        return cw, ch

"""Motion ops: stabilisation (two passes), frame-rate change and motion interpolation."""

from __future__ import annotations

from dataclasses import dataclass

from core.media.graph import Graph, StreamState, escape_value, fps_expr, num
from core.media.op_base import BuildContext, Op, in_range, register, require

FPS_RANGE = (1.0, 120.0)


@register
@dataclass(frozen=True)
class Stabilize(Op):
    """Steady a shaky shot with vid.stab: a detection pass over the chain so far, then the
    transform in the main pass. `smoothing` is the number of frames averaged (1-100)."""

    kind = "stabilize"
    smoothing: int = 15
    shakiness: int = 5

    def __post_init__(self) -> None:
        in_range("smoothing", self.smoothing, 1, 100)
        in_range("shakiness", self.shakiness, 1, 10)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        transforms = ctx.work_path(f"stabilize-{len(ctx.prepasses) + 1}.trf")
        ctx.add_prepass(
            graph,
            f"vidstabdetect=shakiness={self.shakiness}:accuracy=15:result={escape_value(transforms)}",
            "analyse motion",
        )
        graph.vf(
            f"vidstabtransform=input={escape_value(transforms)}:smoothing={self.smoothing}"
            ":optzoom=1:interpol=bicubic",
            "unsharp=5:5:0.6:3:3:0.3",
        )
        return state


@register
@dataclass(frozen=True)
class FrameRate(Op):
    """Change the frame rate by dropping or repeating frames (fps filter)."""

    kind = "frame_rate"
    fps: float

    def __post_init__(self) -> None:
        in_range("frame rate", self.fps, *FPS_RANGE)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        graph.vf(f"fps={fps_expr(self.fps)}")
        return state.but(fps=self.fps)


@register
@dataclass(frozen=True)
class Interpolate(Op):
    """Raise the frame rate with motion-compensated in-between frames (minterpolate; slow)."""

    kind = "interpolate"
    fps: float = 60.0

    def __post_init__(self) -> None:
        in_range("frame rate", self.fps, *FPS_RANGE)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        require(self.fps > state.fps,
                f"Interpolation makes new frames, so {self.fps:g} fps must be above the clip's "
                f"{state.fps:g} fps.", "Use a frame-rate change to lower the frame rate.")
        graph.vf(f"minterpolate=fps={num(self.fps)}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1")
        return state.but(fps=self.fps)

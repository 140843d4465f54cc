"""Timeline ops: trim, cut a span out, change speed, and the stream-copy fast trim."""

from __future__ import annotations

from dataclasses import dataclass

from core.media.graph import Graph, StreamState, num
from core.media.op_base import BuildContext, Op, in_range, register, require
from core.media.regions import TextRegion, clipped_to

SPEED_RANGE = (0.25, 4.0)


def checked_span(start: float, end: float | None, state: StreamState, what: str) -> float:
    """Validate start..end against the current timeline; returns the end (None = clip end)."""
    length = state.duration
    tolerance = 1.0 / state.fps if state.fps else 0.05
    stop = length if end is None else end
    require(start < length, f"{what} starts at {start:g} s but the clip is only {length:.2f} s long.",
            f"Choose a start between 0 and {length:.2f} s.")
    require(stop <= length + tolerance,
            f"{what} ends at {stop:g} s, past the end of the clip ({length:.2f} s).",
            f"Choose an end of at most {length:.2f} s.")
    return min(stop, length)


def _check_order(start: float, end: float | None, what: str) -> None:
    require(start >= 0, f"{what} cannot start before 0 s (got {start:g} s).", "Use a start of 0 or more.")
    if end is not None:
        require(end > start, f"{what} must end after it starts ({start:g} s to {end:g} s).",
                "Swap or fix the start and end times.")


@register
@dataclass(frozen=True)
class Trim(Op):
    """Keep start..end seconds (end None = to the end). Frame-accurate: the span is re-encoded."""

    kind = "trim"
    start: float = 0.0
    end: float | None = None

    def __post_init__(self) -> None:
        _check_order(self.start, self.end, "A trim")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        end = checked_span(self.start, self.end, state, "The trim")
        if graph.pristine and ctx.input_seek is None:
            # Accurate input seek: ffmpeg decodes from the keyframe before `start` and drops
            # frames up to it, so the result is frame-exact without decoding the whole file.
            ctx.input_seek = (self.start, end - self.start)
        else:
            graph.vf(f"trim=start={num(self.start)}:end={num(end)}", "setpts=PTS-STARTPTS")
            if state.has_audio:
                graph.af(f"atrim=start={num(self.start)}:end={num(end)}", "asetpts=PTS-STARTPTS")
        return state.but(duration=end - self.start)

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        return clipped_to([r.shifted(self.start) for r in regions], after.duration)


@register
@dataclass(frozen=True)
class CutOut(Op):
    """Remove start..end seconds and join what is left (trim + concat in the same graph)."""

    kind = "cut_out"
    start: float
    end: float

    def __post_init__(self) -> None:
        _check_order(self.start, self.end, "A cut")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        end = checked_span(self.start, self.end, state, "The cut")
        require(self.start > 0 or end < state.duration,
                "The cut removes the whole clip.", "Cut out a shorter span.")
        left = state.duration - (end - self.start)
        if self.start <= 0:
            return Trim(end).apply(graph, state, ctx).but(duration=left)
        if end >= state.duration:
            return Trim(0, self.start).apply(graph, state, ctx).but(duration=left)
        self._split_and_join(graph, state.has_audio, end)
        return state.but(duration=left)

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        end = min(self.end, before.duration)
        kept = [r for r in (region.within(0.0, self.start) for region in regions) if r]
        kept += [r.shifted(end - self.start) for r in (region.within(end, before.duration) for region in regions)
                 if r]
        return clipped_to(kept, after.duration)

    def _split_and_join(self, graph: Graph, has_audio: bool, end: float) -> None:
        v = graph.take_video()
        head, tail, v1, v2 = (graph.label("cut") for _ in range(4))
        graph.chain(f"[{v}]split=2[{head}][{tail}]")
        graph.chain(f"[{head}]trim=end={num(self.start)},setpts=PTS-STARTPTS[{v1}]")
        graph.chain(f"[{tail}]trim=start={num(end)},setpts=PTS-STARTPTS[{v2}]")
        out_v = graph.label("v")
        if not has_audio:
            graph.chain(f"[{v1}][{v2}]concat=n=2:v=1:a=0[{out_v}]")
            graph.set_streams(out_v, None)
            return
        a = graph.take_audio()
        ahead, atail, a1, a2, out_a = (graph.label("cut") for _ in range(5))
        graph.chain(f"[{a}]asplit=2[{ahead}][{atail}]")
        graph.chain(f"[{ahead}]atrim=end={num(self.start)},asetpts=PTS-STARTPTS[{a1}]")
        graph.chain(f"[{atail}]atrim=start={num(end)},asetpts=PTS-STARTPTS[{a2}]")
        graph.chain(f"[{v1}][{a1}][{v2}][{a2}]concat=n=2:v=1:a=1[{out_v}][{out_a}]")
        graph.set_streams(out_v, out_a)


def atempo_chain(factor: float) -> list[str]:
    """atempo filters whose product is `factor`, each within 0.5..2 (best quality range)."""
    steps: list[str] = []
    while factor > 2.0:
        steps.append("atempo=2")
        factor /= 2.0
    while factor < 0.5:
        steps.append("atempo=0.5")
        factor /= 0.5
    if abs(factor - 1.0) > 1e-9:
        steps.append(f"atempo={num(factor)}")
    return steps


@register
@dataclass(frozen=True)
class Speed(Op):
    """Play faster (factor > 1) or slower (< 1); audio keeps its pitch (atempo)."""

    kind = "speed"
    factor: float

    def __post_init__(self) -> None:
        in_range("speed factor", self.factor, *SPEED_RANGE)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        graph.vf(f"setpts=(PTS-STARTPTS)/{num(self.factor)}")
        if state.has_audio:
            graph.af(*atempo_chain(self.factor))
        return state.but(duration=state.duration / self.factor)

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        return clipped_to([r.shifted(0.0, self.factor) for r in regions], after.duration)


@register
@dataclass(frozen=True)
class FastTrim(Op):
    """Keyframe trim by stream copy (-c copy): instant, but NOT frame-accurate - the cut lands
    on the keyframe at or before `start`, and the output keeps the source's codecs.
    It must be the only op of its chain; use Trim for exact cuts."""

    kind = "fast_trim"
    start: float = 0.0
    end: float | None = None

    def __post_init__(self) -> None:
        _check_order(self.start, self.end, "A fast trim")

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        require(False, "A fast trim copies the streams and cannot be combined with other edits.",
                "Use Trim (frame-accurate) in a chain, or run the fast trim on its own.")
        return state

    def timeline(self, state: StreamState) -> StreamState:
        """The stream after the copy (the render plan does it without a filtergraph)."""
        return state.but(duration=checked_span(self.start, self.end, state, "The fast trim") - self.start)

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        return clipped_to([r.shifted(self.start) for r in regions], after.duration)

"""Join clips one after another with a transition (xfade + acrossfade) or a hard cut (concat)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.media.graph import Graph, StreamState, fps_expr, num
from core.media.op_base import BuildContext, Op, in_range, register, require
from core.media.sources import check_video_source, silent_audio

TRANSITIONS = (
    "cut", "fade", "dissolve", "fadeblack", "fadewhite", "wipeleft", "wiperight", "wipeup", "wipedown",
    "slideleft", "slideright", "slideup", "slidedown", "smoothleft", "smoothright", "circleopen",
    "circleclose", "radial", "pixelize", "zoomin",
)
AUDIO_FORMAT = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


@register
@dataclass(frozen=True)
class Join(Op):
    """Append `clips` after the current stream. Each joined clip is fitted (letterboxed) to the
    current size and frame rate; `transition` is 'cut' or an xfade name, lasting `duration` s.
    Ops after a Join apply to the joined whole."""

    kind = "join"
    clips: tuple[str, ...]
    transition: str = "fade"
    duration: float = 0.5

    def __post_init__(self) -> None:
        require(bool(self.clips), "Join needs at least one clip to append.", "Pick the clips to join.")
        require(self.transition in TRANSITIONS, f"Unknown transition {self.transition!r}.",
                f"Use one of: {', '.join(TRANSITIONS)}.")
        in_range("transition length (s)", self.duration, 0.0 if self.transition == "cut" else 0.1, 5.0)

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        infos = [ctx.clip_info(clip) for clip in self.clips]
        for info in infos:
            check_video_source(info)
        with_audio = state.has_audio or any(i.has_audio for i in infos)
        overlap = 0.0 if self.transition == "cut" else self.duration
        video, audio = self._normalised_main(graph, state, with_audio)
        total = state.duration
        for clip, info in zip(self.clips, infos):
            require(min(total, info.duration_s) > overlap,
                    f"The {overlap:g} s transition is longer than {Path(clip).name} or the clip before it.",
                    "Use a shorter transition.")
            index = graph.add_input(["-i", str(clip)])
            clip_v, clip_a = self._normalised_clip(graph, state, index, info, with_audio)
            video, audio = self._link(graph, video, audio, clip_v, clip_a, total - overlap)
            total += info.duration_s - overlap
        graph.set_streams(video, audio)
        return state.but(duration=total, has_audio=with_audio)

    def _normalised_main(self, graph: Graph, state: StreamState, with_audio: bool) -> tuple[str, str | None]:
        graph.vf(f"fps={fps_expr(state.fps)}", "format=yuv420p", "setsar=1")
        video = graph.take_video()
        if not with_audio:
            return video, None
        if state.has_audio:
            graph.af(AUDIO_FORMAT, "apad", f"atrim=duration={num(state.duration)}")
            return video, graph.take_audio()
        silence = graph.label("a")
        graph.chain(f"{silent_audio(state.duration)},{AUDIO_FORMAT}[{silence}]")
        return video, silence

    def _normalised_clip(self, graph: Graph, state: StreamState, index: int, info,
                         with_audio: bool) -> tuple[str, str | None]:
        video = graph.label("j")
        w, h = state.width, state.height
        graph.chain(f"[{index}:v:0]scale={w}:{h}:force_original_aspect_ratio=decrease,"
                    f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps_expr(state.fps)},"
                    f"format=yuv420p,setpts=PTS-STARTPTS[{video}]")
        if not with_audio:
            return video, None
        audio = graph.label("j")
        source = f"[{index}:a:0]" if info.has_audio else f"{silent_audio(info.duration_s)},"
        graph.chain(f"{source}{AUDIO_FORMAT},apad,atrim=duration={num(info.duration_s)},"
                    f"asetpts=PTS-STARTPTS[{audio}]")
        return video, audio

    def _link(self, graph: Graph, video: str, audio: str | None, clip_v: str, clip_a: str | None,
              offset: float) -> tuple[str, str | None]:
        out_v = graph.label("v")
        out_a = graph.label("a") if audio else None
        if self.transition == "cut":
            pads = f"[{video}][{audio}][{clip_v}][{clip_a}]" if audio else f"[{video}][{clip_v}]"
            outs = f"[{out_v}][{out_a}]" if audio else f"[{out_v}]"
            graph.chain(f"{pads}concat=n=2:v=1:a={1 if audio else 0}{outs}")
            return out_v, out_a
        graph.chain(f"[{video}][{clip_v}]xfade=transition={self.transition}:duration={num(self.duration)}"
                    f":offset={num(offset)}[{out_v}]")
        if audio:
            graph.chain(f"[{audio}][{clip_a}]acrossfade=d={num(self.duration)}[{out_a}]")
        return out_v, out_a

"""Turn a source's facts and a chain of ops into ffmpeg passes (pure: nothing runs, nothing is written)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.media.encoding import BT709_FILTER, LARGE_FRAME_PIXELS, bt709_conversion, even
from core.media.graph import Graph, StreamState, fps_expr, map_arg, num
from core.media.normalise import source_prelude
from core.media.op_base import BuildContext, Op, OutputOp, require
from core.media.ops_output import OutputSettings, resolve_output
from core.media.ops_time import FastTrim, checked_span
from core.media.probe import MediaInfo
from core.media.sources import silent_audio

PREVIEW_SECONDS = 3.0
PREVIEW_SHORT_SIDE = 360
STANDARD_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0)
MUXERS = {".mov": "mov", ".webm": "webm", ".mkv": "matroska"}


@dataclass
class Pass:
    """One ffmpeg run: its arguments (without the binary) and what it tells the user it does."""

    args: list[str]
    label: str


@dataclass
class RenderPlan:
    """Every ffmpeg run a render needs, in order; the last one writes the output."""

    passes: list[Pass]
    duration: float
    state: StreamState
    output: OutputSettings
    workdir: Path
    side_files: dict[Path, str] = field(default_factory=dict)
    video_kbps: int | None = None  # two-pass bitrate when a size target is set
    audio_kbps: int | None = None
    encode: Callable[[Path, int | None], list[str]] | None = field(default=None, repr=False)

    def final_pass(self, dest: Path, video_kbps: int | None = None) -> Pass:
        """The writing pass again, e.g. at another bitrate to refine a size target."""
        assert self.encode is not None
        return Pass(self.encode(dest, video_kbps or self.video_kbps), "encode")


def source_state(info: MediaInfo) -> StreamState:
    """The stream before any op; variable frame rates snap to the nearest standard rate."""
    fps = info.fps or 25.0
    if info.variable_fps:
        fps = min(STANDARD_RATES, key=lambda rate: abs(rate - fps))
    return StreamState(info.width, info.height, fps, info.duration_s, info.has_audio)


def build_plan(info: MediaInfo, ops: Sequence[Op], dest: Path, *, workdir: Path | None = None,
               preview: bool = False, clip_infos: Mapping[str, MediaInfo] | None = None) -> RenderPlan:
    """Plan the render of `ops` over the source described by `info` into `dest`."""
    dest = Path(dest)
    workdir = workdir or dest.parent / f".{dest.name}.parts"
    ctx = BuildContext(workdir=workdir, preview=preview, clip_infos=dict(clip_infos or {}))
    state = source_state(info)
    fast = [op for op in ops if isinstance(op, FastTrim)]
    if fast:
        require(len(ops) == 1, "A fast trim copies the streams and cannot be combined with other edits.",
                "Use Trim (frame-accurate) in a chain, or run the fast trim on its own.")
        return _fast_trim_plan(info, fast[0], state, dest, workdir)
    output = resolve_output([op for op in ops if isinstance(op, OutputOp)], preview=preview)
    graph = Graph(audio="0:a:0" if state.has_audio else None, prelude=source_prelude(info))
    for op in ops:
        state = op.apply(graph, state, ctx)
    shown = _preview_size(state) if preview else (state.width, state.height)
    output = replace(output, frame_pixels=shown[0] * shown[1])
    inputs = _input_args(info, ctx, graph)
    passes = [_analysis_pass(inputs, p.graph, p.label) for p in ctx.prepasses]
    duration = min(state.duration, PREVIEW_SECONDS) if preview else state.duration
    convert = bt709_conversion(info.color_matrix, info.height)
    video, audio, state = _finish(graph, state, output, preview, convert)
    limit = ["-t", num(PREVIEW_SECONDS)] if preview else []
    maps = ["-map", map_arg(video), *(["-map", map_arg(audio)] if audio else [])]
    script = graph.script()
    video_kbps = audio_kbps = None
    if output.compress and output.codec != "gif":  # a GIF is fitted by width and rate (render.py)
        video_kbps, audio_kbps = output.compress.budget(duration, audio is not None)
    audio_args = output.audio_args(audio_kbps) if audio else []
    passlog = workdir / "pass"
    two_pass = video_kbps is not None

    def encode(target: Path, kbps: int | None) -> list[str]:
        video_args = output.video_args(bitrate_kbps=kbps, pass_no=2 if two_pass else None, passlog=passlog)
        return [*inputs, "-filter_complex", script, *maps, *video_args, *audio_args,
                "-map_metadata", "-1", *limit, *output.muxer_args(), str(target)]

    if two_pass:
        first = output.video_args(bitrate_kbps=video_kbps, pass_no=1, passlog=passlog)
        passes.append(Pass([*inputs, "-filter_complex", script, *maps, *first, "-f", "null", "-"],
                           "analyse bitrate (pass 1 of 2)"))
    passes.append(Pass(encode(dest, video_kbps), "encode"))
    return RenderPlan(passes, duration, state, output, workdir, ctx.side_files,
                      video_kbps, audio_kbps, encode)


def _input_args(info: MediaInfo, ctx: BuildContext, graph: Graph) -> list[str]:
    seek = ["-ss", num(ctx.input_seek[0]), "-t", num(ctx.input_seek[1])] if ctx.input_seek else []
    # One decoder thread for big sources: each extra frame thread holds more full-size frames,
    # and one core decodes 4K H.264 far faster than the encoder consumes it.
    # Filtering on one thread too: filter threads keep their own full-size frames in flight.
    large = info.width * info.height > LARGE_FRAME_PIXELS
    decoder = ["-filter_threads", "1", "-threads", "1"] if large else []
    extra = [arg for args in graph.extra_inputs for arg in args]
    return [*seek, *decoder, "-i", str(info.path), *extra]


def _analysis_pass(inputs: list[str], graph: Graph, label: str) -> Pass:
    maps = ["-map", map_arg(graph.take_video())]
    audio = graph.take_audio()
    if audio and not audio.startswith("0:"):
        maps += ["-map", map_arg(audio)]  # graph outputs must go somewhere: the null muxer
    return Pass([*inputs, "-filter_complex", graph.script(), *maps, "-f", "null", "-"], label)


def _preview_size(state: StreamState) -> tuple[int, int]:
    if state.short_side > PREVIEW_SHORT_SIDE:
        return state.fit_short_side(PREVIEW_SHORT_SIDE)
    return state.width, state.height


def _finish(graph: Graph, state: StreamState, output: OutputSettings, preview: bool,
            convert: list[str]) -> tuple[str, str | None, StreamState]:
    """Close the graph: constant frame rate, even size, BT.709 colours (`convert` re-expresses a
    BT.601 source, once sizes are even), output pixel format; pick the audio.
    Returns the video and audio labels and the stream as written (size, rate, sound)."""
    width, height = _preview_size(state) if preview else (state.width, state.height)
    if (width, height) != (state.width, state.height):
        state = state.but(width=width, height=height)
        graph.vf(f"scale={width}:{height}")
    if output.codec == "gif":
        return _finish_gif(graph, state, output)
    graph.vf(f"fps={fps_expr(state.fps)}")
    if state.width % 2 or state.height % 2:
        state = state.but(width=even(state.width), height=even(state.height))
        graph.vf(f"scale={state.width}:{state.height}")
    graph.vf(*convert, "setsar=1", f"format={output.pix_fmt}", BT709_FILTER)
    video = graph.take_video()
    if not output.has_audio_track:
        return video, None, state.but(has_audio=False)
    if state.has_audio:
        return video, graph.take_audio(), state
    if output.audio == "ensure":
        silence = graph.label("a")
        graph.chain(f"{silent_audio(state.duration)}[{silence}]")
        return video, silence, state.but(has_audio=True)
    return video, None, state


def _finish_gif(graph: Graph, state: StreamState, output: OutputSettings) -> tuple[str, None, StreamState]:
    """A GIF: at most `output.gif_fps` and `output.gif_width` wide, one palette made for the
    clip, no sound."""
    state = state.but(fps=min(state.fps, output.gif_fps), has_audio=False)
    graph.vf(f"fps={fps_expr(state.fps)}")
    if state.width > output.gif_width:
        width = even(output.gif_width)
        state = state.but(width=width, height=even(state.height * width / state.width))
        graph.vf(f"scale={state.width}:{state.height}:flags=lanczos")
    src = graph.take_video()
    a, b, palette, out = (graph.label("gif") for _ in range(4))
    graph.chain(f"[{src}]split=2[{a}][{b}];[{a}]palettegen=stats_mode=diff[{palette}];"
                f"[{b}][{palette}]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle[{out}]")
    return out, None, state


def _fast_trim_plan(info: MediaInfo, op: FastTrim, state: StreamState, dest: Path,
                    workdir: Path) -> RenderPlan:
    end = checked_span(op.start, op.end, state, "The fast trim")
    muxer = MUXERS.get(dest.suffix.lower(), "mp4")
    flags = ["-movflags", "+faststart"] if muxer in ("mp4", "mov") else []
    args = ["-ss", num(op.start), "-t", num(end - op.start), "-i", str(info.path),
            "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", "-avoid_negative_ts", "make_zero",
            "-map_metadata", "-1", *flags, "-f", muxer, str(dest)]
    output = OutputSettings(container=muxer, codec=info.video_codec)
    return RenderPlan([Pass(args, "copy")], end - op.start, state.but(duration=end - op.start), output,
                      workdir, encode=lambda target, _kbps: [*args[:-1], str(target)])

"""Render an offline draft with one ffmpeg run: camera move, layers, audio, browser MP4.

Stills are decoded once, converted from RGB with the BT.709 matrix the output is tagged with,
and repeated with `loop` (not re-read per frame), so the per-frame work happens in yuv420p.
Output: H.264 High yuv420p, BT.709, +faststart, AAC 48 kHz only when audio was given (a draft
without audio has no audio stream).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.contracts import Operation
from core.media.encoding import VideoEncoding, browser_mp4_args, even
from core.media.ffmpeg import run_ffmpeg, threads_arg
from providers import local_card
from providers.local_inputs import RenderPlan, prepare_still
from providers.local_motion import CameraPath, camera_path, perspective_filter, supersample

ENCODING = VideoEncoding(crf=20, preset="veryfast")
COMMENT = "Offline draft - no AI model (Video Studio local provider)"
TO_YUV = "scale=out_color_matrix=bt709:out_range=tv,format={fmt}"
# ffmpeg 9 takes colour tags from the frames: without this the -color_* options are not written.
FINISH = "format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
CARD_CANVAS = 0.5  # the card's gradient has no fine detail: move over half size, scale up after


@dataclass(frozen=True)
class Inputs:
    """Files to feed ffmpeg, in input order, and the filtergraph that uses them."""

    files: list[Path]
    graph: str


def render(plan: RenderPlan, scratch: Path, output: Path, *,
           on_progress: Callable[[float, str], None] | None = None,
           should_cancel: Callable[[], bool] | None = None) -> Path:
    """Draw the layers into `scratch`, then encode `output` in one ffmpeg run."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = camera_path(plan.preset, plan.move, plan.seed)
    if plan.operation == Operation.IMAGE_TO_VIDEO:
        inputs = _photo_inputs(plan, scratch, path)
    else:
        inputs = _card_inputs(plan, scratch, path)
    run_ffmpeg(_args(plan, inputs, output), duration_s=plan.duration, on_progress=on_progress,
               should_cancel=should_cancel, label="render the offline draft")
    return output


def still_canvas(plan: RenderPlan) -> tuple[int, int]:
    """Size of the canvas the camera moves over: the output, supersampled for the closest view."""
    return _canvas(plan, camera_path(plan.preset, plan.move, plan.seed))


def _canvas(plan: RenderPlan, path: CameraPath, detail: float = 1.0) -> tuple[int, int]:
    factor = supersample(path) * detail
    return even(plan.width * factor), even(plan.height * factor)


def _photo_inputs(plan: RenderPlan, scratch: Path, path: CameraPath) -> Inputs:
    """Cover-fit the photo to the canvas, move the camera over it, add the draft badge."""
    still = scratch / "still.png"
    w, h = _canvas(plan, path)
    if not still.exists():
        prepare_still(plan.image, still, (w, h))
    graph = (f"[0:v]scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos,crop={w}:{h},"
             f"{_camera(plan, path)}")
    files = [still]
    if plan.label:
        local_card.badge((plan.width, plan.height)).save(scratch / "badge.png")
        files.append(scratch / "badge.png")
        graph += f"[moved];[1:v]format=rgba,{TO_YUV.format(fmt='yuva420p')}[badge];[moved][badge]overlay=0:0"
    return Inputs(files, f"{graph},{FINISH}[vout]")


def _card_inputs(plan: RenderPlan, scratch: Path, path: CameraPath) -> Inputs:
    """Push into the gradient, keep the chrome still, fade and slide the prompt in."""
    files = _draw_card(plan, scratch, _canvas(plan, path, CARD_CANVAS))
    d = plan.duration
    fade = min(0.5, d * 0.12)
    reveal_at, reveal_for = d * 0.12, min(0.8, d * 0.25)
    slide = round(plan.height * 0.04)
    graph = (
        f"[0:v]{_camera(plan, path)}[bg];"
        f"[1:v]format=rgba,{TO_YUV.format(fmt='yuva420p')}[chrome];[bg][chrome]overlay=0:0[framed];"
        f"[2:v]format=rgba,{TO_YUV.format(fmt='yuva420p')},{_hold(plan)},"
        f"fade=t=in:st={reveal_at:.3f}:d={reveal_for:.3f}:alpha=1[words];"
        f"[framed][words]overlay=x=0:eval=frame"
        f":y='{slide}*(1-clip((t-{reveal_at:.3f})/{reveal_for:.3f},0,1))',"
        f"fade=t=in:st=0:d={fade:.3f},fade=t=out:st={d - fade:.3f}:d={fade:.3f},{FINISH}[vout]"
    )
    return Inputs(files, graph)


def card_title(template) -> str:
    """The card's heading: the template's name and what the draft is, never the same word twice."""
    return f"{template.name} \u00b7 storyboard" if template else "Storyboard"


def _draw_card(plan: RenderPlan, scratch: Path, canvas: tuple[int, int]) -> list[Path]:
    """Background (canvas size), chrome and prompt layers (output size) as PNG files."""
    style = plan.template.card if plan.template else local_card.DEFAULT_STYLE
    size = (plan.width, plan.height)
    title = card_title(plan.template)
    facts = " \u00b7 ".join([f"{plan.duration:g} s", plan.aspect, plan.resolution,
                              "placeholder, not generated"])
    layers = {
        "background.png": local_card.background(canvas, style, plan.seed),
        "chrome.png": local_card.chrome(size, style, local_card.CardText(title, facts)),
        "prompt.png": local_card.prompt_layer(size, style, plan.prompt),
    }
    for name, image in layers.items():
        image.save(scratch / name, compress_level=1)
    return [scratch / name for name in layers]


def _camera(plan: RenderPlan, path: CameraPath) -> str:
    """Convert the canvas once, hold it for the clip, move the view, scale to the output size."""
    return (f"{TO_YUV.format(fmt='yuv420p')},{_hold(plan)},{perspective_filter(path, plan.frames)},"
            f"scale={plan.width}:{plan.height}:flags=bicubic")


def _hold(plan: RenderPlan) -> str:
    """Repeat a decoded still for the whole clip with exact frame timestamps."""
    return f"loop=loop={plan.frames - 1}:size=1:start=0,setpts=N/({plan.fps}*TB)"


def _args(plan: RenderPlan, inputs: Inputs, output: Path) -> list[str]:
    args: list[str] = []
    for file in inputs.files:
        args += ["-framerate", str(plan.fps), "-i", str(file)]
    graph = inputs.graph
    maps = ["-map", "[vout]"]
    if plan.audio:
        index = len(inputs.files)
        args += ["-i", str(plan.audio)]
        graph += (f";[{index}:a:0]aresample=48000,apad=whole_dur={plan.duration:.3f},"
                  f"atrim=duration={plan.duration:.3f},asetpts=N/SR/TB[aout]")
        maps += ["-map", "[aout]"]
    return [
        *args, "-filter_complex", graph, *maps,
        "-r", str(plan.fps), "-fps_mode", "cfr", "-t", f"{plan.duration:.3f}",
        *threads_arg(), "-metadata", f"comment={COMMENT}", "-metadata", "title=Offline draft",
        *browser_mp4_args(ENCODING, audio=plan.audio is not None),
        str(output),
    ]

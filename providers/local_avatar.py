"""The offline avatar draft: free, honest, and as long as the voice, to check a script's timing
and captions before paying for a lip-synced render.

One ffmpeg run: the photo with a slow push-in (the `subtle` camera move), an audio-reactive
waveform on a soft band, the captions inside the safe zone, and a "DRAFT: no lip sync" badge,
at the requested size, cut to the audio's exact length. Photos are normalised by
core.inputs.prepare_image (huge, CMYK, RGBA, EXIF-rotated); audio is probed and must have sound.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pysubs2

from core.contracts import GenerationRequest
from core.errors import InvalidInput
from core.inputs import SILENCE_PEAK, audio_peak, prepare_image
from core.media.encoding import VideoEncoding, browser_mp4_args, even
from core.media.ffmpeg import CancelFn, ProgressFn, run_ffmpeg, threads_arg
from core.media.probe import MediaInfo, probe
from core.voice.captions import burn_filter, captions_from_timings, safe_rect, styled_captions, write_ass
from core.voice.timing import spread_timings
from core.voice.track import read_words
from core.templates import resolve_motion
from providers import local_card
from providers.local_inputs import check_audio, frame_size, local_file
from providers.local_motion import camera_path, perspective_filter, supersample

DRAFT_BADGE = "DRAFT: no lip sync"
COMMENT = "Offline avatar draft - no lip sync, no AI model (Video Studio local provider)"
FPS = 24
MAX_AUDIO_S = 600.0
MAX_PHOTO_SIDE = 2560  # covers a 1080p canvas with the push-in's supersampling
ASPECTS = ("16:9", "9:16", "1:1", "4:5")
ENCODING = VideoEncoding(crf=22, preset="veryfast")
TO_YUV = "scale=out_color_matrix=bt709:out_range=tv,format={fmt}"
FINISH = "format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
WAVE_HEIGHT = 0.10  # of the frame height
CAPTION_ROOM = 3.4  # caption font sizes kept free above the safe zone's bottom for two lines


@dataclass(frozen=True)
class AvatarDraftPlan:
    """One offline avatar draft, validated: files, size, length and captions."""

    photo: Path
    audio: Path
    duration_s: float
    size: tuple[int, int]
    captions: pysubs2.SSAFile | None
    platform: str | None


def plan_avatar_draft(request: GenerationRequest, scratch: Path) -> AvatarDraftPlan:
    """Check an avatar request's photo, audio, size and captions; InvalidInput on the first problem."""
    photo = local_file(request.image, "image")
    audio = local_file(request.audio, "audio")
    if photo is None or audio is None:
        raise InvalidInput("An avatar draft needs a photo and a voice.", "Add both, then try again.")
    duration = audio_length(audio)
    prepared = prepare_image(photo, scratch, max_side=MAX_PHOTO_SIDE)
    aspect = request.aspect if request.aspect not in (None, "auto") else closest_aspect(prepared.width,
                                                                                       prepared.height)
    if aspect not in ASPECTS:
        raise InvalidInput(f"Avatar drafts are {', '.join(ASPECTS)}, not {aspect}.", "Pick one of those shapes.")
    size = frame_size(request.resolution or "720p", aspect)
    captions = None
    if request.options.get("captions", "on") != "off":
        words = read_words(audio) or _script_words(request.options.get("script"), duration)
        captions = captions_from_timings(words) if words else None
    return AvatarDraftPlan(photo=prepared.path, audio=audio, duration_s=duration, size=size, captions=captions,
                           platform=request.platform)


def audio_length(audio: Path, max_s: float = MAX_AUDIO_S) -> float:
    """The voice's probed length; InvalidInput when it has no sound, is silent or too long."""
    duration = probe(check_audio(audio)).duration_s
    if not (math.isfinite(duration) and duration > 0):
        raise InvalidInput(f"{audio.name} has no length.", "Export the audio again and re-upload it.")
    if duration > max_s + 0.05:
        raise InvalidInput(f"The voice is {duration:.1f} s; an avatar draft takes at most {max_s:g} s.",
                           "Split the script into scenes, or trim the audio.")
    if audio_peak(audio) < SILENCE_PEAK:
        raise InvalidInput(f"{audio.name} is silent.", "Choose the recording with the voice in it.")
    return duration


def closest_aspect(width: int, height: int) -> str:
    ratio = math.log(width / height)
    return min(ASPECTS, key=lambda a: abs(math.log(int(a.split(":")[0]) / int(a.split(":")[1])) - ratio))


def render_avatar_draft(photo: Path, audio: Path, dest: Path, size: tuple[int, int], *,
                        captions: pysubs2.SSAFile | None = None, platform: str | None = None,
                        duration_s: float | None = None, on_progress: ProgressFn | None = None,
                        should_cancel: CancelFn | None = None) -> MediaInfo:
    """Render the draft to `dest` (an MP4 exactly as long as `audio`) and return the probed file."""
    width, height = size
    duration = duration_s or audio_length(audio)
    with tempfile.TemporaryDirectory(prefix="avatar-draft-") as folder:
        scratch = Path(folder)
        local_card.badge(size, DRAFT_BADGE, top=True).save(scratch / "badge.png")
        graph = _graph(size, duration, platform)
        if captions is not None and len(captions):
            ass = write_ass(styled_captions(captions, width, height, platform), scratch / "captions.ass")
            graph = graph.replace("[captions]", f",{burn_filter(ass)}")
        graph = graph.replace("[captions]", "")
        args = ["-framerate", str(FPS), "-i", str(photo), "-i", str(audio),
                "-framerate", str(FPS), "-i", str(scratch / "badge.png"),
                "-filter_complex", graph, "-map", "[vout]", "-map", "1:a:0",
                "-r", str(FPS), "-fps_mode", "cfr", "-t", f"{duration:.3f}", *threads_arg(),
                "-metadata", f"comment={COMMENT}", "-metadata", "title=Offline avatar draft",
                *browser_mp4_args(ENCODING, audio=True)]
        dest = Path(dest)
        partial = dest.with_name(f".{dest.stem}.partial.mp4")
        try:
            run_ffmpeg([*args, str(partial)], duration_s=duration, on_progress=on_progress,
                       should_cancel=should_cancel, label="render the avatar draft")
            partial.replace(dest)
        finally:
            partial.unlink(missing_ok=True)
    return probe(dest)


def _graph(size: tuple[int, int], duration: float, platform: str | None) -> str:
    """Photo + push-in, waveform band, badge; `[captions]` marks where the captions filter goes."""
    width, height = size
    preset, move = resolve_motion("subtle")
    path = camera_path(preset, move, seed=0)
    factor = supersample(path)
    canvas_w, canvas_h = even(width * factor), even(height * factor)
    frames = max(1, math.ceil(duration * FPS))
    safe = safe_rect(width, height, platform)
    wave_w, wave_h = even((safe.x1 - safe.x0) * 0.9), even(height * WAVE_HEIGHT)
    caption_px = 0.055 * min(width, height)
    wave_y = max(safe.y0, round(safe.y1 - CAPTION_ROOM * caption_px - wave_h))
    wave_x = (width - wave_w) // 2
    return (
        f"[0:v]scale={canvas_w}:{canvas_h}:force_original_aspect_ratio=increase:flags=lanczos,"
        f"crop={canvas_w}:{canvas_h},{TO_YUV.format(fmt='yuv420p')},"
        f"loop=loop={frames - 1}:size=1:start=0,setpts=N/({FPS}*TB),{perspective_filter(path, frames)},"
        f"scale={width}:{height}:flags=bicubic,"
        f"drawbox=x={wave_x}:y={wave_y}:w={wave_w}:h={wave_h}:color=black@0.35:t=fill[photo];"
        f"[1:a:0]aformat=channel_layouts=mono,showwaves=s={wave_w}x{wave_h}:mode=cline:draw=full:rate={FPS}"
        f":colors=0xF8FAFC:scale=sqrt,format=rgba,{TO_YUV.format(fmt='yuva420p')}[wave];"
        f"[2:v]format=rgba,{TO_YUV.format(fmt='yuva420p')}[badge];"
        f"[photo][wave]overlay=x={wave_x}:y={wave_y}:eof_action=pass[waved];"
        f"[waved][badge]overlay=0:0[captions],{FINISH}[vout]"
    )


def _script_words(script: object, duration: float):
    if not isinstance(script, str) or not script.strip():
        return None
    return spread_timings(script.strip(), duration)

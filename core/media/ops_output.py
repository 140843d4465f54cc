"""Output ops: container/codec/quality (FormatSpec) and a file-size target (Compress), and the
encoder settings they resolve to."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import InvalidInput
from core.media.encoding import BT709_TAGS, LARGE_FRAME_PIXELS, VideoEncoding, codec_label
from core.media.op_base import OutputOp, in_range, register, require

CODECS_BY_CONTAINER = {"mp4": ("h264", "h265"), "mov": ("h264", "h265", "prores"),
                       "webm": ("vp9",), "gif": ("gif",)}
CRF_RANGE = {"h264": (0, 51), "h265": (0, 51), "vp9": (0, 63)}
DEFAULT_CRF = {"h264": 20, "h265": 24, "vp9": 32}
PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")
AUDIO_MODES = ("keep", "ensure", "drop")
MB = 1_000_000  # size targets are decimal megabytes, the smaller reading of "MB"
MIN_VIDEO_KBPS = 80
# Above 1080p: slice threads, a one-frame lookahead and no B-frames keep x264 to a few frames in
# flight (measured at 4K: ~0.95 GB -> ~0.34 GB for ffmpeg; see bench/bench_transcode_memory.py).
# mbtree stays on: turning it off saves ~45 MB more but needs a higher CRF for the same file size.
X264_LARGE_FRAME_PARAMS = "sliced-threads=1:rc-lookahead=1:bframes=0:sync-lookahead=0"
GIF_RATES = (5.0, 10.0, 12.5, 20.0, 25.0)  # whole-centisecond frame delays (20, 10, 8, 5, 4 cs)
GIF_WIDTH_RANGE = (120, 960)
GIF_DEFAULT_WIDTH, GIF_DEFAULT_FPS = 480, 12.5
COMPRESS_AIM = 0.975  # aim for the middle of the accepted window (95%..100% of the target)
CONTAINER_OVERHEAD_BYTES = 8_000


@register
@dataclass(frozen=True)
class FormatSpec(OutputOp):
    """Container and codec: mp4 (h264|h265), mov (h264|h265|prores), webm (vp9), gif.
    vcodec None picks the container's usual codec. Quality is `crf` or `bitrate_kbps`.
    audio: 'keep' the source's sound, 'ensure' a (silent if need be) track, or 'drop' it.
    GIFs: `gif_width` is the widest they get (never upscaled), `gif_fps` one of GIF_RATES."""

    kind = "format"
    container: str = "mp4"
    vcodec: str | None = None
    crf: int | None = None
    bitrate_kbps: int | None = None
    preset: str = "veryfast"
    audio: str = "keep"
    gif_width: int | None = None
    gif_fps: float | None = None

    def __post_init__(self) -> None:
        codecs = CODECS_BY_CONTAINER.get(self.container)
        require(codecs is not None, f"Unknown output format {self.container!r}.",
                f"Use one of: {', '.join(CODECS_BY_CONTAINER)}.")
        require(self.vcodec is None or self.vcodec in codecs,
                f"{self.container.upper()} files cannot hold {self.vcodec} video.",
                f"For {self.container} use {' or '.join(codecs)}.")
        require(not (self.crf is not None and self.bitrate_kbps),
                "Give a quality (crf) or a bitrate, not both.", "Keep one of them.")
        if self.crf is not None:
            require(self.codec in CRF_RANGE, f"{self.codec} has no crf setting.", "Leave the quality empty.")
            in_range("crf", self.crf, *CRF_RANGE[self.codec])
        if self.bitrate_kbps:
            require(self.codec in CRF_RANGE, f"{self.codec} has no bitrate setting.", "Leave it empty.")
            in_range("bitrate (kbps)", self.bitrate_kbps, 50, 200_000)
        require(self.preset in PRESETS, f"Unknown speed preset {self.preset!r}.",
                f"Use one of: {', '.join(PRESETS)}.")
        require(self.audio in AUDIO_MODES, f"Unknown audio mode {self.audio!r}.",
                f"Use one of: {', '.join(AUDIO_MODES)}.")
        if self.gif_width is not None or self.gif_fps is not None:
            require(self.codec == "gif", "GIF width and frame rate apply to GIFs only.",
                    "Choose the GIF format, or leave them empty.")
        if self.gif_width is not None:
            in_range("GIF width", self.gif_width, *GIF_WIDTH_RANGE)
        require(self.gif_fps is None or self.gif_fps in GIF_RATES,
                f"A GIF cannot play at {self.gif_fps} fps exactly.",
                f"Use one of: {', '.join(f'{r:g}' for r in GIF_RATES)} fps.")

    @property
    def codec(self) -> str:
        return self.vcodec or CODECS_BY_CONTAINER[self.container][0]


@register
@dataclass(frozen=True)
class Compress(OutputOp):
    """Fit the file under `target_mb` (decimal MB) with a two-pass bitrate encode that lands
    within 5% under the target. Raises InvalidInput when the target cannot hold the clip."""

    kind = "compress"
    target_mb: float

    def __post_init__(self) -> None:
        require(self.target_mb > 0, "The size target must be above 0 MB.", "Give a target in MB.")

    def budget(self, duration_s: float, has_audio: bool) -> tuple[int, int]:
        """(video kbps, audio kbps) that make the file land just under the target."""
        bits = (self.target_mb * MB * COMPRESS_AIM - CONTAINER_OVERHEAD_BYTES) * 8
        total_kbps = bits / duration_s / 1000
        audio_kbps = (128 if total_kbps - 128 >= 4 * MIN_VIDEO_KBPS else 64) if has_audio else 0
        video_kbps = int(total_kbps - audio_kbps)
        if video_kbps < MIN_VIDEO_KBPS:
            need_bytes = (MIN_VIDEO_KBPS + audio_kbps) * 1000 * duration_s / 8 + CONTAINER_OVERHEAD_BYTES
            need_mb = need_bytes / MB / COMPRESS_AIM
            sound = f"the sound alone needs {audio_kbps * duration_s / 8000:.2f} MB and " if has_audio else ""
            raise InvalidInput(
                f"{self.target_mb:g} MB is too small for {duration_s:.1f} s of video: {sound}"
                f"the picture needs at least {MIN_VIDEO_KBPS} kbit/s.",
                f"Choose at least {need_mb:.2f} MB, trim the clip, or drop the sound.")
        return video_kbps, audio_kbps


@dataclass(frozen=True)
class OutputSettings:
    """The encoder side of a render, resolved from FormatSpec / Compress / preview."""

    container: str = "mp4"
    codec: str = "h264"
    crf: int | None = None
    bitrate_kbps: int | None = None
    preset: str = "veryfast"
    audio: str = "keep"
    audio_kbps: int = 160
    compress: Compress | None = None
    frame_pixels: int = 0  # output width x height, once the chain is planned
    gif_width: int = GIF_DEFAULT_WIDTH
    gif_fps: float = GIF_DEFAULT_FPS

    @property
    def large_frames(self) -> bool:
        return self.frame_pixels > LARGE_FRAME_PIXELS

    @property
    def pix_fmt(self) -> str:
        return {"prores": "yuv422p10le", "gif": "pal8"}.get(self.codec, "yuv420p")

    @property
    def has_audio_track(self) -> bool:
        return self.container != "gif" and self.audio != "drop"

    def video_args(self, *, bitrate_kbps: int | None = None, pass_no: int | None = None,
                   passlog: Path | None = None) -> list[str]:
        rate = bitrate_kbps or self.bitrate_kbps
        crf = self.crf if self.crf is not None else DEFAULT_CRF.get(self.codec)
        passes = ["-pass", str(pass_no), "-passlogfile", str(passlog)] if pass_no and passlog else []
        if self.codec == "h264":
            bounded = ["-threads", str(min(os.cpu_count() or 2, 8)), "-x264-params", X264_LARGE_FRAME_PARAMS]
            memory = bounded if self.large_frames else []
            return [*VideoEncoding(crf=crf, preset=self.preset, bitrate_kbps=rate).args(), *memory, *passes]
        if self.codec == "h265":
            x265 = "log-level=error"
            if pass_no and passlog:
                x265 += f":pass={pass_no}:stats={passlog}.x265"
            quality = ["-b:v", f"{rate}k"] if rate else ["-crf", str(crf)]
            return ["-c:v", "libx265", "-preset", self.preset, *quality, "-pix_fmt", "yuv420p",
                    "-tag:v", "hvc1", "-x265-params", x265, *BT709_TAGS]
        if self.codec == "vp9":
            quality = ["-b:v", f"{rate}k"] if rate else ["-crf", str(crf), "-b:v", "0"]
            return ["-c:v", "libvpx-vp9", *quality, "-deadline", "good", "-cpu-used", "4", "-row-mt", "1",
                    "-pix_fmt", "yuv420p", *BT709_TAGS, *passes]
        if self.codec == "prores":
            return ["-c:v", "prores_ks", "-profile:v", "3", "-vendor", "apl0", "-pix_fmt", "yuv422p10le",
                    *BT709_TAGS]
        return ["-c:v", "gif", "-loop", "0"]

    def audio_args(self, audio_kbps: int | None = None) -> list[str]:
        kbps = audio_kbps or self.audio_kbps
        if self.container == "webm":
            return ["-c:a", "libopus", "-b:a", f"{kbps}k", "-ar", "48000", "-ac", "2"]
        if self.codec == "prores":
            return ["-c:a", "pcm_s16le", "-ar", "48000", "-ac", "2"]
        return ["-c:a", "aac", "-b:a", f"{kbps}k", "-ar", "48000", "-ac", "2"]

    def muxer_args(self) -> list[str]:
        if self.container in ("mp4", "mov"):
            return ["-movflags", "+faststart", "-f", self.container]
        return ["-f", self.container]


def format_label(container: str, codec: str) -> str:
    """'MP4 H.264', 'WebM VP9', 'GIF'."""
    box = {"webm": "WebM"}.get(container, container.upper())
    return box if codec == "gif" else f"{box} {codec_label(codec)}"


def resolve_output(ops: list[OutputOp], *, preview: bool) -> OutputSettings:
    """Merge the chain's output ops (at most one of each kind) into encoder settings."""
    formats = [op for op in ops if isinstance(op, FormatSpec)]
    targets = [op for op in ops if isinstance(op, Compress)]
    require(len(formats) <= 1 and len(targets) <= 1,
            "An edit can set the output format and size target once each.",
            "Remove the extra format or compress step.")
    fmt = formats[0] if formats else FormatSpec()
    compress = targets[0] if targets else None
    if preview:  # a quick, small, browser-playable look at the result
        audio = fmt.audio if fmt.audio != "ensure" else "keep"
        return OutputSettings(crf=28, preset="ultrafast", audio=audio, audio_kbps=96)
    if compress:
        require(fmt.codec in ("h264", "h265", "vp9", "gif"),
                f"A size target needs H.264, H.265, VP9 or GIF, not {fmt.codec}.",
                "Pick one of those, or remove the size target.")
        require(fmt.crf is None and not fmt.bitrate_kbps, "A size target sets the bitrate itself.",
                "Remove the quality or bitrate from the format, or remove the size target.")
    return OutputSettings(container=fmt.container, codec=fmt.codec, crf=fmt.crf,
                          bitrate_kbps=fmt.bitrate_kbps, preset=fmt.preset, audio=fmt.audio,
                          compress=compress, gif_width=fmt.gif_width or GIF_DEFAULT_WIDTH,
                          gif_fps=fmt.gif_fps or GIF_DEFAULT_FPS)

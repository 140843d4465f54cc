"""Output encoding settings that every platform and browser accepts."""

from __future__ import annotations

from dataclasses import dataclass

LARGE_FRAME_PIXELS = 1920 * 1088  # above 1080p, frames in flight dominate memory; see bench_transcode_memory

BT709_TAGS = ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
# ffmpeg 9 writes colour tags from frame properties, not from the output options above:
# end every video filtergraph with this so the stream really says BT.709 (limited range).
BT709_FILTER = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"


BT601_MATRICES = {5, 6}  # H.273 matrix coefficients: bt470bg (PAL) and smpte170m (NTSC)
UNSPECIFIED_MATRIX = 2
HD_LINES = 720


def bt709_conversion(matrix: int, height: int) -> list[str]:
    """Filters that re-express a BT.601 picture in BT.709 (a new tag alone would shift its colours:
    pure red would show orange). Untagged SD is BT.601 by convention; untagged HD is taken as BT.709."""
    untagged_sd = matrix == UNSPECIFIED_MATRIX and height < HD_LINES
    if matrix in BT601_MATRICES or untagged_sd:
        return ["colorspace=all=bt709:iall=bt601-6-625:fast=1"]  # the matrix only, no chroma resampling
    return []


HDR_TRANSFERS = {16: "smpte2084", 18: "arib-std-b67"}  # H.273 transfer codes: PQ (HDR10), HLG


def hdr_to_sdr(transfer: int) -> list[str]:
    """Filters that tone-map a PQ or HLG picture (HDR10, phone HDR video) to SDR BT.709, or []
    for an SDR source. Without them HDR comes out grey and flat: its code values mean other
    brightnesses than BT.709's. Linear light at 100 nits, Hable's curve, then the BT.709 curve."""
    curve = HDR_TRANSFERS.get(transfer)
    if curve is None:
        return []
    return [f"zscale=tin={curve}:pin=bt2020:min=bt2020nc:rin=tv:t=linear:npl=100", "format=gbrpf32le",
            "zscale=p=bt709", "tonemap=tonemap=hable:desat=0", "zscale=t=bt709:m=bt709:r=tv",
            "format=yuv420p"]


def even(value: float) -> int:
    """Round to the nearest even integer >= 2 (H.264 4:2:0 needs even sizes)."""
    return max(2, int(round(value / 2.0)) * 2)


@dataclass(frozen=True)
class VideoEncoding:
    """How to encode the video stream of a browser-playable MP4."""

    crf: int = 20
    preset: str = "veryfast"
    max_bitrate_kbps: int | None = None
    gop_frames: int | None = None
    bitrate_kbps: int | None = None  # average bitrate instead of CRF (two-pass size targets)

    def args(self) -> list[str]:
        rate = ["-b:v", f"{self.bitrate_kbps}k"] if self.bitrate_kbps else ["-crf", str(self.crf)]
        out = ["-c:v", "libx264", "-preset", self.preset, *rate,
               "-pix_fmt", "yuv420p", "-profile:v", "high", *BT709_TAGS]
        if self.max_bitrate_kbps:
            out += ["-maxrate", f"{self.max_bitrate_kbps}k", "-bufsize", f"{self.max_bitrate_kbps * 2}k"]
        if self.gop_frames:
            g = str(self.gop_frames)
            out += ["-g", g, "-keyint_min", g, "-sc_threshold", "0", "-flags", "+cgop"]
        return out


def audio_args(bitrate_kbps: int = 160, sample_rate: int = 48000) -> list[str]:
    """AAC-LC stereo at 48 kHz."""
    return ["-c:a", "aac", "-b:a", f"{bitrate_kbps}k", "-ar", str(sample_rate), "-ac", "2"]


def mp4_args() -> list[str]:
    """Container flags: moov atom first so playback starts before the download ends."""
    return ["-movflags", "+faststart", "-f", "mp4"]


def browser_mp4_args(video: VideoEncoding | None = None, *, audio: bool = True) -> list[str]:
    """Everything after the filtergraph for an H.264/AAC faststart MP4."""
    enc = video or VideoEncoding()
    return [*enc.args(), *(audio_args() if audio else ["-an"]), *mp4_args()]


CODEC_LABELS = {"h264": "H.264", "h265": "H.265", "hevc": "H.265", "prores": "ProRes", "vp9": "VP9", "gif": "GIF",
                "av1": "AV1", "mpeg4": "MPEG-4", "aac": "AAC", "mp3": "MP3", "opus": "Opus"}


def codec_label(codec: str) -> str:
    """How people name a codec: 'hevc' -> 'H.265'."""
    return CODEC_LABELS.get(codec, codec.upper())

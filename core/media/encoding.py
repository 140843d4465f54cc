"""Output encoding settings that every platform and browser accepts."""

from __future__ import annotations

from dataclasses import dataclass

BT709_TAGS = ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]
# ffmpeg 9 writes colour tags from frame properties, not from the output options above:
# end every video filtergraph with this so the stream really says BT.709 (limited range).
BT709_FILTER = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"


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

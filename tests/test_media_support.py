"""Helpers shared by the media tests (no tests here): pixel reads, special clips, output checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np

from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import MediaInfo


def frame_rgb(path: Path, t: float = 0.0) -> np.ndarray:
    """The frame shown at `t` seconds as an (height, width, 3) uint8 RGB array."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        last = None
        for frame in container.decode(stream):
            last = frame
            if frame.time is not None and frame.time >= t - 1e-3:
                break
        assert last is not None, f"no frame decoded from {path}"
        return last.to_ndarray(format="rgb24")


def audio_rms(path: Path) -> float:
    """Root-mean-square level of the first audio stream (1.0 = full scale)."""
    with av.open(str(path)) as container:
        chunks = [frame.to_ndarray().astype(np.float64).ravel() for frame in container.decode(audio=0)]
    samples = np.concatenate(chunks)
    return float(np.sqrt(np.mean(samples**2)))


def bright_box(rgb: np.ndarray, threshold: int = 160) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) bounding box of bright pixels (all channels above threshold), or None."""
    mask = (rgb > threshold).all(axis=2)
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_graph_clip(path: Path, graph: str, seconds: float = 1.0) -> Path:
    """A video-only H.264 clip from a lavfi graph whose output is labelled [v]."""
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-t", str(seconds),
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path))
    return path


def assert_browser_mp4(info: MediaInfo, *, audio: bool = True) -> None:
    """H.264 yuv420p, even size, faststart, AAC when audio is expected."""
    assert info.video_codec == "h264", info.video_codec
    assert info.pix_fmt == "yuv420p", info.pix_fmt
    assert info.width % 2 == 0 and info.height % 2 == 0, (info.width, info.height)
    assert info.faststart is True
    assert info.rotation == 0
    assert not info.variable_fps
    assert info.has_audio is audio
    if audio:
        assert info.audio_codec == "aac" and info.sample_rate == 48000


class CallRecorder:
    """Wraps run_ffmpeg to count the ffmpeg runs a render makes."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls: list[list[str]] = []

    def __call__(self, args, **kwargs):
        self.calls.append(list(args))
        return self.real(args, **kwargs)

    def input_count(self, index: int = -1) -> int:
        return self.calls[index].count("-i")

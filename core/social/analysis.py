"""Downscaled, sampled grey frames and what they tell: the best frame, and where the action is.

ffmpeg samples and shrinks the frames (a tap on the render's decode, or a pass of its own);
numpy scores them in whole-array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.media.encoding import even
from core.media.ffmpeg import CancelFn, ProgressFn, run_ffmpeg
from core.social.filters import num

SAMPLE_WIDTH = 192
MAX_SAMPLE_RATE = 4.0
MAX_SAMPLES = 400
SMOOTHING_S = 1.5  # auto-focus moves like a camera operator, not a twitch
GRID = 24  # focus is found on a coarse grid of this many columns


@dataclass(frozen=True)
class Tap:
    """How frames are sampled: rate and size."""

    rate: float
    width: int
    height: int

    @classmethod
    def for_source(cls, width: int, height: int, span_s: float) -> Tap:
        w = min(SAMPLE_WIDTH, width - width % 2)
        h = even(w * height / width)
        rate = min(MAX_SAMPLE_RATE, MAX_SAMPLES / max(span_s, 0.1))
        return cls(rate=rate, width=w, height=h)

    def chain(self) -> str:
        return f"fps={num(self.rate)},scale={self.width}:{self.height}:flags=area,format=gray"

    def output_args(self, path: Path) -> list[str]:
        return ["-c:v", "rawvideo", "-f", "rawvideo", str(path)]


@dataclass(frozen=True)
class Samples:
    """Grey frames (n, h, w) uint8 and their times on the output timeline."""

    frames: np.ndarray
    times: np.ndarray

    def __len__(self) -> int:
        return len(self.times)


def read_samples(path: Path, tap: Tap) -> Samples:
    data = np.fromfile(path, dtype=np.uint8)
    size = tap.width * tap.height
    count = data.size // size
    frames = data[: count * size].reshape(count, tap.height, tap.width)
    return Samples(frames=frames, times=np.arange(count) / tap.rate)


def sample(source: Path, start: float, span: float, tap: Tap, work: Path, *,
           on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None) -> Samples:
    """A pass of its own over [start, start + span] (when the render cannot carry the tap)."""
    out = work / "samples.gray"
    run_ffmpeg(["-ss", num(start), "-t", num(span), "-i", str(source), "-map", "0:v:0",
                "-vf", tap.chain(), *tap.output_args(out)],
               duration_s=span, on_progress=on_progress, should_cancel=should_cancel,
               label="sample frames")
    return read_samples(out, tap)


def frame_scores(samples: Samples) -> np.ndarray:
    """Per-sample thumbnail score: sharp x well exposed x contrasty x not mid-change."""
    f = samples.frames.astype(np.float32)
    lap = 4 * f[:, 1:-1, 1:-1] - f[:, :-2, 1:-1] - f[:, 2:, 1:-1] - f[:, 1:-1, :-2] - f[:, 1:-1, 2:]
    sharp = lap.reshape(len(f), -1).var(axis=1)
    sharp = sharp / (sharp.max() + 1e-6)
    mean = f.reshape(len(f), -1).mean(axis=1)
    std = f.reshape(len(f), -1).std(axis=1)
    clipped = ((f < 8) | (f > 247)).reshape(len(f), -1).mean(axis=1)
    exposure = np.clip(1 - np.abs(mean - 118) / 118, 0, 1) * np.clip(1 - 1.5 * clipped, 0.05, 1)
    contrast = np.clip(std / 40, 0.05, 1)
    change = _changes(f)
    typical = np.median(change) + 2.0
    if len(f) > 1:  # a frame changing from both neighbours is mid-transition
        mid_change = np.minimum(np.r_[change[:1], change], np.r_[change, change[-1:]])
    else:
        mid_change = np.zeros(1)
    steady = 1 / (1 + (mid_change / (3 * typical)) ** 2)
    return (0.2 + sharp) * exposure * contrast * steady


def best_time(samples: Samples, until: float) -> float:
    """Time of the best-scoring sample before `until` (0 when nothing was sampled)."""
    if not len(samples):
        return 0.0
    scores = frame_scores(samples)
    allowed = samples.times < max(until, samples.times[0] + 1e-6)
    scores = np.where(allowed, scores, -1)
    return float(samples.times[int(np.argmax(scores))])


def focus_track(samples: Samples) -> list[tuple[float, float, float]]:
    """(t, fx, fy) in 0..1 of the frame, following motion (and, where still, saliency)."""
    if not len(samples):
        return [(0.0, 0.5, 0.5)]
    f = samples.frames.astype(np.float32)
    n, h, w = f.shape
    cell = max(1, w // GRID)
    gh, gw = h // cell, w // cell
    grid = f[:, : gh * cell, : gw * cell].reshape(n, gh, cell, gw, cell).mean(axis=(2, 4))
    motion = np.abs(np.diff(grid, axis=0)) if n > 1 else np.zeros_like(grid)
    motion = np.concatenate([motion[:1], motion]) if n > 1 else motion
    saliency = np.abs(grid - grid.mean(axis=(1, 2), keepdims=True))
    weight = _normalise(motion, 4.0) * 2.0 + _normalise(saliency, 8.0) * 0.5
    weight = np.where(weight > weight.mean(axis=(1, 2), keepdims=True), weight, 0) ** 2
    total = weight.sum(axis=(1, 2)) + 1e-6
    ys = (np.arange(gh) + 0.5) * cell / h
    xs = (np.arange(gw) + 0.5) * cell / w
    fx = np.where(total > 1e-3, (weight.sum(axis=1) * xs).sum(axis=1) / total, 0.5)
    fy = np.where(total > 1e-3, (weight.sum(axis=2) * ys).sum(axis=1) / total, 0.5)
    window = max(1, int(round(SMOOTHING_S * (n / max(samples.times[-1], 1e-6) if n > 1 else 1))))
    fx, fy = _smooth(fx, window), _smooth(fy, window)
    return [(float(t), float(x), float(y)) for t, x, y in zip(samples.times, fx, fy)]


def _changes(f: np.ndarray) -> np.ndarray:
    if len(f) < 2:
        return np.zeros(1, dtype=np.float32)
    return np.abs(np.diff(f, axis=0)).reshape(len(f) - 1, -1).mean(axis=1)


def _normalise(values: np.ndarray, floor: float) -> np.ndarray:
    """Scale each frame's map to 0..1; peaks under `floor` grey levels (noise) stay small."""
    peak = values.max(axis=(1, 2), keepdims=True)
    return values / np.maximum(peak, floor)


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    if window <= 1 or len(values) < 3:
        return values
    window = min(window, len(values))
    padded = np.pad(values, (window // 2, window - 1 - window // 2), mode="edge")
    return np.convolve(padded, np.ones(window) / window, mode="valid")

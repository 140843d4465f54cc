"""Filtergraph building blocks: option escaping, the stream's state, and a small graph builder."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.media.encoding import even


def escape_value(value: str | Path) -> str:
    """Escape a filter option value for -filter_complex (option level, then graph level)."""
    option_level = re.sub(r"([\\':])", r"\\\1", str(value))
    return re.sub(r"([\\'\[\],;])", r"\\\1", option_level)


def num(value: float) -> str:
    """A compact number for filter arguments: 2 -> '2', 0.333333 -> '0.333333'."""
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


_NTSC_RATES = {23.976: "24000/1001", 29.97: "30000/1001", 47.952: "48000/1001",
               59.94: "60000/1001", 119.88: "120000/1001"}


def fps_expr(fps: float) -> str:
    """Frame rate for filters, exact for NTSC rates (29.97 -> '30000/1001')."""
    for rate, exact in _NTSC_RATES.items():
        if abs(fps - rate) < 0.01:
            return exact
    return num(round(fps, 3))


@dataclass(frozen=True)
class StreamState:
    """What the edited stream looks like at one point of the chain (sizes as displayed)."""

    width: int
    height: int
    fps: float
    duration: float
    has_audio: bool

    def but(self, **changes) -> StreamState:
        return replace(self, **changes)

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    def fit_short_side(self, short: int) -> tuple[int, int]:
        """Even (width, height) with the same aspect and the given short side."""
        ratio = short / self.short_side
        return even(self.width * ratio), even(self.height * ratio)


class Graph:
    """Builds one -filter_complex: linear filters accumulate on the current video/audio stream;
    multi-stream steps take the current labels and hand back new ones."""

    def __init__(self, video: str = "0:v:0", audio: str | None = "0:a:0", prelude: Sequence[str] = ()) -> None:
        """`prelude`: filters every frame needs first (e.g. HDR tone-mapping); they do not count as
        an edit, so a trim can still seek the input."""
        self.chains: list[str] = []
        self.extra_inputs: list[list[str]] = []
        self._video, self._audio = video, audio
        self._prelude = [f for f in prelude if f]
        self._pending_video: list[str] = list(self._prelude)
        self._pending_audio: list[str] = []
        self._count = 0

    def vf(self, *filters: str) -> None:
        """Append filters to the video stream."""
        self._pending_video.extend(f for f in filters if f)

    def af(self, *filters: str) -> None:
        """Append filters to the audio stream."""
        if self._audio is None:
            raise ValueError("the stream has no audio to filter")
        self._pending_audio.extend(f for f in filters if f)

    def label(self, prefix: str = "s") -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def take_video(self) -> str:
        """Label of the video stream with every pending filter applied."""
        if self._pending_video:
            out = self.label("v")
            self.chains.append(f"[{self._video}]{','.join(self._pending_video)}[{out}]")
            self._video, self._pending_video = out, []
        return self._video

    def take_audio(self) -> str | None:
        if self._pending_audio:
            out = self.label("a")
            self.chains.append(f"[{self._audio}]{','.join(self._pending_audio)}[{out}]")
            self._audio, self._pending_audio = out, []
        return self._audio

    def set_streams(self, video: str, audio: str | None) -> None:
        """After a multi-stream step: continue from these labels (pending filters were taken)."""
        self._video, self._audio = video, audio

    def chain(self, text: str) -> None:
        """Add one raw chain such as '[a][b]xfade=...[c]'."""
        self.chains.append(text)

    def add_input(self, args: list[str]) -> int:
        """Register another input (e.g. ['-i', path]); returns its ffmpeg input index."""
        self.extra_inputs.append(list(args))
        return len(self.extra_inputs)

    @property
    def pristine(self) -> bool:
        """True while nothing has touched the source streams yet."""
        touched = self._pending_video != self._prelude
        return not (self.chains or touched or self._pending_audio or self.extra_inputs)

    def snapshot(self) -> Graph:
        return copy.deepcopy(self)

    def script(self) -> str:
        return ";".join(self.chains)


def map_arg(label: str) -> str:
    """-map argument for a label: input streams as-is, graph outputs in brackets."""
    return label if re.fullmatch(r"\d+:[va](:\d+)?", label) else f"[{label}]"

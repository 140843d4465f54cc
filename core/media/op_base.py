"""The base of every edit operation, the kind registry, and what ops share while a plan is built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from core.errors import InvalidInput
from core.media.graph import Graph, StreamState
from core.media.probe import MediaInfo, probe
from core.media.regions import TextRegion, clipped_to

_REGISTRY: dict[str, type[Op]] = {}


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: make an op constructible from its dict by `kind`."""
    if cls.kind in _REGISTRY:
        raise ValueError(f"op kind {cls.kind!r} registered twice")
    _REGISTRY[cls.kind] = cls
    return cls


def require(condition: bool, message: str, hint: str = "") -> None:
    """Raise InvalidInput(message, hint) unless condition holds."""
    if not condition:
        raise InvalidInput(message, hint)


def in_range(name: str, value: float, low: float, high: float) -> None:
    require(low <= value <= high, f"{name} must be between {low:g} and {high:g}, not {value:g}.",
            f"Pick a {name} in that range.")


@dataclass
class Prepass:
    """An analysis run over the chain up to one op (e.g. stabilisation's motion detection)."""

    graph: Graph
    label: str


@dataclass
class BuildContext:
    """What ops may read or leave behind while one render plan is built (no I/O happens here)."""

    workdir: Path
    preview: bool = False
    clip_infos: Mapping[str, MediaInfo] = field(default_factory=dict)
    side_files: dict[Path, str] = field(default_factory=dict)
    prepasses: list[Prepass] = field(default_factory=list)
    input_seek: tuple[float, float] | None = None

    def clip_info(self, path: str) -> MediaInfo:
        """Facts about another input (given up front, or probed on first use)."""
        if path not in self.clip_infos:
            self.clip_infos = {**self.clip_infos, path: probe(path)}
        return self.clip_infos[path]

    def work_path(self, name: str) -> Path:
        return self.workdir / name

    def write_later(self, name: str, text: str) -> Path:
        """A side file (captions, ...) that the renderer writes before ffmpeg runs."""
        path = self.work_path(name)
        self.side_files[path] = text
        return path

    def add_prepass(self, graph: Graph, video_filter: str, label: str) -> None:
        """Analyse the stream as it is now with `video_filter` in a pass of its own."""
        snap = graph.snapshot()
        snap.vf(video_filter)
        self.prepasses.append(Prepass(snap, label))


@dataclass(frozen=True)
class Op:
    """One edit. Subclasses are frozen dataclasses with a `kind` and an `apply`."""

    kind: ClassVar[str] = ""

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        """Add this op's filters to `graph`; return the stream state after it."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {"kind": self.kind, **_plain(asdict(self))}

    def text_regions(self, state: StreamState) -> list[TextRegion]:
        """Text this op burns into a `state` picture, where the engine draws it (most: none)."""
        return []

    def carry_regions(self, regions: list[TextRegion], before: StreamState,
                      after: StreamState) -> list[TextRegion]:
        """Where text already in the picture is after this op. By default the framing is kept
        (a resize keeps fractions) and only the end of the timeline can move."""
        return clipped_to(regions, after.duration)


class OutputOp(Op):
    """An op that configures the encoder instead of adding filters (format, size target)."""

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        return state


def op_from_dict(data: Mapping) -> Op:
    """Rebuild an op from `to_dict()` output (e.g. a job's JSON)."""
    kind = data.get("kind") if isinstance(data, Mapping) else None
    cls = _REGISTRY.get(str(kind))
    require(cls is not None, f"Unknown edit operation {kind!r}.",
            f"Use one of: {', '.join(sorted(_REGISTRY))}.")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known - {"kind"})
    require(not unknown, f"The {kind} operation has no setting {', '.join(unknown)}.",
            f"Its settings are: {', '.join(sorted(known)) or 'none'}.")
    values = {k: _frozen(v) for k, v in data.items() if k != "kind"}
    try:
        return cls(**values)
    except TypeError as exc:
        raise InvalidInput(f"The {kind} operation's settings are incomplete: {exc}.",
                           "Check the saved edit and try again.") from exc


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _frozen(value):
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value

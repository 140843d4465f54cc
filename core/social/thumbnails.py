"""Thumbnails: each platform's best frame, reframed like its video, at the platform's thumbnail
size, with an optional title inside the safe zone. One ffmpeg run for all platforms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.media.ffmpeg import CancelFn, run_ffmpeg
from core.social import reframe as rf
from core.social.captions import ass_document, ass_filter
from core.social.filters import num
from core.platforms import PlatformSpec
from core.social.models import Cue, PackPlan, PlatformPlan
from core.social.safezone import preview_statements
from core.storage import link_or_copy

TITLE_SECONDS = 36000.0  # the title covers any frame the seek lands on
JPEG_QUALITY = "3"  # ffmpeg mjpeg -q:v (2 best .. 31 worst)


@dataclass(frozen=True)
class Preview:
    """The safe-zone picture, drawn from the first thumbnail's frame in the same run."""

    path: Path
    specs: list[PlatformSpec]
    reframe: str
    focus: tuple[float, float]


@dataclass(frozen=True)
class Thumb:
    plan: PlatformPlan
    time_s: float  # on the output timeline (seconds after the segment start)
    path: Path
    focus: tuple[float, float] = (0.5, 0.5)


def thumbnail_geometry(p: PlatformPlan, src: tuple[int, int]) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """(mode, crop window, size) for the platform's thumbnail shape."""
    size = (p.spec.thumbnail.width, p.spec.thumbnail.height)
    aspect = size[0] / size[1]
    if rf.same_shape(*src, aspect):
        return "scale", src, size
    if p.mode == "pad_blur":
        return "pad_blur", src, size
    return "crop", rf.crop_window(*src, aspect), size


def thumbnail_args(plan: PackPlan, thumbs: list[Thumb], work: Path, preview: Preview | None = None) -> list[str]:
    """ffmpeg arguments writing every thumbnail (and the preview, from the first thumbnail's
    frame): one accurate seek per distinct frame time."""
    times = sorted({round(t.time_s, 3) for t in thumbs})
    preview_at = round(thumbs[0].time_s, 3) if preview else None
    src = (plan.source.width, plan.source.height)
    args: list[str] = []
    for t in times:
        args += ["-ss", num(plan.request.segment_start + t), "-i", str(plan.request.source)]
    graph: list[str] = []
    outputs: list[str] = []
    for index, t in enumerate(times):
        group = [th for th in thumbs if round(th.time_s, 3) == t]
        labels = [f"t{index}_{n}" for n in range(len(group))]
        extra = ["zin"] if t == preview_at else []
        graph.append(f"[{index}:v:0]split={len(group) + len(extra)}" + "".join(f"[{lab}]" for lab in labels + extra))
        if extra and preview:
            graph += preview_statements("zin", "zout", preview.specs, src, preview.reframe, preview.focus)
            outputs += ["-map", "[zout]", "-frames:v", "1", "-update", "1", str(preview.path)]
        for thumb, label in zip(group, labels):
            tag = f"{label}r"
            mode, window, size = thumbnail_geometry(thumb.plan, src)
            title = _title_filter(plan, thumb.plan, size, work)
            graph += rf.reframe_statements(label, f"{tag}out", mode=mode, src=src, window=window, out=size,
                                           tag=tag, focus=thumb.focus, after=title)
            outputs += ["-map", f"[{tag}out]", "-frames:v", "1", "-q:v", JPEG_QUALITY, "-update", "1",
                        str(thumb.path)]
    return [*args, "-filter_complex", ";".join(graph), *outputs]


def render_thumbnails(plan: PackPlan, thumbs: list[Thumb], work: Path,
                      should_cancel: CancelFn | None = None, preview: Preview | None = None) -> None:
    """Write the thumbnails (each distinct picture once; platforms that would get the same one
    get a link to it) and the preview."""
    if not thumbs:
        return
    firsts: dict[tuple, Thumb] = {}
    for thumb in thumbs:
        firsts.setdefault(_picture_key(plan, thumb), thumb)
    run_ffmpeg(thumbnail_args(plan, list(firsts.values()), work, preview), should_cancel=should_cancel,
               label="make thumbnails")
    for thumb in thumbs:
        first = firsts[_picture_key(plan, thumb)]
        if first is not thumb:
            link_or_copy(first.path, thumb.path)


def _picture_key(plan: PackPlan, thumb: Thumb) -> tuple:
    """What shapes a thumbnail: its frame, framing and size, and the title's safe zone."""
    titled = bool((plan.request.thumbnail_title or "").strip())
    return (round(thumb.time_s, 3), thumb.focus, thumbnail_geometry(thumb.plan, (plan.source.width, plan.source.height)),
            thumb.plan.spec.safe_zone if titled else None)


def _title_filter(plan: PackPlan, p: PlatformPlan, size: tuple[int, int], work: Path) -> str:
    title = (plan.request.thumbnail_title or "").strip()
    if not title:
        return ""
    safe = p.spec.safe_zone.scaled(*size)
    path = work / f"title_{p.id}.ass"
    path.write_text(ass_document([Cue(start=0, end=TITLE_SECONDS, text=title)],
                                 plan.request.thumbnail_style, safe), encoding="utf-8")
    return ass_filter(path)

"""Thumbnails: each platform's best frame, reframed like its video, at the platform's thumbnail
size, with an optional title inside the safe zone. One ffmpeg run for all platforms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.media.ffmpeg import CancelFn, run_ffmpeg
from core.social import reframe as rf
from core.social.captions import ass_document, ass_filter
from core.social.filters import num
from core.social.models import Cue, PackPlan, PlatformPlan

TITLE_SECONDS = 36000.0  # the title covers any frame the seek lands on
JPEG_QUALITY = "3"  # ffmpeg mjpeg -q:v (2 best .. 31 worst)


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


def thumbnail_args(plan: PackPlan, thumbs: list[Thumb], work: Path) -> list[str]:
    """ffmpeg arguments writing every thumbnail: one accurate seek per distinct frame time."""
    times = sorted({round(t.time_s, 3) for t in thumbs})
    src = (plan.source.width, plan.source.height)
    args: list[str] = []
    for t in times:
        args += ["-ss", num(plan.request.segment_start + t), "-i", str(plan.request.source)]
    graph: list[str] = []
    outputs: list[str] = []
    for index, t in enumerate(times):
        group = [th for th in thumbs if round(th.time_s, 3) == t]
        labels = [f"t{index}_{n}" for n in range(len(group))]
        graph.append(f"[{index}:v:0]split={len(group)}" + "".join(f"[{lab}]" for lab in labels))
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
                      should_cancel: CancelFn | None = None) -> None:
    if thumbs:
        run_ffmpeg(thumbnail_args(plan, thumbs, work), should_cancel=should_cancel, label="make thumbnails")


def _title_filter(plan: PackPlan, p: PlatformPlan, size: tuple[int, int], work: Path) -> str:
    title = (plan.request.thumbnail_title or "").strip()
    if not title:
        return ""
    safe = p.spec.safe_zone.scaled(*size)
    path = work / f"title_{p.id}.ass"
    path.write_text(ass_document([Cue(start=0, end=TITLE_SECONDS, text=title)],
                                 plan.request.thumbnail_style, safe), encoding="utf-8")
    return ass_filter(path)

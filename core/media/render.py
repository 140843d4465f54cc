"""Render a chain of ops over a source in one ffmpeg pass (plus analysis passes only where an
op needs them: stabilisation, two-pass size targets), atomically, with real progress."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from core.errors import InvalidInput, MediaError
from core.media.ffmpeg import CancelFn, ProgressFn, run_ffmpeg
from core.media.op_base import Op, op_from_dict
from core.media.ops_join import Join
from core.media.gif_fit import Step, ladder, next_step
from core.media.ops_output import MB, FormatSpec
from core.media.plan import RenderPlan, build_plan
from core.media.probe import MediaInfo, probe
from core.media.sources import usable_video

SIZE_WINDOW = (0.95, 1.0)  # a size target lands within 5% under it
SIZE_CHECK_SHARE = 0.1  # share of the progress bar kept for checking / refining a size target
MAX_SIZE_REFINES = 2
MAX_GIF_RENDERS = 4


def build_command(source_info: MediaInfo, ops: Sequence[Op], dest: Path, *, preview: bool = False,
                  clip_infos: Mapping[str, MediaInfo] | None = None) -> list[str]:
    """The ffmpeg arguments (without the binary) of the pass that writes `dest`. Pure."""
    plan = build_plan(source_info, list(ops), Path(dest), preview=preview, clip_infos=clip_infos)
    return plan.passes[-1].args


def render(source: Path, ops: Sequence[Op | dict], dest: Path, *, on_progress: ProgressFn | None = None,
           should_cancel: CancelFn | None = None, preview: bool = False) -> MediaInfo:
    """Apply `ops` to `source` and write `dest` (replaced atomically). Returns the probed result.

    preview=True renders the first 3 s of the edited timeline at 360p, fast, as MP4.
    Raises InvalidInput for unusable inputs or settings, MediaError/Cancelled from ffmpeg.
    """
    source, dest = Path(source), Path(dest)
    on_progress = _never_backwards(on_progress)
    chain = [op if isinstance(op, Op) else op_from_dict(op) for op in ops]
    info = usable_video(source)
    clip_infos = _probe_clips(chain)
    dest.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:10]
    partial = dest.with_name(f".{dest.stem}.{token}.partial{dest.suffix}")
    workdir = dest.with_name(f".{dest.stem}.{token}.parts")
    plan = build_plan(info, chain, partial, workdir=workdir, preview=preview, clip_infos=clip_infos)
    try:
        workdir.mkdir(parents=True)
        for path, text in plan.side_files.items():
            path.write_text(text, encoding="utf-8")
        if plan.output.codec == "gif" and plan.output.compress:
            _fit_gif_under_target(info, chain, plan, partial, on_progress, should_cancel, clip_infos)
        else:
            _run_passes(plan, partial, on_progress, should_cancel)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return probe(dest)


def _probe_clips(chain: Iterable[Op]) -> dict[str, MediaInfo]:
    """Facts about every extra input up front, so a bad clip fails before any work starts."""
    infos: dict[str, MediaInfo] = {}
    for op in chain:
        if isinstance(op, Join):
            for clip in op.clips:
                infos[clip] = infos.get(clip) or usable_video(clip)
    return infos


def _run_passes(plan: RenderPlan, partial: Path, on_progress: ProgressFn | None,
                should_cancel: CancelFn | None) -> None:
    sized = plan.video_kbps is not None  # a bitrate size target (GIFs are fitted by the caller)
    scale = 1.0 - (SIZE_CHECK_SHARE if sized else 0.0)
    count = len(plan.passes)
    for index, step in enumerate(plan.passes):
        report = _scaled(on_progress, index / count * scale, scale / count)
        run_ffmpeg(step.args, duration_s=plan.duration, on_progress=report, should_cancel=should_cancel,
                   label=step.label)
    if sized:
        _land_under_target(plan, partial, on_progress, should_cancel)
        if on_progress:
            on_progress(1.0, "encode")


def _land_under_target(plan: RenderPlan, partial: Path, on_progress: ProgressFn | None,
                       should_cancel: CancelFn | None) -> None:
    """Re-run the second pass at a corrected bitrate while the file misses the 95-100% window."""
    target = plan.output.compress.target_mb * MB  # type: ignore[union-attr]
    low, high = SIZE_WINDOW[0] * target, SIZE_WINDOW[1] * target
    kbps = plan.video_kbps or 0
    audio_bytes = (plan.audio_kbps or 0) * 1000 * plan.duration / 8
    for attempt in range(1, MAX_SIZE_REFINES + 1):
        size = partial.stat().st_size
        if low <= size <= high:
            return
        video_bytes = max(size - audio_bytes, 1.0)
        goal = (low + high) / 2 - audio_bytes
        kbps = max(1, int(kbps * goal / video_bytes))
        share = SIZE_CHECK_SHARE / MAX_SIZE_REFINES
        report = _scaled(on_progress, 1.0 - SIZE_CHECK_SHARE + (attempt - 1) * share, share)
        run_ffmpeg(plan.final_pass(partial, kbps).args, duration_s=plan.duration, on_progress=report,
                   should_cancel=should_cancel, label="refine size")
    size = partial.stat().st_size
    if size > high:
        raise MediaError(f"The encoder could not fit the clip under {target / MB:g} MB "
                         f"(it made {size / MB:.2f} MB).",
                         "Choose a slightly larger target or trim the clip.")


def _fit_gif_under_target(info: MediaInfo, chain: list[Op], plan: RenderPlan, partial: Path,
                          on_progress: ProgressFn | None, should_cancel: CancelFn | None,
                          clip_infos: Mapping[str, MediaInfo]) -> None:
    """Render the GIF, then step its width and frame rate down until the file fits the target."""
    target = plan.output.compress.target_mb * MB  # type: ignore[union-attr]
    current: Step = (plan.state.width, plan.state.fps)
    steps = ladder(*current)
    for attempt in range(MAX_GIF_RENDERS):
        share = (1.0 - SIZE_CHECK_SHARE) if attempt == 0 else SIZE_CHECK_SHARE / (MAX_GIF_RENDERS - 1)
        start = 0.0 if attempt == 0 else 1.0 - SIZE_CHECK_SHARE + (attempt - 1) * share
        _run_passes(plan, partial, _scaled(on_progress, start, share), should_cancel)
        size = partial.stat().st_size
        if size <= target:
            return
        step = next_step(current, size, target, steps)
        if step is None or attempt == MAX_GIF_RENDERS - 1:
            break
        current = step
        smaller = [replace(op, gif_width=step[0], gif_fps=step[1]) if isinstance(op, FormatSpec) else op
                   for op in chain]
        plan = build_plan(info, smaller, partial, workdir=plan.workdir, clip_infos=clip_infos)
    raise InvalidInput(f"Even at {current[0]} px wide and {current[1]:g} fps the GIF is {size / MB:.2f} MB, "
                       f"over the {target / MB:g} MB target.",
                       "Trim the clip, allow a larger file, or choose MP4 or WebM, which are far smaller.")


def _never_backwards(on_progress: ProgressFn | None) -> ProgressFn | None:
    """ffmpeg may report an unknown (N/A) or negative time early on: pass on only new highs."""
    if on_progress is None:
        return None
    best = [0.0]

    def report(fraction: float, label: str) -> None:
        best[0] = max(best[0], min(fraction, 1.0))
        on_progress(best[0], label)

    return report


def _scaled(on_progress: ProgressFn | None, start: float, span: float) -> ProgressFn | None:
    if on_progress is None:
        return None
    return lambda fraction, label: on_progress(start + span * fraction, label)

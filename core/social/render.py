"""render_pack: every platform from one decode of the source, then thumbnails, a safe-zone
preview and the compliance checks. A platform that fails is reported; the others finish."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import av

from core.errors import Cancelled, MediaError, StudioError
from core.media.ffmpeg import CancelFn, run_ffmpeg
from core.media.probe import probe
from core.social import analysis
from core.social.captions import ass_document
from core.social.clearance import text_check, text_in_output
from core.social.command import Job, pack_args, render_key
from core.social.compliance import compliance, stream_facts
from core.social.models import PackPlan, PackResult, PlatformOutput
from core.social.progress import PackProgress, PackProgressFn
from core.social.reframe import focus_at
from core.social.safezone import safe_zone_preview
from core.social.thumbnails import Preview, Thumb, render_thumbnails
from core.storage import link_or_copy

SHARE_IDENTICAL = True  # platforms whose files would be identical share one encode


def render_pack(plan: PackPlan, out_dir: str | Path, on_progress: PackProgressFn | None = None,
                should_cancel: CancelFn | None = None) -> PackResult:
    """Render the plan into `out_dir`. Raises Cancelled when asked to stop (nothing half-written
    is left); any other failure is reported on the platform it belongs to."""
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".pack-", dir=out))
    progress = PackProgress(plan, on_progress)
    outputs = {p.id: PlatformOutput(platform=p.id, name=p.spec.name, notes=list(p.notes),
                                    warnings=list(p.warnings), error=p.error) for p in plan.platforms}
    try:
        preview = _render_all(plan, out, work, outputs, progress, should_cancel)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return PackResult(plan=plan, out_dir=out, outputs=[outputs[p.id] for p in plan.platforms],
                      preview=preview, elapsed_s=time.monotonic() - started)


def _render_all(plan: PackPlan, out: Path, work: Path, outputs: dict[str, PlatformOutput],
                progress: PackProgress, should_cancel) -> Path | None:
    """Videos, then thumbnails and the preview, then checks. Returns the preview's path."""
    jobs = _jobs(plan, work)
    if not jobs:
        return None
    samples = None
    if plan.request.focus == "auto" and any(j.plan.mode == "crop" for j in jobs):
        samples = _sample(plan, work, progress, should_cancel)
        track = analysis.focus_track(samples)
        jobs = [replace(j, track=track) if j.plan.mode == "crop" else j for j in jobs]
    tap = None if samples is not None else analysis.Tap.for_source(
        plan.source.width, plan.source.height, plan.read_span_s)
    failures = _render_videos(plan, jobs, tap, work, progress, should_cancel)
    jobs = [j for j in jobs if j.plan.id not in failures]
    jobs, refit_failures = _refit_oversized(plan, jobs, work, outputs, progress, should_cancel)
    for pid, message in {**failures, **refit_failures}.items():
        outputs[pid].error = message
    jobs = [j for j in jobs if j.plan.id not in refit_failures]
    if not jobs:
        return None
    if samples is None:
        tap_file = work / "tap.gray"
        samples = (analysis.read_samples(tap_file, tap) if tap_file.exists()
                   else _sample(plan, work, progress, should_cancel))
    with ThreadPoolExecutor(max_workers=1) as pool:  # the files are read while ffmpeg draws the stills
        stills = pool.submit(_thumbnails_and_preview, plan, jobs, samples, out, work, outputs, should_cancel)
        read = _read_videos(jobs)
        preview = stills.result()
    for job in jobs:
        try:
            _finish(plan, job, out, outputs[job.plan.id], read)
        except (StudioError, OSError) as exc:
            outputs[job.plan.id].error = f"The finished file could not be checked: {exc}"
        progress.report(job.plan.id, 1.0)
    return preview


def _read_videos(jobs: list[Job]) -> dict[tuple[int, int], tuple]:
    """(device, inode) -> probe and stream facts of each distinct rendered file (platforms sharing
    one encode share one file); a file that cannot be read is left for _finish to report."""
    read: dict[tuple[int, int], tuple] = {}
    for job in jobs:
        try:
            stat = job.video.stat()
            if (stat.st_dev, stat.st_ino) not in read:
                read[(stat.st_dev, stat.st_ino)] = (probe(job.video), stream_facts(job.video))
        except (StudioError, OSError, av.error.FFmpegError):
            continue
    return read


def output_stem(plan: PackPlan) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(plan.request.source).stem).strip("_")
    return stem[:40] or "video"


def _jobs(plan: PackPlan, work: Path) -> list[Job]:
    stem = output_stem(plan)
    jobs = []
    for p in plan.renderable:
        captions = None
        if p.cues:
            captions = work / f"captions_{p.id}.ass"
            safe = p.spec.safe_zone.scaled(p.width, p.height)
            captions.write_text(ass_document(p.cues, plan.request.caption_style, safe), encoding="utf-8")
        jobs.append(Job(plan=p, video=work / f"{stem}_{p.id}.mp4", captions=captions,
                        passlog=work / f"pass_{p.id}" if p.fit_video_kbps else None))
    return jobs


def _sample(plan: PackPlan, work: Path, progress: PackProgress, should_cancel) -> analysis.Samples:
    tap = analysis.Tap.for_source(plan.source.width, plan.source.height, plan.read_span_s)
    return analysis.sample(plan.request.source, plan.request.segment_start, plan.read_span_s, tap, work,
                           on_progress=progress.analysis, should_cancel=should_cancel)


def _render_videos(plan: PackPlan, jobs: list[Job], tap, work: Path, progress: PackProgress,
                   should_cancel) -> dict[str, str]:
    """Render each distinct file once (platforms whose files would be identical share one
    encode) and copy it to its twins. Returns {platform id: error message} for failures."""
    firsts: dict[object, Job] = {}
    twin_of = {}
    for job in jobs:
        key = render_key(job) if SHARE_IDENTICAL else job.plan.id
        if key in firsts:
            twin_of[job.plan.id] = firsts[key]
        else:
            firsts[key] = job
    progress.twins = {j.plan.id: [t for t, first in twin_of.items() if first is j] for j in firsts.values()}
    failures = _render_distinct(plan, list(firsts.values()), tap, work, progress, should_cancel)
    for job in jobs:
        first = twin_of.get(job.plan.id)
        if first and first.plan.id in failures:
            failures[job.plan.id] = failures[first.plan.id]
        elif first:
            link_or_copy(first.video, job.video)
    return failures


def _render_distinct(plan: PackPlan, jobs: list[Job], tap, work: Path, progress: PackProgress,
                     should_cancel) -> dict[str, str]:
    """All jobs in one run; if that run fails, each job alone so one bad platform spoils nothing."""
    try:
        _run(plan, jobs, tap, work, progress, should_cancel)
        return {}
    except Cancelled:
        raise
    except MediaError as exc:
        if len(jobs) == 1:
            return {jobs[0].plan.id: str(exc)}
    (work / "tap.gray").unlink(missing_ok=True)  # partial: the frames are sampled again later
    failures = {}
    for job in jobs:
        try:
            _run(plan, [job], None, work, progress, should_cancel)
        except Cancelled:
            raise
        except MediaError as exc:
            failures[job.plan.id] = str(exc)
    return failures


def _refit_oversized(plan: PackPlan, jobs: list[Job], work: Path, outputs, progress: PackProgress,
                     should_cancel) -> tuple[list[Job], dict[str, str]]:
    """Outputs over their size cap at constant quality are encoded again, two-pass at the budget."""
    over = [j for j in jobs if j.plan.size_budget_kbps and not j.plan.fit_video_kbps
            and j.video.stat().st_size > j.plan.spec.max_file_bytes]
    if not over:
        return jobs, {}
    refits = {}
    for job in over:
        budget = job.plan.size_budget_kbps
        outputs[job.plan.id].notes.append(f"Over the size cap at constant quality: encoded again, "
                                          f"two-pass at {budget} kbps.")
        refits[job.plan.id] = replace(job, plan=job.plan.model_copy(update={"fit_video_kbps": budget}),
                                      passlog=work / f"pass_{job.plan.id}")
    failures = _render_videos(plan, list(refits.values()), None, work, progress, should_cancel)
    return [refits.get(j.plan.id, j) for j in jobs], failures


def _run(plan: PackPlan, jobs: list[Job], tap, work: Path, progress: PackProgress, should_cancel) -> None:
    two_pass = [j for j in jobs if j.passlog]
    longest = max(j.plan.duration_s for j in jobs)
    if two_pass:
        run_ffmpeg(pack_args(plan, two_pass, first_pass=True), duration_s=longest,
                   on_progress=progress.render(two_pass, longest, first_pass=True),
                   should_cancel=should_cancel, label="analyse for size (pass 1)")
    label = "render the pack" if len(jobs) > 1 else f"render {jobs[0].plan.spec.name}"
    run_ffmpeg(pack_args(plan, jobs, tap=tap, tap_path=work / "tap.gray" if tap else None),
               duration_s=longest, on_progress=progress.render(jobs, longest),
               should_cancel=should_cancel, label=label)


def _thumbnails_and_preview(plan: PackPlan, jobs: list[Job], samples, out: Path, work: Path, outputs,
                            should_cancel) -> Path | None:
    """Every platform's thumbnail and the safe-zone picture (from the first thumbnail's frame) in
    one run; when that fails, each alone, so one that cannot be made spoils nothing else.
    Returns the preview's path (None when not asked for or not made)."""
    thumbs = []
    for job in jobs:
        p = job.plan
        t = analysis.best_time(samples, until=p.source_span_s)
        focus = focus_at(job.track, t) if job.track else (p.focus if p.focus != "auto" else (0.5, 0.5))
        thumbs.append(Thumb(plan=p, time_s=t, path=job.video.with_suffix(".jpg"), focus=focus))
    name = f"{output_stem(plan)}_safe_zones.png"
    preview = Preview(work / name, [j.plan.spec for j in jobs], plan.request.reframe,
                      thumbs[0].focus) if plan.request.safe_zone_preview else None
    try:
        render_thumbnails(plan, thumbs, work, should_cancel, preview)
    except Cancelled:
        raise
    except MediaError:
        for thumb in thumbs:
            try:
                render_thumbnails(plan, [thumb], work, should_cancel)
            except MediaError as exc:
                outputs[thumb.plan.id].warnings.append(f"No thumbnail: {exc}")
        if preview:
            _preview_alone(plan, preview, thumbs[0], jobs, outputs)
    if preview and preview.path.exists():
        os.replace(preview.path, out / name)
        return out / name
    return None


def _preview_alone(plan: PackPlan, preview: Preview, first: Thumb, jobs: list[Job], outputs) -> None:
    try:
        safe_zone_preview(plan.request.source, preview.specs, preview.path,
                          at_s=plan.request.segment_start + first.time_s, reframe=preview.reframe,
                          focus=preview.focus)
    except Cancelled:
        raise
    except StudioError as exc:
        for job in jobs:
            outputs[job.plan.id].warnings.append(f"No safe-zone preview: {exc}")


def _finish(plan: PackPlan, job: Job, out: Path, result: PlatformOutput, read: dict) -> None:
    """Move the files into place, then probe and check them (text burned in by earlier edits
    included, where the crop really put it). A file shared by several platforms (hard links of
    one encode) is read once: `read` keeps what was read, by file identity."""
    video = out / job.video.name
    os.replace(job.video, video)
    made = job.video.with_suffix(".jpg")
    thumbnail = out / made.name
    if made.exists():
        os.replace(made, thumbnail)
    stat = video.stat()
    identity = (stat.st_dev, stat.st_ino)
    if identity not in read:
        read[identity] = (probe(video), stream_facts(video))
    info, facts = read[identity]
    info = replace(info, path=str(video))
    result.video, result.thumbnail = video, thumbnail if thumbnail.exists() else None
    result.size_bytes, result.duration_s = info.size_bytes, info.duration_s
    result.width, result.height, result.fps = info.width, info.height, info.fps
    result.checks = compliance(video, job.plan.spec, thumbnail, known=(info, facts))
    shown = text_in_output(plan.request.burned_text, job.plan, (plan.source.width, plan.source.height),
                           plan.request.segment_start, job.track)
    text = text_check(job.plan, shown)
    if text is not None:
        result.checks.append(text)

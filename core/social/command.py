"""The ffmpeg command of a pack: one decode, a split, one chain and one encoder per platform.

Several encoders share the machine, so each gets a share of the cores and a lookahead sized to
a pixel budget: memory stays flat however many platforms are chosen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.media.encoding import BT709_FILTER, VideoEncoding, audio_args, bt709_conversion
from core.media.normalise import prelude_prefix
from core.media.probe import MediaInfo
from core.social.analysis import Tap
from core.social.captions import ass_filter
from core.social.filters import num, rate
from core.social.models import PackPlan, PlatformPlan
from core.social.reframe import reframe_statements

READ_SLACK_S = 0.1  # decode a little past the longest span so every trim gets its last frame
MP4_FLAGS = ["-movflags", "+faststart+negative_cts_offsets", "-use_editlist", "0"]
PRESET_LOOKAHEAD = {"superfast": 0, "veryfast": 10, "faster": 20, "fast": 30, "medium": 40, "slow": 50}
LOOKAHEAD_PIXEL_BUDGET = 15_000_000  # lookahead frames x output pixels, summed over one run's encoders
MIN_LOOKAHEAD = 3
B_FRAMES = 2  # YouTube's encoding guidance asks for 2 consecutive B-frames


@dataclass(frozen=True)
class Job:
    """One platform's render: its plan, where it writes, and what was worked out for it."""

    plan: PlatformPlan
    video: Path
    captions: Path | None = None  # ASS file at the output size
    track: list[tuple[float, float, float]] | None = None  # auto-focus (t, fx, fy)
    passlog: Path | None = None  # two-pass statistics prefix

    @property
    def tag(self) -> str:
        return "p" + "".join(c for c in self.plan.id if c.isalnum())


def render_key(job: Job) -> tuple:
    """Everything that shapes a job's file: jobs with equal keys would write identical files."""
    p = job.plan
    captions = job.captions.read_text(encoding="utf-8") if job.captions else ""
    return (p.width, p.height, p.fps, p.duration_s, p.source_span_s, p.hold_s, p.mode, p.crop, p.focus,
            p.audio, p.audio_kbps, p.video_kbps_cap, p.fit_video_kbps, p.gop_frames, captions,
            tuple(job.track or ()))


def encoder_threads(encoders: int) -> int:
    """Threads per encoder when `encoders` run at once (fewer threads, fewer frames in flight)."""
    return max(1, round((os.cpu_count() or 2) / max(encoders, 1)))


def lookahead_frames(preset: str, sizes: list[tuple[int, int]]) -> int:
    """x264 rate-control lookahead for every encoder of a run: the preset's, or less when the
    outputs together are large."""
    budget = LOOKAHEAD_PIXEL_BUDGET // max(sum(w * h for w, h in sizes), 1)
    return min(PRESET_LOOKAHEAD.get(preset, 10), max(MIN_LOOKAHEAD, budget))


def pack_args(plan: PackPlan, jobs: list[Job], *, tap: Tap | None = None, tap_path: Path | None = None,
              first_pass: bool = False) -> list[str]:
    """ffmpeg arguments rendering `jobs` from one decode of the source.

    With `first_pass` only the video of two-pass jobs is encoded, to their statistics files.
    With `tap`, the same decode also writes sampled grey frames to `tap_path`.
    """
    span = max(j.plan.source_span_s for j in jobs)
    video_labels = [f"{j.tag}v" for j in jobs]
    outs = "".join(f"[{lab}]" for lab in video_labels) + ("[tapin]" if tap else "")
    # the source prelude (HDR, pixel shape) runs once, before the split
    graph = [f"[0:v:0]{prelude_prefix(plan.source)}split={len(jobs) + (1 if tap else 0)}{outs}"]
    if tap:
        graph.append(f"[tapin]trim=end={num(span)},{tap.chain()}[tap]")
    for job, label in zip(jobs, video_labels):
        graph += _video_statements(job, label, f"{job.tag}out", plan.source)
    with_audio = [] if first_pass else [j for j in jobs if j.plan.audio != "none"]
    graph += _audio_statements(with_audio, plan.source.has_audio)
    args = ["-threads", "1", "-ss", num(plan.request.segment_start), "-t", num(span + READ_SLACK_S),
            "-i", str(plan.request.source), "-filter_complex", ";".join(graph)]
    sizes = [(j.plan.width, j.plan.height) for j in jobs]
    tuning = {"threads": encoder_threads(len(jobs)),
              "lookahead": lookahead_frames(plan.request.preset, sizes)}
    for job in jobs:
        args += _output_args(plan, job, first_pass, **tuning)
    if tap and tap_path:
        args += ["-map", "[tap]", *tap.output_args(tap_path)]
    return args


def _video_statements(job: Job, label_in: str, label_out: str, source: MediaInfo) -> list[str]:
    p = job.plan
    timing = [f"trim=end={num(p.source_span_s)}"]
    if p.hold_s > 0:
        timing += [f"tpad=stop_mode=clone:stop_duration={num(p.hold_s + 0.1)}",
                   f"trim=end={num(p.duration_s)}"]
    timing.append(f"fps={rate(p.fps)}")
    finish = [ass_filter(job.captions)] if job.captions else []
    finish += [*bt709_conversion(source.color_matrix, source.height), "format=yuv420p", BT709_FILTER]
    return reframe_statements(
        label_in, label_out, mode=p.mode, src=(source.width, source.height), window=p.crop, out=(p.width, p.height),
        tag=job.tag, focus=p.focus if p.focus != "auto" else (0.5, 0.5), track=job.track,
        before=",".join(timing), after=",".join(finish))


def _audio_statements(jobs: list[Job], source_has_audio: bool) -> list[str]:
    from_source = {j.plan.id for j in jobs if j.plan.audio == "source" and source_has_audio}
    statements = []
    if from_source:
        statements.append(f"[0:a:0]asplit={len(from_source)}"
                          + "".join(f"[{j.tag}a]" for j in jobs if j.plan.id in from_source))
    for job in jobs:
        p = job.plan
        if p.id in from_source:
            statements.append(
                f"[{job.tag}a]atrim=end={num(p.source_span_s)},aresample=48000,"
                f"aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur={num(p.duration_s)}"
                f"[{job.tag}aout]")
        else:
            statements.append(f"anullsrc=r=48000:cl=stereo,atrim=end={num(p.duration_s)}[{job.tag}aout]")
    return statements


def video_encoding(plan: PackPlan, p: PlatformPlan) -> VideoEncoding:
    return VideoEncoding(crf=plan.request.crf, preset=plan.request.preset,
                         max_bitrate_kbps=p.video_kbps_cap, gop_frames=p.gop_frames,
                         bitrate_kbps=p.fit_video_kbps)


def _output_args(plan: PackPlan, job: Job, first_pass: bool, threads: int, lookahead: int) -> list[str]:
    p = job.plan
    x264 = [f"rc-lookahead={lookahead}", f"bframes={B_FRAMES}"]
    if job.passlog:  # x264's own stats file: ffmpeg's -passlogfile names it by global stream index
        x264 += [f"pass={1 if first_pass else 2}", f"stats={_x264_escape(job.passlog)}"]
    video = ["-map", f"[{job.tag}out]", *video_encoding(plan, p).args(), "-threads", str(threads),
             "-x264-params", ":".join(x264)]
    if first_pass:
        return [*video, "-an", "-f", "null", "-"]
    audio = ["-map", f"[{job.tag}aout]", *audio_args(p.audio_kbps)] if p.audio != "none" else ["-an"]
    return [*video, *audio, "-map_metadata", "-1", "-map_chapters", "-1", *MP4_FLAGS,
            "-f", "mp4", str(job.video)]


def _x264_escape(path: Path) -> str:
    return "".join("\\" + c if c in "\\':=" else c for c in str(path))

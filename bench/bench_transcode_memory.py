"""Memory benchmark: peak RSS of a 60 s 4K transcode through the engine (target < 400 MB).

The transcode's memory is its ffmpeg process's peak (the kernel-kept VmHWM, which also catches
spikes between samples) plus whatever this Python process grows by while ffmpeg runs; frames
never pass through Python, so that growth is near zero. This process's own baseline (the interpreter
and the engine's imports, there before and after any render) is printed but not counted.
The same run transcodes the same source with the command a person would type
(`ffmpeg -i src -c:v libx264 -preset veryfast -crf 20 -c:a aac out.mp4`) and prints the ratio.
RSS is sampled from /proc every 50 ms, so the timeline shows whether memory grows with length.
Exits non-zero when the target is missed, in --smoke mode too (a 4 s 640x360 clip, same target).
Run:  .venv/bin/python bench/bench_transcode_memory.py [--smoke] [--no-hand]
      [--target transcode_mb=1]   # a deliberately impossible target: must exit 1
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from core.media.encoding import bt709_conversion  # noqa: E402
from core.media.ffmpeg import run_ffmpeg  # noqa: E402
from core.media.ops import FormatSpec  # noqa: E402
from core.media.probe import MediaInfo, probe  # noqa: E402
from core.media.render import render  # noqa: E402
from core.media.sources import lavfi_clip_args  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGETS = {"transcode_mb": Target(400.0, unit=" MB")}
SAMPLE_EVERY_S = 0.05


def make_source(smoke: bool) -> Path:
    seconds, size = (4.0, "640x360") if smoke else (60.0, "3840x2160")
    path = OUT / f"transcode_source_{size}_{seconds:g}s.mp4"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        print(f"making the {size} {seconds:g} s source once (cached in bench/out) ...", flush=True)
        run_ffmpeg([*lavfi_clip_args(seconds, size, 30), "-c:v", "libx264", "-preset", "ultrafast",
                    "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                   label="make the source clip")
    return path


def status_kb(pid: int, field: str) -> int:
    """A 'VmRSS'/'VmHWM' line of /proc/<pid>/status in kB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children_of(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    return found


class PeakSampler(threading.Thread):
    """Tracks the children's VmHWM, this process's peak VmRSS while a child runs (so a probe
    before or after ffmpeg is not added to ffmpeg's peak), and a timeline of the children's RSS."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.me = os.getpid()
        self.stop = threading.Event()
        self.self_peak_kb = 0
        self.child_hwm_kb = 0
        self.tree_peak_kb = 0
        self.timeline: list[tuple[float, int]] = []  # (seconds since start, children's RSS kB)

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stop.is_set():
            kids = children_of(self.me)
            mine = status_kb(self.me, "VmRSS")
            theirs = sum(status_kb(k, "VmRSS") for k in kids)
            if theirs:
                self.self_peak_kb = max(self.self_peak_kb, mine)
            self.tree_peak_kb = max(self.tree_peak_kb, mine + theirs)
            self.child_hwm_kb = max([self.child_hwm_kb, *(status_kb(k, "VmHWM") for k in kids)])
            if theirs:
                self.timeline.append((time.perf_counter() - started, theirs))
            time.sleep(SAMPLE_EVERY_S)


def measured(label: str, work) -> tuple[PeakSampler, float, int]:
    """Run `work()` under a sampler; returns the sampler, wall seconds and this process's RSS before."""
    before = status_kb(os.getpid(), "VmRSS")
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    work()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    print(f"{label}: {wall:.1f} s", flush=True)
    return sampler, wall, before


def timeline_text(sampler: PeakSampler) -> str:
    """ffmpeg's RSS at each tenth of the run: flat means memory does not grow with length."""
    points = sampler.timeline
    if not points:
        return "(no samples)"
    picks = [points[min(len(points) - 1, round(i * (len(points) - 1) / 10))] for i in range(11)]
    return " ".join(f"{kb / 1024:.0f}" for _, kb in picks)


def hand_transcode(src: Path, dest: Path) -> None:
    """The command a person would type for the same job (x264's own defaults for threads)."""
    run_ffmpeg(["-i", str(src), "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart",
                str(dest)], label="hand-written transcode")


def _as_bt709(info: MediaInfo) -> str:
    """Filters that express a picture in BT.709 the way the engine reads it (BT.601 for tagged
    or untagged SD, BT.709 otherwise), then tag it, so both sides are compared as seen."""
    tags = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
    return ",".join([*bt709_conversion(info.color_matrix, info.height), tags])


def ssim(encoded: Path, source: Path, seconds: float = 5.0) -> float:
    """SSIM (all planes) of the first `seconds` of `encoded` against `source`: equal memory
    savings mean nothing if the picture got worse. Both sides are first expressed in BT.709,
    so the engine's BT.601 -> BT.709 conversion of an SD source is not counted as a loss."""
    graph = f"[0:v]{_as_bt709(probe(encoded))}[a];[1:v]{_as_bt709(probe(source))}[b];[a][b]ssim"
    log = run_ffmpeg(["-t", str(seconds), "-i", str(encoded), "-t", str(seconds), "-i", str(source),
                      "-lavfi", graph, "-f", "null", "-"], label="measure SSIM")
    match = re.search(r"All:([0-9.]+)", log)
    return float(match.group(1)) if match else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="4 s 640x360 source (CI)")
    parser.add_argument("--no-hand", action="store_true", help="skip the hand-written baseline")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(TARGETS, args.target)
    src = make_source(args.smoke)
    info = probe(src)
    print(f"source: {info.summary()}")
    engine_out = OUT / f"transcode_engine_{src.stem.split('_', 2)[2]}.mp4"
    engine, wall, baseline_kb = measured(
        "engine", lambda: render(src, [FormatSpec("mp4", "h264")], engine_out))
    out = probe(engine_out)
    mb = 1024
    growth_kb = max(0, engine.self_peak_kb - baseline_kb)
    transcode_mb = (engine.child_hwm_kb + growth_kb) / mb
    print(f"output: {out.summary()}, {out.size_bytes / 1e6:.1f} MB, faststart={out.faststart}")
    print(f"wall time {wall:.1f} s ({info.duration_s / wall:.2f}x real time)")
    print(f"ffmpeg RSS over the run, MB at each tenth: {timeline_text(engine)}")
    print(f"peak RSS, ffmpeg (VmHWM):                        {engine.child_hwm_kb / mb:.0f} MB")
    print(f"this process: {baseline_kb / mb:.0f} MB before the render, grew by {growth_kb / mb:.0f} MB while ffmpeg ran")
    print(f"peak RSS, this process + ffmpeg (sampled):       {engine.tree_peak_kb / mb:.0f} MB")
    print(f"transcode memory (ffmpeg + this process's growth): {transcode_mb:.0f} MB")
    if not args.no_hand:
        hand_out = engine_out.with_name(engine_out.name.replace("engine", "hand"))
        hand, hand_wall, _ = measured("hand-written command", lambda: hand_transcode(src, hand_out))
        hand_size = hand_out.stat().st_size / 1e6
        print(f"hand-written: peak {hand.child_hwm_kb / mb:.0f} MB, {hand_wall:.1f} s, {hand_size:.1f} MB file")
        print(f"ratio engine / hand: memory {engine.child_hwm_kb / max(hand.child_hwm_kb, 1):.2f},"
              f" time {wall / hand_wall:.2f}, file size {out.size_bytes / 1e6 / hand_size:.2f}")
        print(f"SSIM of the first 5 s against the source: engine {ssim(engine_out, src):.5f},"
              f" hand {ssim(hand_out, src):.5f}")
    return 1 if judge({"transcode_mb": transcode_mb}, targets) else 0


if __name__ == "__main__":
    raise SystemExit(main())

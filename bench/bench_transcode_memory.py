"""Memory benchmark: peak RSS of a 60 s 4K transcode through the engine (target < 400 MB).

Samples VmRSS of this process and of its ffmpeg child from /proc every 50 ms (the sum is the
process tree's footprint), and reads each process's kernel-kept peak (VmHWM) as well, which
also catches spikes between samples. Frames never pass through Python, so this process stays
small and ffmpeg's memory is bounded by its own buffers, not by the clip's length.
Run:  .venv/bin/python bench/bench_transcode_memory.py [--smoke]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.media.ffmpeg import run_ffmpeg  # noqa: E402
from core.media.ops import FormatSpec  # noqa: E402
from core.media.probe import probe  # noqa: E402
from core.media.render import render  # noqa: E402
from core.media.sources import lavfi_clip_args  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_MB = 400
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
    """Tracks the peak of (self + children) VmRSS, and the children's VmHWM."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.me = os.getpid()
        self.stop = threading.Event()
        self.tree_peak_kb = 0
        self.child_hwm_kb = 0
        self.samples = 0

    def run(self) -> None:
        while not self.stop.is_set():
            kids = children_of(self.me)
            tree = status_kb(self.me, "VmRSS") + sum(status_kb(k, "VmRSS") for k in kids)
            self.tree_peak_kb = max(self.tree_peak_kb, tree)
            self.child_hwm_kb = max([self.child_hwm_kb, *(status_kb(k, "VmHWM") for k in kids)])
            self.samples += 1
            time.sleep(SAMPLE_EVERY_S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="4 s 640x360 source (CI)")
    args = parser.parse_args()
    src = make_source(args.smoke)
    info = probe(src)
    print(f"source: {info.summary()}")
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    out = render(src, [FormatSpec("mp4", "h264")], OUT / "transcode_engine.mp4")
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    mb = 1024
    print(f"output: {out.summary()}, {out.size_bytes / 1e6:.1f} MB, faststart={out.faststart}")
    print(f"wall time {wall:.1f} s ({info.duration_s / wall:.2f}x real time), {sampler.samples} samples")
    print(f"peak RSS, this process + ffmpeg (sampled): {sampler.tree_peak_kb / mb:.0f} MB")
    print(f"peak RSS, ffmpeg alone (VmHWM):            {sampler.child_hwm_kb / mb:.0f} MB")
    print(f"peak RSS, this process (VmHWM):             {status_kb(os.getpid(), 'VmHWM') / mb:.0f} MB")
    tree_mb = max(sampler.tree_peak_kb, sampler.child_hwm_kb) / mb
    verdict = "met" if tree_mb < TARGET_MB else "MISSED"
    print(f"target < {TARGET_MB} MB for the tree: {verdict}")
    return 0 if args.smoke or tree_mb < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())

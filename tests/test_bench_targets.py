"""Every benchmark's smoke mode judges its targets: a deliberately impossible target exits 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# each benchmark with an impossible target, and its slow baselines left out (not what is proven)
RUNS = {
    "bench_social_pack.py": ["--no-naive", "--target", "studio/hand=0.01"],
    "bench_edit_chain.py": ["--no-moviepy", "--target", "engine/hand=0.01"],
    "bench_transcode_memory.py": ["--no-hand", "--target", "transcode_mb=1"],
    "bench_estimate.py": ["-n", "100", "--target", "studio=0.001"],
    "bench_jobs.py": ["--jobs", "8", "--target", "studio/hand=0.01"],
    "bench_voice.py": ["--target", "synthesize=0.0001"],
    "bench_library_search.py": ["-n", "2000", "-q", "40", "--target", "search_p95_ms=0.001"],
    "bench_compare.py": ["--target", "compare_p95_ms=0.001"],
    "bench_scale.py": ["--jobs", "8", "--workers", "1", "--target", "default/hand=0.01"],
}


def test_every_benchmark_is_listed():
    assert {p.name for p in (ROOT / "bench").glob("bench_*.py")} == set(RUNS)


def test_a_missed_target_fails_every_smoke_run():
    procs = {name: subprocess.Popen([sys.executable, str(ROOT / "bench" / name), "--smoke", *args], cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for name, args in RUNS.items()}
    for name, proc in procs.items():
        output, _ = proc.communicate(timeout=280)
        assert proc.returncode == 1, (name, output[-2000:])
        assert "TARGETS MISSED" in output and "Traceback" not in output, (name, output[-2000:])

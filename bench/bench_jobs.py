"""Job-system overhead: 200 concurrent paid jobs against a fake WaveSpeed on loopback.

Compares the studio (preflight, ledger, persisted jobs, step scheduler, download, library row
with probe and poster) against the least a client can do: a hand-written thread pool of httpx
calls doing submit -> poll -> download for the same 200 tasks, with the same poll interval.
Prints both wall times, the per-job overhead and the ratio.

    python bench/bench_jobs.py            # 200 jobs; target studio/hand <= 1.15
    python bench/bench_jobs.py --smoke    # 40 jobs; target studio/hand <= 2.0 (fixed costs weigh more)
    python bench/bench_jobs.py --smoke --target studio/hand=0.01   # impossible: must exit 1

Exits 1 when the target is missed, any job fails or a submit repeats.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from core.library.models import JobStatus  # noqa: E402
from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from core.media.ffmpeg import ffmpeg_exe  # noqa: E402
from tests.fakes.wavespeed_vendor import start_fake_wavespeed  # noqa: E402

MODEL_PATH = "alibaba/wan-2.5/text-to-video"
POLL_S = 0.2
STEPS = ["created", "processing", "processing", "completed"]
TARGETS = {"studio/hand": Target(1.15)}
SMOKE_TARGETS = {"studio/hand": Target(2.0)}


def tiny_clip(folder: Path) -> bytes:
    out = folder / "vendor.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25:duration=1", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out.read_bytes()


def baseline(base_url: str, jobs: int, out: Path) -> float:
    """Submit, poll and download each task from a thread pool: nothing else."""
    headers = {"Authorization": "Bearer test-key"}

    def one(index: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            task = client.post(f"/api/v3/{MODEL_PATH}", json={"prompt": f"p{index}", "size": "832*480",
                                                              "duration": 5}).json()["data"]["id"]
            while True:
                data = client.get(f"/api/v3/predictions/{task}/result").json()["data"]
                if data["status"] == "completed":
                    break
                time.sleep(POLL_S)
            (out / f"{index}.mp4").write_bytes(client.get(data["outputs"][0]).content)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, range(jobs)))
    return time.perf_counter() - started


def studio_run(base_url: str, jobs: int, home: Path) -> tuple[float, dict]:
    os.environ.update({"VIDEO_STUDIO_HOME": str(home), "WAVESPEED_API_KEY": "test-key",
                       "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_PLAN": "studio",
                       "VIDEO_STUDIO_WORKERS": "32", "VIDEO_STUDIO_MIN_POLL_S": str(POLL_S),
                       "VIDEO_STUDIO_MAX_POLL_S": str(POLL_S),
                       "VIDEO_STUDIO_TEST_MODE": "1"})
    from app import build_studio

    studio = build_studio().start()
    request = {"prompt": "bench", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "480p", "duration": 5}
    started = time.perf_counter()
    ids = []
    for index in range(jobs):
        answer = studio.create({**request, "prompt": f"bench {index}"}, owner="local")
        assert answer["ok"], answer["issues"]
        ids += answer["job_ids"]
    while True:  # one light query a quarter second: the waiting must not load the machine it measures
        rows = [r for r in studio.jobs.list(owner="local", limit=jobs + 10) if r.id in set(ids)]
        if len(rows) == len(ids) and all(JobStatus(r.status).terminal for r in rows):
            break
        time.sleep(0.25)
    # to the moment the last job was marked finished (the rows' own clock), not when this loop saw it
    last = max(r.finished_at.replace(tzinfo=r.finished_at.tzinfo or UTC) for r in rows)
    elapsed = (time.perf_counter() - started) - (datetime.now(UTC) - last).total_seconds()
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row.status] = statuses.get(row.status, 0) + 1
    studio.stop()
    return elapsed, statuses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--jobs", type=int, default=None, help="jobs to run (200; 40 with --smoke)")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(SMOKE_TARGETS if args.smoke else TARGETS, args.target)
    jobs = args.jobs or (40 if args.smoke else 200)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base_url, vendor, stop = start_fake_wavespeed(tiny_clip(tmp_path))
        vendor.behave(MODEL_PATH, steps=STEPS)
        try:
            (tmp_path / "base").mkdir()
            hand = baseline(base_url, jobs, tmp_path / "base")
            submits_before = vendor.submits[MODEL_PATH]
            ours, statuses = studio_run(base_url, jobs, tmp_path / "home")
            studio_submits = vendor.submits[MODEL_PATH] - submits_before
        finally:
            stop()
    per_job_ms = (ours - hand) / jobs * 1000
    print(f"jobs: {jobs} concurrent, fake vendor on loopback, poll every {POLL_S} s, {len(STEPS)} states")
    print(f"hand-written httpx pool (submit, poll, download): {hand:.2f} s")
    print(f"studio (preflight, ledger, persisted jobs, download, probe, poster, library): {ours:.2f} s")
    print(f"overhead: {ours - hand:+.2f} s in all, {per_job_ms:+.1f} ms per job; ratio studio/hand = {ours / hand:.2f}")
    print(f"statuses: {statuses}; submits sent by the studio: {studio_submits}")
    ok = statuses == {"succeeded": jobs} and studio_submits == jobs
    missed = judge({"studio/hand": ours / hand}, targets)
    return 0 if ok and not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())

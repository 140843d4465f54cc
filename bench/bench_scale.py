"""Throughput of paid jobs past one process: the in-process default on SQLite against the shared
queue (Postgres + Redis, Huey) with 1, 2 and 4 worker processes, a hand-written httpx pool as
the floor. Paid jobs against a fake WaveSpeed on loopback (4 states, polls every 0.2 s); every
server is started from pip packages on free loopback ports (tests/servers.py).

The queue's jobs are created through the core by this process, 8 at a time (the web role: it
only enqueues); the clock runs from the first create to the last job's end, worker start-up
excluded. Prints jobs per second, the per-job overhead over the hand-written pool, and the CPU
per job of this process and its workers (Postgres and Redis not counted; the default's figure
includes the app's start in this process).

    python bench/bench_scale.py            # 200 jobs; 1, 2 and 4 workers
    python bench/bench_scale.py --smoke    # 40 jobs; 1 and 2 workers
    python bench/bench_scale.py --smoke --target default/hand=0.01   # impossible: must exit 1

Targets: the default path no slower than bench_jobs.py allows (default/hand <= 1.15, smoke 2.0);
two workers at least as fast as one (2w/1w jobs per second >= 1.0; smoke >= 0.5, a second
worker must not hold the first back: 40 jobs on a shared 2-core machine swing too much for
more). Exits 1 when a target is missed, any job fails or any paid job is not sent exactly once.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bench.bench_jobs import MODEL_PATH, POLL_S, STEPS, baseline, studio_run, tiny_clip  # noqa: E402
from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from tests.fakes.wavespeed_vendor import start_fake_wavespeed  # noqa: E402
from tests.servers import start_postgres, start_redis  # noqa: E402

TARGETS = {"default/hand": Target(1.15), "2w/1w": Target(1.0, at_most=False)}
SMOKE_TARGETS = {"default/hand": Target(2.0), "2w/1w": Target(0.5, at_most=False)}
THREADS = 32  # io threads per worker process, as many as the in-process run's VIDEO_STUDIO_WORKERS
CREATORS = 8  # requests creating jobs at once in the web process
REQUEST = {"prompt": "bench", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "480p", "duration": 5}


def queue_env(base_url: str, database_url: str, redis_url: str, home: Path) -> dict[str, str]:
    return {"VIDEO_STUDIO_HOME": str(home), "VIDEO_STUDIO_DATABASE_URL": database_url,
            "VIDEO_STUDIO_QUEUE": redis_url, "WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url,
            "VIDEO_STUDIO_PLAN": "studio", "VIDEO_STUDIO_MIN_POLL_S": str(POLL_S),
            "VIDEO_STUDIO_MAX_POLL_S": str(POLL_S), "VIDEO_STUDIO_TEST_MODE": "1"}


def start_workers(env: dict[str, str], count: int, folder: Path) -> list[subprocess.Popen]:
    """`python app.py worker` processes, each with its own home; returns once all are serving."""
    procs = []
    for index in range(count):
        home = folder / f"worker-{index}"
        procs.append(subprocess.Popen(
            [sys.executable, "app.py", "worker", "--lanes", "io", "--concurrency", str(THREADS)], cwd=ROOT,
            env={**os.environ, **env, "VIDEO_STUDIO_HOME": str(home), "LOG_LEVEL": "WARNING"},
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
    for proc in procs:
        line = proc.stdout.readline()
        if "lanes" not in line:
            raise SystemExit(f"a worker did not start: {line!r}")
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()


def cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def proc_cpu_s(pid: int) -> float:
    """A live process's CPU seconds, its finished children (ffmpeg) included (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def queue_run(env: dict[str, str], workers: int, jobs: int, folder: Path) -> tuple[float, float, dict[str, int]]:
    """Create `jobs` paid jobs from this process and wait for `workers` processes to end them all.
    Returns the wall time, the CPU seconds spent meanwhile (this process and the workers) and
    the statuses."""
    from app import build_studio
    from core.library.models import Job
    from core.settings import Settings

    os.environ.update(env)
    procs = start_workers(env, workers, folder)
    web = build_studio(Settings()).start()
    try:
        cpu_before = cpu_s(resource.RUSAGE_SELF) + sum(proc_cpu_s(p.pid) for p in procs)
        started = time.perf_counter()

        def create(index: int) -> None:  # as concurrent requests to the web process would
            answer = web.create({**REQUEST, "prompt": f"bench {index}"}, owner="local")
            assert answer["ok"], answer["issues"]

        with ThreadPoolExecutor(max_workers=CREATORS) as pool:
            list(pool.map(create, range(jobs)))
        terminal = ["succeeded", "failed", "cancelled", "needs-attention"]
        with web.db.session() as s:
            while s.exec(select(func.count()).select_from(Job).where(col(Job.status).in_(terminal))).one() < jobs:
                time.sleep(0.05)
                s.rollback()
        elapsed = time.perf_counter() - started
        cpu = cpu_s(resource.RUSAGE_SELF) + sum(proc_cpu_s(p.pid) for p in procs) - cpu_before
        with web.db.session() as s:
            statuses = dict(s.exec(select(Job.status, func.count()).group_by(Job.status)).all())
    finally:
        web.stop()
        stop_workers(procs)
    return elapsed, cpu, statuses


def default_run(base_url: str, jobs: int, home: Path) -> tuple[float, float, dict[str, int]]:
    """bench_jobs.py's run of the in-process default, with its CPU (this process and ffmpeg)."""
    before = cpu_s(resource.RUSAGE_SELF) + cpu_s(resource.RUSAGE_CHILDREN)
    wall, statuses = studio_run(base_url, jobs, home)
    return wall, cpu_s(resource.RUSAGE_SELF) + cpu_s(resource.RUSAGE_CHILDREN) - before, statuses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--jobs", type=int, default=None, help="jobs per run (200; 40 with --smoke)")
    parser.add_argument("--workers", default=None, help="worker counts, comma-separated (1,2,4; 1,2 with --smoke)")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(SMOKE_TARGETS if args.smoke else TARGETS, args.target)
    jobs = args.jobs or (40 if args.smoke else 200)
    counts = [int(n) for n in (args.workers or ("1,2" if args.smoke else "1,2,4")).split(",")]
    rows: list[tuple[str, float, float, dict[str, int], int]] = []  # name, wall, CPU, statuses, submits

    def measured(name: str, run) -> None:
        before = vendor.submits[MODEL_PATH]
        wall, cpu, statuses = run()
        rows.append((name, wall, cpu, statuses, vendor.submits[MODEL_PATH] - before))

    with tempfile.TemporaryDirectory() as tmp, start_postgres() as postgres, start_redis() as redis:
        folder = Path(tmp)
        base_url, vendor, stop = start_fake_wavespeed(tiny_clip(folder))
        vendor.behave(MODEL_PATH, steps=STEPS)
        try:
            (folder / "hand").mkdir()
            hand = baseline(base_url, jobs, folder / "hand")
            measured("in-process, SQLite (default)", lambda: default_run(base_url, jobs, folder / "default"))
            for count in counts:
                env = queue_env(base_url, postgres.new_database(), redis.new_db(), folder / f"web-{count}")
                measured(f"queue, Postgres + Redis, {count} worker{'s' if count > 1 else ''}",
                         lambda: queue_run(env, count, jobs, folder / f"run-{count}"))
        finally:
            stop()
    print(f"\n{jobs} paid jobs per run, fake vendor on loopback, poll every {POLL_S} s, {len(STEPS)} states; "
          f"{THREADS} io threads per process; CPU: this process and its workers (not Postgres or Redis)")
    print(f"{'':<40} {'wall s':>7} {'jobs/s':>7} {'overhead ms/job':>16} {'CPU ms/job':>11}  statuses, submits")
    print(f"{'hand-written httpx pool (the floor)':<40} {hand:7.2f} {jobs / hand:7.1f} {0:16.1f} {'':>11}")
    for name, wall, cpu, statuses, submits in rows:
        print(f"{name:<40} {wall:7.2f} {jobs / wall:7.1f} {(wall - hand) / jobs * 1000:16.1f} "
              f"{cpu / jobs * 1000:11.1f}  {statuses}, {submits}")
    ok = all(statuses == {"succeeded": jobs} and submits == jobs for _, _, _, statuses, submits in rows)
    if not ok:
        print("SOME JOB FAILED OR A PAID JOB WAS NOT SENT EXACTLY ONCE")
    by_workers = {int(name.split(", ")[-1].split()[0]): wall for name, wall, _, _, _ in rows[1:]}
    figures = {"default/hand": rows[0][1] / hand}
    if 1 in by_workers and 2 in by_workers:
        figures["2w/1w"] = by_workers[1] / by_workers[2]
    missed = judge(figures, targets)
    return 0 if ok and not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`python app.py worker [--lanes io,render] [--concurrency N]`: run job steps from the shared queue.

Needs `VIDEO_STUDIO_QUEUE` (a Redis URL) and a database every process shares. Stops on SIGTERM
or Ctrl-C after the steps in hand; a worker killed outright leaves its jobs to the others (its
leases run out and another worker resumes them from their stored state).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from core.jobs.queue import LANES
from core.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py worker",
                                     description="Run job steps from the shared queue (VIDEO_STUDIO_QUEUE).")
    parser.add_argument("--lanes", default=",".join(LANES),
                        help="comma-separated lanes to serve: io (provider traffic), render (local ffmpeg work)")
    parser.add_argument("--concurrency", type=int, default=None, metavar="N",
                        help="threads per lane (default: VIDEO_STUDIO_WORKERS for io, "
                             "VIDEO_STUDIO_RENDER_SLOTS for render)")
    return parser


def worker(argv: list[str], settings: Settings) -> int:
    args = _parser().parse_args(argv)
    lanes = tuple(dict.fromkeys(lane.strip() for lane in args.lanes.split(",") if lane.strip()))
    if not lanes or set(lanes) - set(LANES):
        print(f"Video Studio: --lanes takes {' and/or '.join(LANES)}, comma-separated (got {args.lanes!r}).",
              file=sys.stderr)
        return 2
    if args.concurrency is not None and not 1 <= args.concurrency <= 256:
        print("Video Studio: --concurrency takes a whole number from 1 to 256.", file=sys.stderr)
        return 2
    if not settings.queue:
        print("Video Studio: a worker needs the shared queue: set VIDEO_STUDIO_QUEUE to a Redis URL "
              "(redis://host:6379/0). Without it, `python app.py` runs jobs in its own process.", file=sys.stderr)
        return 2
    from app import build_studio
    from core.jobs.queue_worker import QueueWorker, WorkerPlan

    logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))
    logging.getLogger("huey").setLevel(os.getenv("HUEY_LOG_LEVEL", "WARNING"))  # not a line per step
    threads = {"io": args.concurrency or settings.workers, "render": args.concurrency or settings.render_slots}
    studio = build_studio(settings).start()
    running = QueueWorker(studio.runner, WorkerPlan(lanes=lanes, threads=threads),
                          sweep=studio.settle_stranded).start()
    print(f"Video Studio worker {running.worker}: lanes {', '.join(lanes)} "
          f"({', '.join(f'{lane} x{threads[lane]}' for lane in lanes)}). Data in {settings.home_dir}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass
    running.stop()
    studio.stop()
    return 0

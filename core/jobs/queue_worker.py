"""A worker process of the Huey queue: Huey's consumers for its lanes, plus the lease keeper.

The keeper renews the leases of the steps this worker runs (so nobody takes over a live
worker's job), takes over jobs whose worker died (their lease ran out), sends again the next
step of jobs whose message was lost, and settles reservations a crash left behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from huey.consumer import Consumer

from core.jobs.queue import LANES, QueueRunner

log = logging.getLogger(__name__)


class _Consumer(Consumer):
    """Huey's consumer without its signal handlers: the worker command owns the signals (one
    process runs a consumer per lane)."""

    def _set_signal_handlers(self) -> None:
        pass


@dataclass(frozen=True)
class WorkerPlan:
    lanes: tuple[str, ...] = LANES
    threads: dict[str, int] | None = None  # per lane; default: 8 for io, 1 for render
    scan_s: float = 5.0  # how often expired leases and lost messages are looked for
    lost_grace_s: float = 30.0  # a next step this overdue, unclaimed, is sent again
    sweep_s: float = 60.0  # how often reservations left by a crash are settled

    def threads_for(self, lane: str) -> int:
        return max(1, (self.threads or {}).get(lane, 8 if lane == "io" else 1))


class QueueWorker:
    """Runs `runner`'s steps for `plan.lanes` until `stop()`."""

    def __init__(self, runner: QueueRunner, plan: WorkerPlan, sweep: Callable[[], object] = lambda: None) -> None:
        unknown = set(plan.lanes) - set(LANES)
        if unknown or not plan.lanes:
            raise ValueError(f"lanes must be among {', '.join(LANES)}")
        self.runner = runner
        self.plan = plan
        self.sweep = sweep
        self.consumers = [_Consumer(runner.hueys[lane], workers=plan.threads_for(lane), worker_type="thread",
                                    periodic=False, initial_delay=0.05, max_delay=1.0, shutdown_timeout=30)
                          for lane in plan.lanes]
        self._done = threading.Event()
        self._keeper = threading.Thread(target=self._keep, name="lease-keeper", daemon=True)

    @property
    def worker(self) -> str:
        return self.runner.leases.worker

    def start(self) -> QueueWorker:
        for consumer in self.consumers:
            consumer.start()
        self._keeper.start()
        return self

    def stop(self) -> None:
        """Finish the steps in hand (bounded), then stop. Leases of steps cut short run out and
        another worker takes those jobs over."""
        self.runner.stop()
        for consumer in self.consumers:
            consumer.stop(graceful=True)
        self._done.set()
        if self._keeper.ident is not None:
            self._keeper.join(10)

    def _keep(self) -> None:
        renew_every = max(0.5, self.runner.leases.lease_s / 4)
        next_scan = next_sweep = time.monotonic()
        while not self._done.wait(min(renew_every, self.plan.scan_s)):
            try:
                self.runner.leases.renew()
                now = time.monotonic()
                if now >= next_scan:
                    next_scan = now + self.plan.scan_s
                    self.runner.take_over_expired()
                    self.runner.wake_lost(self.plan.lost_grace_s)
                if now >= next_sweep:
                    next_sweep = now + self.plan.sweep_s
                    self.sweep()
            except Exception:  # a database or Redis hiccup: try again at the next beat
                log.exception("lease keeper: a round failed")

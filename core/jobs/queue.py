"""Jobs on Huey (`VIDEO_STUDIO_QUEUE=redis://...`): web processes enqueue, worker processes step.

Each lane is its own Huey queue on Redis (`video-studio-io`, `video-studio-render`), so a worker
started with `--lanes io` takes only provider traffic. A message is one step of one job: the
worker claims the row (core/jobs/lease.py), runs the handler's step exactly as the in-process
runner does, gives the claim back and schedules the next message with the delay the step
returned. The job row stays the only truth: Redis holds nothing the rows cannot rebuild.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from uuid import uuid4

from huey import RedisHuey

from core.jobs.lease import Leases, Take
from core.jobs.runner import JobContext, JobHandler, bounded_delay, run_step
from core.jobs.store import JobStore
from core.library.models import Job

log = logging.getLogger(__name__)
LANES = ("io", "render")
BUSY_RETRY_S = 1.0  # a message whose job another worker is stepping looks again this much later
PREFIX = "video-studio"


def worker_id() -> str:
    """Names this process in `claimed_by`: host, pid and a random suffix (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:6]}"


class QueueRunner:
    """The runner's interface (register, start, enqueue, stop) over Huey queues on Redis.

    In a web process `start` does nothing: it only enqueues. A worker process runs the steps
    (`core/jobs/queue_worker.py` starts Huey's consumers over `hueys` and calls `step_message`)."""

    def __init__(self, store: JobStore, url: str, *, lease_s: float, prefix: str = PREFIX) -> None:
        self.store = store
        self.url = url
        self.handlers: dict[str, JobHandler] = {}
        self.stopping = threading.Event()
        self.leases = Leases(store.db, worker_id(), lease_s)
        self.hueys = {lane: RedisHuey(f"{prefix}-{lane}", url=url, results=False, utc=True) for lane in LANES}
        self._tasks = {lane: huey.task(name="step")(self._step_function(lane)) for lane, huey in self.hueys.items()}

    def register(self, kind: str, handler: JobHandler) -> None:
        self.handlers[kind] = handler

    def start(self) -> None:
        """Nothing to start here: steps run in worker processes (`python app.py worker`)."""

    def stop(self) -> None:
        self.stopping.set()

    def lane_of(self, job_id: str) -> str:
        job = self.store.get(job_id)
        handler = self.handlers[job.kind]
        lane_for = getattr(handler, "lane_for", None)
        return lane_for(job) if lane_for else handler.lane

    def enqueue(self, job_id: str, delay: float = 0.0, kind: str | None = None) -> None:
        """Run the job's next step after `delay` s (now, by default), replacing any pending one.
        `kind` (the in-process runner's shortcut) is not needed: a lane may depend on the job's row."""
        lane = self.lane_of(job_id)
        delay = bounded_delay(delay)
        token = self.leases.wake(job_id, delay)
        if token is not None:
            self.send(lane, job_id, token, delay)

    def send(self, lane: str, job_id: str, token: str, delay: float) -> None:
        task = self._tasks[lane]
        if delay > 0:
            task.schedule(args=(job_id, token), delay=delay)
        else:
            task(job_id, token)

    def _step_function(self, lane: str):
        def step(job_id: str, token: str) -> None:
            self.step_message(lane, job_id, token)

        return step

    def step_message(self, lane: str, job_id: str, token: str) -> None:
        """What a worker does with one message: claim, step, give back, schedule the next."""
        taken = self.leases.take(job_id, token)
        if taken is Take.STALE:
            return
        if taken is Take.BUSY:
            self.send(lane, job_id, token, BUSY_RETRY_S)
            return
        delay = None
        try:
            delay = run_step(self.store, self.handlers, job_id, self.stopping.is_set)
        finally:
            delay = None if delay is None else bounded_delay(delay)
            token_next = self.leases.finish(job_id, token, delay)
        if token_next is not None:
            self.send(lane, job_id, token_next, delay)

    def take_over_expired(self) -> int:
        """Resume the jobs of workers that died mid-step (their lease ran out)."""
        return sum(self._resume(job) for job in self.leases.expired() if self.leases.take_over(job))

    def wake_lost(self, grace_s: float) -> int:
        """Resume the jobs whose next step is overdue and unclaimed: their message was lost."""
        return sum(self._resume(job) for job in self.leases.lost(grace_s) if self.leases.claim_lost(job))

    def _resume(self, job: Job) -> bool:
        """With the job claimed: the handler's restart rule, exactly as the in-process runner applies
        it at start-up (poll a task id, never send again; a submit cut short needs attention;
        free work runs again), then its next step at once with a new token."""
        handler = self.handlers.get(job.kind)
        if handler is None:
            self.leases.release(job.id)
            return False
        try:
            resume = handler.on_restart(self.store.get(job.id), JobContext(self.store, job.id, self.stopping.is_set))
        except Exception:  # the claim is given back; the job is looked at again later
            log.exception("resuming job %s failed", job.id)
            self.leases.release(job.id)
            return False
        log.info("resumed job %s (was held by %s; next step: %s)", job.id, job.claimed_by or "nobody", resume)
        token = self.leases.hand_on(job.id) if resume else None
        if token is None:
            self.leases.release(job.id)
        else:
            self.send(self.lane_of(job.id), job.id, token, 0.0)
        return True

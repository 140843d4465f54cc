"""A step scheduler: jobs advance in short steps on worker lanes, so many can wait at once.

A handler's `step(job, ctx)` does one bounded piece of work (submit, one poll, a download, a
render) and returns the seconds until its next step, or None when the job is finished.
The `io` lane serves provider traffic; the `render` lane runs local ffmpeg work with few slots.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from core.errors import StudioError
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus

log = logging.getLogger(__name__)
MAX_DELAY_S = 3600.0  # no step waits longer than this, whatever a handler (or a provider) says
INTERNAL_ERROR = "The studio hit an internal fault on this job (it was logged). Try again; report it if it repeats."


def bounded_delay(delay) -> float:
    """A finite delay in [0, MAX_DELAY_S]: NaN, infinities and non-numbers become 1 s, so one bad
    value can never stall the queue (a NaN due time breaks the heap's order for every job)."""
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not math.isfinite(delay):
        return 1.0
    return min(max(float(delay), 0.0), MAX_DELAY_S)


class JobContext:
    """What a handler may do to its job: report progress and change state."""

    def __init__(self, store: JobStore, job_id: str, stopping: Callable[[], bool]) -> None:
        self.store = store
        self.job_id = job_id
        self.stopping = stopping

    def update(self, **changes) -> Job:
        return self.store.update(self.job_id, **changes)

    def progress(self, fraction: float, message: str = "", eta_s: float | None = None) -> None:
        self.store.update(self.job_id, progress=round(max(0.0, min(fraction, 1.0)), 4),
                          message=message, eta_s=eta_s)

    def cancel_requested(self) -> bool:
        return self.store.get(self.job_id).cancel_requested

    def fail(self, error: StudioError | str, status: JobStatus = JobStatus.FAILED) -> None:
        if isinstance(error, StudioError):
            self.update(status=status, error=str(error), error_code=error.code, eta_s=None)
        else:
            self.update(status=status, error=error, eta_s=None)


class JobHandler(Protocol):
    lane: str

    def step(self, job: Job, ctx: JobContext) -> float | None: ...

    def on_restart(self, job: Job, ctx: JobContext) -> bool:
        """Called at start-up for a job that was active; True schedules it."""
        ...


class _Lane:
    """A timed queue of job ids served by a few threads.

    A job id is pending at most once (the earliest due time wins) and never runs on two
    threads at once: a request that arrives while it runs is kept and served right after.
    """

    def __init__(self, name: str, workers: int, run: Callable[[str], float | None]) -> None:
        self.name = name
        self._run = run
        self._heap: list[tuple[float, int, str]] = []
        self._due: dict[str, float] = {}
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._stop = False
        self._threads = [threading.Thread(target=self._loop, name=f"jobs-{name}-{i}", daemon=True)
                         for i in range(max(1, workers))]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def schedule(self, job_id: str, delay: float = 0.0) -> None:
        delay = bounded_delay(delay)
        with self._cv:
            if job_id in self._running:
                if delay <= 0:
                    self._again.add(job_id)
                return
            self._push(job_id, time.monotonic() + delay)

    def _push(self, job_id: str, due: float) -> None:
        if job_id in self._due and self._due[job_id] <= due:
            return
        self._due[job_id] = due
        heapq.heappush(self._heap, (due, next(self._seq), job_id))
        self._cv.notify()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout)

    def _next(self) -> str | None:
        with self._cv:
            while True:
                if self._stop:
                    return None
                if self._heap and self._heap[0][0] <= time.monotonic():
                    due, _, job_id = heapq.heappop(self._heap)
                    if self._due.get(job_id) != due:
                        continue  # superseded by an earlier entry
                    del self._due[job_id]
                    self._running.add(job_id)
                    return job_id
                wait = self._heap[0][0] - time.monotonic() if self._heap else None
                self._cv.wait(timeout=wait)

    def _loop(self) -> None:
        while (job_id := self._next()) is not None:
            delay = None
            try:
                delay = self._run(job_id)
            finally:
                with self._cv:
                    self._running.discard(job_id)
                    if job_id in self._again:
                        self._again.discard(job_id)
                        delay = 0.0 if delay is not None else None
                    if delay is not None and not self._stop:
                        self._push(job_id, time.monotonic() + bounded_delay(delay))


class JobRunner:
    """Owns the lanes and dispatches each job to the handler registered for its kind."""

    def __init__(self, store: JobStore, *, io_workers: int = 8, render_workers: int = 1) -> None:
        self.store = store
        self._handlers: dict[str, JobHandler] = {}
        self._stopping = threading.Event()
        self._lanes = {
            "io": _Lane("io", io_workers, self._step),
            "render": _Lane("render", render_workers, self._step),
        }
        self._started = False

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    def start(self) -> None:
        """Start the lanes and pick up jobs that were active when the app last stopped."""
        if self._started:
            return
        self._started = True
        for lane in self._lanes.values():
            lane.start()
        for job in self.store.active():
            handler = self._handlers.get(job.kind)
            if handler is None:
                continue
            ctx = JobContext(self.store, job.id, self._stopping.is_set)
            if handler.on_restart(job, ctx):
                self._lanes[handler.lane].schedule(job.id)

    def enqueue(self, job_id: str, delay: float = 0.0, kind: str | None = None) -> None:
        """Schedule `job_id` (its row is read for its kind unless the caller names it)."""
        kind = kind or self.store.get(job_id).kind
        self._lanes[self._handlers[kind].lane].schedule(job_id, delay)

    def stop(self) -> None:
        """Stop taking steps. Active jobs keep their state and resume at the next start."""
        self._stopping.set()
        for lane in self._lanes.values():
            lane.stop()

    def _step(self, job_id: str) -> float | None:
        return run_step(self.store, self._handlers, job_id, self._stopping.is_set)


def run_step(store: JobStore, handlers: dict[str, JobHandler], job_id: str,
             stopping: Callable[[], bool]) -> float | None:
    """One step of a job by its kind's handler: the delay until its next step, or None when it is
    finished. A handler's error ends the job with a clear message; nothing escapes."""
    try:
        job = store.get(job_id)
    except StudioError:
        return None
    if JobStatus(job.status).terminal:
        return None
    handler = handlers[job.kind]
    ctx = JobContext(store, job_id, stopping)
    try:
        return handler.step(job, ctx)
    except StudioError as exc:
        ctx.fail(exc)
    except Exception:  # a bug must not kill the worker thread (nor reach a client as Python text)
        log.exception("job %s step crashed", job_id)
        ctx.fail(INTERNAL_ERROR)
    return None

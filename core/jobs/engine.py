"""Which job runner a process uses: in-process lanes (the default) or Huey queues on Redis."""

from __future__ import annotations

from core.jobs.runner import JobRunner
from core.jobs.store import JobStore
from core.settings import Settings


def build_runner(settings: Settings, store: JobStore):
    """`VIDEO_STUDIO_QUEUE` empty: the in-process step scheduler. A Redis URL: a QueueRunner that
    only enqueues here; `python app.py worker` processes run the steps."""
    if not settings.queue:
        return JobRunner(store, io_workers=settings.workers, render_workers=settings.render_slots)
    from core.jobs.queue import QueueRunner

    return QueueRunner(store, settings.queue, lease_s=settings.lease_s)

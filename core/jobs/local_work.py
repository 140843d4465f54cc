"""Local work jobs (renders, packs): free, so after a restart they simply run again."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import Cancelled
from core.jobs.runner import JobContext
from core.library.models import Job, JobStatus

Work = Callable[[Job, JobContext], list[str]]


class LocalWorkHandler:
    """Runs `work(job, ctx) -> asset ids` in one step on the render lane."""

    lane = "render"

    def __init__(self, work: Work) -> None:
        self.work = work

    def on_restart(self, job: Job, ctx: JobContext) -> bool:
        if job.status != JobStatus.QUEUED:
            ctx.update(status=JobStatus.QUEUED, progress=0.0,
                       message="Restarted after the app stopped; running again (local work is free).")
        return True

    def step(self, job: Job, ctx: JobContext) -> None:
        if job.cancel_requested:
            ctx.update(status=JobStatus.CANCELLED, message="Cancelled.", eta_s=None)
            return None
        ctx.update(status=JobStatus.RUNNING, message="Working", progress=0.0)
        try:
            asset_ids = self.work(job, ctx)
        except Cancelled:
            asset_ids = []
        if ctx.cancel_requested():
            ctx.update(status=JobStatus.CANCELLED, message="Cancelled.", eta_s=None)
            return None
        ctx.update(status=JobStatus.SUCCEEDED, asset_ids=asset_ids, progress=1.0, eta_s=0.0,
                   message="Done", actual_usd=0.0)
        return None

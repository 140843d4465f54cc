"""Local work jobs (renders, packs): free, so after a restart they simply run again."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import Cancelled
from core.jobs.runner import JobContext, JobRunner
from core.jobs.store import JobStore
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


class LocalJobs:
    """The port services use to run free local work as jobs (no access to anything else).
    `on_input(owner, asset_id, job_id, operation)` hears of every asset a job reads (the audit log)."""

    def __init__(self, store: JobStore, runner: JobRunner,
                 on_input: Callable[[str, str, str, str], None] = lambda *event: None) -> None:
        self.store = store
        self.runner = runner
        self.on_input = on_input

    def register(self, kind: str, work: Work) -> None:
        self.runner.register(kind, LocalWorkHandler(work))

    def enqueue(self, kind: str, owner: str, payload: dict, *, operation: str, group_id: str | None = None,
                inputs: tuple[str, ...] = ()) -> str:
        job = Job(owner=owner, kind=kind, operation=operation, provider="local", model="local-ffmpeg",
                  payload=payload, group_id=group_id)
        self.store.create(job)
        for asset_id in dict.fromkeys(inputs):
            self.on_input(owner, asset_id, job.id, operation)
        self.runner.enqueue(job.id)
        return job.id

    def get(self, job_id: str, owner: str) -> Job:
        return self.store.get(job_id, owner)

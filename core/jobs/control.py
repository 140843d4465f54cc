"""What a person does to their jobs: read one or the list, cancel, fetch a result again.

Someone else's job id answers exactly like a missing one; cancelling is in the audit log; fetching
again polls and downloads the provider's task and never sends a new paid request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.boundary import parse_value
from core.boundary.library import JOB_ID
from core.errors import InvalidInput, NotFound
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus, utcnow
from core.views import job_view


@dataclass
class JobControlDeps:
    jobs: JobStore
    enqueue: Callable[[str], object]  # the runner's: step this job next
    audit: Callable[..., object]  # AuditLog.record
    name_of: Callable[[str], str]  # a model id -> the catalog's name


class JobControl:
    def __init__(self, deps: JobControlDeps) -> None:
        self.d = deps

    def owned(self, job_id: str, owner: str) -> Job:
        """`owner`'s job; someone else's id answers exactly like a missing one."""
        return self.d.jobs.get(parse_value(JOB_ID, job_id, "job_id"), owner)

    def view(self, job: Job) -> dict:
        return job_view(job, self.d.name_of)

    def listed(self, owner: str, limit: int = 50) -> list[dict]:
        return [self.view(j) for j in self.d.jobs.list(owner, limit)]

    def cancel(self, job_id: str, *, owner: str) -> dict:
        job = self.owned(job_id, owner)
        if JobStatus(job.status).terminal:
            return self.view(job)
        self.d.jobs.update(job.id, cancel_requested=True, message="Cancelling...")
        self.d.audit(owner, "cancelled", job_id=job.id, operation=job.operation, model=job.model)
        self.d.enqueue(job.id)
        return self.view(self.d.jobs.get(job.id))

    def retry(self, job_id: str, *, owner: str) -> dict:
        """Fetch a needs-attention job's result again (poll and download). Never re-submits."""
        job = self.owned(job_id, owner)
        if job.status != JobStatus.NEEDS_ATTENTION or not job.task_id:
            raise InvalidInput("Only a job that needs attention and has a task at the provider can fetch its "
                               "result again.", "To run it again, create a new job (it is estimated and billed "
                               "again).", field="job_id")
        payload = {k: v for k, v in job.payload.items() if k != "auth_since"}
        payload["retried_at"] = utcnow().isoformat()
        if self.d.jobs.claim(job.id, JobStatus.NEEDS_ATTENTION, status=JobStatus.RUNNING, error="", error_code="",
                             payload=payload, message="Checking the provider again (no new run, no new charge)"):
            self.d.enqueue(job.id)
        return self.view(self.d.jobs.get(job.id))

    def state(self, job_id: str) -> tuple[str, bool] | None:
        """(status, may have reached the provider) for the ledger's sweep of stranded reservations."""
        try:
            job = self.d.jobs.get(job_id)
        except NotFound:
            return None
        return job.status, bool(job.task_id) or job.status == JobStatus.SUBMITTING

"""Job rows: create, read, update. Every state change is written at once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlmodel import col, select

from core.db import Database
from core.errors import NotFound
from core.library.models import Job, JobStatus, utcnow
from core.views import job_title

ACTIVE = [JobStatus.QUEUED, JobStatus.SUBMITTING, JobStatus.RUNNING, JobStatus.DOWNLOADING]


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, job: Job) -> Job:
        with self.db.session() as s:
            s.add(job)
        return job

    def get(self, job_id: str, owner: str | None = None) -> Job:
        """The job; with `owner`, someone else's job reads exactly like a missing one."""
        with self.db.session() as s:
            job = s.get(Job, job_id)
        if job is None or (owner is not None and job.owner != owner):
            raise NotFound(f"Job {job_id} was not found.", "Check the job id.")
        return job

    def update(self, job_id: str, **changes) -> Job:
        """Write `changes` now (status, task id, progress ...) and return the fresh row."""
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise NotFound(f"Job {job_id} was not found.")
            for key, value in changes.items():
                setattr(job, key, value)
            job.updated_at = utcnow()
            if changes.get("status") in (JobStatus.RUNNING, JobStatus.SUBMITTING) and job.started_at is None:
                job.started_at = utcnow()
            if "status" in changes and JobStatus(job.status).terminal:
                job.finished_at = utcnow()
            s.add(job)
        return job

    def claim(self, job_id: str, expected: str, **changes) -> bool:
        """Compare-and-set: apply `changes` only if the job is still in status `expected`."""
        with self.db.session() as s:
            job = s.exec(select(Job).where(Job.id == job_id, Job.status == expected)
                         .with_for_update()).first()
            if job is None:
                return False
            result = s.exec(
                update(Job).where(Job.id == job_id, Job.status == expected)
                .values(**changes, updated_at=utcnow(), started_at=job.started_at or utcnow()))
            return result.rowcount == 1

    def list(self, owner: str | None = None, limit: int = 100, group_id: str | None = None) -> list[Job]:
        stmt = select(Job)
        if owner:
            stmt = stmt.where(Job.owner == owner)
        if group_id:
            stmt = stmt.where(Job.group_id == group_id)
        with self.db.session() as s:
            return list(s.exec(stmt.order_by(col(Job.created_at).desc()).limit(limit)))

    def described(self, job_ids: Iterable[str]) -> dict[str, dict]:
        """{id: {title, operation}} of these jobs, whoever owns them (for the team's audit log)."""
        wanted = sorted({i for i in job_ids if i})
        if not wanted:
            return {}
        with self.db.session() as s:
            jobs = list(s.exec(select(Job).where(col(Job.id).in_(wanted))))
        return {j.id: {"title": job_title(j), "operation": j.operation} for j in jobs}

    def active(self) -> list[Job]:
        with self.db.session() as s:
            return list(s.exec(select(Job).where(col(Job.status).in_(ACTIVE)).order_by(col(Job.created_at))))

"""The multi-process queue's hold on job rows: one step at a time, one message per next step.

A worker runs a job's step only after a compare-and-set on the row gives it the claim
(`claimed_by`, `lease_until`); it renews the lease while it lives and gives the claim back when
the step ends. Only the message carrying the row's `step_token` may run the next step, so a
message delivered twice, or one superseded by a wake (a cancel), runs nothing. A claim whose
lease ran out belongs to a worker that died mid-step: another worker takes the job over and
resumes it from its stored state through the handler's restart rule (poll a stored task id;
a submit without one needs attention; never send again).
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum
from uuid import uuid4

from sqlalchemy import or_, update
from sqlmodel import col, select

from core.db import Database
from core.jobs.store import ACTIVE
from core.library.models import Job, JobStatus, utcnow


class Take(Enum):
    TAKEN = "taken"
    BUSY = "busy"  # another worker holds the claim: the message waits and tries again
    STALE = "stale"  # the job ended, or a newer message replaced this one: it runs nothing


class Leases:
    """Row operations of one worker (`worker`); every change is one compare-and-set UPDATE."""

    def __init__(self, db: Database, worker: str, lease_s: float) -> None:
        self.db = db
        self.worker = worker
        self.lease_s = lease_s

    def _until(self, seconds: float):
        return utcnow() + timedelta(seconds=seconds)

    def _write(self, stmt) -> int:
        with self.db.engine.begin() as conn:
            return conn.execute(stmt).rowcount

    def wake(self, job_id: str, delay: float = 0.0) -> str | None:
        """A new token for the job's next step, due in `delay` s; it replaces any pending one.
        None when the job is no longer active."""
        token = uuid4().hex
        done = self._write(update(Job).where(Job.id == job_id, col(Job.status).in_(ACTIVE))
                           .values(step_token=token, step_due=self._until(delay)))
        return token if done else None

    def take(self, job_id: str, token: str) -> Take:
        """Claim the job for the step `token` names, if nobody holds it."""
        taken = self._write(update(Job).where(
            Job.id == job_id, Job.step_token == token, col(Job.status).in_(ACTIVE), col(Job.claimed_by).is_(None))
            .values(claimed_by=self.worker, lease_until=self._until(self.lease_s)))
        if taken:
            return Take.TAKEN
        with self.db.engine.connect() as conn:
            row = conn.execute(select(Job.status, Job.step_token).where(Job.id == job_id)).first()
        if row is None or row.step_token != token or JobStatus(row.status).terminal:
            return Take.STALE
        return Take.BUSY

    def finish(self, job_id: str, token: str, delay: float | None) -> str | None:
        """Give the claim back after a step. With a delay: the next step's token, or None when a
        wake replaced this step's token meanwhile (its own message runs the next step)."""
        if delay is not None:
            token_next = uuid4().hex
            if self._write(update(Job).where(Job.id == job_id, Job.claimed_by == self.worker,
                                             Job.step_token == token)
                           .values(claimed_by=None, lease_until=None, step_token=token_next,
                                   step_due=self._until(delay))):
                return token_next
        self.release(job_id)
        return None

    def release(self, job_id: str) -> None:
        self._write(update(Job).where(Job.id == job_id, Job.claimed_by == self.worker)
                    .values(claimed_by=None, lease_until=None))

    def hand_on(self, job_id: str) -> str | None:
        """After a take-over: give the claim back with a token for a step due now."""
        token = uuid4().hex
        done = self._write(update(Job).where(Job.id == job_id, Job.claimed_by == self.worker)
                           .values(claimed_by=None, lease_until=None, step_token=token, step_due=utcnow()))
        return token if done else None

    def renew(self) -> int:
        """Extend the lease of every job this worker is running a step of (its heartbeat)."""
        return self._write(update(Job).where(Job.claimed_by == self.worker, col(Job.status).in_(ACTIVE))
                           .values(lease_until=self._until(self.lease_s)))

    def expired(self, limit: int = 100) -> list[Job]:
        """Active jobs whose worker stopped renewing its lease (it died mid-step)."""
        with self.db.session() as s:
            return list(s.exec(select(Job).where(col(Job.status).in_(ACTIVE), col(Job.claimed_by).is_not(None),
                                                 col(Job.lease_until) < utcnow()).limit(limit)))

    def take_over(self, job: Job) -> bool:
        """Claim a job whose lease expired (compare-and-set on the dead worker's claim)."""
        return bool(self._write(update(Job).where(
            Job.id == job.id, Job.claimed_by == job.claimed_by, col(Job.lease_until) < utcnow())
            .values(claimed_by=self.worker, lease_until=self._until(self.lease_s))))

    def lost(self, grace_s: float, limit: int = 100) -> list[Job]:
        """Active, unclaimed jobs whose next step is overdue by `grace_s`: their message was lost
        (a worker died between taking it and claiming the row, or the queue was emptied)."""
        before = utcnow() - timedelta(seconds=grace_s)
        with self.db.session() as s:
            return list(s.exec(select(Job).where(
                col(Job.status).in_(ACTIVE), col(Job.claimed_by).is_(None),
                or_(col(Job.step_due) < before, col(Job.step_due).is_(None) & (col(Job.created_at) < before)))
                .limit(limit)))

    def claim_lost(self, job: Job) -> bool:
        """Claim a lost job, unless its row moved on since it was read."""
        same = col(Job.step_token).is_(None) if job.step_token is None else Job.step_token == job.step_token
        return bool(self._write(update(Job).where(Job.id == job.id, same, col(Job.claimed_by).is_(None),
                                                  col(Job.status).in_(ACTIVE))
                                .values(claimed_by=self.worker, lease_until=self._until(self.lease_s))))

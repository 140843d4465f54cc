"""The shared queue's hold on job rows (core/jobs/lease.py): one step at a time per job, one
message per next step, and a dead worker's job taken over exactly once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from core.db import Database
from core.jobs.lease import Leases, Take
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus, utcnow


def setup(tmp_path, lease_s: float = 30.0):
    db = Database(f"sqlite:///{tmp_path / 'studio.db'}")
    store = JobStore(db)
    job = store.create(Job(owner="ana", kind="generate"))
    return store, job.id, Leases(db, "worker-a", lease_s), Leases(db, "worker-b", lease_s)


def test_a_message_delivered_twice_runs_one_step(tmp_path):
    store, job_id, a, b = setup(tmp_path)
    token = a.wake(job_id)
    results = []
    barrier = threading.Barrier(8)

    def deliver(leases):
        barrier.wait()
        results.append(leases.take(job_id, token))

    threads = [threading.Thread(target=deliver, args=(a if i % 2 else b,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(Take.TAKEN) == 1 and results.count(Take.BUSY) == 7
    holder = a if store.get(job_id).claimed_by == "worker-a" else b
    token_next = holder.finish(job_id, token, 1.0)
    assert token_next and token_next != token
    assert a.take(job_id, token) is Take.STALE, "the old message runs nothing once its step is done"
    job = store.get(job_id)
    assert job.claimed_by is None and job.step_token == token_next
    assert b.take(job_id, token_next) is Take.TAKEN


def test_a_wake_during_a_step_replaces_the_next_step(tmp_path):
    store, job_id, a, web = setup(tmp_path)
    first = a.wake(job_id)
    assert a.take(job_id, first) is Take.TAKEN
    cancel = web.wake(job_id)  # a cancel arrives while the step runs
    assert a.take(job_id, cancel) is Take.BUSY, "it waits for the running step"
    assert a.finish(job_id, first, 2.0) is None, "the step must not schedule a second chain"
    assert store.get(job_id).claimed_by is None
    assert a.take(job_id, cancel) is Take.TAKEN


def test_a_finished_job_takes_no_more_steps(tmp_path):
    store, job_id, a, _ = setup(tmp_path)
    token = a.wake(job_id)
    store.update(job_id, status=JobStatus.SUCCEEDED)
    assert a.take(job_id, token) is Take.STALE
    assert a.wake(job_id) is None


def test_a_live_lease_is_renewed_and_an_expired_one_taken_over_once(tmp_path):
    store, job_id, a, b = setup(tmp_path, lease_s=0.5)
    c = Leases(a.db, "worker-c", 0.5)
    token = a.wake(job_id)
    assert a.take(job_id, token) is Take.TAKEN
    for _ in range(4):  # a lives: its heartbeat keeps the lease
        time.sleep(0.2)
        assert a.renew() == 1
        assert b.expired() == []
    time.sleep(0.6)  # a died: no more renewals
    stale = b.expired()
    assert [j.id for j in stale] == [job_id]
    won = [leases.take_over(stale[0]) for leases in (b, c)]
    assert won == [True, False], "exactly one worker takes a dead worker's job over"
    assert store.get(job_id).claimed_by == "worker-b"
    token_next = b.hand_on(job_id)
    assert store.get(job_id).claimed_by is None
    assert c.take(job_id, token) is Take.STALE and c.take(job_id, token_next) is Take.TAKEN


def test_a_lost_message_is_claimed_once(tmp_path):
    store, job_id, a, b = setup(tmp_path)
    token = a.wake(job_id)
    assert a.lost(grace_s=30) == []
    store.update(job_id, step_due=utcnow() - timedelta(seconds=60))
    lost = a.lost(grace_s=30)
    assert [j.id for j in lost] == [job_id]
    assert [a.claim_lost(lost[0]), b.claim_lost(lost[0])] == [True, False]
    fresh = a.hand_on(job_id)
    assert fresh and fresh != token
    assert b.claim_lost(lost[0]) is False, "a second scan with the old row changes nothing"
    assert a.take(job_id, token) is Take.STALE and b.take(job_id, fresh) is Take.TAKEN

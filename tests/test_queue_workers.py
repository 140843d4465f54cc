"""Jobs on Huey over a real Redis (VIDEO_STUDIO_QUEUE): paid jobs against the fake WaveSpeed on
loopback are sent exactly once whatever the queue delivers twice, and a worker killed with
SIGKILL leaves its jobs to another worker, which resumes them (polling, never re-sending)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.library.models import JobStatus

pytestmark = pytest.mark.scale  # a real Redis (tests/servers.py)
ROOT = Path(__file__).resolve().parent.parent
T2V = "alibaba/wan-2.5/text-to-video"
REQUEST = {"prompt": "a kite", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "480p", "duration": 5}


def queue_env(home: Path, redis_url: str, base_url: str, **extra: str) -> dict[str, str]:
    return {"VIDEO_STUDIO_HOME": str(home), "VIDEO_STUDIO_QUEUE": redis_url, "WAVESPEED_API_KEY": "test-key",
            "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_MIN_POLL_S": "0.05", "VIDEO_STUDIO_MAX_POLL_S": "0.1",
            "VIDEO_STUDIO_PLAN": "studio", "VIDEO_STUDIO_TEST_MODE": "1", **extra}


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def studios(monkeypatch, env: dict[str, str], count: int):
    from app import build_studio
    from core.settings import Settings

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return [build_studio(Settings()).start() for _ in range(count)]


def test_a_step_delivered_twice_to_two_workers_sends_once(tmp_path, monkeypatch, redis_url, vendor):
    from core.jobs.queue_worker import QueueWorker, WorkerPlan

    base_url, vendor = vendor
    vendor.behave(T2V, submit_delay_s=0.5)  # the first worker is still sending when the copy arrives
    web, one, two = studios(monkeypatch, queue_env(tmp_path / "home", redis_url, base_url), 3)
    try:
        answer = web.create(REQUEST, owner="local")
        assert answer["ok"], answer["issues"]
        job_id = answer["job_ids"][0]
        token = web.jobs.get(job_id).step_token
        assert token, "the web process only enqueues: the row names the message"
        copies = [threading.Thread(target=w.runner.step_message, args=("io", job_id, token)) for w in (one, two)]
        for thread in copies:
            thread.start()
        for thread in copies:
            thread.join()
        assert vendor.submits[T2V] == 1
        vendor.behave(T2V)
        worker = QueueWorker(two.runner, WorkerPlan(lanes=("io",), threads={"io": 2})).start()
        try:
            job = wait_for(lambda: (j := web.jobs.get(job_id)) and JobStatus(j.status).terminal and j, 30, "the job")
        finally:
            worker.stop()
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert vendor.submits[T2V] == 1, "a message delivered twice must never send twice"
        assert web.ledger.entry(job_id).state == "charged"
        wait_for(lambda: web.jobs.get(job_id).claimed_by is None, 10, "the claim to be given back")
    finally:
        for studio in (web, one, two):
            studio.stop()


def test_a_worker_dead_mid_submit_leaves_the_job_for_a_person_not_a_second_send(tmp_path, monkeypatch, redis_url,
                                                                               vendor):
    base_url, vendor = vendor
    env = queue_env(tmp_path / "home", redis_url, base_url, VIDEO_STUDIO_LEASE_S="2")
    web, dead, alive = studios(monkeypatch, env, 3)
    try:
        job_id = web.create(REQUEST, owner="local")["job_ids"][0]
        token = web.jobs.get(job_id).step_token
        assert dead.runner.leases.take(job_id, token).value == "taken"
        web.jobs.update(job_id, status=JobStatus.SUBMITTING)  # it was sending when it died: outcome unknown
        assert alive.runner.take_over_expired() == 0, "a live lease is never taken over"
        time.sleep(2.2)
        assert alive.runner.take_over_expired() == 1
        job = web.jobs.get(job_id)
        assert job.status == JobStatus.NEEDS_ATTENTION and "not re-sent" in job.error
        assert web.ledger.entry(job_id).state == "unknown"
        assert vendor.submits[T2V] == 0 and job.claimed_by is None
    finally:
        for studio in (web, dead, alive):
            studio.stop()


def worker_process(env: dict[str, str], *args: str) -> subprocess.Popen:
    full = {**os.environ, **env}
    full.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.Popen([sys.executable, "app.py", "worker", *args], cwd=ROOT, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)


def test_sigkill_a_worker_mid_job_and_the_other_finishes_its_jobs(tmp_path, monkeypatch, redis_url, vendor):
    base_url, vendor = vendor
    vendor.behave(T2V, download_delay_s=1.5, steps=["created"] + ["processing"] * 6 + ["completed"])
    env = queue_env(tmp_path / "home", redis_url, base_url, VIDEO_STUDIO_LEASE_S="4")
    (web,) = studios(monkeypatch, env, 1)
    workers = [worker_process(env, "--lanes", "io", "--concurrency", "4") for _ in range(2)]
    try:
        for proc in workers:
            assert "lanes io" in proc.stdout.readline()
        job_ids = [web.create({**REQUEST, "prompt": f"kite {i}"}, owner="local")["job_ids"][0] for i in range(6)]

        def a_download_in_hand():
            held = [web.jobs.get(j) for j in job_ids]
            return [j for j in held if j.status == JobStatus.DOWNLOADING and j.claimed_by]

        victims = wait_for(a_download_in_hand, 60, "a worker mid-download")
        dead_worker = victims[0].claimed_by
        pid = int(dead_worker.split(":")[1])
        victim = next(p for p in workers if p.pid == pid)
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(10)
        orphans = [j.id for j in (web.jobs.get(i) for i in job_ids) if j.claimed_by == dead_worker]
        assert orphans, "the killed worker held a job mid-step"
        done = wait_for(lambda: all(JobStatus(web.jobs.get(j).status).terminal for j in job_ids) and job_ids,
                        90, "every job to end")
        taken_over_s = time.monotonic() - killed_at
        jobs = [web.jobs.get(j) for j in done]
        assert [j.status for j in jobs] == [JobStatus.SUCCEEDED] * 6, [(j.status, j.error) for j in jobs]
        assert vendor.submits[T2V] == 6, "every paid job is sent exactly once, the killed worker's too"
        assert all(web.ledger.entry(j).state == "charged" for j in job_ids)
        assert taken_over_s < 60
        wait_for(lambda: all(not web.jobs.get(j).claimed_by for j in job_ids), 10, "every claim to be given back")
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        web.stop()


def test_free_drafts_go_to_the_render_lane_and_leave_no_scratch(tmp_path, monkeypatch, redis_url):
    from core.jobs.queue_worker import QueueWorker, WorkerPlan

    env = {"VIDEO_STUDIO_HOME": str(tmp_path / "home"), "VIDEO_STUDIO_QUEUE": redis_url}
    web, io_only, render = studios(monkeypatch, env, 3)
    io_worker = QueueWorker(io_only.runner, WorkerPlan(lanes=("io",), threads={"io": 2})).start()
    try:
        answer = web.create({"prompt": "a lighthouse", "model": "local-draft-t2v", "aspect": "16:9",
                             "duration": 2}, owner="local")
        job_id = answer["job_ids"][0]
        time.sleep(3)
        assert web.jobs.get(job_id).status == JobStatus.QUEUED, "an io worker takes no local render"
        render_worker = QueueWorker(render.runner, WorkerPlan(lanes=("render",))).start()
        try:
            job = wait_for(lambda: (j := web.jobs.get(job_id)) and JobStatus(j.status).terminal and j, 60, "the draft")
        finally:
            render_worker.stop()
        assert job.status == JobStatus.SUCCEEDED, job.error
        asset = web.asset(job.asset_ids[0], owner="local")
        assert asset["duration"] == pytest.approx(2, abs=0.2)
        scratch = [p for p in (tmp_path / "home" / "work").rglob("*") if p.is_file()]
        assert scratch == [], scratch
    finally:
        io_worker.stop()
        for studio in (web, io_only, render):
            studio.stop()


def test_a_job_whose_message_was_lost_is_resumed_and_sent_once(tmp_path, monkeypatch, redis_url, vendor):
    import redis

    from core.jobs.queue_worker import QueueWorker, WorkerPlan

    base_url, fake = vendor
    web, worker_studio = studios(monkeypatch, queue_env(tmp_path / "home", redis_url, base_url), 2)
    try:
        job_id = web.create(REQUEST, owner="local")["job_ids"][0]
        redis.Redis.from_url(redis_url).flushdb()  # the queue lost the job's message
        worker = QueueWorker(worker_studio.runner, WorkerPlan(lanes=("io",), scan_s=0.5, lost_grace_s=1.0)).start()
        try:
            job = wait_for(lambda: (j := web.jobs.get(job_id)) and JobStatus(j.status).terminal and j, 30, "the job")
        finally:
            worker.stop()
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert fake.submits[T2V] == 1
    finally:
        web.stop()
        worker_studio.stop()

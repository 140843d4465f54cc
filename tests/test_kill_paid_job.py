"""kill -9 at every step of a paid job, against the fake WaveSpeed on loopback: exactly one submit,
and the ledger always ends settled (never left `reserved`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.db import Database
from core.library.models import Job, LedgerEntry
from tests.fakes.wavespeed_vendor import start_fake_wavespeed

ROOT = Path(__file__).resolve().parent.parent
T2V = "alibaba/wan-2.5/text-to-video"
REQUEST = {"prompt": "a kite", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "480p", "duration": 5}
DELAY_S = 2.0


def core(home: Path, base_url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "VIDEO_STUDIO_HOME": str(home), "WAVESPEED_API_KEY": "test-key",
           "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_MIN_POLL_S": "0.05", "VIDEO_STUDIO_MAX_POLL_S": "0.1",
           "VIDEO_STUDIO_TEST_MODE": "1"}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.Popen([sys.executable, "-m", "tests.fakes.run_core", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)


def rows(home: Path) -> tuple[Job | None, LedgerEntry | None]:
    db = Database(f"sqlite:///{home / 'studio.db'}")
    try:
        with db.session() as s:
            job = s.query(Job).first()
            entry = s.query(LedgerEntry).first()
        return job, entry
    finally:
        db.dispose()


def wait_until(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the step was never reached")


# step -> (vendor set-up, "has the job reached the step?")
STEPS = {
    "queued": (lambda v: setattr(v, "balance_delay_s", DELAY_S),
               lambda v, job: job and job.status == "queued" and "/api/v3/balance" in v.paths("GET")),
    "submitting": (lambda v: v.behave(T2V, submit_delay_s=DELAY_S),
                   lambda v, job: job and job.status == "submitting" and v.submits[T2V] == 1),
    "running": (lambda v: v.behave(T2V, steps=["created"] + ["processing"] * 40 + ["completed"]),
                lambda v, job: job and job.status == "running" and job.task_id),
    "downloading": (lambda v: v.behave(T2V, download_delay_s=DELAY_S),
                    lambda v, job: job and job.status == "downloading" and v.downloads >= 1),
    "succeeded": (lambda v: None, lambda v, job: job and job.status == "succeeded"),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_kill_9_at_every_step_sends_once_and_settles(tmp_path, clip_factory, step):
    clip = clip_factory("vendor.mp4", seconds=1, size="160x90")
    base_url, vendor, stop_vendor = start_fake_wavespeed(clip.read_bytes())
    prepare, reached = STEPS[step]
    prepare(vendor)
    home = tmp_path / "home"
    first = core(home, base_url, "create", json.dumps(REQUEST))
    try:
        answer = json.loads(first.stdout.readline())
        assert answer["ok"], answer["issues"]
        job_id = answer["job_ids"][0]
        wait_until(lambda: reached(vendor, rows(home)[0]))
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        vendor.balance_delay_s = 0.0
        vendor.behave(T2V)  # the vendor answers promptly now: the task finishes on the next polls
        second = core(home, base_url, "resume", job_id)
        assert second.wait(timeout=90) == 0
        job, entry = rows(home)
        assert vendor.submits[T2V] == 1, f"{vendor.submits[T2V]} submits after a kill at '{step}'"
        assert entry.state != "reserved", (step, job.status, entry.state)
        if step == "submitting":  # the task may exist: flagged, never sent again
            assert job.status == "needs-attention" and entry.state == "unknown"
        else:
            assert job.status == "succeeded" and entry.state == "charged", (job.status, job.error)
            assert entry.actual_usd == pytest.approx(0.25)
    finally:
        for proc in (first,):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        stop_vendor()

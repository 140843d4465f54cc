"""Small helpers shared by the facade tests."""

from __future__ import annotations

import time

OWNER = "local"  # solo mode's one owner (VIDEO_STUDIO_USER's default)


def wait_for_job(studio, job_id: str, timeout: float = 120) -> dict:
    """Poll the facade until the job reaches a terminal status; return its view."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = studio.job(job_id, owner=OWNER)
        if view["terminal"]:
            return view
        time.sleep(0.1)
    raise AssertionError(f"job did not finish in {timeout} s: {studio.job(job_id, owner=OWNER)}")

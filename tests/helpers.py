"""Small helpers shared by the facade tests."""

from __future__ import annotations

import time

OWNER = "local"  # solo mode's one owner (VIDEO_STUDIO_USER's default)


def wait_for_job(studio, job_id: str, timeout: float = 120, owner: str = OWNER) -> dict:
    """Poll until the job reaches a terminal status; return its view. `studio` is the facade, or an
    httpx client of the REST API (GET /jobs/{id} answers the same view)."""
    if hasattr(studio, "job"):
        read = lambda: studio.job(job_id, owner=owner)  # noqa: E731
    else:
        read = lambda: studio.get(f"/jobs/{job_id}").json()  # noqa: E731
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = read()
        if view["terminal"]:
            return view
        time.sleep(0.1)
    raise AssertionError(f"job did not finish in {timeout} s: {read()}")


# The facade takes each multi-field action as one request (the dict a client sends); these
# build it from positional arguments for tests that read better that way.
def edit_apply(studio, asset_id, ops, *, owner: str = OWNER, **more):
    return studio.edit.apply({"asset_id": asset_id, "ops": ops, **more}, owner=owner)


def edit_preview(studio, asset_id, ops, *, owner: str = OWNER):
    return studio.edit.preview({"asset_id": asset_id, "ops": ops}, owner=owner)


def edit_outcome(studio, asset_id, ops, *, owner: str = OWNER):
    return studio.edit.outcome({"asset_id": asset_id, "ops": ops}, owner=owner)


def edit_batch(studio, asset_ids, ops, *, owner: str = OWNER, **more):
    return studio.edit.apply_batch({"asset_ids": asset_ids, "ops": ops, **more}, owner=owner)


def edit_join(studio, asset_ids, transition: str = "fade", duration: float = 0.5, *, owner: str = OWNER):
    return studio.edit.join({"asset_ids": asset_ids, "transition": transition, "duration": duration}, owner=owner)


def edit_compare(studio, original_id, enhanced_id, *, owner: str = OWNER):
    return studio.edit.compare({"original_id": original_id, "enhanced_id": enhanced_id}, owner=owner)


def ai_edit(studio, asset_id, operation, *, owner: str = OWNER, estimate: bool = False, **more):
    call = {"asset_id": asset_id, "operation": operation, **more}
    return (studio.edit.ai_estimate if estimate else studio.edit.ai_apply)(call, owner=owner)


def social_pack(studio, asset_id, options, *, owner: str = OWNER):
    return studio.social.pack({"asset_id": asset_id, **options}, owner=owner)

"""Inputs another job of the same request makes (a voice spoken from a script, then the avatar
rendered from it): a job whose media field reads `pending:<job id>` waits, unsent, until that
job has succeeded, then takes its first output, measured, in place of the marker.

Nothing is sent while waiting; when the other job fails, this one is not sent at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.contracts import pending_job
from core.errors import NotFound, ProviderFailed, StudioError
from core.inputs import check_audio
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus
from core.library.repository import Library

MEDIA = ("image", "audio", "video")
NOUNS = {"text-to-speech": "voice", "avatar": "avatar"}


@dataclass(frozen=True)
class Waiting:
    """The job it waits for is still working."""

    message: str


def has_pending(job: Job) -> bool:
    request = job.payload.get("request") or {}
    return any(pending_job(request.get(kind)) for kind in MEDIA)


def resolve(job: Job, store: JobStore, library: Library) -> dict | Waiting | StudioError:
    """The job's payload with every pending input replaced by the file it became (audio measured),
    or Waiting, or the reason it can never run."""
    request = job.payload["request"]
    files: dict[str, str] = {}
    parent = None
    for kind in MEDIA:
        other_id = pending_job(request.get(kind))
        if not other_id:
            continue
        try:
            other = store.get(other_id, job.owner)
        except NotFound:
            return ProviderFailed("The step this one needs was removed, so it was not sent.",
                                  "Nothing was charged for it. Run it again.")
        noun = NOUNS.get(other.operation, "step")
        status = JobStatus(other.status)
        if not status.terminal:
            return Waiting(f"Waiting for the {noun} ({other.message or status.value})")
        if status != JobStatus.SUCCEEDED or not other.asset_ids:
            reason = (other.error or other.message or status.value).rstrip(".")
            return ProviderFailed(f"The {noun} this step needs was not made ({reason}), so it was not sent.",
                                  "Nothing was charged for this step. Fix the problem and run it again.")
        asset = library.get(other.asset_ids[0], job.owner)
        files[kind] = asset.path
        parent = parent or asset.id
    updates: dict = dict(files)
    if "audio" in files:
        try:
            updates["input_duration"] = round(check_audio(files["audio"]), 3)
        except StudioError as exc:
            return exc
    ladder = [{**rung, "request": {**rung["request"], **updates}} for rung in job.payload.get("ladder", [])]
    return {**job.payload, "request": {**request, **updates}, "ladder": ladder,
            "parent_id": job.payload.get("parent_id") or parent}

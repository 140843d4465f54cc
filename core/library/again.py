""""Use these settings again": the exact request that made an asset, ready for the studio it came from.

A generated asset answers the request its job was asked (media named by asset id, this
variation's seed, the model that ran), for Create or /create; a local chain (edit, enhance,
transform) answers its source asset and ops; an asset made in Avatar Studio (a voice, an avatar, the
joined or captioned video) answers the /avatar request it came from. Sent again unchanged, a paid
request meets the never-pay-twice offer; imports have no settings to use again.
"""

from __future__ import annotations

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.library.models import Asset, Job

CREATE_OPERATIONS = {"text-to-video", "image-to-video"}
CHAINS = {"edit", "enhance", "transform"}
PUBLIC = ("operation", "prompt", "negative_prompt", "duration", "resolution", "aspect", "platform", "template",
          "motion", "quality", "model", "seed", "variations", "generate_audio", "options")


def settings_again(db: Database, owner: str, asset_id: str) -> dict:
    """{studio, request} for a generated asset (studio "create" for Create's operations, "avatar" for
    Avatar Studio's (send it to /avatar), else "api": send it to /create), {studio, asset_id, ops,
    operation} for a local chain."""
    with db.session() as s:
        asset = s.get(Asset, asset_id)
        if asset is None or asset.deleted or asset.owner != owner:
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        job = s.get(Job, asset.job_id) if asset.job_id else None
    settings = dict(asset.settings or {})
    if asset.operation in CHAINS and "ops" in settings and asset.parent_id:
        return {"studio": asset.operation, "asset_id": asset.parent_id, "ops": settings["ops"],
                "operation": asset.operation}
    avatar = _avatar_request(job)
    if avatar is not None:
        return {"studio": "avatar", "request": avatar, "asset_id": asset.id}
    if job is None or job.kind != "generate":
        raise InvalidInput(f"{asset.title or asset_id} was not made from settings the studio can run again "
                           f"({asset.operation}).", "Pick an asset made in Create, Avatar, Edit, Enhance or Transform.",
                           field="asset_id")
    asked = dict(job.payload.get("asked") or {k: v for k, v in settings.items() if k in PUBLIC})
    request = {**asked, "model": asset.model or asked.get("model", "auto"), "variations": 1,
               "seed": settings.get("seed", asked.get("seed"))}
    request = {k: v for k, v in request.items() if v is not None}
    studio = "create" if request.get("operation") in CREATE_OPERATIONS else "api"
    return {"studio": studio, "request": request, "asset_id": asset.id}


def _avatar_request(job: Job | None) -> dict | None:
    """The /avatar request a job of Avatar Studio kept (its runs and its finishing job keep it)."""
    payload = (job.payload or {}) if job is not None else {}
    asked = payload.get("avatar_request") or payload.get("request")
    return dict(asked) if isinstance(asked, dict) and "photo_id" in asked else None

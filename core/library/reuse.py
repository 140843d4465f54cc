"""Never pay twice: each generated asset carries a key of the exact request that made it.

The key is a SHA-256 over the model that ran and the request's fingerprint (every setting,
the seed included, with input files counted by their bytes; see fingerprint.py). A later
request with the same key can be offered the earlier asset at $0 instead of a new paid run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from sqlmodel import col, select

from core.db import Database
from core.library.fingerprint import HashFile, digest, file_sha256
from core.library.models import Asset
from core.money.pricing import format_usd

# Fields that do not change what a model makes: routing hints, how many runs, measured facts,
# and the confirmation itself. The model is part of the key on its own (the one that ran).
NOT_IN_KEY = frozenset({"model", "variations", "quality", "input_duration", "confirm", "confirm_usd",
                        "run_again", "title", "user"})


def request_fingerprint(request: Mapping, hash_file: HashFile = file_sha256) -> str:
    """The fingerprint of one run's request (a dict as GenerationRequest.model_dump gives)."""
    return digest({k: v for k, v in request.items() if k not in NOT_IN_KEY}, hash_file)


def reuse_key(fingerprint: str, model_id: str) -> str:
    return hashlib.sha256(f"{model_id}\n{fingerprint}".encode()).hexdigest()


def find_reuse(db: Database, owner: str, key: str) -> dict | None:
    """`owner`'s newest asset made by exactly this request: {asset_id, created_at, cost_usd, ...}."""
    with db.session() as s:
        asset = s.exec(select(Asset).where(Asset.owner == owner, Asset.reuse_key == key,
                                           Asset.deleted == False)  # noqa: E712
                       .order_by(col(Asset.created_at).desc()).limit(1)).first()
    if asset is None:
        return None
    return {"asset_id": asset.id, "created_at": asset.created_at.isoformat(timespec="seconds"),
            "cost_usd": round(asset.actual_usd or 0.0, 4), "title": asset.title, "model": asset.model}


def offer(found: dict, max_usd: float, upper_bound: bool) -> str:
    """"You made this on 12 Nov - use it, or run again for $0.50?" for an earlier asset `found`."""
    made = datetime.fromisoformat(found["created_at"])
    price = f"{'up to ' if upper_bound else ''}{format_usd(max_usd)}"
    return (f"You made this on {made.day} {made:%b} - use it (asset {found['asset_id']}), or run again for "
            f"{price}? Nothing was sent. To run it again, send run_again: true.")

"""Delete with care (files and rows go together), and how much disk each owner uses."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import update
from sqlmodel import delete, func, select

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.library.models import Asset, AssetTag, Collection, CollectionItem
from core.storage import MediaStore


def delete_asset(db: Database, store: MediaStore, owner: str, asset_id: str, confirm: bool = False) -> dict:
    """Delete an asset's row and files. An asset that other versions were made from, or that is
    in a collection, is only deleted with `confirm=True`; otherwise the answer says why
    (`needs_confirmation`, `children`, `collections`). Versions made from it stay, attached to
    its parent. Answers {deleted, freed_bytes, ...}."""
    if not isinstance(confirm, bool):
        raise InvalidInput("confirm: must be true or false.", "Send confirm: true to delete anyway.")
    with db.session() as s:
        asset = s.get(Asset, asset_id) if isinstance(asset_id, str) else None
        if asset is None or asset.deleted or asset.owner != owner:
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        children = s.exec(select(func.count()).select_from(Asset).where(Asset.parent_id == asset_id)).one()
        collections = s.exec(select(Collection.name).join(
            CollectionItem, CollectionItem.collection_id == Collection.id).where(
            CollectionItem.asset_id == asset_id)).all()
    if (children or collections) and not confirm:
        return {"deleted": False, "needs_confirmation": True, "asset_id": asset_id, "children": children,
                "collections": list(collections), "message": _why(asset.title, children, collections)}
    files = [Path(p) for p in (asset.path, asset.poster_path) if p and store.contains(Path(p))]
    moved = _set_aside(files, store)
    try:
        with db.session() as s:
            s.execute(update(Asset).where(Asset.parent_id == asset_id).values(parent_id=asset.parent_id))
            s.execute(delete(AssetTag).where(AssetTag.asset_id == asset_id))
            s.execute(delete(CollectionItem).where(CollectionItem.asset_id == asset_id))
            s.execute(delete(Asset).where(Asset.id == asset_id))
    except Exception:
        for original, aside in moved:
            os.replace(aside, original)
        raise
    for path in files:
        store.remove(path)  # a bucket's object (a local file was set aside above)
    freed = 0
    for _original, aside in moved:
        freed += aside.stat().st_size
        aside.unlink(missing_ok=True)
    return {"deleted": True, "needs_confirmation": False, "asset_id": asset_id, "children": children,
            "collections": list(collections), "freed_bytes": freed,
            "message": f"Deleted {asset.title}." + (f" {children} version(s) made from it now hang from its "
                                                   "parent." if children else "")}


def disk_use(db: Database, owner: str) -> dict:
    """What `owner`'s library holds on disk: files and posters, in all and per operation."""
    with db.session() as s:
        rows = s.exec(select(Asset.operation, Asset.size_bytes, Asset.poster_path).where(
            Asset.owner == owner, Asset.deleted == False)).all()  # noqa: E712
    by_operation: dict[str, int] = {}
    posters = 0
    for operation, size, poster in rows:
        by_operation[operation] = by_operation.get(operation, 0) + int(size or 0)
        if poster and os.path.exists(poster):
            posters += os.path.getsize(poster)
    files = sum(by_operation.values())
    return {"assets": len(rows), "bytes": files + posters, "file_bytes": files, "poster_bytes": posters,
            "by_operation": dict(sorted(by_operation.items(), key=lambda kv: -kv[1]))}


def _why(title: str, children: int, collections: list[str]) -> str:
    reasons = []
    if children:
        reasons.append(f"{children} version(s) were made from it (they stay, attached to its parent)")
    if collections:
        reasons.append(f"it is in {len(collections)} collection(s): {', '.join(collections)}")
    return f"{title}: {' and '.join(reasons)}. Send confirm: true to delete it anyway."


def _set_aside(files: list[Path], store: MediaStore) -> list[tuple[Path, Path]]:
    """Move files out of sight first (atomic renames), so a failed row delete can put them back."""
    moved = []
    for path in files:
        if path.exists():
            aside = store.scratch(path.suffix)
            os.replace(path, aside)
            moved.append((path, aside))
    return moved

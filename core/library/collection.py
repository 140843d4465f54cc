"""Collections (projects): named sets of one owner's assets, exported as a ZIP with a manifest."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, delete, func, select

from core.db import Database
from core.errors import InvalidInput, NotFound
from core.library.models import Asset, Collection, CollectionItem, utcnow
from core.storage import MediaStore, safe_name

MAX_NAME_CHARS = 120
MANIFEST = "manifest.json"


def collection_name(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("name: a collection needs a name.", "Give it a short name, e.g. \"Spring campaign\".")
    name = " ".join(raw.split())
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"name: at most {MAX_NAME_CHARS} characters.", "Use a shorter name.")
    return name


class Collections:
    """Create, rename, fill, list and export one owner's collections."""

    def __init__(self, db: Database, store: MediaStore) -> None:
        self.db = db
        self.store = store

    def create(self, owner: str, name: str) -> dict:
        item = Collection(owner=owner, name=collection_name(name))
        with self.db.session() as s:
            s.add(item)
        return self.view(owner, item.id)

    def rename(self, owner: str, collection_id: str, name: str) -> dict:
        with self.db.session() as s:
            item = self._get(s, owner, collection_id)
            item.name, item.updated_at = collection_name(name), utcnow()
            s.add(item)
        return self.view(owner, collection_id)

    def add(self, owner: str, collection_id: str, asset_ids: list[str]) -> dict:
        ids = _ids(asset_ids)
        with self.db.session() as s:
            item = self._get(s, owner, collection_id)
            _owned(s, owner, ids)
            present = set(s.exec(select(CollectionItem.asset_id).where(
                CollectionItem.collection_id == collection_id, col(CollectionItem.asset_id).in_(ids))).all())
            s.add_all(CollectionItem(collection_id=collection_id, asset_id=a) for a in ids if a not in present)
            item.updated_at = utcnow()
            s.add(item)
        return self.view(owner, collection_id)

    def remove(self, owner: str, collection_id: str, asset_ids: list[str]) -> dict:
        ids = _ids(asset_ids)
        with self.db.session() as s:
            item = self._get(s, owner, collection_id)
            s.execute(delete(CollectionItem).where(CollectionItem.collection_id == collection_id,
                                                   col(CollectionItem.asset_id).in_(ids)))
            item.updated_at = utcnow()
            s.add(item)
        return self.view(owner, collection_id)

    def list(self, owner: str) -> list[dict]:
        with self.db.session() as s:
            items = s.exec(select(Collection).where(Collection.owner == owner)
                           .order_by(col(Collection.updated_at).desc())).all()
            return [self._view(s, c) for c in items]

    def view(self, owner: str, collection_id: str) -> dict:
        with self.db.session() as s:
            return self._view(s, self._get(s, owner, collection_id))

    def of_asset(self, owner: str, asset_id: str) -> list[dict]:
        """The collections an asset is in: [{id, name}]."""
        with self.db.session() as s:
            rows = s.exec(select(Collection.id, Collection.name).join(
                CollectionItem, CollectionItem.collection_id == Collection.id).where(
                Collection.owner == owner, CollectionItem.asset_id == asset_id)).all()
        return [{"id": i, "name": n} for i, n in rows]

    def export(self, owner: str, collection_id: str) -> dict:
        """Write a ZIP of every file in the collection with `manifest.json` (title, prompt, model,
        settings, cost and lineage of each); returns {path, files, bytes, asset_ids, collection}."""
        with self.db.session() as s:
            found = self._get(s, owner, collection_id)
            assets = s.exec(select(Asset).join(CollectionItem, CollectionItem.asset_id == Asset.id).where(
                CollectionItem.collection_id == collection_id, Asset.deleted == False)  # noqa: E712
                .order_by(col(CollectionItem.added_at), col(Asset.id))).all()
            lineages = {a.id: _lineage(s, owner, a) for a in assets}
        if not assets:
            raise InvalidInput(f"The collection '{found.name}' is empty.", "Add assets to it before exporting.")
        entries, used = [], set()
        for index, asset in enumerate(assets, 1):
            name = _unique(f"{index:03d}-{safe_name(asset.title, 'asset')}{Path(asset.path).suffix}", used)
            entries.append((asset, name))
        manifest = {"collection": {"id": found.id, "name": found.name},
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "assets": [_manifest_entry(a, name, lineages[a.id]) for a, name in entries]}
        scratch = self.store.scratch(".zip")
        try:
            with zipfile.ZipFile(scratch, "w", zipfile.ZIP_STORED) as zf:  # media is compressed already
                for asset, name in entries:
                    zf.write(self.store.local(asset.path), name)
                zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False),
                            compress_type=zipfile.ZIP_DEFLATED)
            dest = self.store.commit(scratch, self.store.new_path(owner, ".zip", f"{found.name}-collection"))
        finally:
            scratch.unlink(missing_ok=True)
        return {"path": str(dest), "files": len(entries), "bytes": dest.stat().st_size,
                "asset_ids": [a.id for a, _ in entries], "collection": self.view(owner, collection_id)}

    # -- helpers -------------------------------------------------------------------------------
    def _get(self, s, owner: str, collection_id: str) -> Collection:
        item = s.get(Collection, collection_id) if isinstance(collection_id, str) else None
        if item is None or item.owner != owner:
            raise NotFound(f"Collection {collection_id} was not found.", "Pick one of your collections.")
        return item

    def _view(self, s, item: Collection) -> dict:
        ids = s.exec(select(CollectionItem.asset_id).where(CollectionItem.collection_id == item.id)
                     .order_by(col(CollectionItem.added_at), col(CollectionItem.asset_id))).all()
        size = s.exec(select(func.coalesce(func.sum(Asset.size_bytes), 0)).join(
            CollectionItem, CollectionItem.asset_id == Asset.id).where(
            CollectionItem.collection_id == item.id)).one()
        return {"id": item.id, "collection_id": item.id, "name": item.name, "asset_ids": list(ids), "count": len(ids),
                "bytes": int(size), "created_at": item.created_at.isoformat(timespec="seconds"),
                "updated_at": item.updated_at.isoformat(timespec="seconds")}


def _ids(asset_ids) -> list[str]:
    if not isinstance(asset_ids, list) or not asset_ids or not all(isinstance(a, str) for a in asset_ids):
        raise InvalidInput("asset_ids: send a list of asset ids.", "Pick one or more assets.")
    return list(dict.fromkeys(asset_ids))


def _owned(s, owner: str, ids: list[str]) -> None:
    found = set(s.exec(select(Asset.id).where(col(Asset.id).in_(ids), Asset.owner == owner,
                                              Asset.deleted == False)).all())  # noqa: E712
    missing = [a for a in ids if a not in found]
    if missing:
        raise NotFound(f"Asset {missing[0]} was not found.", "Pick assets from the library.")


def _lineage(s, owner: str, asset: Asset) -> list[dict]:
    """Ancestors of `asset`, parent first, as {asset_id, operation, model, title}."""
    out, current = [], asset.parent_id
    while current and len(out) < 100:
        parent = s.get(Asset, current)
        if parent is None or parent.owner != owner:
            break
        out.append({"asset_id": parent.id, "operation": parent.operation, "model": parent.model,
                    "title": parent.title})
        current = parent.parent_id
    return out


def _manifest_entry(asset: Asset, name: str, lineage: list[dict]) -> dict:
    return {"file": name, "asset_id": asset.id, "title": asset.title, "prompt": asset.prompt,
            "operation": asset.operation, "provider": asset.provider, "model": asset.model,
            "settings": asset.settings or {}, "cost_usd": round(asset.actual_usd or 0.0, 4),
            "estimate_usd": round(asset.estimate_usd or 0.0, 4), "duration_s": asset.duration_s,
            "width": asset.width, "height": asset.height, "size_bytes": asset.size_bytes,
            "tags": list(asset.tags or []), "parent_id": asset.parent_id, "lineage": lineage,
            "created_at": asset.created_at.isoformat(timespec="seconds")}


def _unique(name: str, used: set[str]) -> str:
    stem, suffix, n = Path(name).stem, Path(name).suffix, 2
    while name in used:
        name, n = f"{stem}-{n}{suffix}", n + 1
    used.add(name)
    return name

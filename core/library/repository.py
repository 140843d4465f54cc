"""Record and query library assets. A file is recorded only once it exists and probes."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import col, or_, select

from core.db import Database
from core.errors import NotFound
from core.library.cache import MediaCache
from core.library.fingerprint import file_sha256
from core.library.models import Asset, AssetTag
from core.library.tags import aspect_label, auto_tags, normalise_tags
from core.library.text_index import TextIndex, index_for
from core.media.frames import poster
from core.media.probe import probe
from core.storage import MediaStore, link_or_copy
from core.views import headline

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


class Library:
    """The asset library over one database and one media store.

    `cache` (derived media) and `offline_models` (ids of free offline draft models, for the
    "offline draft" tag) are optional; the text index is chosen for the database."""

    def __init__(self, db: Database, store: MediaStore, *, cache: MediaCache | None = None,
                 offline_models: Iterable[str] = (), index: TextIndex | None = None,
                 on_added: Callable[[Asset], None] | None = None) -> None:
        self.db = db
        self.store = store
        self.on_added = on_added  # e.g. the audit log's "created" event
        self.cache = cache
        self.offline_models = frozenset(offline_models)
        self.index = index or index_for(db.engine)
        with db.engine.begin() as conn:
            self.index.install(conn)  # made by the first migration; rebuilt here if its layout changed
        self.fill_in_older_assets()  # assets of a studio from before tags (adopted by the migration)

    def add(self, path: Path, *, owner: str, operation: str, tags: Iterable[str] = (),
            poster: Path | None = None, **fields) -> Asset:
        """Probe `path` (already at its final place) and record it with its lineage and cost.
        `poster`: a still already made for it (kept as its poster instead of making one)."""
        path = Path(path)
        info = None
        if path.suffix.lower() not in _IMAGE_SUFFIXES:
            info = self.cache.probe(path) if self.cache else probe(path)
        asset = Asset(
            owner=owner,
            path=str(path),
            mime=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            size_bytes=path.stat().st_size,
            operation=operation,
            content_hash=self.cache.file_hash(path) if self.cache else file_sha256(path),
            **fields,
        )
        if info:
            asset.duration_s = round(info.duration_s, 3)
            asset.width, asset.height, asset.fps = info.width, info.height, info.fps
            asset.has_audio, asset.video_codec = info.has_audio, info.video_codec
            if info.has_video:
                asset.poster_path = str(self._poster(path) if poster is None else self._keep_poster(path, poster))
        if not asset.title:
            asset.title = headline(fields.get("prompt") or path.stem, 80)
        for kept in (path, asset.poster_path):  # probed and measured: now to where media are kept
            if kept:
                self.store.publish(kept)
        return self.record(asset, tags=tags)

    def record(self, asset: Asset, *, tags: Iterable[str] = ()) -> Asset:
        """Write a new asset row with its derived facts, automatic tags and `tags`."""
        self.record_many([asset], tags=tags)
        return asset

    def record_many(self, assets: list[Asset], *, tags: Iterable[str] = ()) -> None:
        """Write several new asset rows, with their tag rows, in one transaction (imports, benchmarks)."""
        manual = normalise_tags(list(tags))
        tag_rows = []
        for asset in assets:
            _derive(asset)
            automatic = auto_tags(asset, offline=asset.model in self.offline_models)
            asset.tags = sorted(set(automatic) | set(manual))
            tag_rows += [{"asset_id": asset.id, "tag": t, "auto": t in automatic} for t in asset.tags]
        with self.db.session() as s:
            s.execute(insert(Asset), [a.model_dump() for a in assets])
            if tag_rows:
                s.execute(insert(AssetTag), tag_rows)
        if self.on_added:
            for asset in assets:
                self.on_added(asset)

    def fill_in_older_assets(self) -> int:
        """Give assets recorded before tags existed (no tag rows) their derived facts and
        automatic tags; returns how many were filled in."""
        tagged = select(AssetTag.asset_id).where(AssetTag.asset_id == Asset.id).exists()
        with self.db.session() as s:
            older = list(s.exec(select(Asset).where(~tagged, Asset.deleted == False)))  # noqa: E712
            rows = []
            for asset in older:
                _derive(asset)
                automatic = auto_tags(asset, offline=asset.model in self.offline_models)
                asset.tags = sorted(set(automatic) | set(asset.tags or []))
                rows += [{"asset_id": asset.id, "tag": t, "auto": t in automatic} for t in asset.tags]
                s.add(asset)
            s.flush()
            if rows:
                s.execute(insert(AssetTag), rows)
        return len(older)

    def get(self, asset_id: str, owner: str) -> Asset:
        """`owner`'s asset; someone else's id answers exactly like a missing one."""
        with self.db.session() as s:
            asset = s.get(Asset, asset_id) if isinstance(asset_id, str) else None
        if asset is None or asset.deleted or asset.owner != owner:
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        self.store.local(asset.path)  # kept in a bucket: read from a local copy
        return asset

    def titles(self, asset_ids: Iterable[str]) -> dict[str, str]:
        """Titles by id, whoever owns them and deleted ones too (for the team's audit log)."""
        wanted = sorted({i for i in asset_ids if i})
        if not wanted:
            return {}
        with self.db.session() as s:
            return dict(s.exec(select(Asset.id, Asset.title).where(col(Asset.id).in_(wanted))).all())

    def list(self, owner: str, query: str = "", operation: str | None = None, limit: int = 200) -> list[Asset]:
        stmt = select(Asset).where(Asset.owner == owner, Asset.deleted == False)  # noqa: E712
        if operation:
            stmt = stmt.where(Asset.operation == operation)
        if query:
            like = f"%{query}%"
            stmt = stmt.where(or_(col(Asset.title).like(like), col(Asset.prompt).like(like),
                                  col(Asset.model).like(like), col(Asset.operation).like(like)))
        stmt = stmt.order_by(col(Asset.created_at).desc()).limit(limit)
        with self.db.session() as s:
            return list(s.exec(stmt))

    def forget(self, asset_ids: list[str]) -> None:
        """Remove the rows of assets whose files were just discarded (a result kept only in part)."""
        if not asset_ids:
            return
        with self.db.session() as s:
            for asset_id in asset_ids:
                asset = s.get(Asset, asset_id)
                if asset is not None:
                    s.delete(asset)

    def set_cost(self, asset_id: str, actual_usd: float) -> None:
        with self.db.session() as s:
            asset = s.get(Asset, asset_id)
            if asset is not None:
                asset.actual_usd = round(actual_usd, 4)
                s.add(asset)

    def lineage(self, asset_id: str, owner: str) -> list[Asset]:
        """The asset and its ancestors, newest first (only `owner`'s; a deleted ancestor ends it)."""
        chain: list[Asset] = [self.get(asset_id, owner)]
        current = chain[0].parent_id
        while current and len(chain) < 100:
            try:
                asset = self.get(current, owner)
            except NotFound:
                break
            chain.append(asset)
            current = asset.parent_id
        return chain

    def children(self, asset_id: str, owner: str) -> list[Asset]:
        with self.db.session() as s:
            stmt = select(Asset).where(Asset.parent_id == asset_id, Asset.owner == owner,
                                       Asset.deleted == False).order_by(col(Asset.created_at))  # noqa: E712
            return list(s.exec(stmt))

    def _poster(self, video: Path) -> Path:
        dest = video.with_suffix(".poster.jpg")
        if self.cache is None:
            return poster(video, dest=dest)
        return link_or_copy(self.cache.poster(video), dest)  # its own copy: the cache may evict its entry

    def _keep_poster(self, video: Path, still: Path) -> Path:
        """A copy of `still` (a hard link where it can be) as the video's poster."""
        return link_or_copy(still, video.with_suffix(".poster" + still.suffix.lower()))


def _derive(asset: Asset) -> None:
    """Facts the filters use, from the probed size and the request that made the asset."""
    settings = asset.settings or {}
    asset.aspect = asset.aspect or aspect_label(asset.width, asset.height)
    for name in ("platform", "template"):
        if not getattr(asset, name) and isinstance(settings.get(name), str):
            setattr(asset, name, settings[name])

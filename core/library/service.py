"""The library's actions for the facade: find, tag, collect, version, reuse, delete, analyse.

Every call names its owner (keyword `owner`); someone else's id answers like a missing one.
Answers are plain dicts (asset views as `core.views.asset_view` gives them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.boundary import parse
from core.boundary.library import CollectionsRequest, TagRequest, asset_id_of
from core.db import Database
from core.errors import InvalidInput, StudioError
from core.library import again, analytics, removal, reuse, versions
from core.library.cache import MediaCache
from core.library.collection import Collections
from core.library.models import Asset
from core.library.repository import Library
from core.library.search import facets, parse_query, search
from core.library.tags import normalise_tags, write_tags
from core.storage import MediaStore
from core.views import asset_view


@dataclass
class LibraryDeps:
    db: Database
    store: MediaStore
    library: Library
    cache: MediaCache
    operations: Mapping[str, str] = field(default_factory=dict)  # model id -> operation
    tiers: Mapping[str, str] = field(default_factory=dict)  # model id -> quality tier
    audit: Callable[..., None] = lambda owner, action, **facts: None  # the append-only audit log
    name_of: Callable[[str], str] = str  # a model id -> the name people read (Catalog.display_name)


class LibraryService:
    def __init__(self, deps: LibraryDeps) -> None:
        self.d = deps
        self.collections = Collections(deps.db, deps.store)

    # -- find ----------------------------------------------------------------------------------
    def search(self, request: dict | None, *, owner: str) -> dict:
        """{query, tags, collection_id, operation, model, min/max_duration, aspect, platform, since,
        until, min/max_cost, sort, page, page_size} -> {items, total, page, page_size}."""
        query = parse_query(request)
        assets, total = search(self.d.db, self.d.library.index, owner, query)
        return {"items": [asset_view(a) for a in assets], "total": total, "page": query.page,
                "page_size": query.page_size}

    def facets(self, *, owner: str) -> dict[str, list[str]]:
        """{operation, model, aspect, platform}: the values the owner's assets have, for filters."""
        return facets(self.d.db, owner)

    def details(self, asset_id: str, *, owner: str, pictures: bool = True) -> dict:
        """An asset opened: its view, probed facts, a frame strip and poster (all from the derived
        cache when seen before; only with `pictures`), its collections and how many versions were
        made from it; `model_name` and `ai_model_name` (of its AI tags) are the catalog's names."""
        asset = self.d.library.get(asset_id, owner)
        ai_model = ((asset.settings or {}).get("ai_tags") or {}).get("model")
        out = {"asset": asset_view(asset), "collections": self.collections.of_asset(owner, asset.id),
               "children": len(self.d.library.children(asset.id, owner)), "facts": None, "strip": None, "poster": None,
               "model_name": self.d.name_of(asset.model) if asset.model else None,
               "ai_model_name": self.d.name_of(ai_model) if ai_model else None}
        if asset.width and asset.duration_s:
            info = self.d.cache.probe(asset.path)
            out.update(facts={**info.to_dict(), "summary": info.summary()})
            for key, make in (("strip", self.d.cache.frame_strip), ("poster", self.d.cache.poster)) if pictures else ():
                try:  # a picture that cannot be drawn (a very short clip) leaves the details readable
                    out[key] = str(make(asset.path))
                except StudioError:
                    out[key] = None
        return out

    # -- tags ----------------------------------------------------------------------------------
    def tag(self, asset_id: str, *, owner: str, add: list[str] | None = None,
            remove: list[str] | None = None) -> dict:
        added, removed = normalise_tags(add), normalise_tags(remove)
        if not added and not removed:
            raise InvalidInput("add: no tags to add or remove.", "Send add: [..] or remove: [..].")
        self.d.library.get(asset_id, owner)
        with self.d.db.session() as s:
            asset = s.get(Asset, asset_id)
            write_tags(s, asset, add=added, remove=removed)
        return asset_view(self.d.library.get(asset_id, owner))

    def tag_request(self, request: dict | TagRequest, *, owner: str) -> dict:
        """/tag {asset_id, add, remove} -> the asset."""
        parsed = parse(TagRequest, request)
        return self.tag(parsed.asset_id, owner=owner, add=list(parsed.add), remove=list(parsed.remove))

    # -- collections ---------------------------------------------------------------------------
    def collections_request(self, request: dict | CollectionsRequest, *, owner: str) -> dict | list[dict]:
        """/collections {action, collection_id, name, asset_ids}: `list` answers every collection,
        `export` {path, files, bytes, collection}, the others the collection as it is now."""
        p = parse(CollectionsRequest, request).needed()
        if p.action == "list":
            return self.collection_list(owner=owner)
        if p.action == "create":
            return self.collection_create(p.name, owner=owner)
        if p.action == "rename":
            return self.collection_rename(p.collection_id, p.name, owner=owner)
        if p.action == "add":
            return self.collection_add(p.collection_id, list(p.asset_ids), owner=owner)
        if p.action == "remove":
            return self.collection_remove(p.collection_id, list(p.asset_ids), owner=owner)
        return self.collection_export(p.collection_id, owner=owner)

    def collection_list(self, *, owner: str) -> list[dict]:
        return self.collections.list(owner)

    def collection_create(self, name: str, *, owner: str) -> dict:
        return self.collections.create(owner, name)

    def collection_rename(self, collection_id: str, name: str, *, owner: str) -> dict:
        return self.collections.rename(owner, collection_id, name)

    def collection_add(self, collection_id: str, asset_ids: list[str], *, owner: str) -> dict:
        return self.collections.add(owner, collection_id, asset_ids)

    def collection_remove(self, collection_id: str, asset_ids: list[str], *, owner: str) -> dict:
        return self.collections.remove(owner, collection_id, asset_ids)

    def collection_export(self, collection_id: str, *, owner: str) -> dict:
        """The ZIP; each asset in it gets an "exported" event (its export history)."""
        exported = self.collections.export(owner, collection_id)
        for asset_id in exported["asset_ids"]:
            self.d.audit(owner, "exported", asset_id=asset_id, collection_id=collection_id, files=exported["files"])
        return exported

    # -- versions, reuse, delete ---------------------------------------------------------------
    def versions(self, asset_id: str | dict, *, owner: str) -> dict:
        """An asset id, or /versions {asset_id} -> {asset_id, root_id, nodes} (the whole tree from its root);
        each node also names its model as the catalog does (`model_name`)."""
        tree = versions.version_tree(self.d.db, owner, asset_id_of(asset_id))
        for n in tree["nodes"]:
            n["model_name"] = self.d.name_of(n["model"]) if n.get("model") else None
        return tree

    def settings_again(self, asset_id: str | dict, *, owner: str) -> dict:
        """The exact request that made an asset (core.library.again), for Create, Edit or /create."""
        return again.settings_again(self.d.db, owner, asset_id_of(asset_id))

    def find_reuse(self, key: str, *, owner: str) -> dict | None:
        return reuse.find_reuse(self.d.db, owner, key)

    def delete(self, asset_id: str, *, owner: str, confirm: bool = False) -> dict:
        return removal.delete_asset(self.d.db, self.d.store, owner, asset_id, confirm)

    def disk_use(self, *, owner: str) -> dict:
        return removal.disk_use(self.d.db, owner)

    # -- analytics -----------------------------------------------------------------------------
    def analytics(self, request: dict | None, *, owner: str, everyone: bool = False) -> dict:
        """{since, until, group_by} -> {rows, totals}; `everyone` (admins) covers every owner."""
        q = analytics.parse_analytics(request)
        rows = self._usage(q, owner, everyone)
        summary = analytics.summarise(rows, q.group_by, self.d.tiers)
        if q.group_by == "model":  # the name people read beside the id
            for row in summary:
                row["model_name"] = self.d.name_of(row["model"]) if row["model"] else None
        return {"group_by": q.group_by, "since": q.since, "until": q.until, "rows": summary,
                "totals": analytics.figures(rows)}

    def analytics_csv(self, request: dict | None, *, owner: str, everyone: bool = False) -> dict:
        """The runs behind `analytics` as a CSV file: {path, rows}."""
        q = analytics.parse_analytics(request)
        rows = self._usage(q, owner, everyone)
        dest = self.d.store.new_path(owner, ".csv", f"usage-{q.since or 'start'}-{q.until or 'now'}")
        scratch = self.d.store.scratch(".csv")
        analytics.write_csv(rows, scratch)
        return {"path": str(self.d.store.commit(scratch, dest)), "rows": len(rows)}

    def _usage(self, q, owner: str, everyone: bool) -> list[analytics.UsageRow]:
        return analytics.usage_rows(self.d.db, None if everyone else owner, q.since, q.until, self.d.operations)

    # -- derived media cache -------------------------------------------------------------------
    def cache_stats(self) -> dict:
        return {**self.d.cache.stats(), "directory": str(self.d.cache.directory)}

    def clear_cache(self) -> dict:
        return {"removed": self.d.cache.clear(), **self.cache_stats()}


"""Version trees: every asset made from another (edits, enhances, packs, AI edits) is a node."""

from __future__ import annotations

from sqlalchemy import literal, select

from core.db import Database
from core.errors import NotFound
from core.library.models import Asset

MAX_DEPTH = 200


def version_tree(db: Database, owner: str, asset_id: str) -> dict:
    """The whole tree `asset_id` belongs to, from its root: {asset_id, root_id, nodes}. Nodes come
    depth-first (each parent before its children, siblings oldest first), each with `asset_id`,
    `parent_id`, `depth`, `operation`, `ops` (local chains) or `model` and `settings`, and `cost_usd`."""
    with db.session() as s:
        start = s.get(Asset, asset_id) if isinstance(asset_id, str) else None
        if start is None or start.deleted or start.owner != owner:
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        root_id = s.execute(_root_query(owner, asset_id)).scalar_one()
        tree = _descendants(owner, root_id)
        rows = s.execute(select(Asset, tree.c.depth).join(tree, tree.c.id == Asset.id)).all()
    by_parent: dict[str | None, list[tuple[Asset, int]]] = {}
    for asset, depth in rows:
        by_parent.setdefault(None if asset.id == root_id else asset.parent_id, []).append((asset, depth))
    nodes: list[dict] = []
    stack = sorted(by_parent.get(None, []), key=_age, reverse=True)
    while stack:
        asset, depth = stack.pop()
        nodes.append(node(asset, depth))
        stack += sorted(by_parent.get(asset.id, []), key=_age, reverse=True)
    return {"asset_id": asset_id, "root_id": root_id, "nodes": nodes}


def node(asset: Asset, depth: int = 0) -> dict:
    settings = dict(asset.settings or {})
    out = {"asset_id": asset.id, "parent_id": asset.parent_id, "depth": depth, "title": asset.title,
           "operation": asset.operation, "provider": asset.provider, "model": asset.model,
           "cost_usd": round(asset.actual_usd or 0.0, 4), "duration_s": asset.duration_s,
           "width": asset.width, "height": asset.height,
           "created_at": asset.created_at.isoformat(timespec="seconds")}
    if "ops" in settings:
        out["ops"] = settings.pop("ops")
    out["settings"] = settings
    return out


def _root_query(owner: str, asset_id: str):
    """Walk parent links up (within the owner) and answer the top-most asset's id."""
    up = (select(Asset.id, Asset.parent_id, literal(0).label("depth"))
          .where(Asset.id == asset_id, Asset.owner == owner).cte("up", recursive=True))
    parent = select(Asset.id, Asset.parent_id, (up.c.depth + 1).label("depth")).join(
        up, Asset.id == up.c.parent_id).where(Asset.owner == owner, Asset.deleted == False,  # noqa: E712
                                              up.c.depth < MAX_DEPTH)
    up = up.union_all(parent)
    return select(up.c.id).order_by(up.c.depth.desc()).limit(1)


def _descendants(owner: str, root_id: str):
    down = (select(Asset.id, literal(0).label("depth")).where(Asset.id == root_id)
            .cte("down", recursive=True))
    child = select(Asset.id, (down.c.depth + 1).label("depth")).join(
        down, Asset.parent_id == down.c.id).where(Asset.owner == owner, Asset.deleted == False,  # noqa: E712
                                                  down.c.depth < MAX_DEPTH)
    return down.union_all(child)


def _age(item: tuple[Asset, int]):
    return item[0].created_at, item[0].id

"""Find assets: words (full-text, ranked), filters, sorting and pages, always within one owner."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import and_, exists, func, select
from sqlmodel import col

from core.db import Database
from core.errors import NotFound
from core.library.models import Asset, AssetTag, Collection, CollectionItem
from core.library.requests import check_day, day_end, day_start, parse
from core.library.tags import normalise_tags
from core.library.text_index import TextIndex, query_terms

Sort = Literal["relevance", "newest", "oldest", "cost", "duration"]
MAX_PAGE_SIZE = 100


class AssetQuery(BaseModel):
    """What the library is asked for. Pages count from 1; `until` is inclusive."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    query: str = Field(default="", max_length=500)
    tags: list[str] = Field(default_factory=list, max_length=20)  # every tag must be on the asset
    collection_id: str | None = Field(default=None, max_length=100)
    operation: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=100)
    min_duration: float | None = Field(default=None, ge=0)
    max_duration: float | None = Field(default=None, ge=0)
    aspect: str | None = Field(default=None, max_length=100)
    platform: str | None = Field(default=None, max_length=100)
    since: str | None = None
    until: str | None = None
    min_cost: float | None = Field(default=None, ge=0)
    max_cost: float | None = Field(default=None, ge=0)
    sort: Sort | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=24, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("since", "until")
    @classmethod
    def _is_day(cls, value: str | None) -> str | None:
        return check_day(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return normalise_tags(value)


def parse_query(raw: dict | AssetQuery | None) -> AssetQuery:
    """A dict from a client -> AssetQuery, or InvalidInput naming the field and what it takes."""
    return parse(AssetQuery, raw, '{"query": "sunset", "page": 1}')


def search(db: Database, index: TextIndex, owner: str, query: AssetQuery) -> tuple[list[Asset], int]:
    """The page of `owner`'s assets matching `query`, and how many match in all."""
    conditions = [Asset.owner == owner, Asset.deleted == False]  # noqa: E712
    conditions += _filters(db, owner, query)
    terms = query_terms(query.query)
    stmt = select(Asset)
    score = None
    if terms:
        hits = index.matches(terms).subquery("hits")
        stmt = stmt.add_columns(hits.c.score).join(hits, hits.c.asset_id == Asset.id)
        score = hits.c.score
    stmt = stmt.where(and_(*conditions))
    counted = select(func.count()).select_from(stmt.with_only_columns(Asset.id).subquery())
    stmt = stmt.order_by(*_order(query.sort or ("relevance" if terms else "newest"), score))
    stmt = stmt.offset((query.page - 1) * query.page_size).limit(query.page_size)
    with db.session() as s:
        total = int(s.exec(counted).one()[0])
        rows = s.exec(stmt).all() if total else []
    return [row[0] for row in rows], total


def _filters(db: Database, owner: str, q: AssetQuery) -> list:
    out = []
    for name in ("operation", "model", "aspect", "platform"):
        if getattr(q, name):
            out.append(getattr(Asset, name) == getattr(q, name))
    if q.min_duration is not None:
        out.append(Asset.duration_s >= q.min_duration)
    if q.max_duration is not None:
        out.append(Asset.duration_s <= q.max_duration)
    if q.min_cost is not None:
        out.append(Asset.actual_usd >= q.min_cost)
    if q.max_cost is not None:
        out.append(Asset.actual_usd <= q.max_cost)
    if q.since:
        out.append(Asset.created_at >= day_start(q.since))
    if q.until:
        out.append(Asset.created_at < day_end(q.until))
    for tag in q.tags:
        out.append(exists().where(AssetTag.asset_id == Asset.id, AssetTag.tag == tag))
    if q.collection_id:
        with db.session() as s:
            found = s.get(Collection, q.collection_id)
        if found is None or found.owner != owner:
            raise NotFound(f"Collection {q.collection_id} was not found.", "Pick one of your collections.")
        out.append(exists().where(CollectionItem.asset_id == Asset.id,
                                  CollectionItem.collection_id == q.collection_id))
    return out


def _order(sort: str, score) -> list:
    newest = [col(Asset.created_at).desc(), col(Asset.id).desc()]
    if sort == "relevance":
        return ([score.asc()] if score is not None else []) + newest
    if sort == "oldest":
        return [col(Asset.created_at).asc(), col(Asset.id).asc()]
    if sort == "cost":
        return [col(Asset.actual_usd).desc(), *newest]
    if sort == "duration":
        return [col(Asset.duration_s).desc(), *newest]
    return newest

"""Find assets: words (full-text, ranked), filters, sorting and pages, always within one owner."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import exists, func, select
from sqlmodel import col

from core.db import Database
from core.errors import NotFound
from core.library.models import Asset, Collection, CollectionItem
from core.library.requests import check_day, day_end, day_start, parse
from core.library.tags import normalise_tags
from core.library.text_index import Source, TextIndex, asset_source, query_terms

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
    terms = query_terms(query.query)
    src = index.source(terms) if terms else asset_source()
    conditions = [src.c["owner"] == owner, src.match, *_filters(db, owner, query, src)]
    sort = query.sort or ("relevance" if terms else "newest")
    offset, limit = (query.page - 1) * query.page_size, query.page_size
    with db.session() as s:
        if terms:
            # The matches, filtered and scored once (FTS5's bm25 only works in the scan itself),
            # then counted and paged: one pass over the text index.
            found = (select(src.score.label("score"), *(c.label(n) for n, c in src.c.items()))
                     .select_from(src.from_).where(*conditions).cte("found").prefix_with("MATERIALIZED"))
            rows = s.execute(select(found.c.asset_id, func.count().over()).order_by(
                *_order(sort, found.c, found.c.score)).offset(offset).limit(limit)).all()
            total = int(rows[0][1]) if rows else s.execute(select(func.count()).select_from(found)).scalar_one()
        else:  # no words: the (owner, created_at) index pages directly; the count is its own query
            rows = s.execute(select(src.c["asset_id"]).select_from(src.from_).where(*conditions).order_by(
                *_order(sort, src.c, None)).offset(offset).limit(limit)).all()
            total = int(s.execute(select(func.count()).select_from(src.from_).where(*conditions)).scalar_one())
        ids = [r[0] for r in rows]
        assets = {a.id: a for a in s.scalars(select(Asset).where(col(Asset.id).in_(ids)))} if ids else {}
    return [assets[i] for i in ids if i in assets], total


def _filters(db: Database, owner: str, q: AssetQuery, src: Source) -> list:
    c, out = src.c, []
    for name in ("operation", "model", "aspect", "platform"):
        if getattr(q, name):
            out.append(c[name] == getattr(q, name))
    if q.min_duration is not None:
        out.append(c["duration_s"] >= q.min_duration)
    if q.max_duration is not None:
        out.append(c["duration_s"] <= q.max_duration)
    if q.min_cost is not None:
        out.append(c["actual_usd"] >= q.min_cost)
    if q.max_cost is not None:
        out.append(c["actual_usd"] <= q.max_cost)
    if q.since:
        out.append(c["created_at"] >= day_start(q.since))
    if q.until:
        out.append(c["created_at"] < day_end(q.until))
    out += [src.has_tag(tag) for tag in q.tags]
    if q.collection_id:
        with db.session() as s:
            found = s.get(Collection, q.collection_id)
        if found is None or found.owner != owner:
            raise NotFound(f"Collection {q.collection_id} was not found.", "Pick one of your collections.")
        out.append(exists().where(CollectionItem.asset_id == c["asset_id"],
                                  CollectionItem.collection_id == q.collection_id))
    return out


def _order(sort: str, c, score) -> list:
    newest = [c["created_at"].desc(), c["asset_id"].desc()]
    if sort == "relevance":
        return [score.asc(), *newest] if score is not None else newest
    if sort == "oldest":
        return [c["created_at"].asc(), c["asset_id"].asc()]
    if sort == "cost":
        return [c["actual_usd"].desc(), *newest]
    if sort == "duration":
        return [c["duration_s"].desc(), *newest]
    return newest


def facets(db: Database, owner: str) -> dict[str, list[str]]:
    """The operations, models, aspects and platforms `owner`'s live assets have (for filter choices)."""
    out: dict[str, list[str]] = {}
    with db.session() as s:
        for name in ("operation", "model", "aspect", "platform"):
            column = getattr(Asset, name)
            values = s.execute(select(column).where(Asset.owner == owner, Asset.deleted == False)  # noqa: E712
                               .distinct().order_by(column)).scalars().all()
            out[name] = [v for v in values if v]
    return out

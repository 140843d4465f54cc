"""Full-text search over assets behind one small interface, one implementation per database.

`TextIndex.install(conn)` creates what the index needs (idempotent; the first migration runs it);
`source(terms)` says
where a search reads: a FROM clause, the asset columns the filters use (`Source.c`), the match
condition and a score (lower is better). SQLite uses FTS5 over `asset_text`, a narrow copy
of each live asset's searched text and filtered facts that triggers keep in step with `asset`,
so a word query filters and ranks its matches without touching the wide asset rows. Postgres
uses a weighted tsvector column of `asset` (generated from the same searched columns) under a
GIN index, ranked with ts_rank. LikeIndex serves any other database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, cast, column, exists, func, join
from sqlalchemy import literal
from sqlalchemy import literal_column, or_, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from core.library.models import Asset, AssetTag

SEARCHED = ("prompt", "title", "tags", "model", "template", "notes")
FILTERED = ("owner", "operation", "model", "aspect", "platform", "duration_s", "actual_usd", "created_at")
WEIGHTS = {"prompt": 2.0, "title": 4.0, "tags": 3.0, "model": 2.0, "template": 1.0, "notes": 1.0}
MAX_TERMS = 12
PREFIX_FROM = 3  # words this long or longer also match longer words ("fox" finds "foxes")
_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[list[str]]:
    """User text -> terms, each a list of words (a term with several words is a phrase:
    "wan-2.5" -> ["wan", "2", "5"]). Everything that is not a letter or digit is dropped, so
    no user text can reach a query language as syntax."""
    terms = [_WORD.findall(chunk.lower()) for chunk in (query or "").split()]
    return [t for t in terms if t][:MAX_TERMS]


@dataclass(frozen=True)
class Source:
    """Where a search reads. `c` maps asset_id and FILTERED names to columns; `has_tag(tag)` is
    the condition that a row carries exactly that (normalised) tag."""

    from_: FromClause
    c: dict[str, ColumnElement]
    match: ColumnElement
    score: ColumnElement
    has_tag: Callable[[str], ColumnElement]


def asset_source(match: ColumnElement | None = None) -> Source:
    """The asset table itself (live rows only), for searches without words and for LIKE."""
    columns = {"asset_id": Asset.__table__.c.id, **{n: Asset.__table__.c[n] for n in FILTERED}}
    live = Asset.__table__.c.deleted == False  # noqa: E712
    return Source(Asset.__table__, columns, and_(live, match) if match is not None else live, literal(0.0),
                  lambda tag: exists().where(AssetTag.asset_id == Asset.__table__.c.id, AssetTag.tag == tag))


class TextIndex(Protocol):
    name: str

    def install(self, conn: Connection) -> bool:
        """Create what the index needs (in the caller's transaction); True when it was (re)built
        from the rows already there."""
        ...

    def source(self, terms: list[list[str]]) -> Source:
        """Assets whose searchable text holds every term."""
        ...


class Fts5Index:
    """SQLite FTS5 over `asset_text` (external content, under a stable integer rowid: an
    asset's own rowid may change on VACUUM). Triggers on `asset` keep `asset_text` current and
    triggers on `asset_text` keep the FTS index current. The layout's hash is part of the
    trigger names: an index made by another layout is dropped and rebuilt from `asset`."""

    name = "sqlite-fts5"

    def install(self, conn: Connection) -> bool:
        current = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                       (f"asset_ai_{LAYOUT}",)).first()
        if current:
            return False
        old = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                   "tbl_name = 'asset' AND name GLOB 'asset_a[iud]*'").all()
        for (name,) in old:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        conn.exec_driver_sql("DROP TABLE IF EXISTS asset_fts")
        conn.exec_driver_sql("DROP TABLE IF EXISTS asset_text")
        for statement in _FTS5_SCHEMA:
            conn.exec_driver_sql(statement.format(v=LAYOUT))
        conn.exec_driver_sql(f"INSERT INTO asset_text ({_TEXT_COLS}) SELECT {_SOURCE} "
                             "FROM asset AS new WHERE new.deleted = 0")
        return True

    def source(self, terms: list[list[str]]) -> Source:
        weights = ", ".join(str(WEIGHTS[c]) for c in SEARCHED)
        joined = join(_FTS, ASSET_TEXT, ASSET_TEXT.c.rowid == _FTS.c.rowid)
        return Source(joined, {n: ASSET_TEXT.c[n] for n in ("asset_id", *FILTERED)},
                      text("asset_fts MATCH :fts_query").bindparams(fts_query=fts5_query(terms)),
                      literal_column(f"bm25(asset_fts, {weights})"),
                      # tags are held as "|a|b c|" (no tag can hold "|"): exact, from the row at hand
                      lambda tag: func.instr(ASSET_TEXT.c.tags, f"|{tag}|") > 0)


def fts5_query(terms: list[list[str]]) -> str:
    """FTS5 query text: every term quoted (so AND, NEAR, ':' or '*' typed by a user are words),
    all terms required, longer words matched as prefixes."""
    parts = []
    for words in terms:
        phrase = '"' + " ".join(words) + '"'
        parts.append(phrase + ("*" if len(words[-1]) >= PREFIX_FROM else ""))
    return " ".join(parts)


class PostgresIndex:
    """Postgres full text: `asset.search_doc`, a stored tsvector generated from the searched
    columns (weights A title, B tags, C prompt and model, D template and notes, as FTS5's bm25
    weights), under a GIN index; ranked with ts_rank. Punctuation is a word break on both sides,
    as in query_terms, so "wan-2.5" is the phrase wan 2 5."""

    name = "postgres-tsvector"

    def install(self, conn: Connection) -> bool:
        if conn.exec_driver_sql("SELECT 1 FROM information_schema.columns WHERE table_name = 'asset' "
                                "AND column_name = 'search_doc'").first():
            return False
        conn.exec_driver_sql(f"ALTER TABLE asset ADD COLUMN search_doc tsvector GENERATED ALWAYS AS ({_DOC}) STORED")
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_asset_search ON asset USING gin (search_doc)")
        return True

    def source(self, terms: list[list[str]]) -> Source:
        query = func.to_tsquery("simple", tsquery_text(terms))
        doc = literal_column("asset.search_doc")
        ranked = func.ts_rank(literal_column("'{0.25,0.5,0.75,1.0}'::float4[]"), doc, query)
        found = asset_source(doc.op("@@")(query))
        return Source(found.from_, found.c, found.match, -ranked, found.has_tag)


def tsquery_text(terms: list[list[str]]) -> str:
    """to_tsquery text: each term a phrase of quoted words (only letters and digits reach it),
    all terms required, longer words matched as prefixes."""
    parts = []
    for words in terms:
        words = [part for word in words for part in word.split("_") if part]
        if words:
            parts.append(" <-> ".join(f"'{w}'" for w in words) + (":*" if len(words[-1]) >= PREFIX_FROM else ""))
    return " & ".join(parts) or "''"


def _weighted(weight: str, *columns: str) -> str:
    joined = " || ' ' || ".join(f"coalesce({c}::text, '')" for c in columns)
    return f"setweight(to_tsvector('simple', regexp_replace({joined}, '{_BREAKS}', ' ', 'g')), '{weight}')"


_BREAKS = "[[:punct:][:space:]\u201c\u201d\u2018\u2019\u00ab\u00bb\u2014\u2013\u2026]+"
_DOC = " || ".join([_weighted("A", "title"), _weighted("B", "tags"), _weighted("C", "prompt", "model"),
                    _weighted("D", "template", "notes")])


class LikeIndex:
    """Substring search with LIKE over the asset columns: works on any database; no ranking
    (every match scores 0, so relevance falls back to newest first)."""

    name = "like"

    def install(self, conn: Connection) -> bool:
        return False

    def source(self, terms: list[list[str]]) -> Source:
        conditions = []
        for words in terms:
            needle = "%" + _escape_like(" ".join(words)) + "%"
            columns = [cast(getattr(Asset, c), String) for c in SEARCHED]
            conditions.append(or_(*(c.ilike(needle, escape="\\") for c in columns)))
        return asset_source(and_(*conditions))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def index_for(bind) -> TextIndex:
    """The index for an engine's (or a connection's) database."""
    name = bind.dialect.name
    return Fts5Index() if name == "sqlite" else PostgresIndex() if name == "postgresql" else LikeIndex()


_ASSET = Asset.__table__.c
ASSET_TEXT = Table(  # made by Fts5Index.install (not by create_all): it exists only with FTS5
    "asset_text", MetaData(), Column("rowid", Integer, primary_key=True), Column("asset_id", String),
    *(Column(n, _ASSET[n].type) for n in FILTERED),
    *(Column(n, String) for n in SEARCHED if n not in FILTERED))
_FTS = table("asset_fts", column("rowid"))
_TEXT_COLS = ", ".join(ASSET_TEXT.c.keys()[1:])
# The tags column holds a JSON list: copy its values (json_each decodes escapes) as "|a|b c|".
_SOURCE = ", ".join("'|' || coalesce((SELECT group_concat(value, '|') FROM json_each(new.tags)), '') || '|'"
                    if c == "tags" else
                    "new.id" if c == "asset_id" else f"new.{c}" for c in ASSET_TEXT.c.keys()[1:])
_FTS_COLS = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)
_WATCHED = ", ".join(dict.fromkeys([*FILTERED, *SEARCHED, "deleted"]))
_FTS5_SCHEMA = [
    f"CREATE TABLE asset_text (rowid INTEGER PRIMARY KEY, asset_id TEXT NOT NULL UNIQUE, "
    f"{', '.join(ASSET_TEXT.c.keys()[2:])})",
    f"CREATE VIRTUAL TABLE asset_fts USING fts5({_FTS_COLS}, content='asset_text', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER asset_text_ai AFTER INSERT ON asset_text BEGIN "
    f"INSERT INTO asset_fts (rowid, {_FTS_COLS}) VALUES (new.rowid, {_NEW}); END",
    f"CREATE TRIGGER asset_text_ad AFTER DELETE ON asset_text BEGIN "
    f"INSERT INTO asset_fts (asset_fts, rowid, {_FTS_COLS}) VALUES ('delete', old.rowid, {_OLD}); END",
    "CREATE TRIGGER asset_ai_{v} AFTER INSERT"
    f" ON asset WHEN new.deleted = 0 BEGIN "
    f"INSERT INTO asset_text ({_TEXT_COLS}) VALUES ({_SOURCE}); END",
    "CREATE TRIGGER asset_ad_{v} AFTER DELETE ON asset BEGIN "
    "DELETE FROM asset_text WHERE asset_id = old.id; END",
    "CREATE TRIGGER asset_au_{v} AFTER UPDATE"
    f" OF {_WATCHED} ON asset BEGIN "
    "DELETE FROM asset_text WHERE asset_id = old.id; "
    f"INSERT INTO asset_text ({_TEXT_COLS}) SELECT {_SOURCE} WHERE new.deleted = 0; END",
]
LAYOUT = hashlib.sha256("\n".join(_FTS5_SCHEMA).encode()).hexdigest()[:8]

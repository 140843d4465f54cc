"""Full-text search over assets behind one small interface, one implementation per database.

`TextIndex.install(engine)` creates what the index needs (idempotent) and `matches(words)`
returns a selectable of (asset_id, score) for the assets whose searchable text holds every
word (lower score = better). SQLite uses FTS5 kept in sync by triggers; other databases use
plain LIKE until they get their own index (Postgres: a tsvector GIN index, issue 14).
"""

from __future__ import annotations

import re
from typing import Protocol

from sqlalchemy import Engine, String, and_, cast, literal, literal_column, or_, select, text
from sqlalchemy.sql import Select

from core.library.models import Asset

SEARCHED = ("prompt", "title", "tags", "model", "template", "notes")
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


class TextIndex(Protocol):
    name: str

    def install(self, engine: Engine) -> None: ...

    def matches(self, terms: list[list[str]]) -> Select: ...


class Fts5Index:
    """SQLite FTS5. `asset_text` mirrors the searchable columns under a stable integer rowid
    (an asset's own rowid may change on VACUUM); triggers on `asset` keep it current and
    triggers on `asset_text` keep the external-content FTS table current."""

    name = "sqlite-fts5"

    def install(self, engine: Engine) -> None:
        with engine.begin() as conn:
            fresh = conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='asset_text'")).scalar() == 0
            for statement in _FTS5_SCHEMA:
                conn.exec_driver_sql(statement)
            if fresh:
                conn.exec_driver_sql(f"INSERT INTO asset_text (asset_id, {_COLS}) SELECT id, {_SOURCE} "
                                     "FROM asset AS new WHERE new.deleted = 0")

    def matches(self, terms: list[list[str]]) -> Select:
        weights = ", ".join(str(WEIGHTS[c]) for c in SEARCHED)
        return (select(literal_column("asset_text.asset_id").label("asset_id"),
                       literal_column(f"bm25(asset_fts, {weights})").label("score"))
                .select_from(text("asset_fts JOIN asset_text ON asset_text.rowid = asset_fts.rowid"))
                .where(text("asset_fts MATCH :fts_query").bindparams(fts_query=fts5_query(terms))))


def fts5_query(terms: list[list[str]]) -> str:
    """FTS5 query text: every term quoted (so AND, NEAR, ':' or '*' typed by a user are words),
    all terms required, longer words matched as prefixes."""
    parts = []
    for words in terms:
        phrase = '"' + " ".join(words) + '"'
        parts.append(phrase + ("*" if len(words[-1]) >= PREFIX_FROM else ""))
    return " ".join(parts)


class LikeIndex:
    """Substring search with LIKE over the asset columns: works on any database; no ranking
    (every match scores 0, so relevance falls back to newest first)."""

    name = "like"

    def install(self, engine: Engine) -> None:
        return None

    def matches(self, terms: list[list[str]]) -> Select:
        conditions = []
        for words in terms:
            needle = "%" + _escape_like(" ".join(words)) + "%"
            columns = [cast(getattr(Asset, c), String) for c in SEARCHED]
            conditions.append(or_(*(c.ilike(needle, escape="\\") for c in columns)))
        return select(Asset.id.label("asset_id"), literal(0.0).label("score")).where(and_(*conditions))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def index_for(engine: Engine) -> TextIndex:
    return Fts5Index() if engine.dialect.name == "sqlite" else LikeIndex()


_COLS = ", ".join(SEARCHED)
# The tags column holds a JSON list: index its values (json_each decodes escapes), not its text.
_SOURCE = ("new.prompt, new.title, (SELECT group_concat(value, ' ') FROM json_each(new.tags)), "
           "new.model, new.template, new.notes")
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)
_FTS5_SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS asset_text (rowid INTEGER PRIMARY KEY, asset_id TEXT NOT NULL UNIQUE, "
    f"{', '.join(c + ' TEXT' for c in SEARCHED)})",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS asset_fts USING fts5({_COLS}, content='asset_text', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS asset_text_ai AFTER INSERT ON asset_text BEGIN "
    f"INSERT INTO asset_fts (rowid, {_COLS}) VALUES (new.rowid, {_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS asset_text_ad AFTER DELETE ON asset_text BEGIN "
    f"INSERT INTO asset_fts (asset_fts, rowid, {_COLS}) VALUES ('delete', old.rowid, {_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS asset_text_au AFTER UPDATE ON asset_text BEGIN "
    f"INSERT INTO asset_fts (asset_fts, rowid, {_COLS}) VALUES ('delete', old.rowid, {_OLD}); "
    f"INSERT INTO asset_fts (rowid, {_COLS}) VALUES (new.rowid, {_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS asset_ai AFTER INSERT ON asset WHEN new.deleted = 0 BEGIN "
    f"INSERT INTO asset_text (asset_id, {_COLS}) VALUES (new.id, {_SOURCE}); END",
    "CREATE TRIGGER IF NOT EXISTS asset_ad AFTER DELETE ON asset BEGIN "
    "DELETE FROM asset_text WHERE asset_id = old.id; END",
    f"CREATE TRIGGER IF NOT EXISTS asset_au AFTER UPDATE OF {_COLS}, deleted ON asset BEGIN "
    "DELETE FROM asset_text WHERE asset_id = old.id; "
    f"INSERT INTO asset_text (asset_id, {_COLS}) SELECT new.id, {_SOURCE} WHERE new.deleted = 0; END",
]

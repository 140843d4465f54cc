"""Bring a database to the newest schema revision (Alembic, in migrations/).

`upgrade(engine_or_url)` is what every process runs at start (`Database(url)` does it): it is
safe when several processes start at once, because the upgrade runs under a lock (Postgres: an
advisory lock held by the migrating transaction; SQLite: a file lock beside the database file)
and a process that finds the schema current does nothing. A studio made before migrations
(tables but no `alembic_version`) is adopted by the first revision: missing tables, columns and
indexes are added, rows are kept.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATE_LOCK_KEY = 0x5653_4D47  # Postgres advisory lock id for schema upgrades ("VSMG")


SEARCH_OBJECTS = {"asset_text", "asset_fts", "search_doc", "ix_asset_search"}  # core/library/text_index.py


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What autogenerate compares with the models: everything but the search index's own objects."""
    return not (name in SEARCH_OBJECTS or (name or "").startswith("asset_fts"))


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    """The revisions, read once per process."""
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision id."""
    return scripts().get_current_head()


def current(conn: Connection) -> str | None:
    """The revision a database is at (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(target: Engine | str) -> str:
    """Upgrade to head under the lock; returns the revision reached."""
    from core.db import make_engine

    engine = make_engine(target) if isinstance(target, str) else target
    try:
        if engine.dialect.name == "sqlite":
            _upgrade_sqlite(engine)
            return head()
        with engine.connect() as conn:
            if current(conn) == head():
                return head()
        _upgrade(engine, lock=MIGRATE_LOCK_KEY)
        return head()
    finally:
        if isinstance(target, str):
            engine.dispose()


def _upgrade_sqlite(engine: Engine, attempts: int = 5) -> None:
    """Processes starting together take turns under a file lock from their first connection on (the
    first one switches a new file to WAL, which needs the file to itself); a "database is locked"
    from a process still closing its connections is waited out and tried again."""
    path = _lock_path(engine)
    for attempt in range(1, attempts + 1):
        try:
            with FileLock(path) if path else nullcontext():
                _upgrade(engine)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts:
                raise
            engine.dispose()
            time.sleep(0.2 * attempt)


def _upgrade(engine: Engine, lock: int | None = None) -> None:
    with engine.begin() as conn:
        if lock is not None:  # released when this transaction ends; the others wait here
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
        if current(conn) == head():
            return
        _run_to_head(conn)


def _run_to_head(conn: Connection) -> None:
    """What `alembic upgrade head` does (as migrations/env.py sets it up), on this connection,
    without reading env.py and the revision files again in each process."""
    from sqlmodel import SQLModel

    from core.db import register_tables

    register_tables()
    script = scripts()
    with EnvironmentContext(alembic_config(), script, fn=lambda rev, _ctx: script._upgrade_revs("head", rev)) as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata, include_object=include_object,
                      render_as_batch=conn.dialect.name == "sqlite")
        with env.begin_transaction():
            env.run_migrations()


def _lock_path(engine: Engine) -> str | None:
    """A lock file beside the SQLite file (None for an in-memory database: one process only)."""
    database = engine.url.database
    return None if not database or database == ":memory:" else f"{database}.migrate.lock"

"""The studio's database (SQLite under the home, or Postgres by URL); SQLModel sessions;
serialised write transactions. The schema is brought to the newest migration at start."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

SQLITE_MMAP_BYTES = 256 * 1024 * 1024
WRITE_LOCK_KEY = 0x5653_4D4F  # Postgres advisory lock id for serialised writes ("VSMO")


def register_tables() -> None:
    """Import every table module, so SQLModel.metadata knows the whole schema."""
    import core.accounts.models  # noqa: F401
    import core.compare.models  # noqa: F401
    import core.library.models  # noqa: F401


def make_engine(url: str) -> Engine:
    """An engine for `url` set up the studio's way: SQLite in WAL mode with foreign keys; Postgres
    in UTC, JSON kept readable (non-ASCII as is, so the search index sees the words)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Job threads, web requests and workers' lanes each hold a connection for a short while: up
    # to 30 per process (Postgres allows 100 by default: a few web and worker processes).
    return create_engine(url, connect_args={"options": "-c timezone=UTC"}, pool_pre_ping=True, pool_size=5,
                         max_overflow=25, json_serializer=lambda value: json.dumps(value, ensure_ascii=False))


class Database:
    """Owns the engine. `session()` yields a session that commits on success.

    `migrate=True` (the default) brings the schema to the newest revision first (core/migrate.py);
    safe when several processes start at once."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()
        register_tables()
        if migrate:
            from core.migrate import upgrade

            upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except Exception:
                session.rollback()
                raise

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """A transaction that holds the database's write lock from its first statement, so a read
        followed by a write (check a budget, then reserve) cannot interleave with another one.

        SQLite: BEGIN IMMEDIATE (other writers wait; readers continue under WAL) plus a process
        lock. Postgres: a transaction-scoped advisory lock (it serialises every process)."""
        with self._write_lock, self.engine.connect() as conn:
            if not self.sqlite:
                with conn.begin():
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
                    yield conn
                return
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")  # reads without a system call per page
    cur.close()

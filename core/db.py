"""One SQLite database (WAL) under the studio home; SQLModel sessions; serialised write transactions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateColumn
from sqlmodel import Session, SQLModel, create_engine

SQLITE_MMAP_BYTES = 256 * 1024 * 1024
WRITE_LOCK_KEY = 0x5653_4D4F  # Postgres advisory lock id for serialised writes ("VSMO")


class Database:
    """Owns the engine. `session()` yields a session that commits on success."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}
                                    if url.startswith("sqlite") else {})
        self.sqlite = url.startswith("sqlite")
        self._write_lock = threading.Lock()
        if self.sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        import core.accounts.models  # noqa: F401  (register tables)
        import core.compare.models  # noqa: F401  (register tables)
        import core.library.models  # noqa: F401

        SQLModel.metadata.create_all(self.engine)
        add_missing_columns(self.engine)

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
        lock. Postgres: a transaction-scoped advisory lock."""
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


def add_missing_columns(engine) -> None:
    """Bring tables made by an older version up to the current columns and indexes.

    Only additions (columns with a server default or NULL, and indexes); a stopgap until
    schema changes go through migrations."""
    found = inspect(engine)
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if not found.has_table(table.name):
                continue
            present = {c["name"] for c in found.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    ddl = CreateColumn(column).compile(dialect=engine.dialect)
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
            indexes = {i["name"] for i in found.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in indexes:
                    index.create(conn, checkfirst=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")  # reads without a system call per page
    cur.close()

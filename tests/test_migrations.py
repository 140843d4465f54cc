"""The schema comes from the migrations: fresh databases, studios made before migrations, and
several processes starting at once (SQLite here; Postgres in the scale suite)."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from core.db import Database, register_tables
from core.migrate import head


def _start(url: str, start, done) -> None:
    start.wait()
    try:
        Database(url).dispose()
        done.put("ok")
    except Exception as exc:  # reported to the test
        done.put(repr(exc))


def start_at_once(url: str, processes: int = 4) -> list[str]:
    """`processes` processes open a fresh database at the same moment; what each reported."""
    ctx = multiprocessing.get_context("fork")
    start, done = ctx.Barrier(processes), ctx.Queue()
    workers = [ctx.Process(target=_start, args=(url, start, done)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    return [done.get(timeout=5) for _ in workers]


def revisions(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    engine.dispose()
    return rows


def test_a_fresh_sqlite_database_is_at_head_with_its_search_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    Database(url).dispose()
    assert revisions(url) == [head()]
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"asset", "job", "ledgerentry", "account", "auditevent", "compare_vote", "asset_text", "asset_fts"} <= names


def test_several_processes_starting_at_once_migrate_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    assert start_at_once(url) == ["ok"] * 4
    assert revisions(url) == [head()]


def test_a_studio_made_before_migrations_is_adopted_with_its_rows(tmp_path):
    """The old start-up (create_all) made the tables and no alembic_version; a row of each kind
    survives the upgrade, and the search index covers the old assets."""
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    register_tables()
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE asset DROP COLUMN content_hash"))  # an older asset table
        conn.execute(text(
            "INSERT INTO asset (id, owner, title, path, mime, size_bytes, duration_s, width, height, fps, has_audio,"
            " video_codec, operation, provider, model, settings, prompt, estimate_usd, actual_usd, tags, deleted,"
            " created_at, notes, template, platform, aspect) VALUES ('old1', 'local', 'Old clip', '/x.mp4',"
            " 'video/mp4', 10, 2.0, 640, 360, 25, 0, 'h264', 'upload', '', '', '{}', 'a heron at dusk', 0, 0,"
            " '[]', 0, '2024-05-01 10:00:00.000000', '', '', '', '16:9')"))
        conn.execute(text("INSERT INTO account (name, password_hash, admin, disabled, source, created_at) "
                          "VALUES ('alice', 'x', 1, 0, 'password', '2024-05-01 10:00:00.000000')"))
    engine.dispose()

    db = Database(url)
    assert revisions(url) == [head()]
    from core.library.repository import Library
    from core.library.search import AssetQuery, search
    from core.storage import MediaStore

    library = Library(db, MediaStore(tmp_path / "media", tmp_path / "work"))
    found, total = search(db, library.index, "local", AssetQuery(query="heron"))
    assert [a.id for a in found] == ["old1"] and total == 1
    assert found[0].content_hash == ""  # the missing column was added with its default
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM account")).scalars().all() == ["alice"]
    db.dispose()


@pytest.mark.scale
def test_several_processes_starting_at_once_on_postgres_migrate_once(postgres_url):
    assert start_at_once(postgres_url) == ["ok"] * 4
    assert revisions(postgres_url) == [head()]


def test_the_migrations_make_exactly_the_models_schema(tmp_path):
    """A model change without a new revision shows up here (alembic's autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from core.migrate import include_object

    db = Database(f"sqlite:///{tmp_path / 'studio.db'}")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include_object}),
                                SQLModel.metadata)
    db.dispose()
    assert diff == []


def test_a_start_that_finds_the_database_locked_waits_and_tries_again(tmp_path, monkeypatch):
    """A process that meets "database is locked" while others start (one still closing its
    connections) tries again instead of failing to start; any other fault is raised at once."""
    import core.migrate as migrate
    from sqlalchemy.exc import OperationalError

    real, calls = migrate._upgrade, []

    def locked_once(engine, lock=None):
        calls.append(engine)
        if len(calls) == 1:
            raise OperationalError("PRAGMA journal_mode=WAL", {}, Exception("database is locked"))
        return real(engine, lock)

    monkeypatch.setattr(migrate, "_upgrade", locked_once)
    url = f"sqlite:///{tmp_path / 'studio.db'}"
    Database(url).dispose()
    assert len(calls) == 2 and revisions(url) == [head()]

    def broken(engine, lock=None):
        raise OperationalError("CREATE TABLE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(migrate, "_upgrade", broken)
    with pytest.raises(OperationalError):
        Database(f"sqlite:///{tmp_path / 'other.db'}")

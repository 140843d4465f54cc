"""Alembic environment: one connection, given by core/migrate.py (or made from the URL in the
settings when `alembic` runs from a shell). Both SQLite and Postgres; each revision says where a
step differs by dialect. Objects of the search indexes are not in the models and are left alone
by autogenerate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from core.db import register_tables
from core.migrate import include_object

register_tables()


def _configure(connection) -> None:
    context.configure(connection=connection, target_metadata=SQLModel.metadata, include_object=include_object,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=False)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure(connection)
else:  # from a shell: the studio's database
    from core.settings import Settings

    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or Settings().db_url)
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()

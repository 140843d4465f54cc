"""Copy a whole studio database into another, e.g. an SQLite studio into Postgres:
`python app.py copy-db --to postgresql+psycopg://user:pass@host/db [--from URL]`.

Both ends are brought to the newest schema first; the target must hold no studio rows (nothing
is overwritten). Rows go table by table in foreign-key order, in batches, in one transaction on
the target, so a failed copy leaves the target as it was. Media files are not moved (they stay
where VIDEO_STUDIO_MEDIA_URL says)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import bindparam, func, select, text
from sqlmodel import SQLModel

from core.db import Database
from core.errors import InvalidInput

BATCH = 1000


def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every row; returns rows copied per table."""
    if source_url == target_url:
        raise InvalidInput("The source and the target are the same database.", "Give --to another database.")
    source, target = Database(source_url), Database(target_url)
    tables = SQLModel.metadata.sorted_tables
    copied: dict[str, int] = {}
    try:
        with source.engine.connect() as read, target.engine.begin() as write:
            busy = [t.name for t in tables if write.execute(select(func.count()).select_from(t)).scalar()]
            if busy:
                raise InvalidInput(f"The target database already holds studio rows ({', '.join(busy)}).",
                                   "Copy into a new, empty database.")
            for table in tables:
                # A row may name a parent of its own table (asset.parent_id): insert without, then link.
                own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
                copied[table.name] = 0
                links = []
                stream = read.execution_options(yield_per=BATCH).execute(select(table))
                for rows in stream.mappings().partitions(BATCH):
                    batch = [dict(row) for row in rows]
                    links += [{"_id": r["id"], **{c: r[c] for c in own}} for r in batch if any(r[c] for c in own)]
                    write.execute(table.insert(), [{**r, **{c: None for c in own}} for r in batch])
                    copied[table.name] += len(batch)
                if links:
                    write.execute(table.update().where(table.c.id == bindparam("_id")), links)
            if target.engine.dialect.name == "postgresql":  # serial ids continue after the copied ones
                write.execute(text("SELECT setval(pg_get_serial_sequence('auditevent', 'id'), "
                                   "coalesce((SELECT max(id) FROM auditevent), 0) + 1, false)"))
    finally:
        source.dispose()
        target.dispose()
    return copied


def main(argv: list[str], default_source: str) -> int:
    parser = argparse.ArgumentParser(prog="python app.py copy-db",
                                     description="Copy the studio's database into another (e.g. Postgres).")
    parser.add_argument("--to", required=True, dest="target",
                        help="the target database URL, e.g. postgresql+psycopg://user:password@host:5432/studio")
    parser.add_argument("--from", dest="source", default=default_source,
                        help="the source database URL (default: this studio's, VIDEO_STUDIO_DATABASE_URL or "
                             "the SQLite file under VIDEO_STUDIO_HOME)")
    args = parser.parse_args(argv)
    try:
        copied = copy_database(args.source, args.target)
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, count in copied.items():
        print(f"{name}: {count}")
    print(f"Copied {sum(copied.values())} rows. Set VIDEO_STUDIO_DATABASE_URL to the target to use it.")
    return 0

"""`python app.py copy-db --to URL` copies an SQLite studio into Postgres; the copy reads back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from core.settings import PROJECT_ROOT
from tests.test_library_search import make_asset

pytestmark = pytest.mark.scale


def test_an_sqlite_studio_is_copied_into_postgres_and_reads_back(studio, studio_home, postgres_url, monkeypatch):
    parent = studio.library.record(make_asset(title="Heron at dusk", prompt="a grey heron wading", tags=["birds"]))
    child = studio.library.record(make_asset(title="Heron, trimmed", prompt="a grey heron", parent_id=parent.id))
    studio.accounts.add("alice", "a long password", plan="studio", budget_usd=25, admin=True)
    studio.audit.record("alice", "downloaded", asset_id=parent.id, via="test")
    collection = studio.create_collection("Birds", owner="local")
    studio.add_to_collection(collection["id"], [parent.id, child.id], owner="local")
    before = studio.asset(parent.id, owner="local")
    studio.stop()

    env = {**os.environ, "VIDEO_STUDIO_HOME": str(studio_home)}
    env.pop("VIDEO_STUDIO_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "app.py", "copy-db", "--to", postgres_url], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "asset: 2" in done.stdout and "account: 1" in done.stdout

    from core.copy_db import main as copy_db

    assert copy_db(["--to", postgres_url], studio.settings.db_url) == 1  # never into a studio's rows

    monkeypatch.setenv("VIDEO_STUDIO_DATABASE_URL", postgres_url)
    from app import build_studio

    copy = build_studio()
    try:
        assert copy.db.engine.dialect.name == "postgresql"
        found = copy.search_assets({"query": "heron"}, owner="local")
        assert {item["id"] for item in found["items"]} == {parent.id, child.id}
        assert copy.asset(child.id, owner="local")["parent_id"] == parent.id
        assert copy.asset(parent.id, owner="local") == before
        account = copy.accounts.find("alice")
        assert account.admin is True and account.budget_usd == 25 and copy.accounts.verify("alice", "a long password")
        assert [e.action for e in copy.audit.query(actor="alice")] == ["downloaded"]
        assert [c["count"] for c in copy.collections(owner="local")] == [2]
        copy.audit.record("alice", "shared", asset_id=parent.id)  # ids continue after the copied ones
        with copy.db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(DISTINCT id) FROM auditevent")).scalar() >= 2
    finally:
        copy.stop()

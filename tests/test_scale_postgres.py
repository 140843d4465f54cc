"""The studio on Postgres: the schema by migration, the search index, concurrent reservations
across processes, and a focused set of the suite's own tests run again with
VIDEO_STUDIO_DATABASE_URL pointing at a fresh Postgres database.

(To run any other module on Postgres: `VIDEO_STUDIO_TEST_BACKEND=postgres pytest tests/test_x.py`.)
"""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import text

from core.db import Database
from core.migrate import head
from tests.test_accounts import (  # noqa: F401  (run again here, on Postgres)
    test_bad_account_changes_are_refused, test_share_links_are_signed_revocable_and_expire)
from tests.test_library_analytics import history, test_spend_equals_the_ledger_sums_in_every_grouping  # noqa: F401
from tests.test_library_collections import clips, test_collection_lifecycle, test_version_tree_from_the_root  # noqa: F401
from tests.test_library_search import (  # noqa: F401
    test_any_user_text_is_a_safe_word_query, test_filters_sorting_and_pages,
    test_finds_an_asset_by_a_prompt_word_a_tag_and_a_model_name, test_index_follows_row_changes_and_deletes,
    test_relevance_puts_a_title_match_above_a_notes_match, test_search_stays_within_its_owner)
from tests.test_media_studios import source, test_edit_chain_makes_a_new_version_with_parent  # noqa: F401
from tests.test_money_studio import test_ten_parallel_requests_against_a_budget_that_fits_five_send_exactly_five  # noqa: F401
from tests.test_studio import test_offline_vertical_draft_lands_in_library  # noqa: F401

pytestmark = pytest.mark.scale


@pytest.fixture(autouse=True)
def on_postgres(postgres_url, monkeypatch) -> str:
    monkeypatch.setenv("VIDEO_STUDIO_DATABASE_URL", postgres_url)
    return postgres_url


@pytest.fixture
def db(on_postgres):  # the accounts tests' database, here on Postgres
    database = Database(on_postgres)
    yield database
    database.dispose()


def test_the_schema_is_made_by_the_migrations_with_the_search_index(postgres_url):
    db = Database(postgres_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head()
        search = conn.execute(text("SELECT data_type FROM information_schema.columns "
                                   "WHERE table_name = 'asset' AND column_name = 'search_doc'")).scalar()
        gin = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_asset_search'")).scalar()
        created = conn.execute(text("SELECT data_type FROM information_schema.columns "
                                    "WHERE table_name = 'asset' AND column_name = 'created_at'")).scalar()
    assert search == "tsvector" and "gin (search_doc)" in gin
    assert created == "timestamp with time zone"
    db.dispose()


def test_the_audit_log_is_append_only_on_postgres(postgres_url):
    from core.accounts import AuditLog

    db = Database(postgres_url)
    AuditLog(db).record("alice", "created", asset_id="a1")
    for statement in ("UPDATE auditevent SET actor = 'mallory'", "DELETE FROM auditevent"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in AuditLog(db).query()] == ["alice"]
    db.dispose()


def _reserve_many(url: str, owner: str, tries: int, start, results) -> None:
    from core.library.models import LedgerEntry
    from core.money.budgets import Limit
    from core.money.ledger import Ledger
    from core.errors import PlanLimitExceeded

    db = Database(url)
    ledger = Ledger(db)
    start.wait()
    for n in range(tries):
        try:
            ledger.reserve([LedgerEntry(owner=owner, job_id=f"{owner}-{n}", provider="p", model="m",
                                        estimate_usd=1.0)], [Limit("team", 5.0, "the team's")])
            results.put(1)
        except PlanLimitExceeded:
            results.put(0)
    db.dispose()


def test_reservations_from_separate_processes_never_pass_the_team_cap(postgres_url):
    """Each process has its own engine (no shared thread lock): only Postgres's advisory lock in
    Database.write_transaction stands between the budget check and the insert."""
    Database(postgres_url).dispose()
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Barrier(5), ctx.Queue()
    workers = [ctx.Process(target=_reserve_many, args=(postgres_url, f"owner{i}", 5, start, results))
               for i in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    outcomes = [results.get(timeout=5) for _ in range(25)]
    assert sum(outcomes) == 5
    db = Database(postgres_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), sum(estimate_usd) FROM ledgerentry")).one() == (5, 5.0)
    db.dispose()

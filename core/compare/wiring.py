"""Compare Studio assembled over the same preflight, reservations, jobs and library as Create."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.catalog import Catalog
from core.compare.pricing import MoneyDoor
from core.compare.results import CompareResults, ResultDeps
from core.compare.runs import CompareDeps, CompareRuns
from core.compare.service import CompareService
from core.compare.votes import VoteBook
from core.db import Database
from core.jobs.store import JobStore
from core.library.refs import MediaResolver
from core.library.repository import Library
from core.library.reuse import reuse_key
from core.money.ledger import Ledger
from core.money.pricing import estimate as price_of
from core.storage import MediaStore


def compare_service(*, db: Database, catalog: Catalog, jobs: JobStore, enqueue: Callable, preflight: Callable,
                    threshold_usd: Callable, ledger: Ledger, limits: Callable, media: MediaResolver,
                    audit: Callable, fingerprint: Callable, find_reuse: Callable, library: Library,
                    store: MediaStore, export_dir: Path) -> CompareService:
    """`preflight`/`threshold_usd`: Create's check and confirmation threshold; `find_reuse(key, owner=)`:
    the library's earlier asset for a never-pay-twice key."""
    votes = VoteBook(db)
    money = MoneyDoor(preflight=preflight, price_of=price_of, ledger=ledger, limits=limits,
                      threshold_usd=threshold_usd, media=media, audit=audit)
    runs = CompareRuns(CompareDeps(
        db=db, catalog=catalog, jobs=jobs, enqueue=enqueue, money=money, fingerprint=fingerprint,
        earlier=lambda fp, model_id, owner: find_reuse(reuse_key(fp, model_id), owner=owner)))
    results = CompareResults(ResultDeps(db=db, catalog=catalog, jobs=jobs, library=library, store=store,
                                        ledger=ledger, votes=votes))
    return CompareService(db=db, catalog=catalog, runs=runs, results=results, votes=votes, export_dir=export_dir)

"""What a compare made: per model its status, output, cost (estimate and actual), time and facts.

`seconds` is measured by the studio from the moment the run was sent (its job left the queue)
to the moment its result was in the library; a re-used output shows the time of the run that
made it. In blind mode an output that no vote has revealed yet is "Output N": its model, maker,
provider, job, prices, time and setting changes are withheld (they would tell the models
apart), its error text is scrubbed of names, and its file is given under a neutral name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col, select

from core.catalog import Catalog
from core.compare import blind
from core.compare.models import CompareGroup, CompareRun
from core.compare.votes import Output, VoteBook
from core.db import Database
from core.errors import NotFound, StudioError
from core.jobs.store import JobStore
from core.library.models import Asset, Job, JobStatus
from core.library.repository import Library
from core.storage import MediaStore


@dataclass
class ResultDeps:
    db: Database
    catalog: Catalog
    jobs: JobStore
    library: Library
    store: MediaStore
    ledger: object
    votes: VoteBook


@dataclass
class Made:
    """One run with its job and output, as they are now."""

    run: CompareRun
    job: Job | None
    asset: Asset | None
    status: str
    seconds: float | None
    actual_usd: float | None
    error: str

    def output(self) -> Output | None:
        if self.asset is None or self.status != JobStatus.SUCCEEDED:
            return None
        return Output(self.asset.id, self.run.model, bool(self.asset.has_audio))


class CompareResults:
    def __init__(self, deps: ResultDeps) -> None:
        self.d = deps

    def group(self, group_id: str, owner: str) -> CompareGroup:
        """The caller's group; another owner's id reads exactly like a missing one."""
        with self.d.db.session() as s:
            group = s.get(CompareGroup, group_id)
        if group is None or group.owner != owner:
            raise NotFound(f"Compare {group_id} was not found.", "Use a group_id from /compare_models.")
        return group

    def made(self, group: CompareGroup) -> list[Made]:
        with self.d.db.session() as s:
            runs = list(s.exec(select(CompareRun).where(CompareRun.group_id == group.id)
                               .order_by(col(CompareRun.position))))
        jobs = {j.id: j for j in self.d.jobs.list(group.owner, limit=1000, group_id=group.id)}
        return [self._made(run, jobs.get(run.job_id) if run.job_id else None) for run in runs]

    def view(self, group_id: str, owner: str) -> dict:
        group = self.group(group_id, owner)
        made = self.made(group)
        revealed = self.d.votes.revealed(group.id)
        labels = blind.labels(group.shuffle_seed, [m.run.id for m in made]) if group.blind else {}
        rows = []
        for item in made:
            hidden = group.blind and not (item.asset and item.asset.id in revealed)
            rows.append(self._row(group, item, hidden, labels.get(item.run.id)))
        if group.blind:
            order = {rid: int(label.split()[-1]) for rid, label in labels.items()}
            pairs_by_row = sorted(zip(made, rows), key=lambda mr: order[mr[0].run.id])
            rows = [row for _, row in pairs_by_row]
        pairs = self.pairs(group, made, revealed)
        known = [r["actual_usd"] for r in rows if r["actual_usd"] is not None]
        return {"group_id": group.id, "kind": group.kind, "operation": group.operation, "blind": group.blind,
                "prompt": group.prompt, "created_at": group.created_at.isoformat(timespec="seconds"),
                "done": all(JobStatus(m.status).terminal for m in made),
                "total_usd": group.total_usd, "max_usd": group.max_usd,
                "actual_usd": None if group.blind else round(sum(known), 4),
                "per_model": rows, "pairs": [p.to_dict() for p in pairs],
                "next_pair": next((p.to_dict() for p in pairs if not p.voted), None)}

    def pairs(self, group: CompareGroup, made: list[Made], revealed: set[str]) -> list[blind.Pair]:
        """Pairs to vote on: outputs of the same prompt and seed (every output of a compare)."""
        voted = self.d.votes.voted_pairs(group.id)
        out: list[blind.Pair] = []
        cell = lambda m: (m.run.prompt, m.run.seed if m.run.seed is not None else -1)  # noqa: E731
        for _, items in groupby(sorted(made, key=cell), key=cell):
            ids = [m.asset.id for m in items if m.output() is not None]
            out += blind.pairs(group.shuffle_seed, ids, voted, revealed)
        return sorted(out, key=lambda p: p.voted)

    # -- one run -----------------------------------------------------------------------------
    def _made(self, run: CompareRun, job: Job | None) -> Made:
        if run.reused:
            asset = self._asset(run.asset_id, run.owner)
            if asset is None:
                return Made(run, None, None, JobStatus.FAILED, None, 0.0, "The earlier output was deleted.")
            return Made(run, None, asset, JobStatus.SUCCEEDED, self._seconds_of(asset), 0.0, "")
        if job is None:
            return Made(run, None, None, JobStatus.FAILED, None, 0.0, "This run's job is missing.")
        asset = self._asset(job.asset_ids[0], run.owner) if job.asset_ids else None
        return Made(run, job, asset, job.status, _seconds(job), self._actual(job), job.error or "")

    def _asset(self, asset_id: str | None, owner: str) -> Asset | None:
        try:
            return self.d.library.get(asset_id, owner) if asset_id else None
        except NotFound:
            return None

    def _seconds_of(self, asset: Asset) -> float | None:
        try:
            return _seconds(self.d.jobs.get(asset.job_id)) if asset.job_id else None
        except StudioError:
            return None

    def _actual(self, job: Job) -> float | None:
        if self.d.catalog.get(job.model).offline:
            return 0.0 if JobStatus(job.status).terminal else None
        entry = self.d.ledger.entry(job.id)
        if entry is None or entry.state == "reserved":
            return None
        return None if entry.actual_usd is None else round(entry.actual_usd, 4)

    def _row(self, group: CompareGroup, item: Made, hidden: bool, label: str | None) -> dict:
        run, asset = item.run, item.asset
        model = self.d.catalog.get(run.model)
        row = {"model": model.id, "model_name": model.name, "provider": model.provider,
               "label": label or model.name, "revealed": not hidden, "status": str(item.status),
               "asset_id": asset.id if asset else None, "file_path": asset.path if asset else None,
               "estimate_usd": run.estimate_usd, "actual_usd": item.actual_usd,
               "seconds": None if item.seconds is None else round(item.seconds, 2),
               "width": asset.width if asset else None, "height": asset.height if asset else None,
               "duration_s": asset.duration_s if asset else None,
               "has_audio": bool(asset.has_audio) if asset else None, "error": item.error or None,
               "reused": run.reused, "job_id": run.job_id, "note": run.note or None,
               "adjusted": {k: {"asked": v[0], "used": v[1]} for k, v in (run.adjusted or {}).items()}}
        if group.kind == "sweep":
            row.update(prompt=run.prompt, seed=run.seed)
        if not hidden:
            return row
        words = blind.identity_words(model)
        row.update(model=None, model_name=None, provider=None, job_id=None, estimate_usd=None, actual_usd=None,
                   seconds=None, note=None, adjusted=None,
                   error=blind.scrub(item.error, words) if item.error else None,
                   file_path=self._neutral(run, asset) if asset else None)
        return row

    def _neutral(self, run: CompareRun, asset: Asset) -> str:
        """The blind name of an output's file, made once per run."""
        if run.blind_path and Path(run.blind_path).exists():
            return run.blind_path
        link = blind.neutral_link(self.d.store, asset.path, run.owner)
        with self.d.db.session() as s:
            same = col(CompareRun.blind_path).is_(None) if run.blind_path is None \
                else col(CompareRun.blind_path) == run.blind_path
            won = s.exec(update(CompareRun).where(col(CompareRun.id) == run.id, same)
                         .values(blind_path=str(link))).rowcount == 1
        if not won:  # another reader made one at the same moment: keep theirs
            link.unlink(missing_ok=True)
            with self.d.db.session() as s:
                return s.get(CompareRun, run.id).blind_path
        run.blind_path = str(link)
        return str(link)


def _seconds(job: Job) -> float | None:
    """From the moment the run was sent to the moment its result was stored."""
    if not (job.started_at and job.finished_at and JobStatus(job.status).terminal):
        return None
    return max((_aware(job.finished_at) - _aware(job.started_at)).total_seconds(), 0.0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

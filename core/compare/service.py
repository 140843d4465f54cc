"""The Compare studio's actions for the facade: compare, sweep, result, vote, leaderboard, export.

The leaderboard pools the votes of everyone on this studio (the team's own arena); it names
models, never people or prompts. Groups, results, votes and exports are the caller's own.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from core.boundary import parse
from core.boundary.compare import ExportRequest, LeaderboardRequest, ResultRequest, VoteRequest
from core.catalog import Catalog
from core.compare import exports, leaderboard
from core.compare.models import CompareGroup, CompareRun
from core.compare.results import CompareResults, _seconds
from core.compare.runs import CompareRuns
from core.compare.votes import VoteBook
from core.db import Database
from core.errors import InvalidInput
from core.library.models import Asset, Job, JobStatus

METHOD = ("Bradley-Terry (choix ILSR, lightly regularised) over every vote (blind votes only with blind_only); "
          "a win counts 1, tie and both_bad "
          "half each way; 95% intervals from 200 bootstrap resamples; ranked by ci_low; models with fewer than "
          f"{leaderboard.MIN_VOTES} votes are listed apart without an interval.")


@dataclass
class CompareService:
    db: Database
    catalog: Catalog
    runs: CompareRuns
    results: CompareResults
    votes: VoteBook
    export_dir: Path

    def compare(self, body, *, owner: str) -> dict:
        return self.runs.compare(body, owner=owner)

    def sweep(self, body, *, owner: str) -> dict:
        return self.runs.sweep(body, owner=owner)

    def prices(self, body, *, owner: str) -> list[dict]:
        return self.runs.prices(body, owner=owner)

    def result(self, body, *, owner: str) -> dict:
        req = parse(ResultRequest, {"group_id": body} if isinstance(body, str) else body)
        return self.results.view(req.group_id, owner)

    # -- votes -------------------------------------------------------------------------------
    def vote(self, body, *, owner: str) -> dict:
        """Record a vote on two finished outputs of the caller's group; the answer names both models."""
        req = parse(VoteRequest, body)
        group = self.results.group(req.group_id, owner)
        made = {m.asset.id: m for m in self.results.made(group) if m.output() is not None}
        for name, asset_id in (("a_asset_id", req.a_asset_id), ("b_asset_id", req.b_asset_id)):
            if asset_id not in made:
                raise InvalidInput(f"{name}: {asset_id} is not a finished output of this compare.",
                                   "Use the asset ids of /compare_result (its pairs).", field=name)
        a, b = made[req.a_asset_id], made[req.b_asset_id]
        if (a.run.prompt, a.run.seed) != (b.run.prompt, b.run.seed):
            raise InvalidInput("b_asset_id: compare two outputs of the same prompt and seed.",
                               "Use a pair from /compare_result.", field="b_asset_id")
        recorded = self.votes.cast(owner, group, a.output(), b.output(), req.choices())
        return {"recorded": len(recorded), "vote_ids": [v.id for v in recorded], "blind": recorded[0].blind,
                "winner": req.winner, "criterion": req.criterion,
                "a": self._named(a.asset.id, a.run.model), "b": self._named(b.asset.id, b.run.model)}

    def _named(self, asset_id: str, model_id: str) -> dict:
        model = self.catalog.get(model_id)
        return {"asset_id": asset_id, "model": model.id, "model_name": model.name, "provider": model.provider}

    # -- leaderboard -------------------------------------------------------------------------
    def leaderboard(self, body=None) -> dict:
        req = parse(LeaderboardRequest, body or {})
        votes = self.votes.pool(req.operation, req.audio, req.criterion or "", req.blind_only)
        board = leaderboard.fit(leaderboard.battles_of({"a_model": v.a_model, "b_model": v.b_model,
                                                        "winner": v.winner} for v in votes))
        stats = self._stats(req.operation, req.audio)

        def row(r: leaderboard.Row) -> dict:
            name = self.catalog.get(r.model).name if r.model in self.catalog.ids() else r.model
            return {**r.to_dict(), "model_name": name,
                    **stats.get(r.model, {"usd_per_second": None, "median_seconds": None, "runs": 0})}

        return {"operation": req.operation, "audio": req.audio, "criterion": req.criterion,
                "blind_only": req.blind_only, "votes": board.battles,
                "min_votes": leaderboard.MIN_VOTES, "rows": [row(r) for r in board.rows],
                "few_votes": [row(r) for r in board.few_votes], "method": METHOD}

    def _stats(self, operation: str, audio: bool | None) -> dict[str, dict]:
        """Per model, over the runs compares sent (not re-used): price per second of output and median time."""
        stmt = (select(CompareRun.model, Job, Asset).join(Job, col(Job.id) == col(CompareRun.job_id))
                .join(Asset, col(Asset.job_id) == col(Job.id))
                .where(CompareRun.operation == operation, Job.status == JobStatus.SUCCEEDED))
        if audio is not None:
            stmt = stmt.where(Asset.has_audio == audio)
        with self.db.session() as s:
            found = s.exec(stmt).all()
        per: dict[str, dict] = {}
        for model, job, asset in found:
            entry = per.setdefault(model, {"usd": 0.0, "seconds_out": 0.0, "times": []})
            entry["usd"] += job.actual_usd or 0.0
            entry["seconds_out"] += asset.duration_s or 0.0
            took = _seconds(job)
            if took is not None:
                entry["times"].append(took)
        return {m: {"usd_per_second": round(e["usd"] / e["seconds_out"], 4) if e["seconds_out"] else None,
                    "median_seconds": round(statistics.median(e["times"]), 2) if e["times"] else None,
                    "runs": len(e["times"])} for m, e in per.items()}

    # -- exports -----------------------------------------------------------------------------
    def export(self, body=None, *, owner: str) -> dict:
        """The caller's votes, prompts or results as CSV or JSON Lines (a file, and its text)."""
        req = parse(ExportRequest, body or {})
        if req.what == "votes":
            rows, fields = exports.vote_rows(self.votes.of_owner(owner)), exports.VOTE_FIELDS
        elif req.what == "prompts":
            rows, fields = exports.prompt_rows(self._groups(owner)), exports.PROMPT_FIELDS
        else:
            views = [self.results.view(g.id, owner) for g in self._groups(owner)]
            rows, fields = exports.result_rows(views), exports.RESULT_FIELDS
        text = exports.render(rows, fields, req.format)
        path = exports.write(text, self.export_dir / owner_folder(owner), req.what, req.format)
        return {"what": req.what, "format": req.format, "rows": len(rows), "file_path": str(path), "content": text}

    def _groups(self, owner: str) -> list[CompareGroup]:
        with self.db.session() as s:
            stmt = select(CompareGroup).where(CompareGroup.owner == owner).order_by(col(CompareGroup.created_at))
            return list(s.exec(stmt))

    def groups(self, *, owner: str, limit: int = 30) -> list[dict]:
        """The caller's recent compares, newest first (for pickers)."""
        return [{"group_id": g.id, "kind": g.kind, "operation": g.operation, "blind": g.blind, "prompt": g.prompt,
                 "models": g.models, "created_at": g.created_at.isoformat(timespec="seconds")}
                for g in reversed(self._groups(owner)[-limit:])]


def owner_folder(owner: str) -> str:
    from core.storage import safe_name

    return safe_name(owner, "anonymous")

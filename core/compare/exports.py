"""Exports of one owner's compare data as CSV or JSON Lines: votes, prompts (groups) and results.

Votes: one line per vote (who, when, which outputs and models, the winner, the criterion,
whether it was blind). Prompts: one line per compare or sweep (inputs, settings, models, the
confirmed total). Results: one line per model run, as /compare_result shows it (so an output
of a blind compare that no vote has revealed stays unnamed in the export too).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from core.compare.models import CompareGroup, CompareVote

VOTE_FIELDS = ("id", "created_at", "voter", "group_id", "operation", "prompt", "a_asset_id", "b_asset_id",
               "a_model", "b_model", "winner", "criterion", "blind", "audio")
PROMPT_FIELDS = ("group_id", "created_at", "owner", "kind", "operation", "blind", "prompt", "inputs", "settings",
                 "models", "total_usd", "max_usd", "confirm_usd", "ceiling_usd")
RESULT_FIELDS = ("group_id", "prompt", "seed", "label", "model", "status", "reused", "asset_id", "estimate_usd",
                 "actual_usd", "seconds", "width", "height", "duration_s", "has_audio", "error")


def vote_rows(votes: list[CompareVote]) -> list[dict]:
    return [{"id": v.id, "created_at": _when(v.created_at), "voter": v.owner, "group_id": v.group_id,
             "operation": v.operation, "prompt": v.prompt, "a_asset_id": v.a_asset_id, "b_asset_id": v.b_asset_id,
             "a_model": v.a_model, "b_model": v.b_model, "winner": v.winner, "criterion": v.criterion or "overall",
             "blind": v.blind, "audio": v.audio} for v in votes]


def prompt_rows(groups: list[CompareGroup]) -> list[dict]:
    return [{"group_id": g.id, "created_at": _when(g.created_at), "owner": g.owner, "kind": g.kind,
             "operation": g.operation, "blind": g.blind, "prompt": g.prompt, "inputs": g.inputs,
             "settings": g.settings, "models": g.models, "total_usd": g.total_usd, "max_usd": g.max_usd,
             "confirm_usd": g.confirm_usd, "ceiling_usd": g.ceiling_usd} for g in groups]


def result_rows(views: list[dict]) -> list[dict]:
    """Rows of /compare_result views (one per run)."""
    out = []
    for view in views:
        for row in view["per_model"]:
            out.append({"group_id": view["group_id"], "prompt": row.get("prompt", view["prompt"]),
                        **{k: row.get(k) for k in RESULT_FIELDS if k not in ("group_id", "prompt")}})
    return out


def render(rows: list[dict], fields: tuple[str, ...], fmt: str) -> str:
    """The rows as CSV (header first; nested values as JSON) or as JSON Lines."""
    if fmt == "jsonl":
        return "".join(json.dumps({k: row.get(k) for k in fields}, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    return buffer.getvalue()


def write(text: str, folder: Path, what: str, fmt: str) -> Path:
    """Save an export under `folder` (atomically) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"compare-{what}-{stamp}.{fmt}"
    tmp = dest.with_suffix(dest.suffix + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)
    return dest


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return value


def _when(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")

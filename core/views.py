"""Plain-dict views of rows, as the tabs and the API return them."""

from __future__ import annotations

from collections.abc import Callable

from core.library.models import Asset, Job, JobStatus


def headline(text: str | None, limit: int = 60) -> str:
    """The first line of `text` as a title: whole words up to `limit` characters, '…' where it was cut."""
    lines = (text or "").strip().splitlines()
    line = " ".join(lines[0].split()) if lines else ""
    if len(line) <= limit:
        return line
    head = line[:limit + 1]
    head = head.rsplit(" ", 1)[0] if " " in head else line[:limit]
    return head.rstrip(" ,.;:-") + "…"


def job_title(job: Job) -> str:
    """What the job makes, in the creator's words: its title, else the prompt it was asked."""
    payload = job.payload or {}
    request = payload.get("request") if isinstance(payload.get("request"), dict) else {}
    return str(payload.get("title") or request.get("prompt") or "")


def job_view(job: Job, name_of: Callable[[str], str] | None = None) -> dict:
    """`name_of` turns the model id into the name people read (the catalog's)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "terminal": JobStatus(job.status).terminal,
        "progress": round(job.progress or 0.0, 3),
        "eta_s": None if job.eta_s is None else round(job.eta_s, 1),
        "message": job.message,
        "asset_id": job.asset_ids[0] if job.asset_ids else None,
        "asset_ids": list(job.asset_ids or []),
        "error": job.error or None,
        "error_code": job.error_code or None,
        "operation": job.operation,
        "provider": job.provider,
        "model": job.model,
        "model_name": name_of(job.model) if name_of else job.model,
        "title": job_title(job),
        "group_id": job.group_id,
        "estimate_usd": round(job.estimate_usd, 4),
        "actual_usd": None if job.actual_usd is None else round(job.actual_usd, 4),
        "task_id": job.task_id,
        "result": (job.payload or {}).get("result"),
        "created_at": job.created_at.isoformat(timespec="seconds"),
    }


def asset_view(asset: Asset) -> dict:
    return {
        "id": asset.id,
        "title": asset.title,
        "path": asset.path,
        "poster": asset.poster_path,
        "mime": asset.mime,
        "size_bytes": asset.size_bytes,
        "duration": asset.duration_s,
        "width": asset.width,
        "height": asset.height,
        "fps": asset.fps,
        "has_audio": asset.has_audio,
        "codec": asset.video_codec,
        "operation": asset.operation,
        "provider": asset.provider,
        "model": asset.model,
        "prompt": asset.prompt,
        "parent_id": asset.parent_id,
        "job_id": asset.job_id,
        "cost": round(asset.actual_usd or 0.0, 4),
        "estimate_usd": round(asset.estimate_usd or 0.0, 4),
        "settings": asset.settings,
        "tags": list(asset.tags or []),
        "created_at": asset.created_at.isoformat(timespec="seconds"),
    }

"""The programmatic API: stable endpoint names, JSON in and JSON out (see README)."""

from __future__ import annotations

import functools

import gradio as gr

from core.errors import StudioError
from core.studio import Studio


def json_safe(value):
    """Rename `path` keys to `file_path`: Gradio takes any dict with a `path` for a file object and
    would hand the client a downloaded file instead of the record."""
    if isinstance(value, dict):
        return {("file_path" if k == "path" else k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def _guard(fn):
    """Turn a StudioError into a gr.Error whose message the client sees."""

    @functools.wraps(fn)
    def wrapped(*args):
        try:
            return json_safe(fn(*args))
        except StudioError as exc:
            raise gr.Error(str(exc)) from exc

    return wrapped


def register(studio: Studio) -> None:
    """Add the API endpoints to the current gr.Blocks."""

    def estimate(request: dict) -> dict:
        """Request -> model, provider, total_usd, breakdown, allowed, issues."""
        return studio.estimate(request, (request or {}).get("user"))

    def create(request: dict) -> dict:
        """Request (plus optional confirm: true) -> ok, job_ids, and the estimate it ran under."""
        request = dict(request or {})
        confirm = bool(request.pop("confirm", False))
        return studio.create(request, request.pop("user", None), confirm=confirm)

    def job(job_id: str) -> dict:
        """Job id -> status, progress, eta_s, asset_id, error, estimate_usd, actual_usd."""
        return studio.job(job_id)

    def assets(filters: dict | None = None) -> list:
        """Library assets (newest first): path, duration, width, height, operation, model, cost."""
        filters = filters or {}
        return studio.assets(filters.get("user"), filters.get("query", ""), filters.get("operation"))

    def cancel(job_id: str) -> dict:
        """Cancel a job. A paid job already sent may still be billed by the provider."""
        return studio.cancel(job_id)

    for fn in (estimate, create, job, assets, cancel):
        gr.api(_guard(fn), api_name=fn.__name__, concurrency_limit=None)

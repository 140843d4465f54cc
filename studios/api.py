"""The programmatic API: stable endpoint names, JSON in and JSON out (see README).

Each endpoint hands the client's JSON, untouched, to one facade call, which parses it with the
strict boundary models; the owner comes from the session (`owner_of`), never from a field.
Errors reach the client as their plain message; an unexpected fault is logged, never shown.
"""

from __future__ import annotations

import gradio as gr

from core.boundary import parse
from core.boundary.library import UnshareRequest
from core.studio import Studio
from studios import api_avatar, api_compare, api_library, api_media
from studios.api_tools import json_safe, publish
from studios.session import owner_of

__all__ = ["json_safe", "register"]

def register(studio: Studio) -> None:
    """Add the API endpoints to the current gr.Blocks."""

    def estimate(body: dict, request: gr.Request) -> dict:
        """Request -> model, total_usd, max_usd, price_basis, breakdown, allowed, issues, needs_confirmation."""
        return studio.estimate(body, owner=owner_of(request))

    def create(body: dict, request: gr.Request) -> dict:
        """Request plus confirm_usd (the amount you agree to) -> ok, job_ids, and the estimate it ran under."""
        return studio.create(body, owner=owner_of(request))

    def job(job_id: str, request: gr.Request) -> dict:
        """Job id -> status, progress, eta_s, asset_id, error, estimate_usd, actual_usd, task_id, result."""
        return studio.job(job_id, owner=owner_of(request))

    def cancel(job_id: str, request: gr.Request) -> dict:
        """Cancel a job. A paid job already sent may still be billed by the provider."""
        return studio.cancel(job_id, owner=owner_of(request))

    def retry(job_id: str, request: gr.Request) -> dict:
        """A needs-attention job with a task id: poll and download its result again (never re-sent)."""
        return studio.retry(job_id, owner=owner_of(request))

    def enhance_prompt(body: dict, request: gr.Request) -> dict:
        """{prompt, template, operation, confirm_usd} -> prompt, negative_prompt, source, notes, cost_usd."""
        return studio.enhance_prompt(body, owner=owner_of(request))

    def share(body: dict, request: gr.Request) -> dict:
        """{asset_id, expires_in_s} -> url (under this app, no login needed until it expires), expires_at."""
        return studio.share(body, owner=owner_of(request))

    def unshare(body: dict, request: gr.Request) -> dict:
        """{asset_id} -> revoked: how many of the asset's links stopped working."""
        return studio.unshare(parse(UnshareRequest, body).asset_id, owner=owner_of(request))

    publish((estimate, create, job, cancel, retry, enhance_prompt, share, unshare))
    api_media.register(studio)
    api_compare.register(studio)
    api_avatar.register(studio)
    api_library.register(studio)

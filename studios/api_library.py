"""The Asset Library through the API: search, tags, collections, versions, reuse, analytics (see README).

Files the library writes for a caller (a collection's ZIP, an analytics CSV) are answered as
`file_path`: the caller's own served copy, fetched at /gradio_api/file=<file_path> (the file
guard gives an owner's folder to that owner only), never a library path.
"""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios.api_tools import publish
from studios.files import served
from studios.session import owner_of


def register(studio: Studio) -> None:
    def assets(filters: dict | None, request: gr.Request) -> dict:
        """{query, tags, collection_id, operation, model, min_duration, max_duration, aspect, platform, since,
        until, min_cost, max_cost, sort, page, page_size} (all optional; pages from 1) -> {items, total}."""
        return studio.search_assets(filters, owner=owner_of(request))

    def tag(body: dict, request: gr.Request) -> dict:
        """{asset_id, add: [..], remove: [..]} -> the asset with its tags."""
        return studio.tag(body, owner=owner_of(request))

    def ai_tag(body: dict, request: gr.Request) -> dict:
        """{asset_id, detail_level: low|medium|high, confirm_usd, estimate_only, run_again} -> like /create
        (estimate fields, job_ids) plus asset_id: a provider's captioning model describes the asset (priced,
        confirmed, in the ledger); when its job ends the words are on the asset as AI tags (poll /job)."""
        return studio.ai_tag(body, owner=owner_of(request))

    def collections(body: dict, request: gr.Request) -> dict | list:
        """{action: create|rename|add|remove|list|export, collection_id, name, asset_ids} -> the collection
        (list: every collection; export: file_path of the ZIP, files, bytes, collection)."""
        owner = owner_of(request)
        answer = studio.collection_action(body, owner=owner)
        if isinstance(answer, dict) and "path" in answer:
            answer = {**answer, "path": served(answer["path"], owner)}
        return answer

    def versions(body: dict, request: gr.Request) -> dict:
        """{asset_id} -> the whole tree from its root: nodes with asset_id, parent_id, operation, ops or
        model and settings, cost_usd."""
        return studio.versions(body, owner=owner_of(request))

    def settings_again(body: dict, request: gr.Request) -> dict:
        """{asset_id} -> the exact request that made it: {studio: "create"|"api", request} (send it to /create)
        or {studio: "edit"|"enhance"|"transform", asset_id (the source), ops} (send it to /edit)."""
        return studio.settings_again(body, owner=owner_of(request))

    def usage(body: dict, request: gr.Request) -> dict:
        """{asset_id} -> its usage and export history: downloads, shared, packs, inputs, exports, shared_until,
        summary ("Used in 3 packs, downloaded 5 times, shared until 30 Nov") and the events, newest first."""
        return studio.asset_usage(body, owner=owner_of(request))

    def reuse(body: dict, request: gr.Request) -> dict | None:
        """{request} (a /create request) -> the earlier asset made by exactly that request
        {asset_id, created_at, cost_usd, title, model}, or null. Nothing is sent."""
        return studio.reuse(body, owner=owner_of(request))

    def analytics(body: dict | None, request: gr.Request) -> dict:
        """{since, until, group_by: day|model|studio|user} -> {rows, totals}; each row has runs, spend_usd,
        estimate_usd, p50_s, p90_s, success_rate (dates YYYY-MM-DD). By user: everyone for admins."""
        return studio.analytics_for(body, owner=owner_of(request))

    def analytics_csv(body: dict | None, request: gr.Request) -> dict:
        """{since, until} -> file_path of a CSV with one row per run, and rows (how many)."""
        owner = owner_of(request)
        answer = studio.analytics_csv(body, owner=owner)
        return {**answer, "path": served(answer["path"], owner)}

    publish((assets, tag, ai_tag, collections, versions, usage, settings_again, reuse, analytics, analytics_csv))

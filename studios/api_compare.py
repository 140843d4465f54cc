"""Compare Studio through the API: /compare_models, /compare_sweep, /compare_result, /vote,
/leaderboard, /compare_export (see README). JSON in, JSON out; the owner is the session's."""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios.api_tools import download, publish
from studios.session import owner_of


def register(studio: Studio) -> None:
    """Add the Compare endpoints to the current gr.Blocks."""
    service = studio.compare

    def compare_models(body: dict, request: gr.Request) -> dict:
        """{prompt | image_id | photo_id + audio_id, operation, models, settings, blind, confirm_usd, estimate_only,
        run_again} -> group_id, total_usd, max_usd, per_model (model, estimate_usd, allowed, reason, reused), job_ids."""
        return service.compare(body, owner=owner_of(request))

    def compare_sweep(body: dict, request: gr.Request) -> dict:
        """{prompts, seeds, models, operation, settings, ceiling_usd, blind, estimate_only, run_again} -> like
        /compare_models, one row per prompt x seed x model."""
        return service.sweep(body, owner=owner_of(request))

    def compare_result(body: dict, request: gr.Request) -> dict:
        """{group_id} -> per_model (model, status, asset_id, file_path, file_url, estimate_usd, actual_usd, seconds,
        width, height, duration_s, has_audio, error), pairs to vote on, done."""
        owner = owner_of(request)
        view = service.result(body, owner=owner)
        for row in view["per_model"]:
            row.update(download(row["file_path"], owner))
        return view

    def vote(body: dict, request: gr.Request) -> dict:
        """{group_id, a_asset_id, b_asset_id, winner: a|b|tie|both_bad, criterion} -> recorded, blind, both models."""
        return service.vote(body, owner=owner_of(request))

    def leaderboard(body: dict | None, request: gr.Request) -> dict:
        """{operation, audio: true|false|null, criterion} -> rows (model, score, ci_low, ci_high, votes,
        usd_per_second, median_seconds) ranked by ci_low, and few_votes (under 20 votes, no interval)."""
        owner_of(request)
        return service.leaderboard(body)

    def compare_export(body: dict | None, request: gr.Request) -> dict:
        """{what: votes|prompts|results, format: csv|jsonl} -> rows, file_path, file_url, content."""
        owner = owner_of(request)
        answer = service.export(body, owner=owner)
        return {**answer, **download(answer["file_path"], owner)}

    publish((compare_models, compare_sweep, compare_result, vote, leaderboard, compare_export))

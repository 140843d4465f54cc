"""The programmatic API: stable endpoint names, JSON in and JSON out (see README)."""

from __future__ import annotations

import functools

import gradio as gr
from gradio import FileData

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
        except KeyError as exc:
            raise gr.Error(f"The request is missing the field {exc}. See the README for the fields.") from exc

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

    def enhance_prompt(request: dict) -> dict:
        """{prompt, template, operation} -> prompt, negative_prompt, source, notes, cost_usd."""
        return studio.enhance_prompt(request.get("prompt", ""), request.get("template"),
                                     request.get("operation", "text-to-video"), request.get("user"))

    for fn in (estimate, create, job, assets, cancel, enhance_prompt):
        gr.api(_guard(fn), api_name=fn.__name__, concurrency_limit=None)
    register_media(studio)


def register_media(studio: Studio) -> None:
    """Edit, Enhance and Transform through the API: chains of ops as JSON (see README)."""

    def import_media(file: FileData, title: str = "") -> dict:
        """Upload a video into the library -> the new asset."""
        return studio.import_media(file["path"] if isinstance(file, dict) else file, title=title)

    def describe(asset_id: str) -> dict:
        """Probed facts of an asset: size, fps, duration, codecs, audio, rotation, summary."""
        return studio.edit.describe(asset_id)

    def outcome(request: dict) -> dict:
        """{asset_id, ops} -> what the chain will make ('480p @ 24 fps -> 1080p @ 60 fps')."""
        return {"summary": studio.edit.outcome(request["asset_id"], request.get("ops", []))}

    def preview(request: dict) -> dict:
        """{asset_id, ops} -> a short low-resolution render to look at before applying."""
        return studio.edit.preview(request["asset_id"], request.get("ops", []))

    def compare(request: dict) -> dict:
        """{original_id, enhanced_id} -> a split frame (left original, right enhanced) to look at."""
        return studio.edit.compare(request["original_id"], request["enhanced_id"])

    def edit(request: dict) -> dict:
        """{asset_id, ops, operation: edit|enhance|transform} -> job_id; the result is a new asset."""
        job_id = studio.edit.apply(request["asset_id"], request.get("ops", []), request.get("user"),
                                   operation=request.get("operation", "edit"), title=request.get("title", ""))
        return {"job_id": job_id}

    def batch(request: dict) -> dict:
        """{asset_ids, ops, operation} -> group_id and one job per asset."""
        return studio.edit.apply_batch(request.get("asset_ids", []), request.get("ops", []),
                                       request.get("user"), operation=request.get("operation", "edit"))

    def join(request: dict) -> dict:
        """{asset_ids, transition, duration} -> job_id of the joined clip."""
        return {"job_id": studio.edit.join(request.get("asset_ids", []), request.get("transition", "fade"),
                                           float(request.get("duration", 0.5)), request.get("user"))}

    def ai_edit(request: dict) -> dict:
        """{asset_id, operation, prompt, model, options, resolution, confirm} -> like /create."""
        request = dict(request)
        asset_id, operation = request.pop("asset_id"), request.pop("operation")
        confirm = bool(request.pop("confirm", False))
        user = request.pop("user", None)
        if request.pop("estimate_only", False):
            return studio.edit.ai_estimate(asset_id, operation, **request)
        return studio.edit.ai_apply(asset_id, operation, user, confirm, **request)

    def social_pack(request: dict) -> dict:
        """{asset_id, platforms, reframe, focus, segment_start, captions_text, srt, thumbnail_title}
        -> job_id. When the job succeeds, /social_result gives the ZIP and the compliance table."""
        request = dict(request)
        asset_id, user = request.pop("asset_id"), request.pop("user", None)
        return {"job_id": studio.social.pack(asset_id, request, user)}

    def social_result(job_id: str) -> dict:
        """The finished pack: zip (path on the server), manifest (per platform files, checks), all_passed."""
        return studio.social.result(job_id)

    renders_now = (preview, compare)  # render while the caller waits: one at a time
    for fn in (import_media, describe, outcome, preview, compare, edit, batch, join, ai_edit, social_pack,
               social_result):
        name = "import" if fn is import_media else fn.__name__
        gr.api(_guard(fn), api_name=name, concurrency_limit=1 if fn in renders_now else None)

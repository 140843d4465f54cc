"""The programmatic API: stable endpoint names, JSON in and JSON out (see README).

Every endpoint acts for the signed-in caller (`owner_of(request)`, the last parameter); no
endpoint takes a `user` field, and a request that carries one is refused.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import gradio as gr
from gradio import FileData
from gradio.utils import get_upload_folder

from core.errors import InvalidInput, StudioError
from core.studio import Studio
from studios.session import owner_of


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
    def wrapped(*args, **kwargs):
        try:
            return json_safe(fn(*args, **kwargs))
        except StudioError as exc:
            raise gr.Error(str(exc)) from exc
        except KeyError as exc:
            raise gr.Error(f"The request is missing the field {exc}. See the README for the fields.") from exc

    return wrapped


def fields(request, name: str = "request") -> dict:
    """The JSON object of a request, refusing other shapes and a `user` field."""
    if request is None:
        return {}
    if not isinstance(request, dict):
        raise InvalidInput(f"The {name} must be a JSON object.", "See the README for the fields.")
    if "user" in request:
        raise InvalidInput("`user` is not a field: every call acts for the signed-in account.",
                           "Remove `user`; sign in as that person instead.")
    return dict(request)


def uploaded_file(file) -> Path:
    """The file the client uploaded with this call. A server path (or anything else) is refused with
    the same message whether or not it exists."""
    path = file.get("path") if isinstance(file, dict) else None
    root = os.path.realpath(get_upload_folder())
    if isinstance(path, str) and path:
        real = os.path.realpath(path)
        if real.startswith(root + os.sep) and os.path.isfile(real):
            return Path(real)
    raise InvalidInput("Send the file itself (gradio_client: handle_file(path)); a server path is not accepted.",
                       "Upload the file in the call.")


def register(studio: Studio) -> None:
    """Add the API endpoints to the current gr.Blocks."""

    def estimate(request: dict, req: gr.Request) -> dict:
        """Request -> model, provider, total_usd, breakdown, allowed, issues."""
        return studio.estimate(fields(request), owner=owner_of(req))

    def create(request: dict, req: gr.Request) -> dict:
        """Request (plus optional confirm: true) -> ok, job_ids, and the estimate it ran under."""
        request = fields(request)
        confirm = bool(request.pop("confirm", False))
        return studio.create(request, owner=owner_of(req), confirm=confirm)

    def job(job_id: str, req: gr.Request) -> dict:
        """Job id -> status, progress, eta_s, asset_id, error, estimate_usd, actual_usd."""
        return studio.job(job_id, owner=owner_of(req))

    def assets(filters: dict | None, req: gr.Request) -> list:
        """Library assets (newest first): path, duration, width, height, operation, model, cost."""
        filters = fields(filters, "filters")
        return studio.assets(owner=owner_of(req), query=filters.get("query", ""), operation=filters.get("operation"))

    def cancel(job_id: str, req: gr.Request) -> dict:
        """Cancel a job. A paid job already sent may still be billed by the provider."""
        return studio.cancel(job_id, owner=owner_of(req))

    def enhance_prompt(request: dict, req: gr.Request) -> dict:
        """{prompt, template, operation} -> prompt, negative_prompt, source, notes, cost_usd."""
        request = fields(request)
        return studio.enhance_prompt(request.get("prompt", ""), request.get("template"),
                                     request.get("operation", "text-to-video"), owner=owner_of(req))

    def share(request: dict, req: gr.Request) -> dict:
        """{asset_id, expires_in_s} -> url (under this app, no login needed until it expires), expires_at."""
        request = fields(request)
        return studio.share(request["asset_id"], request.get("expires_in_s", 86400), owner=owner_of(req))

    def unshare(request: dict, req: gr.Request) -> dict:
        """{asset_id} -> revoked: how many of the asset's links stopped working."""
        return studio.unshare(fields(request)["asset_id"], owner=owner_of(req))

    for fn in (estimate, create, job, assets, cancel, enhance_prompt, share, unshare):
        gr.api(_guard(fn), api_name=fn.__name__, concurrency_limit=None)
    register_media(studio)


def register_media(studio: Studio) -> None:
    """Edit, Enhance and Transform through the API: chains of ops as JSON (see README)."""

    def import_media(file: FileData, title: str, req: gr.Request) -> dict:
        """Upload a video into the library -> the new asset."""
        return studio.import_media(uploaded_file(file), owner=owner_of(req), title=title or "")

    def describe(asset_id: str, req: gr.Request) -> dict:
        """Probed facts of an asset: size, fps, duration, codecs, audio, rotation, summary."""
        return studio.edit.describe(asset_id, owner=owner_of(req))

    def outcome(request: dict, req: gr.Request) -> dict:
        """{asset_id, ops} -> what the chain will make ('480p @ 24 fps -> 1080p @ 60 fps')."""
        request = fields(request)
        return {"summary": studio.edit.outcome(request["asset_id"], request.get("ops", []), owner=owner_of(req))}

    def preview(request: dict, req: gr.Request) -> dict:
        """{asset_id, ops} -> a short low-resolution render to look at before applying."""
        request = fields(request)
        return studio.edit.preview(request["asset_id"], request.get("ops", []), owner=owner_of(req))

    def compare(request: dict, req: gr.Request) -> dict:
        """{original_id, enhanced_id} -> a split frame (left original, right enhanced) to look at."""
        request = fields(request)
        return studio.edit.compare(request["original_id"], request["enhanced_id"], owner=owner_of(req))

    def edit(request: dict, req: gr.Request) -> dict:
        """{asset_id, ops, operation: edit|enhance|transform} -> job_id; the result is a new asset."""
        request = fields(request)
        job_id = studio.edit.apply(request["asset_id"], request.get("ops", []), owner=owner_of(req),
                                   operation=request.get("operation", "edit"), title=request.get("title", ""))
        return {"job_id": job_id}

    def batch(request: dict, req: gr.Request) -> dict:
        """{asset_ids, ops, operation} -> group_id and one job per asset."""
        request = fields(request)
        return studio.edit.apply_batch(request.get("asset_ids", []), request.get("ops", []), owner=owner_of(req),
                                       operation=request.get("operation", "edit"))

    def join(request: dict, req: gr.Request) -> dict:
        """{asset_ids, transition, duration} -> job_id of the joined clip."""
        request = fields(request)
        return {"job_id": studio.edit.join(request.get("asset_ids", []), request.get("transition", "fade"),
                                           float(request.get("duration", 0.5)), owner=owner_of(req))}

    def ai_edit(request: dict, req: gr.Request) -> dict:
        """{asset_id, operation, prompt, model, options, resolution, confirm} -> like /create."""
        request = fields(request)
        asset_id, operation = request.pop("asset_id"), request.pop("operation")
        confirm = bool(request.pop("confirm", False))
        owner = owner_of(req)
        if request.pop("estimate_only", False):
            return studio.edit.ai_estimate(asset_id, operation, owner=owner, **request)
        return studio.edit.ai_apply(asset_id, operation, owner=owner, confirm=confirm, **request)

    def social_pack(request: dict, req: gr.Request) -> dict:
        """{asset_id, platforms, size, reframe, focus, segment_start, captions_text, srt, thumbnail_title}
        -> job_id. When the job succeeds, /social_result gives the ZIP and the compliance table."""
        request = fields(request)
        asset_id = request.pop("asset_id")
        return {"job_id": studio.social.pack(asset_id, request, owner=owner_of(req))}

    def social_result(job_id: str, req: gr.Request) -> dict:
        """The finished pack: zip (path on the server), manifest (per platform files, checks), all_passed, assets."""
        return studio.social.result(job_id, owner=owner_of(req))

    renders_now = (preview, compare)  # render while the caller waits: one at a time
    for fn in (import_media, describe, outcome, preview, compare, edit, batch, join, ai_edit, social_pack,
               social_result):
        name = "import" if fn is import_media else fn.__name__
        gr.api(_guard(fn), api_name=name, concurrency_limit=1 if fn in renders_now else None)

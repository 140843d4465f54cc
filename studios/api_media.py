"""Edit, Enhance, Transform and Social through the API: chains of ops as JSON (see README)."""

from __future__ import annotations

import gradio as gr
from gradio import FileData

from core.studio import Studio
from studios.api_tools import download, publish, uploaded_file
from studios.session import owner_of


def register(studio: Studio) -> None:
    def import_media(file: FileData, title: str, request: gr.Request) -> dict:
        """Upload a file (handle_file) into the library -> the new asset (name it by its id afterwards)."""
        return studio.import_media(uploaded_file(file), owner=owner_of(request), title=title or "")

    def describe(asset_id: str, request: gr.Request) -> dict:
        """Probed facts of an asset: size, fps, duration, codecs, audio, rotation, summary."""
        return studio.edit.describe(asset_id, owner=owner_of(request))

    def outcome(body: dict, request: gr.Request) -> dict:
        """{asset_id, ops} -> what the chain will make ('480p @ 24 fps -> 1080p @ 60 fps')."""
        return {"summary": studio.edit.outcome(body, owner=owner_of(request))}

    def preview(body: dict, request: gr.Request) -> dict:
        """{asset_id, ops} -> a short low-resolution render to look at before applying: file_url, file_path."""
        owner = owner_of(request)
        answer = studio.edit.preview(body, owner=owner)
        return {**answer, **download(answer.pop("path"), owner)}

    def compare(body: dict, request: gr.Request) -> dict:
        """{original_id, enhanced_id} -> a split frame (left original, right enhanced): file_url, file_path."""
        owner = owner_of(request)
        answer = studio.edit.compare(body, owner=owner)
        return {**answer, **download(answer.pop("path"), owner)}

    def edit(body: dict, request: gr.Request) -> dict:
        """{asset_id, ops, operation: edit|enhance|transform, title} -> job_id; the result is a new asset."""
        return {"job_id": studio.edit.apply(body, owner=owner_of(request))}

    def batch(body: dict, request: gr.Request) -> dict:
        """{asset_ids, ops, operation} -> group_id and one job per asset."""
        return studio.edit.apply_batch(body, owner=owner_of(request))

    def join(body: dict, request: gr.Request) -> dict:
        """{asset_ids, transition, duration} -> job_id of the joined clip."""
        return {"job_id": studio.edit.join(body, owner=owner_of(request))}

    def ai_edit(body: dict, request: gr.Request) -> dict:
        """{asset_id, operation, prompt, model, options, resolution, image_id, consent (face swap, character swap,
        translate), confirm_usd, estimate_only, run_again} -> like /create."""
        return studio.edit.ai_apply(body, owner=owner_of(request))

    def social_pack(body: dict, request: gr.Request) -> dict:
        """{asset_id, platforms, size, reframe, focus, segment_start, captions_text, srt, thumbnail_title}
        -> job_id. When the job succeeds, /social_result gives the ZIP and the compliance table."""
        return {"job_id": studio.social.pack(body, owner=owner_of(request))}

    def social_result(job_id: str, request: gr.Request) -> dict:
        """The finished pack: zip_url (a link that downloads the ZIP), zip (that copy as Gradio names it), manifest
        (per platform files, checks), all_passed, assets."""
        owner = owner_of(request)
        answer = dict(studio.social.result(job_id, owner=owner))
        if answer.get("zip"):
            link = download(answer["zip"], owner)
            answer.update(zip=link["file_path"], zip_url=link["file_url"])
        return answer

    renders_now = {preview: 1, compare: 1}  # render while the caller waits: one at a time
    publish((import_media, describe, outcome, preview, compare, edit, batch, join, ai_edit, social_pack,
                 social_result), concurrency=renders_now, names={import_media: "import"})

"""Around the avatar: translate and dub a finished video, swap a face or a whole character.

Each uses a real person's face or voice, so it runs only with the consent statement ticked (the
core refuses it otherwise, records it with the job and in the audit log, and a team's policy can
switch these off); the cost meter shows what the clip's measured length costs.
"""

from __future__ import annotations

import gradio as gr

from core.accounts.policy import CONSENT_STATEMENT
from core.studio import Studio
from studios.common import ai_box, asset_picker, job_watch, refresh_on, upload_importer

OPERATIONS = {"Translate and dub": "translate", "Face swap": "face-swap", "Character swap": "character-swap"}


def languages(studio: Studio) -> list[str]:
    return [lang for m in studio.catalog.models(operation="translate")
            for lang in m.capabilities.options.get("output_language", [])]


def build(studio: Studio, tab: gr.Tab | None) -> None:
    """Lay out the section inside the current block (the Avatar tab)."""
    job_ids, face_id = gr.State([]), gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            picker = asset_picker(studio, "Video to translate or swap")
            with gr.Row():
                face = gr.Image(label="Face or character photo (for a swap)", type="filepath", height=160,
                                elem_id="around-face")
                language = gr.Dropdown(languages(studio), value="Spanish", label="Translate into")
            face_note = gr.Markdown("")
            consent = gr.Checkbox(label=CONSENT_STATEMENT, value=False, elem_id="around-consent")

            ai_box(studio, OPERATIONS, picker.dropdown, job_ids, options_builder=fields_for,
                   extra_inputs=[face_id, language, consent])
        with gr.Column(scale=2):
            job_watch(studio, job_ids, label="Translated or swapped video")

    on_face = upload_importer(studio, "photo")

    face.upload(on_face, face, [face_id, face_note], api_visibility="private")
    face.clear(lambda: (None, ""), None, [face_id, face_note], api_visibility="private")
    if tab is not None:
        refresh_on(studio, tab, picker.dropdown)


def fields_for(face_value, target, agreed, operation: str = "translate") -> dict:
    """The photo goes only to swaps and the language only to translation (nothing silently ignored)."""
    fields: dict = {"consent": bool(agreed)}
    if operation == "translate":
        fields["options"] = {"output_language": target}
    elif face_value:
        fields["image_id"] = face_value
    return fields

"""The opened asset's collections, version tree (two versions side by side) and "use these settings
again", laid out inside the Library tab (studios/library.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
from PIL import Image

from core.studio import Studio
from studios.files import served
from studios.library_view import node_label, tree_html
from studios.session import owner_of, owner_or_none
from studios.labels import said

ANY = ("Any", "")


@dataclass
class Parts:
    on_open: list  # components an opened asset updates, in the order of opened()/cleared()
    opened: Callable[[str, str], list]
    cleared: Callable[[], list]


def placeholder(studio: Studio, owner: str) -> str:
    """A neutral poster for files that have none (sound, documents)."""
    path = Path(studio.settings.cache_dir) / "no-poster.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 180), (55, 65, 81)).save(path)
    return served(path, owner)


def build(studio: Studio, selected: gr.State, notice: gr.Markdown, filter_box: gr.Dropdown, tabs, create_form,
          edit_form) -> Parts:
    with gr.Row():
        again_btn = gr.Button("Use these settings again", variant="secondary")
    with gr.Accordion("Collections", open=False):
        with gr.Row():
            box = gr.Dropdown([], value=None, label="Collection", scale=2)
            name = gr.Textbox(label="Name", placeholder="Spring campaign", scale=2)
        with gr.Row():
            new_btn = gr.Button("New collection", size="sm")
            rename_btn = gr.Button("Rename", size="sm")
            add_btn = gr.Button("Add this asset", size="sm")
            remove_btn = gr.Button("Remove this asset", size="sm")
            export_btn = gr.Button("Export ZIP", size="sm")
        box_note = gr.Markdown("")
        export_file = gr.File(label="Collection ZIP (files + manifest.json)", visible=False, interactive=False)
    with gr.Accordion("Versions", open=False):
        tree = gr.HTML("")
        with gr.Row():
            left = gr.Dropdown([], value=None, label="Version A", scale=2)
            right = gr.Dropdown([], value=None, label="Version B", scale=2)
            side_btn = gr.Button("Show side by side", scale=1)
        with gr.Row():
            video_a = gr.Video(label="A", interactive=False, height=200)
            video_b = gr.Video(label="B", interactive=False, height=200)

    def opened(asset_id: str, owner: str) -> list:
        found = studio.versions({"asset_id": asset_id}, owner=owner)
        choices = [(f"{'  ' * n['depth']}{n['title'][:30] or n['asset_id']} - {node_label(n)}", n["asset_id"])
                   for n in found["nodes"]]
        parent = next((n["parent_id"] for n in found["nodes"] if n["asset_id"] == asset_id), None)
        return [tree_html(found, asset_id), gr.update(choices=choices, value=parent or found["root_id"]),
                gr.update(choices=choices, value=asset_id), None, None]

    def cleared() -> list:
        return ["", gr.update(choices=[], value=None), gr.update(choices=[], value=None), None, None]

    def boxes(owner: str, value=None) -> tuple:
        found = studio.collections(owner=owner)
        pairs = [(f"{c['name']} ({c['count']})", c["id"]) for c in found]
        return gr.update(choices=pairs, value=value), gr.update(choices=[ANY, *[(c["name"], c["id"]) for c in found]])

    def action(kind: str):
        def run(asset_id, collection_id, text, request: gr.Request):
            owner = owner_of(request)
            body = {"action": kind, "collection_id": collection_id or None, "name": (text or "").strip() or None}
            if kind in ("add", "remove"):
                if not asset_id:
                    return gr.update(), gr.update(), "Pick an asset first.", gr.update(visible=False)
                body["asset_ids"] = [asset_id]
            try:
                answer = studio.collection_action({k: v for k, v in body.items() if v is not None}, owner=owner)
            except Exception as exc:
                return gr.update(), gr.update(), f"**Could not {kind}:** {said(exc)}", gr.update(visible=False)
            if kind == "export":
                line = (f"Exported **{answer['collection']['name']}**: {answer['files']} file(s), "
                        f"{answer['bytes'] / 1e6:.1f} MB.")
                return *boxes(owner, collection_id), line, gr.update(value=served(answer["path"], owner), visible=True)
            line = f"**{answer['name']}**: {answer['count']} asset(s), {answer['bytes'] / 1e6:.1f} MB."
            return *boxes(owner, answer["id"]), line, gr.update(visible=False)
        return run

    def on_side(a, b, request: gr.Request):
        owner = owner_of(request)
        files = []
        for asset_id in (a, b):
            files.append(served(studio.asset(asset_id, owner=owner)["path"], owner) if asset_id else None)
        return files

    def on_again(asset_id, request: gr.Request):
        """Create (or Edit) filled with the exact request that made the asset, when this page has them."""
        nothing = [gr.update()] * (_fill_count(create_form) + _fill_count(edit_form) + 1)
        if not asset_id:
            return "Pick an asset first.", *nothing
        owner = owner_of(request)
        try:
            again = studio.settings_again(asset_id, owner=owner)
        except Exception as exc:
            return f"**Cannot use these settings again:** {said(exc)}", *nothing
        if again["studio"] == "create" and create_form is not None and tabs is not None:
            fill = create_form.fill(studio, again["request"], owner)
            return ("Opened Create with the settings that made it. Running it unchanged offers this asset "
                    "instead of paying again.", gr.Tabs(selected="create"), *fill,
                    *[gr.update()] * _fill_count(edit_form))
        if again["studio"] == "edit" and edit_form is not None and tabs is not None:
            fill = edit_form.fill(studio, again["asset_id"], again["ops"], owner)
            return ("Opened Edit with the clip and the edits that made it.", gr.Tabs(selected="edit"),
                    *[gr.update()] * _fill_count(create_form), *fill)
        shown = again.get("request") or {"asset_id": again["asset_id"], "ops": again["ops"]}
        where = "/create" if "request" in again else "/edit"
        return (f"The request that made it (send it to `{where}`):\n```json\n{json.dumps(shown, indent=1)}\n```",
                *nothing)

    with_box = [selected, box, name]
    box_out = [box, filter_box, box_note, export_file]
    for button, kind in ((new_btn, "create"), (rename_btn, "rename"), (add_btn, "add"), (remove_btn, "remove"),
                         (export_btn, "export")):
        button.click(action(kind), with_box, box_out, api_visibility="private")
    box.input(lambda: gr.update(visible=False), None, export_file, api_visibility="private")
    side_btn.click(on_side, [left, right], [video_a, video_b], api_visibility="private")
    again_outputs = [notice, *([tabs] if tabs is not None else [gr.State()]),
                     *(create_form.outputs if create_form is not None else []),
                     *(edit_form.outputs if edit_form is not None else [])]
    again_btn.click(on_again, selected, again_outputs, api_visibility="private")
    def on_load(request: gr.Request):
        owner = owner_or_none(request)
        return boxes(owner)[0] if owner else gr.update()

    gr.on([gr.context.Context.root_block.load], on_load, None, box, api_visibility="private")
    return Parts(on_open=[tree, left, right, video_a, video_b], opened=opened, cleared=cleared)


def _fill_count(form) -> int:
    return len(form.outputs) if form is not None else 0

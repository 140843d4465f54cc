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
from studios.labels import said, short_title

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


STUDIO_NAMES = {"create": "Create", "avatar": "Avatar", "edit": "Edit", "enhance": "Enhance", "transform": "Transform"}


def fill_of(kind: str, form, studio: Studio, again: dict, owner: str) -> list:
    """The updates that open `kind`'s form with the request (Create, Avatar) or the clip and ops (chains)."""
    if kind in ("create", "avatar"):
        return form.fill(studio, again["request"], owner)
    return form.fill(studio, again["asset_id"], again["ops"], owner)


def build(studio: Studio, selected: gr.State, notice: gr.Markdown, filter_box: gr.Dropdown, tabs,
          forms: dict) -> Parts:
    """`forms`: the tabs' forms by studio name ("create", "avatar", "edit", "enhance", "transform") that
    "use these settings again" fills."""
    forms = {kind: form for kind, form in forms.items() if form is not None}
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
        choices = [(f"{'  ' * n['depth']}{short_title(n['title']) if n['title'] else n['asset_id']} - "
                    f"{node_label(n)}", n["asset_id"]) for n in found["nodes"]]
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
        """The studio that made the asset, opened with the exact request (or clip and ops) that made it."""
        nothing = [gr.update()] * (sum(len(f.outputs) for f in forms.values()) + 1)
        if not asset_id:
            return "Pick an asset first.", *nothing
        owner = owner_of(request)
        try:
            again = studio.settings_again(asset_id, owner=owner)
        except Exception as exc:
            return f"**Cannot use these settings again:** {said(exc)}", *nothing
        kind = again["studio"]
        if kind in forms and tabs is not None:
            updates = [u for k, f in forms.items()
                       for u in (fill_of(k, f, studio, again, owner) if k == kind else [gr.update()] * len(f.outputs))]
            word = "the settings" if kind in ("create", "avatar") else "the clip and the edits"
            tail = " Running it unchanged offers this asset instead of paying again." if kind == "create" else ""
            return (f"Opened {STUDIO_NAMES[kind]} with {word} that made it.{tail}", gr.Tabs(selected=kind), *updates)
        shown = again.get("request") or {"asset_id": again["asset_id"], "ops": again["ops"]}
        where = "/avatar" if kind == "avatar" else "/create" if "request" in again else "/edit"
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
                     *[c for form in forms.values() for c in form.outputs]]
    again_btn.click(on_again, selected, again_outputs, api_visibility="private")
    def on_load(request: gr.Request):
        owner = owner_or_none(request)
        return boxes(owner)[0] if owner else gr.update()

    gr.on([gr.context.Context.root_block.load], on_load, None, box, api_visibility="private")
    return Parts(on_open=[tree, left, right, video_a, video_b], opened=opened, cleared=cleared)


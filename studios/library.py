"""Asset Library: browse, search and inspect every output with its lineage and cost."""

from __future__ import annotations

from html import escape
from pathlib import Path

import gradio as gr

from core.media.ops_output import codec_label
from core.studio import Studio
from studios.result_view import result_view, show
from studios.widgets import money


def _gallery(assets: list[dict]) -> list[tuple[str, str]]:
    return [(a["poster"], f"{a['title'][:40]} ({a['operation']})") for a in assets if a.get("poster")]


def details_html(asset: dict, lineage: list[dict]) -> str:
    facts = [("Size", f"{asset['width']}x{asset['height']}"), ("Duration", f"{asset['duration']:.1f} s"),
             ("Frame rate", f"{asset['fps']:g} fps"), ("Audio", "yes" if asset["has_audio"] else "no"),
             ("Made by", f"{asset['operation']} &middot; {escape(asset['model'] or '-')}"),
             ("Cost", money(asset["cost"])),
             ("File", f"{Path(asset['path']).suffix.lstrip('.').upper()} ({codec_label(asset['codec'])}), "
                      f"{asset['size_bytes'] / 1e6:.2f} MB"),
             ("Created", asset["created_at"])]
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in facts)
    chain = " &larr; ".join(f"{escape(a['title'][:30])} <span class='vs-note'>({a['operation']})</span>"
                            for a in lineage)
    prompt = f"<p class='vs-note'>Prompt: {escape(asset['prompt'])}</p>" if asset.get("prompt") else ""
    return (f"<div class='vs-meter'><b>{escape(asset['title'])}</b><table>{rows}</table>{prompt}"
            f"<p class='vs-note'>Lineage: {chain}</p></div>")


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Library tab inside `tab`; it refreshes whenever the tab is opened."""
    ids = gr.State([])
    with gr.Row():
        query = gr.Textbox(label="Search", placeholder="prompt, title, model or operation", scale=4)
        refresh = gr.Button("Refresh", scale=1)
        upload = gr.UploadButton("Add a video", file_types=["video"], scale=1)
    notice = gr.Markdown("")
    with gr.Row(equal_height=False):
        gallery = gr.Gallery(label="Assets", columns=5, height=460, allow_preview=False, scale=3,
                             object_fit="contain")
        with gr.Column(scale=2):
            view = result_view("Selected", height=280)
            details = gr.HTML("")

    def on_search(text):
        assets = studio.assets(query=text or "")
        shown = [a for a in assets if a.get("poster")]
        return _gallery(shown), [a["id"] for a in shown]

    def on_select(evt: gr.SelectData, shown_ids):
        asset = studio.asset(shown_ids[evt.index])
        return [*show(asset), details_html(asset, studio.lineage(asset["id"]))]

    def on_upload(file, text):
        try:
            asset = studio.import_media(file)
            message = f"Added **{asset['title']}** ({asset['width']}x{asset['height']}, {asset['duration']:.1f} s)."
        except Exception as exc:
            message = f"**Could not add the file:** {exc}"
        gallery_items, shown = on_search(text)
        return gallery_items, shown, message

    query.submit(on_search, query, [gallery, ids], api_visibility="private")
    refresh.click(on_search, query, [gallery, ids], api_visibility="private")
    gallery.select(on_select, ids, [*view.components, details], api_visibility="private")
    upload.upload(on_upload, [upload, query], [gallery, ids, notice], api_visibility="private")
    tab.select(on_search, query, [gallery, ids], api_visibility="private")

"""Asset Library: browse, search and inspect every output with its lineage and cost."""

from __future__ import annotations

from html import escape
from pathlib import Path

import gradio as gr

from core.media.ops_output import codec_label
from core.studio import Studio
from studios.files import served
from studios.result_view import result_view, show
from studios.session import owner_of, owner_or_none
from studios.widgets import links_html, money

SHARE_FOR = {"1 hour": 3600, "1 day": 86400, "7 days": 7 * 86400, "30 days": 30 * 86400}


def _gallery(assets: list[dict], owner: str) -> list[tuple[str, str]]:
    return [(served(a["poster"], owner), f"{a['title'][:40]} ({a['operation']})") for a in assets if a.get("poster")]


def base_url(request: gr.Request | None) -> str:
    """The app's address as the browser sees it, to show share links in full."""
    headers = dict(getattr(request, "headers", None) or {})
    host = headers.get("x-forwarded-host") or headers.get("host")
    if not host:
        return ""
    scheme = headers.get("x-forwarded-proto") or ("https" if headers.get("origin", "").startswith("https") else "http")
    return f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}"


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
            with gr.Accordion("Share links", open=True):
                with gr.Row():
                    share_for = gr.Dropdown(list(SHARE_FOR), value="1 day", label="Link works for", scale=2)
                    share_btn = gr.Button("Create a link", scale=1)
                    unshare_btn = gr.Button("Revoke all links", variant="stop", scale=1)
                links = gr.HTML("")
    selected = gr.State(None)

    def on_search(text, request: gr.Request):
        owner = owner_or_none(request)
        if owner is None:
            return [], []
        shown = [a for a in studio.assets({"query": text or ""}, owner=owner) if a.get("poster")]
        return _gallery(shown, owner), [a["id"] for a in shown]

    def live(asset_id, owner, request) -> str:
        return links_html(studio.live_links(asset_id, owner=owner), base_url(request))

    def on_select(evt: gr.SelectData, shown_ids, request: gr.Request):
        owner = owner_of(request)
        asset = studio.asset(shown_ids[evt.index], owner=owner)
        return [*show(asset, owner), details_html(asset, studio.lineage(asset["id"], owner=owner)),
                asset["id"], live(asset["id"], owner, request)]

    def on_share(asset_id, period, request: gr.Request):
        if not asset_id:
            return gr.update(), "Pick an asset first."
        try:
            owner = owner_of(request)
            link = studio.share({"asset_id": asset_id, "expires_in_s": SHARE_FOR[period]}, owner=owner)
        except Exception as exc:
            return gr.update(), f"**Could not share:** {exc}"
        return live(asset_id, owner, request), f"New link (works for {period}): {base_url(request)}{link['url']}"

    def on_unshare(asset_id, request: gr.Request):
        if not asset_id:
            return gr.update(), "Pick an asset first."
        owner = owner_of(request)
        revoked = studio.unshare(asset_id, owner=owner)["revoked"]
        return live(asset_id, owner, request), f"Revoked {revoked} link(s): they no longer download."

    def on_upload(file, text, request: gr.Request):
        try:
            asset = studio.import_media(file, owner=owner_of(request))
            message = f"Added **{asset['title']}** ({asset['width']}x{asset['height']}, {asset['duration']:.1f} s)."
        except Exception as exc:
            message = f"**Could not add the file:** {exc}"
        gallery_items, shown = on_search(text, request)
        return gallery_items, shown, message

    query.submit(on_search, query, [gallery, ids], api_visibility="private")
    refresh.click(on_search, query, [gallery, ids], api_visibility="private")
    gallery.select(on_select, ids, [*view.components, details, selected, links], api_visibility="private")
    share_btn.click(on_share, [selected, share_for], [links, notice], api_visibility="private")
    unshare_btn.click(on_unshare, selected, [links, notice], api_visibility="private")
    upload.upload(on_upload, [upload, query], [gallery, ids, notice], api_visibility="private")
    tab.select(on_search, query, [gallery, ids], api_visibility="private")

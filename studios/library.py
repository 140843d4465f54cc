"""Asset Library: find anything (words, filters, sort, pages), open it (details, usage, tags), share it,
delete it with care; collections, versions and "use these settings again" (library_parts.py);
the Analytics view (analytics.py)."""

from __future__ import annotations

import gradio as gr

from core.errors import InvalidInput
from core.studio import Studio
from studios import analytics, library_ai, library_parts, send_to
from studios.files import served
from studios.library_view import captions, details_html, disk_html, page_line
from studios.result_view import result_view, show
from studios.session import owner_of, owner_or_none
from studios.widgets import links_html
from studios.labels import said

SHARE_FOR = {"1 hour": 3600, "1 day": 86400, "7 days": 7 * 86400, "30 days": 30 * 86400}
SORTS = [("Best match", "relevance"), ("Newest", "newest"), ("Oldest", "oldest"), ("Cost", "cost"),
         ("Longest", "duration")]
PAGE_SIZE = 24
ANY = ("Any", "")


def base_url(request: gr.Request | None) -> str:
    """The app's address as the browser sees it, to show share links in full."""
    headers = dict(getattr(request, "headers", None) or {})
    host = headers.get("x-forwarded-host") or headers.get("host")
    if not host:
        return ""
    scheme = headers.get("x-forwarded-proto") or ("https" if headers.get("origin", "").startswith("https") else "http")
    return f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}"


def number(text: str | None, field: str) -> float | None:
    """A number box: empty is "any"; anything else must read as a number (the core checks the range)."""
    text = (text or "").strip().lstrip("$")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{field}: \"{text[:20]}\" is not a number.", "Write a number such as 2.5, or leave it "
                           "empty.", field=field) from None


def filters_request(query, sort, operation, model, aspect, platform, collection, tags, min_dur, max_dur,
                    min_cost, max_cost, since, until, page) -> dict:
    """The filter widgets -> the /assets request (empty widgets are left out)."""
    body = {"query": (query or "").strip(), "sort": sort or None, "operation": operation or None,
            "model": model or None, "aspect": aspect or None, "platform": platform or None,
            "collection_id": collection or None, "tags": list(tags or []) or None,
            "min_duration": number(min_dur, "min_duration"), "max_duration": number(max_dur, "max_duration"),
            "min_cost": number(min_cost, "min_cost"), "max_cost": number(max_cost, "max_cost"),
            "since": (since or "").strip() or None, "until": (until or "").strip() or None,
            "page": int(page or 1), "page_size": PAGE_SIZE}
    return {k: v for k, v in body.items() if v is not None and v != ""}


def build(studio: Studio, tab: gr.Tab, *, tabs: gr.Tabs | None = None, forms: dict | None = None) -> None:
    """Lay out the Library tab inside `tab`; it refreshes whenever the tab is opened. With `tabs` and
    the studios' forms (by name: create, avatar, edit, enhance, transform), "Use these settings again"
    opens the studio that made an asset, filled in."""
    with gr.Tabs():
        with gr.Tab("Browse", id="library-browse"):
            _browse(studio, tab, tabs, forms or {})
        with gr.Tab("Analytics", id="library-analytics") as analytics_tab:
            analytics.build(studio, analytics_tab)


def _browse(studio: Studio, tab: gr.Tab, tabs, forms: dict) -> None:
    ids, page, selected = gr.State([]), gr.State(1), gr.State(None)
    with gr.Row():
        query = gr.Textbox(label="Search", placeholder="words from the prompt, title, tags, model or notes", scale=4)
        sort = gr.Dropdown(SORTS, value="relevance", label="Sort by", scale=1)
        search = gr.Button("Search", variant="primary", scale=0)
        upload = gr.UploadButton("Add a video", file_types=["video"], scale=0)
    with gr.Accordion("Filters", open=False):
        with gr.Row():
            operation = gr.Dropdown([ANY], value="", label="Operation")
            model = gr.Dropdown([ANY], value="", label="Model")
            aspect = gr.Dropdown([ANY], value="", label="Aspect")
            platform = gr.Dropdown([ANY], value="", label="Platform")
            collection = gr.Dropdown([ANY], value="", label="Collection")
        with gr.Row():
            min_dur = gr.Textbox(label="Shortest (s)", placeholder="any")
            max_dur = gr.Textbox(label="Longest (s)", placeholder="any")
            min_cost = gr.Textbox(label="Cost from ($)", placeholder="any")
            max_cost = gr.Textbox(label="Cost up to ($)", placeholder="any")
            since = gr.Textbox(label="Made from (YYYY-MM-DD)", placeholder="2025-11-01")
            until = gr.Textbox(label="Made until (YYYY-MM-DD)", placeholder="2025-11-30")
        with gr.Row():
            tags = gr.Dropdown([], value=[], multiselect=True, allow_custom_value=True, label="Has every tag", scale=4)
            clear = gr.Button("Clear filters", scale=0)
    status = gr.Markdown("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            gallery = gr.Gallery(label="Assets", columns=3, height=560, allow_preview=False, object_fit="contain",
                                 fit_columns=False, elem_id="vs-library-grid")
            with gr.Row():
                prev_btn = gr.Button("← Previous", size="sm", scale=0)
                page_note = gr.Markdown("")
                next_btn = gr.Button("Next →", size="sm", scale=0)
        with gr.Column(scale=2):
            view = result_view("Selected", height=260)
            send_to.buttons(selected, skip="library")  # Edit this, Enhance this, Package for social
            details = gr.HTML("<div class='vs-note'>Pick an asset to see its details.</div>")
            notice = gr.Markdown("")
            parts = library_parts.build(studio, selected, notice, collection, tabs, forms)
            with gr.Accordion("Tags", open=False):
                with gr.Row():
                    tag_edit = gr.Dropdown([], value=[], multiselect=True, allow_custom_value=True, scale=4,
                                           label="Tags (type a new one and press Enter)")
                    tag_save = gr.Button("Save tags", scale=0)
                library_ai.build(studio, selected, notice, tag_edit, details, lambda a, o: refreshed(a, o))
            with gr.Accordion("Share links", open=True):
                with gr.Row():
                    share_for = gr.Dropdown(list(SHARE_FOR), value="1 day", label="Link works for", scale=2)
                    share_btn = gr.Button("Create a link", scale=1)
                    unshare_btn = gr.Button("Revoke all links", variant="stop", scale=1)
                links = gr.HTML("")
            with gr.Accordion("Delete", open=False):
                delete_btn = gr.Button("Delete this asset", variant="stop")
                delete_anyway = gr.Button("Delete it anyway", variant="stop", visible=False)
    with gr.Accordion("Disk use", open=False):
        disk = gr.HTML("")

    filters = [query, sort, operation, model, aspect, platform, collection, tags, min_dur, max_dur, min_cost,
               max_cost, since, until]
    shown = [*view.components, details, links, tag_edit, *parts.on_open]

    def cleared() -> list:
        return [*show(None), "<div class='vs-note'>Pick an asset to see its details.</div>", "",
                gr.update(choices=[], value=[]), *parts.cleared()]

    def opened(asset_id: str, owner: str, request) -> list:
        info = studio.asset_details(asset_id, owner=owner, pictures=False)
        asset = info["asset"]
        html = details_html(info, studio.asset_usage(asset_id, owner=owner), studio.lineage(asset_id, owner=owner))
        return [*show(asset, owner), html, links_html(studio.live_links(asset_id, owner=owner), base_url(request)),
                gr.update(choices=asset["tags"], value=asset["tags"]), *parts.opened(asset_id, owner)]

    send_to.receive("library", [selected, *shown], lambda asset_id, owner: [asset_id, *opened(asset_id, owner, None)])

    def run_search(page_no, current, request: gr.Request, *values):
        """One page of results; a selection no longer shown is cleared (no stale details)."""
        owner = owner_or_none(request)
        if owner is None:
            return [], [], "", "", 1, None, *cleared()
        try:
            found = studio.search_assets(filters_request(*values, page_no), owner=owner)
        except Exception as exc:  # a StudioError names the field to fix
            return gr.update(), gr.update(), f"**Check the filters:** {said(exc)}", "", page_no, current, *[gr.update()] * len(shown)
        if not found["items"] and page_no > 1:
            return run_search(1, current, request, *values)
        words = captions(found["items"], {a["id"]: a for a in studio.assets(owner=owner)})
        items = [(served(a["poster"], owner) or library_parts.placeholder(studio, owner), words_of)
                 for a, words_of in zip(found["items"], words)]
        new_ids = [a["id"] for a in found["items"]]
        line = page_line(found["total"], found["page"], found["page_size"])
        keep = current if current in new_ids else None
        rest = [gr.update()] * len(shown) if keep else cleared()
        return items, new_ids, line if not found["total"] else "", line if found["total"] else "", found["page"], keep, *rest

    results = [gallery, ids, status, page_note, page, selected, *shown]

    def first_page(current, request: gr.Request, *values):
        return run_search(1, current, request, *values)

    def other_page(step):
        def go(page_no, current, request: gr.Request, *values):
            return run_search(max(1, int(page_no or 1) + step), current, request, *values)
        return go

    def on_select(evt: gr.SelectData, shown_ids, request: gr.Request):
        owner = owner_of(request)
        asset_id = shown_ids[evt.index]
        return asset_id, "", *opened(asset_id, owner, request)

    def refreshed(asset_id: str, owner: str) -> tuple:
        """The tag editor and the details after the asset's tags changed."""
        info = studio.asset_details(asset_id, owner=owner, pictures=False)
        html = details_html(info, studio.asset_usage(asset_id, owner=owner), studio.lineage(asset_id, owner=owner))
        return gr.update(choices=info["asset"]["tags"], value=info["asset"]["tags"]), html

    def on_tags(asset_id, wanted, request: gr.Request):
        if not asset_id:
            return gr.update(), "Pick an asset first.", gr.update()
        owner = owner_of(request)
        before = set(studio.asset(asset_id, owner=owner)["tags"])
        after = {t.strip() for t in wanted or [] if t and t.strip()}
        try:
            asset = studio.tag({"asset_id": asset_id, "add": sorted(after - before), "remove": sorted(before - after)},
                               owner=owner)
        except Exception as exc:
            return gr.update(), f"**Could not save the tags:** {said(exc)}", gr.update()
        tag_update, html = refreshed(asset["id"], owner)
        return tag_update, "Tags saved.", html

    def live(asset_id, owner, request) -> str:
        return links_html(studio.live_links(asset_id, owner=owner), base_url(request))

    def on_share(asset_id, period, request: gr.Request):
        if not asset_id:
            return gr.update(), "Pick an asset first."
        try:
            owner = owner_of(request)
            link = studio.share({"asset_id": asset_id, "expires_in_s": SHARE_FOR[period]}, owner=owner)
        except Exception as exc:
            return gr.update(), f"**Could not share:** {said(exc)}"
        return live(asset_id, owner, request), f"New link (works for {period}): {base_url(request)}{link['url']}"

    def on_unshare(asset_id, request: gr.Request):
        if not asset_id:
            return gr.update(), "Pick an asset first."
        owner = owner_of(request)
        revoked = studio.unshare(asset_id, owner=owner)["revoked"]
        return live(asset_id, owner, request), f"Revoked {revoked} link(s): they no longer download."

    def on_delete(confirm: bool):
        def delete(asset_id, request: gr.Request):
            if not asset_id:
                return "Pick an asset first.", gr.update(visible=False)
            answer = studio.delete_asset(asset_id, owner=owner_of(request), confirm=confirm)
            if answer.get("needs_confirmation"):
                return f"**Wait:** {answer['message'].replace('Send confirm: true to', 'Press Delete it anyway to')}", \
                    gr.update(visible=True)
            return answer["message"], gr.update(visible=False)
        return delete

    def on_upload(file, request: gr.Request):
        try:
            asset = studio.import_media(file, owner=owner_of(request))
            return f"Added **{asset['title']}** ({asset['width']}x{asset['height']}, {asset['duration']:.1f} s)."
        except Exception as exc:
            return f"**Could not add the file:** {said(exc)}"

    def on_open_tab(request: gr.Request, *current):
        """Filter choices from what the library holds; the chosen values stay when still there."""
        owner = owner_or_none(request)
        if owner is None:
            return [gr.update()] * 6
        found = studio.library_facets(owner=owner)
        boxes = [(c["name"], c["id"]) for c in studio.collections(owner=owner)]
        options = [[ANY, *[(v, v) for v in found[n]]] for n in ("operation", "model", "aspect", "platform")]
        options.append([ANY, *boxes])
        updates = [gr.update(choices=o, value=v if v in {x[1] for x in o} else "") for o, v in zip(options, current)]
        use = studio.disk_use(owner=owner)
        return [*updates, disk_html(use, studio.media_cache_stats())]

    search_args = dict(fn=first_page, inputs=[selected, *filters], outputs=results, api_visibility="private")
    query.submit(**search_args)
    search.click(**search_args)
    sort.input(**search_args)
    for widget in (operation, model, aspect, platform, collection, tags):
        widget.input(**search_args)
    for widget in (min_dur, max_dur, min_cost, max_cost, since, until):
        widget.submit(**search_args)
    clear.click(lambda: ["", "", "", "", "", [], "", "", "", "", "", ""],
                None, [operation, model, aspect, platform, collection, tags, min_dur, max_dur, min_cost, max_cost,
                       since, until], api_visibility="private").then(**search_args)
    prev_btn.click(other_page(-1), [page, selected, *filters], results, api_visibility="private")
    next_btn.click(other_page(+1), [page, selected, *filters], results, api_visibility="private")
    gallery.select(on_select, ids, [selected, notice, *shown], api_visibility="private")
    tag_save.click(on_tags, [selected, tag_edit], [tag_edit, notice, details], api_visibility="private")
    share_btn.click(on_share, [selected, share_for], [links, notice], api_visibility="private")
    unshare_btn.click(on_unshare, selected, [links, notice], api_visibility="private")
    for button, confirm in ((delete_btn, False), (delete_anyway, True)):
        button.click(on_delete(confirm), selected, [notice, delete_anyway], api_visibility="private").then(
            **search_args)
    upload.upload(on_upload, upload, notice, api_visibility="private").then(**search_args)
    facet_widgets = [operation, model, aspect, platform, collection]
    tab.select(on_open_tab, facet_widgets, [*facet_widgets, disk], api_visibility="private").then(**search_args)

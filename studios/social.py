"""Social Optimizer: pick platforms, press one button, get a pack each platform accepts as it is."""

from __future__ import annotations

from html import escape

import gradio as gr

from core.studio import Studio
from studios.common import asset_picker, on_any_change, refresh_on
from studios.files import served
from studios.pack_view import plan_html, results_html
from studios.session import owner_of, owner_or_none
from studios.widgets import job_panel
from studios.labels import said

FOCUS = {"Centre": "center", "Auto (follow the action)": "auto", "My point (sliders)": "point"}
SIZES = [("Platform size (recommended: 1080x1920 for 9:16, ...)", "platform"),
         ("Keep the source's detail (smaller files, no upscaling)", "source")]


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Social Optimizer tab inside `tab`."""
    job_id = gr.State(None)
    shown = gr.State(None)  # the job whose results are on screen (players are not re-rendered)
    picked = gr.State(None)  # the video the platforms were last pre-selected for
    platforms = [(p["name"], p["id"]) for p in studio.social.platforms()]
    picker = asset_picker(studio, "Video to package", receive_as="social")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chosen = gr.CheckboxGroup(platforms, value=[], label="Platforms",
                                      info="Pre-selected for the video's shape; the plan below says what each gets.")
            plan_view = gr.HTML("")
            zones_btn = gr.Button("Show where each app's buttons go", size="sm")
            zones = gr.Image(label="Safe zones: shaded areas are covered by each app's buttons", interactive=False,
                             visible=False)
            size = gr.Radio(SIZES, value="platform", label="Output size")
            with gr.Row():
                reframe = gr.Radio([("Crop to fit", "crop"), ("Pad with a blurred fill", "pad_blur")],
                                   value="crop", label="Reframe")
                focus = gr.Radio(list(FOCUS), value="Centre", label="Keep in frame")
            with gr.Row(visible=False) as point:
                focus_x = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (left-right)")
                focus_y = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (top-bottom)")
            segment = gr.Number(value=0, label="Start from (s) - the segment kept when a platform needs it shorter")
            with gr.Accordion("Captions and a cover title (optional)", open=False):
                captions = gr.Textbox(label="Caption text (placed inside each platform's safe zone)", lines=2)
                srt = gr.File(label="or captions from an .srt file", file_types=[".srt"], type="filepath")
                title = gr.Textbox(label="Cover image title")
            go = gr.Button("Make the pack", variant="primary")
            notice = gr.Markdown("")
        with gr.Column(scale=4):
            with gr.Group(visible=False) as results_box:
                download = gr.File(label="Download the pack (ZIP: every file, cover images, manifest.json)",
                                   interactive=False, height=70)
                results = gr.HTML("")
            status = gr.HTML(job_panel([]))

    def options(chosen_ids, size_mode, reframe_mode, focus_label, fx, fy, start, text, srt_path, thumb_title):
        focus_value = FOCUS[focus_label]
        srt_text = open(srt_path, encoding="utf-8", errors="replace").read() if srt_path else None
        return {"platforms": list(chosen_ids or []), "size": size_mode, "reframe": reframe_mode,
                "focus": (fx, fy) if focus_value == "point" else focus_value,
                "segment_start": float(start or 0), "captions_text": (text or "").strip() or None,
                "srt": srt_text, "thumbnail_title": (thumb_title or "").strip() or None}

    inputs = [chosen, size, reframe, focus, focus_x, focus_y, segment, captions, srt, title]

    def on_pick(asset_id, last, request: gr.Request):
        """Pre-select the platforms for a newly chosen video (a refreshed list keeps the choice)."""
        owner = owner_or_none(request)
        if asset_id == last or owner is None:
            return gr.update(), last
        try:
            return (studio.social.suggested(asset_id, owner=owner) if asset_id else []), asset_id
        except Exception:
            return [], asset_id

    def on_plan(asset_id, request: gr.Request, *values):
        owner = owner_or_none(request)
        if not asset_id or not values[0] or owner is None:
            return ""
        try:
            return plan_html(studio.social.plan(asset_id, options(*values), owner=owner))
        except Exception as exc:
            return f"<div class='vs-issue'>{escape(said(exc))}</div>"

    def on_zones(asset_id, chosen_ids, reframe_mode, focus_label, fx, fy, request: gr.Request):
        if not asset_id or not chosen_ids:
            return gr.update(), "Pick a video and at least one platform."
        point_value = (fx, fy) if FOCUS[focus_label] == "point" else (0.5, 0.5)
        try:
            owner = owner_of(request)
            picture = studio.social.safe_zones(asset_id, list(chosen_ids), reframe_mode, point_value, owner=owner)
            return gr.update(value=served(picture, owner), visible=True), ""
        except Exception as exc:
            return gr.update(), f"**Cannot show the safe zones:** {said(exc)}"

    def on_go(asset_id, request: gr.Request, *values):
        if not asset_id:
            return None, "Pick a video first.", gr.update()
        try:
            job = studio.social.pack({"asset_id": asset_id, **options(*values)}, owner=owner_of(request))
            return job, "", gr.update(visible=False)
        except Exception as exc:
            return None, f"**Cannot make the pack:** {said(exc)}", gr.update()

    def on_tick(current, on_screen, request: gr.Request):
        owner = owner_or_none(request)
        if not current or current == on_screen or owner is None:
            return gr.update(), gr.update(), gr.update(), gr.update(), on_screen
        view = studio.job(current, owner=owner)
        if view["status"] != "succeeded":
            return job_panel([view]), gr.update(), gr.update(), gr.update(), on_screen
        result = studio.social.result(current, owner=owner)
        files = {}
        for platform, asset_id in result.get("assets", {}).items():  # what this browser may load
            asset = studio.asset(asset_id, owner=owner)
            files[platform] = {**asset, "path": served(asset["path"], owner),
                               "poster": served(asset.get("poster"), owner)}
        return (job_panel([view]), results_html(result, files), served(result.get("zip"), owner),
                gr.update(visible=True), current)

    picker.dropdown.change(on_pick, [picker.dropdown, picked], [chosen, picked], api_visibility="private",
                           show_progress="hidden")
    focus.change(lambda label: gr.update(visible=FOCUS[label] == "point"), focus, point,
                 api_visibility="private", show_progress="hidden")
    on_any_change([picker.dropdown, *inputs], on_plan, [picker.dropdown, *inputs], plan_view)
    zones_btn.click(on_zones, [picker.dropdown, chosen, reframe, focus, focus_x, focus_y], [zones, notice],
                    api_visibility="private")
    go.click(on_go, [picker.dropdown, *inputs], [job_id, notice, results_box], api_visibility="private")
    gr.Timer(1.5).tick(on_tick, [job_id, shown], [status, results, download, results_box, shown],
                       show_progress="hidden", api_visibility="private")
    refresh_on(studio, tab, picker.dropdown)

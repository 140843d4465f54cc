"""Social Optimizer: pick platforms, press one button, get a pack each platform accepts as it is."""

from __future__ import annotations

from html import escape

import gradio as gr

from core.studio import Studio
from studios.common import asset_picker, on_any_change, refresh_on
from studios.files import served
from studios.session import owner_of, owner_or_none
from studios.widgets import job_panel

DEFAULT_PLATFORMS = ["instagram_reels", "tiktok", "youtube_shorts", "linkedin_landscape", "x"]
FOCUS = {"Centre": "center", "Auto (follow the action)": "auto", "My point (sliders)": "point"}


def compliance_html(result: dict) -> str:
    """The proof table: every output's checks, pass or fail with the reason."""
    entries = result.get("manifest", {}).get("platforms", [])
    if not entries:
        return ""
    rows = []
    for entry in entries:
        if entry.get("error"):
            rows.append(f"<tr><td><b>{escape(entry['name'])}</b></td><td colspan=3 class='vs-issue'>"
                        f"&#10007; {escape(entry['error'])}</td></tr>")
            continue
        for check in entry.get("checks", []):
            mark = "&#10003;" if check["passed"] else "&#10007;"
            colour = "#15803d" if check["passed"] else "#b91c1c"
            rows.append(f"<tr><td>{escape(entry['name'])}</td><td>{escape(check['name'])}</td>"
                        f"<td style='color:{colour}'>{mark} {escape(check['actual'])}</td>"
                        f"<td class='vs-note'>{escape(check['expected'])} {escape(check.get('reason') or '')}</td></tr>")
    verdict = "All files pass their platform's spec." if result.get("all_passed") else \
        "Some checks failed; see the reasons below."
    return (f"<div class='vs-jobs'><p><b>{verdict}</b></p><table><tr><th>Platform</th><th>Check</th>"
            f"<th>Result</th><th>Spec</th></tr>{''.join(rows)}</table></div>")


def plan_html(rows: list[dict]) -> str:
    out = []
    for row in rows:
        notes = " ".join(escape(n) for n in row["notes"] + row["warnings"])
        state = f"<span class='vs-issue'>{escape(row['error'])}</span>" if row["error"] else \
            f"{row['size']}, {row['duration_s']:g} s, {row['mode']}"
        out.append(f"<tr><td>{escape(row['name'])}</td><td>{state}</td><td class='vs-note'>{notes}</td></tr>")
    return f"<div class='vs-jobs'><table><tr><th>Platform</th><th>Output</th><th>Notes</th></tr>{''.join(out)}</table></div>"


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Social Optimizer tab inside `tab`."""
    job_id = gr.State(None)
    platforms = [(p["name"], p["id"]) for p in studio.social.platforms()]
    picker = asset_picker(studio, "Video to package")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chosen = gr.CheckboxGroup(platforms, value=DEFAULT_PLATFORMS, label="Platforms")
            with gr.Row():
                reframe = gr.Radio([("Crop to fit", "crop"), ("Pad with a blurred fill", "pad_blur")],
                                   value="crop", label="Reframe")
                focus = gr.Radio(list(FOCUS), value="Centre", label="Keep in frame")
            with gr.Row():
                focus_x = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (left-right)")
                focus_y = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (top-bottom)")
            segment = gr.Number(value=0, label="Start from (s) - the segment kept when a platform needs it shorter")
            captions = gr.Textbox(label="Caption text (shown inside each platform's safe zone)", lines=2)
            srt = gr.File(label="or captions from an .srt file", file_types=[".srt"], type="filepath")
            title = gr.Textbox(label="Thumbnail title (optional)")
            with gr.Row():
                zones_btn = gr.Button("Show safe zones")
                go = gr.Button("Make the pack", variant="primary")
            notice = gr.Markdown("")
            plan_view = gr.HTML("")
        with gr.Column(scale=3):
            zones = gr.Image(label="Safe zones: shaded areas are covered by each app's buttons", interactive=False)
            status = gr.HTML(job_panel([]))
            table = gr.HTML("")
            download = gr.File(label="Download the pack (ZIP with manifest.json)", interactive=False)

    def options(chosen_ids, reframe_mode, focus_label, fx, fy, start, text, srt_path, thumb_title):
        focus_value = FOCUS[focus_label]
        srt_text = open(srt_path, encoding="utf-8", errors="replace").read() if srt_path else None
        return {"platforms": list(chosen_ids or []), "reframe": reframe_mode,
                "focus": (fx, fy) if focus_value == "point" else focus_value,
                "segment_start": float(start or 0), "captions_text": (text or "").strip() or None,
                "srt": srt_text, "thumbnail_title": (thumb_title or "").strip() or None}

    inputs = [chosen, reframe, focus, focus_x, focus_y, segment, captions, srt, title]

    def on_plan(asset_id, request: gr.Request, *values):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return ""
        try:
            return plan_html(studio.social.plan(asset_id, options(*values), owner=owner))
        except Exception as exc:
            return f"<div class='vs-issue'>{escape(str(exc))}</div>"

    def on_zones(asset_id, chosen_ids, reframe_mode, focus_label, fx, fy, request: gr.Request):
        if not asset_id or not chosen_ids:
            return gr.update(), "Pick a video and at least one platform."
        point = (fx, fy) if FOCUS[focus_label] == "point" else (0.5, 0.5)
        try:
            owner = owner_of(request)
            return served(studio.social.safe_zones(asset_id, list(chosen_ids), reframe_mode, point, owner=owner),
                          owner), ""
        except Exception as exc:
            return gr.update(), f"**Cannot show the safe zones:** {exc}"

    def on_go(asset_id, request: gr.Request, *values):
        if not asset_id:
            return None, "Pick a video first."
        try:
            job = studio.social.pack(asset_id, options(*values), owner=owner_of(request))
            return job, "Rendering every platform from one decode..."
        except Exception as exc:
            return None, f"**Cannot make the pack:** {exc}"

    def on_tick(current, request: gr.Request):
        owner = owner_or_none(request)
        if not current or owner is None:
            return gr.update(), gr.update(), gr.update()
        view = studio.job(current, owner=owner)
        if view["status"] != "succeeded":
            return job_panel([view]), gr.update(), gr.update()
        result = studio.social.result(current, owner=owner)
        return job_panel([view]), compliance_html(result), served(result.get("zip"), owner)

    on_any_change([picker.dropdown, *inputs], on_plan, [picker.dropdown, *inputs], plan_view)
    zones_btn.click(on_zones, [picker.dropdown, chosen, reframe, focus, focus_x, focus_y], [zones, notice],
                    api_visibility="private")
    go.click(on_go, [picker.dropdown, *inputs], [job_id, notice], api_visibility="private")
    gr.Timer(1.5).tick(on_tick, job_id, [status, table, download], show_progress="hidden",
                       api_visibility="private")
    refresh_on(studio, tab, picker.dropdown)

"""Enhance Studio: upscale, frame-rate boost, denoise, sharpen, colour; AI upscaling; before/after."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.studio import Studio
from studios.common import ai_box, asset_choices, asset_picker, job_watch, on_any_change, refresh_on, wire_apply
from studios.files import served
from studios.session import owner_of, owner_or_none
from studios.labels import said

QUALITY = {"Quick": {"preset": "veryfast", "crf": 22}, "Balanced": {"preset": "faster", "crf": 19},
           "Best": {"preset": "medium", "crf": 17}}
LOOKS = {"None": None, "Natural colour boost": "natural", "Vivid": "vivid", "HDR look (a look, not HDR mastering)": "hdr-look"}


COMPARE_HINT = ("*After **Enhance**, the button above shows one frame of both here: the original on the left, "
                "the enhanced version on the right.*")


def build_ops(upscale, fps, denoise, sharpen, look, quality) -> list[dict]:
    ops: list[dict] = []
    if denoise > 0:
        ops.append({"kind": "denoise", "strength": float(denoise)})
    if upscale != "keep":
        ops.append({"kind": "upscale", "short_side": int(upscale)})
    if sharpen > 0:
        ops.append({"kind": "sharpen", "amount": float(sharpen)})
    if LOOKS.get(look):
        ops.append({"kind": "color_enhance", "look": LOOKS[look]})
    if fps != "keep":
        ops.append({"kind": "interpolate", "fps": float(fps)})
    if ops:
        ops.append({"kind": "format", "container": "mp4", **QUALITY[quality]})
    return ops


def ops_values(ops: list[dict]) -> list:
    """An op chain -> the widgets' values in build_ops' order (its inverse)."""
    v = {"upscale": "keep", "fps": "keep", "denoise": 0.0, "sharpen": 0.0, "look": "None", "quality": "Balanced"}
    for op in ops:
        kind = op.get("kind")
        if kind == "upscale":
            v["upscale"] = str(op.get("short_side", "keep"))
        elif kind == "interpolate":
            v["fps"] = f"{op.get('fps', 30):g}"
        elif kind == "denoise":
            v["denoise"] = op.get("strength", 0.0)
        elif kind == "sharpen":
            v["sharpen"] = op.get("amount", 0.0)
        elif kind == "color_enhance":
            v["look"] = next((name for name, look in LOOKS.items() if look == op.get("look")), "None")
        elif kind == "format":
            v["quality"] = next((name for name, q in QUALITY.items() if q["crf"] == op.get("crf")), "Balanced")
    return list(v.values())


@dataclass
class ChainForm:
    """A chain tab's clip and settings another tab may fill ("use these settings again")."""

    outputs: list  # the clip picker, then build_ops' widgets
    values: object  # ops -> the widgets' values

    def fill(self, studio: Studio, asset_id: str, ops: list[dict], owner: str) -> list:
        return [gr.update(choices=asset_choices(studio, owner), value=asset_id), *self.values(ops)]


def build(studio: Studio, tab: gr.Tab) -> ChainForm:
    """Lay out the Enhance tab inside the current gr.Tab."""
    job_ids = gr.State([])
    picker = asset_picker(studio, "Clip to enhance", receive_as="enhance")
    outcome = gr.Markdown("Pick a clip to see what it is and what it will become.")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            upscale = gr.Radio(["keep", "720", "1080", "1440", "2160"], value="keep",
                               label="Upscale to (short side, px)")
            fps = gr.Radio(["keep", "30", "60"], value="keep", label="Frame-rate boost (motion interpolation)")
            denoise = gr.Slider(0, 10, value=0, step=0.5, label="Denoise")
            sharpen = gr.Slider(0, 1.5, value=0, step=0.05, label="Sharpen")
            look = gr.Dropdown(list(LOOKS), value="None", label="Colour")
            quality = gr.Radio(list(QUALITY), value="Balanced", label="Quality preset")
            with gr.Row():
                apply_btn = gr.Button("Enhance", variant="primary")
            batch = gr.Dropdown([], value=[], multiselect=True, label="Batch: more clips, same settings")
            batch_btn = gr.Button("Enhance all as one batch")
            notice = gr.Markdown("")
            with gr.Accordion("AI upscaling (FlashVSR, priced before running)", open=False):
                target = gr.Radio(["720p", "1080p", "2k", "4k"], value="1080p", label="AI target")
                ai_box(studio, {"AI upscale": "upscale"}, picker.dropdown, job_ids,
                       options_builder=lambda t: {"resolution": t}, extra_inputs=[target])
        with gr.Column(scale=3):
            with gr.Row():
                before = gr.Video(label="Original", interactive=False, height=260)
                with gr.Column():
                    _, _, enhanced = job_watch(studio, job_ids, label="Enhanced")
            compare_btn = gr.Button("Compare in one frame (left original, right enhanced)")
            compare_note = gr.Markdown(COMPARE_HINT)
            # The frame carries its own labels; Gradio's label badge would cover the left one.
            compared = gr.Video(label="Split frame: left original, right enhanced", show_label=False,
                                interactive=False, height=360)

    settings = [upscale, fps, denoise, sharpen, look, quality]

    def on_change(asset_id, request: gr.Request, *values):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return "Pick a clip to see what it is and what it will become."
        try:
            summary = studio.edit.outcome({"asset_id": asset_id, "ops": build_ops(*values)}, owner=owner)
            return f"**{summary}**"
        except Exception as exc:
            return f"**Not possible:** {said(exc)}"

    def on_select(asset_id, request: gr.Request):
        if not asset_id:
            return None, None, COMPARE_HINT
        owner = owner_of(request)
        return served(studio.asset(asset_id, owner=owner)["path"], owner), None, COMPARE_HINT

    def on_compare(asset_id, enhanced_id, request: gr.Request):
        if not asset_id:
            return None, "Pick a clip first."
        if not enhanced_id:
            return None, "Enhance the clip first: the comparison needs its enhanced version."
        try:
            owner = owner_of(request)
            if studio.asset(enhanced_id, owner=owner)["parent_id"] != asset_id:
                return None, "The latest enhanced result is of another clip: enhance this clip first."
            made = studio.edit.compare({"original_id": asset_id, "enhanced_id": enhanced_id}, owner=owner)
        except Exception as exc:
            return None, f"**Could not compare:** {said(exc)}"
        return served(made["path"], owner), f"Left half original, right half enhanced, same moment: {made['summary']}."

    picker.dropdown.change(on_select, picker.dropdown, [before, compared, compare_note],
                           api_visibility="private")
    compare_btn.click(on_compare, [picker.dropdown, enhanced], [compared, compare_note], concurrency_limit=1,
                      api_visibility="private")
    on_any_change([picker.dropdown, *settings], on_change, [picker.dropdown, *settings], outcome)
    wire_apply(studio, "enhance", build_ops, picker=picker, batch=batch, job_ids=job_ids, settings=settings,
               apply_btn=apply_btn, batch_btn=batch_btn, notice=notice, verb="enhance")
    refresh_on(studio, tab, picker.dropdown, batch)
    return ChainForm(outputs=[picker.dropdown, *settings], values=ops_values)

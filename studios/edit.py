"""Edit Studio: trim, speed, stabilize, colour, text and captions, audio, interpolation, joins, AI edits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from core.errors import StudioError
from core.studio import Studio
from studios.common import ai_box, asset_choices, asset_picker, job_watch, on_load, refresh_media_on, refresh_on
from studios.edit_range import DRAG_JS, FOLLOW_JS, limits, range_html
from studios.files import served
from studios.session import owner_of
from studios.labels import said

GRADES = ["none", "warm", "cool", "teal-orange", "vintage", "bw", "vivid"]
TRANSITIONS = ["fade", "dissolve", "wipeleft", "wiperight", "slideup", "slidedown", "circleopen", "fadeblack"]
AI_EDITS = {"Remove background": "background-removal", "Edit by instruction": "instruction-edit",
            "Retake a span": "retake", "Extend the clip": "extend",
            "Add sound effects (for a silent clip)": "sound"}


def build_ops(start, end, fast_trim, speed, stabilize, grade, brightness, contrast, saturation, gamma, lut,
              text, text_position, srt_file, captions_text, loudness, denoise_audio, volume, interpolate,
              soundtrack=None, track_mode="replace") -> list[dict]:
    """Widgets -> an op chain, in the order the engine applies them."""
    ops: list[dict] = []
    if start or end:
        ops.append({"kind": "fast_trim" if fast_trim else "trim", "start": float(start or 0),
                    "end": float(end) if end else None})
    if fast_trim:
        return ops  # a keyframe copy cannot be combined with re-encoding edits
    if speed and abs(speed - 1.0) > 1e-6:
        ops.append({"kind": "speed", "factor": float(speed)})
    if stabilize:
        ops.append({"kind": "stabilize"})
    if grade != "none" or any(abs(v - d) > 1e-6 for v, d in ((brightness, 0), (contrast, 1), (saturation, 1), (gamma, 1))):
        ops.append({"kind": "color_grade", "preset": grade, "brightness": brightness, "contrast": contrast,
                    "saturation": saturation, "gamma": gamma})
    if lut:  # the uploaded .cube file's text: a LUT is never named by a server path
        ops.append({"kind": "lut", "cube": Path(lut).read_text(encoding="utf-8", errors="replace")})
    if text and text.strip():
        ops.append({"kind": "text", "text": text.strip(), "position": text_position, "box": True})
    srt = Path(srt_file).read_text(encoding="utf-8", errors="replace") if srt_file else (captions_text or "")
    if srt.strip():
        ops.append({"kind": "captions", "srt": srt, "position": "bottom"})
    if soundtrack:  # a voice or music from the library, by asset id
        ops.append({"kind": "soundtrack", "audio": soundtrack, "mode": track_mode or "replace"})
    if loudness != "off" or denoise_audio > 0 or volume:
        ops.append({"kind": "audio_cleanup", "loudness_lufs": None if loudness == "off" else float(loudness),
                    "noise_reduction": float(denoise_audio), "volume_db": float(volume)})
    if interpolate != "off":
        ops.append({"kind": "interpolate", "fps": float(interpolate)})
    return ops


def ops_values(ops: list[dict]) -> list:
    """An op chain -> the widgets' values in build_ops' order (its inverse; a LUT file is not refilled)."""
    v = dict(start=0, end=0, fast=False, speed=1.0, stabilize=False, grade="none", brightness=0.0, contrast=1.0,
             saturation=1.0, gamma=1.0, lut=None, text="", text_position="bottom", srt_file=None, captions_text="",
             loudness="off", denoise_audio=0.0, volume=0.0, interpolate="off", soundtrack=None, track_mode="replace")
    for op in ops:
        kind = op.get("kind")
        if kind in ("trim", "fast_trim"):
            v.update(start=op.get("start") or 0, end=op.get("end") or 0, fast=kind == "fast_trim")
        elif kind == "speed":
            v["speed"] = op.get("factor", 1.0)
        elif kind == "stabilize":
            v["stabilize"] = True
        elif kind == "color_grade":
            v.update(grade=op.get("preset", "none"), **{k: op[k] for k in ("brightness", "contrast", "saturation",
                                                                            "gamma") if op.get(k) is not None})
        elif kind == "text":
            v.update(text=op.get("text", ""), text_position=op.get("position", "bottom"))
        elif kind == "captions":
            v["captions_text"] = op.get("srt", "")
        elif kind == "audio_cleanup":
            lufs = op.get("loudness_lufs")
            v.update(loudness="off" if lufs is None else f"{lufs:g}", denoise_audio=op.get("noise_reduction", 0.0),
                     volume=op.get("volume_db", 0.0))
        elif kind == "interpolate":
            v["interpolate"] = f"{op.get('fps', 30):g}"
        elif kind == "soundtrack":
            v.update(soundtrack=op.get("audio"), track_mode=op.get("mode", "replace"))
    return list(v.values())


@dataclass
class EditForm:
    """The clip and edit widgets another tab may fill ("use these settings again" in the Library)."""

    outputs: list  # the clip picker, the pending trim, then build_ops' widgets

    @staticmethod
    def fill(studio: Studio, asset_id: str, ops: list[dict], owner: str) -> list:
        values = ops_values(ops)
        return [gr.update(choices=asset_choices(studio, owner), value=asset_id),
                {"asset_id": asset_id, "start": values[0], "end": values[1]}, *values]


def build(studio: Studio, tab: gr.Tab) -> EditForm:
    """Lay out the Edit tab inside the current gr.Tab."""
    job_ids = gr.State([])
    original = gr.State(None)
    pending = gr.State(None)  # a trim to keep when the picked clip changes ("use these settings again")
    picker = asset_picker(studio, "Clip to edit", elem_id="vs-edit-picker", receive_as="edit")
    summary = gr.Markdown("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Accordion("Trim and timeline", open=True):
                strip = gr.HTML(range_html(None, 0, 0), elem_id="vs-edit-range")
                with gr.Row():
                    start = gr.Slider(0, 10, value=0, step=0.04, label="Start (s)", elem_id="vs-edit-start")
                    end = gr.Slider(0, 10, value=0, step=0.04, label="End (s, 0 = to the end)", elem_id="vs-edit-end")
                limits_note = gr.Markdown("")
                fast = gr.Checkbox(label="Fast trim: copy without re-encoding (cuts land on keyframes, "
                                         "not frame-accurate; other edits are skipped)", value=False)
            with gr.Accordion("Speed and stability", open=False):
                speed = gr.Slider(0.25, 4, value=1, step=0.05, label="Speed (pitch preserved)")
                stabilize = gr.Checkbox(label="Stabilize (two passes)")
                interpolate = gr.Radio(["off", "30", "60"], value="off", label="Frame interpolation (fps)")
            with gr.Accordion("Colour", open=False):
                grade = gr.Dropdown(GRADES, value="none", label="Grade preset")
                with gr.Row():
                    brightness = gr.Slider(-0.3, 0.3, value=0, step=0.01, label="Brightness")
                    contrast = gr.Slider(0.5, 1.5, value=1, step=0.01, label="Contrast")
                with gr.Row():
                    saturation = gr.Slider(0, 2, value=1, step=0.01, label="Saturation")
                    gamma = gr.Slider(0.5, 2, value=1, step=0.01, label="Gamma")
                lut = gr.File(label=".cube LUT (optional)", file_types=[".cube"], type="filepath")
            with gr.Accordion("Text and captions", open=False):
                with gr.Row():
                    text = gr.Textbox(label="Text overlay", scale=3)
                    text_position = gr.Radio(["top", "center", "bottom"], value="bottom", label="Position")
                captions_text = gr.Textbox(label="Captions (SRT)", lines=4,
                                           placeholder="1\n00:00:00,000 --> 00:00:02,000\nHello there")
                srt_file = gr.File(label="or an .srt file", file_types=[".srt"], type="filepath")
            with gr.Accordion("Audio", open=False):
                with gr.Row():
                    loudness = gr.Dropdown(["off", "-14", "-16", "-23"], value="off", label="Loudness (LUFS)")
                    denoise_audio = gr.Slider(0, 1, value=0, step=0.1, label="Noise reduction")
                    volume = gr.Slider(-20, 20, value=0, step=1, label="Volume (dB)")
                with gr.Row():
                    soundtrack = gr.Dropdown([], value=None, label="Voice or music from your library", scale=2)
                    track_mode = gr.Radio([("Replace the sound", "replace"), ("Mix under it", "mix")],
                                          value="replace", label="How")
            with gr.Row():
                preview_btn = gr.Button("Preview 3 s")
                apply_btn = gr.Button("Apply as new version", variant="primary")
                reset_btn = gr.Button("Reset to original")
            notice = gr.Markdown("")
            with gr.Accordion("Join clips with a transition", open=False):
                others = gr.Dropdown([], value=[], multiselect=True, label="Clips to add after this one")
                with gr.Row():
                    transition = gr.Dropdown(TRANSITIONS, value="fade", label="Transition")
                    trans_dur = gr.Slider(0.2, 2, value=0.5, step=0.1, label="Transition (s)")
                join_btn = gr.Button("Join")
            with gr.Accordion("AI edits (providers, priced before running)", open=False):
                ai_box(studio, AI_EDITS, picker.dropdown, job_ids)
        with gr.Column(scale=2):
            source = gr.Video(label="Source", interactive=False, height=220, elem_id="vs-edit-source")
            preview = gr.Video(label="Preview", interactive=False, height=220, elem_id="vs-edit-preview")
            job_watch(studio, job_ids, follow=picker.dropdown, label="Latest version")

    edits = [start, end, fast, speed, stabilize, grade, brightness, contrast, saturation, gamma, lut, text,
             text_position, srt_file, captions_text, loudness, denoise_audio, volume, interpolate, soundtrack,
             track_mode]

    def on_select(asset_id, first, wanted, start_s, end_s, request: gr.Request):
        """A version is shown at once (player, strip); Start/End take its limits (or the trim asked for
        by "use these settings again"), clamped with a note naming the field."""
        if not asset_id:
            return gr.update(), "", None, None, gr.update(), gr.update(), "", first, None, ""
        owner = owner_of(request)
        info = studio.edit.describe(asset_id, owner=owner)
        trim = wanted if wanted and wanted.get("asset_id") == asset_id else None
        if trim:
            start_s, end_s = trim.get("start") or 0.0, trim.get("end") or 0.0
        duration, fps = float(info["duration_s"]), float(info.get("fps") or 25)
        maximum, start_v, end_v, notes = limits(duration, fps, start_s or 0.0, end_s or 0.0)
        step = round(1 / fps, 4) if fps > 0 else 0.04
        try:
            strip = served(studio.edit.strip(asset_id, owner=owner), owner)
        except StudioError:  # too short for a strip: the clip can still be edited
            strip = None
        asset = studio.asset(asset_id, owner=owner)
        return (range_html(strip, duration, fps, start_v, end_v), f"**{info['title']}** - {info['summary']}", None,
                served(asset["path"], owner), gr.update(maximum=maximum, value=start_v, step=step),
                gr.update(maximum=maximum, value=end_v, step=step), " ".join(notes), first or asset_id, None, "")

    def on_preview(asset_id, request: gr.Request, *values):
        if not asset_id:
            return gr.update(), "Pick a clip first."
        try:
            owner = owner_of(request)
            result = studio.edit.preview({"asset_id": asset_id, "ops": build_ops(*values)}, owner=owner)
        except Exception as exc:
            return gr.update(), f"**Cannot preview:** {said(exc)}"
        return served(result["path"], owner), f"Preview: {result['summary']}"

    def on_apply(asset_id, ids, request: gr.Request, *values):
        if not asset_id:
            return ids, "Pick a clip first."
        try:
            job_id = studio.edit.apply({"asset_id": asset_id, "ops": build_ops(*values)}, owner=owner_of(request))
        except Exception as exc:
            return ids, f"**Cannot apply:** {said(exc)}"
        return [job_id] + list(ids), "Rendering the new version; the original stays as it is."

    def on_join(asset_id, extra, kind, seconds, ids, request: gr.Request):
        try:
            job_id = studio.edit.join({"asset_ids": [a for a in [asset_id, *(extra or [])] if a],
                                       "transition": kind, "duration": seconds}, owner=owner_of(request))
        except Exception as exc:
            return ids, f"**Cannot join:** {said(exc)}"
        return [job_id] + list(ids), "Joining the clips."

    refresh_media_on(studio, tab, "audio", soundtrack)
    picker.dropdown.change(on_select, [picker.dropdown, original, pending, start, end],
                           [strip, summary, preview, source, start, end, limits_note, original, pending, picker.info],
                           api_visibility="private")
    gr.on([start.change, end.change], None, [start, end], None, js=FOLLOW_JS, api_visibility="private")
    on_load()(None, None, None, js=DRAG_JS, api_visibility="private")
    preview_btn.click(on_preview, [picker.dropdown, *edits], [preview, notice], api_visibility="private")
    apply_btn.click(on_apply, [picker.dropdown, job_ids, *edits], [job_ids, notice], api_visibility="private")
    reset_btn.click(lambda first: (first, "Back to the original clip."), original, [picker.dropdown, notice],
                    api_visibility="private")
    join_btn.click(on_join, [picker.dropdown, others, transition, trans_dur, job_ids], [job_ids, notice],
                   api_visibility="private")
    refresh_on(studio, tab, picker.dropdown, others)
    return EditForm(outputs=[picker.dropdown, pending, *edits])

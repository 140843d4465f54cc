"""Transform Studio: format and codec, size targets, aspect conversion, resolution, speed, AI restyle."""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios.common import ai_box, asset_picker, job_watch, on_any_change, refresh_on, wire_apply
from studios.enhance import ChainForm
from studios.session import owner_or_none
from studios.labels import said

FORMATS = {"MP4 - H.264": ("mp4", "h264"), "MP4 - H.265": ("mp4", "h265"), "MOV - H.264": ("mov", "h264"),
           "MOV - ProRes": ("mov", "prores"), "WebM - VP9 + Opus": ("webm", "vp9"), "GIF": ("gif", "gif")}
CRF_CODECS = ("h264", "h265", "vp9")
GIF_SIZES = {"Small (320 px, 10 fps)": (320, 10.0), "Medium (480 px, 12.5 fps)": (480, 12.5),
             "Large (640 px, 20 fps)": (640, 20.0)}
ASPECTS = ["keep", "16:9", "9:16", "1:1", "4:5"]
MODES = {"Crop (choose the focus)": "crop", "Pad with a blurred fill": "pad_blur", "Letterbox": "letterbox"}
STYLES = ["Ghibli", "Pixar", "Claymation", "Watercolor", "Cyberpunk", "PencilSketch", "JapaneseAnime",
          "Lego", "VanGogh", "ComicBook", "PixelArt", "Steampunk"]


def build_ops(fmt, crf, target_mb, aspect, mode, focus_x, focus_y, resolution, speed,
              gif_size="Medium (480 px, 12.5 fps)") -> list[dict]:
    ops: list[dict] = []
    if speed and abs(speed - 1.0) > 1e-6:
        ops.append({"kind": "speed", "factor": float(speed)})
    if aspect != "keep":
        ops.append({"kind": "reframe", "aspect": aspect, "mode": MODES[mode], "focus_x": focus_x,
                    "focus_y": focus_y})
    if resolution != "keep":
        ops.append({"kind": "scale", "short_side": int(resolution)})
    container, codec = FORMATS[fmt]
    spec = {"kind": "format", "container": container, "vcodec": codec if container != "gif" else None}
    if container == "gif":
        spec["gif_width"], spec["gif_fps"] = GIF_SIZES[gif_size]
    if crf and codec in CRF_CODECS and not target_mb:
        spec["crf"] = int(crf)
    ops.append(spec)
    if target_mb:
        ops.append({"kind": "compress", "target_mb": float(target_mb)})
    return ops


def ops_values(ops: list[dict]) -> list:
    """An op chain -> the widgets' values in build_ops' order (its inverse)."""
    v = {"fmt": "MP4 - H.264", "crf": 22, "target_mb": 0, "aspect": "keep", "mode": "Crop (choose the focus)",
         "focus_x": 0.5, "focus_y": 0.5, "resolution": "keep", "speed": 1.0, "gif_size": "Medium (480 px, 12.5 fps)"}
    for op in ops:
        kind = op.get("kind")
        if kind == "speed":
            v["speed"] = op.get("factor", 1.0)
        elif kind == "reframe":
            v.update(aspect=op.get("aspect", "keep"), focus_x=op.get("focus_x", 0.5), focus_y=op.get("focus_y", 0.5),
                     mode=next((name for name, m in MODES.items() if m == op.get("mode")), v["mode"]))
        elif kind == "scale":
            v["resolution"] = str(op.get("short_side", "keep"))
        elif kind == "format":
            codec = "gif" if op.get("container") == "gif" else op.get("vcodec")
            v["fmt"] = next((name for name, (c, k) in FORMATS.items() if c == op.get("container") and k == codec),
                            v["fmt"])
            v["crf"] = op.get("crf") or v["crf"]
            size = (op.get("gif_width"), op.get("gif_fps"))
            v["gif_size"] = next((name for name, s in GIF_SIZES.items() if s == size), v["gif_size"])
        elif kind == "compress":
            v["target_mb"] = op.get("target_mb", 0)
    return list(v.values())


def build(studio: Studio, tab: gr.Tab) -> ChainForm:
    """Lay out the Transform tab inside the current gr.Tab."""
    job_ids = gr.State([])
    picker = asset_picker(studio, "Clip to transform", receive_as="transform")
    outcome = gr.Markdown("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Row():
                fmt = gr.Dropdown(list(FORMATS), value="MP4 - H.264", label="Format and codec")
                crf = gr.Slider(14, 40, value=22, step=1, label="Quality (CRF, lower is better)")
            gif_size = gr.Radio(list(GIF_SIZES), value="Medium (480 px, 12.5 fps)", visible=False,
                                label="GIF size (the widest and fastest it gets; never upscaled)")
            target_mb = gr.Number(value=0, label="Fit under a file size (MB; 0 = off). Video: two-pass bitrate."
                                                 " GIF: width, then frame rate, lowered until it fits")
            with gr.Row():
                aspect = gr.Radio(ASPECTS, value="keep", label="Aspect")
                mode = gr.Dropdown(list(MODES), value="Crop (choose the focus)", label="How")
            with gr.Row():
                focus_x = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (left-right)")
                focus_y = gr.Slider(0, 1, value=0.5, step=0.05, label="Focus (top-bottom)")
            with gr.Row():
                resolution = gr.Radio(["keep", "480", "720", "1080", "2160"], value="keep",
                                      label="Resolution (short side)")
                speed = gr.Slider(0.25, 4, value=1, step=0.05, label="Speed (slow motion < 1 < time-lapse)")
            apply_btn = gr.Button("Convert", variant="primary")
            batch = gr.Dropdown([], value=[], multiselect=True, label="Batch: more clips, same settings")
            batch_btn = gr.Button("Convert all")
            notice = gr.Markdown("")
            with gr.Accordion("Style transfer (providers, priced before running)", open=False):
                style = gr.Dropdown(STYLES, value="Ghibli", label="Style preset")
                ai_box(studio, {"Restyle": "restyle"}, picker.dropdown, job_ids,
                       options_builder=lambda s: {"options": {"style": s}}, extra_inputs=[style])
        with gr.Column(scale=2):
            job_watch(studio, job_ids, label="Converted")

    settings = [fmt, crf, target_mb, aspect, mode, focus_x, focus_y, resolution, speed, gif_size]

    def controls_for(format_name):
        """Only H.264, H.265 and VP9 have a CRF (GIF and ProRes have fixed quality); GIFs have a size."""
        codec = FORMATS[format_name][1]
        return gr.update(visible=codec in CRF_CODECS), gr.update(visible=codec == "gif")

    fmt.change(controls_for, fmt, [crf, gif_size], api_visibility="private", show_progress="hidden")

    def on_change(asset_id, request: gr.Request, *values):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return ""
        try:
            summary = studio.edit.outcome({"asset_id": asset_id, "ops": build_ops(*values)}, owner=owner)
            return f"**{summary}**"
        except Exception as exc:
            return f"**Not possible:** {said(exc)}"

    on_any_change([picker.dropdown, *settings], on_change, [picker.dropdown, *settings], outcome)
    wire_apply(studio, "transform", build_ops, picker=picker, batch=batch, job_ids=job_ids, settings=settings,
               apply_btn=apply_btn, batch_btn=batch_btn, notice=notice, verb="convert")
    refresh_on(studio, tab, picker.dropdown, batch)
    return ChainForm(outputs=[picker.dropdown, *settings], values=ops_values)

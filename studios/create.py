"""Create Studio: text-to-video and image-to-video with a live cost meter and a job panel."""

from __future__ import annotations

import gradio as gr

from core.platform_presets import create_platforms
from core.studio import Studio
from core.templates import load_motion_presets, load_templates
from studios.common import job_watch, on_any_change
from studios.session import owner_of, owner_or_none
from studios.widgets import cost_meter

MODES = {"Text to video": "text-to-video", "Image to video": "image-to-video"}
ASPECTS = ["16:9", "9:16", "1:1", "4:5", "21:9"]
RESOLUTIONS = ["480p", "720p", "1080p"]
AUTO = "Auto (recommended)"


def model_choices(studio: Studio, operation: str) -> list[tuple[str, str]]:
    configured = studio.configured_providers()
    choices = [(AUTO, "auto")]
    for m in studio.catalog.models(operation=operation):
        suffix = "" if m.provider in configured else " - not configured"
        choices.append((f"{m.name} [{m.tier.value}, {m.provider}]{suffix}", m.id))
    return choices


def build_request(mode, prompt, negative, image, audio, duration, resolution, aspect, platform, template,
                  motion, quality, model, seed, variations) -> dict:
    """Widgets -> the request object the core and the API share (`image`, `audio`: asset ids)."""
    return {
        "operation": MODES.get(mode, "text-to-video"),
        "prompt": prompt or "",
        "negative_prompt": negative or "",
        "image": image if MODES.get(mode) == "image-to-video" else None,
        "audio": audio,
        "duration": duration,
        "resolution": resolution,
        "aspect": aspect,
        "platform": platform or None,
        "template": template or None,
        "motion": motion or None,
        "quality": quality,
        "model": model or "auto",
        "seed": int(seed) if seed not in (None, "") and int(seed) >= 0 else None,
        "variations": int(variations or 1),
    }


def build(studio: Studio) -> None:
    """Lay out the Create tab inside the current gr.Tab."""
    templates = load_templates()
    motions = load_motion_presets()
    job_ids = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            mode = gr.Radio(list(MODES), value="Text to video", label="What to make")
            prompt = gr.Textbox(label="Prompt", lines=3, max_lines=8,
                                placeholder="A barista pours latte art in a sunlit cafe, slow push-in")
            with gr.Row():
                enhance = gr.Button(studio.prompts.label(), size="sm", scale=0)
                enhance_note = gr.Markdown("")
            image = gr.Image(label="Photo to animate", type="filepath", visible=False, height=220)
            with gr.Row():
                template = gr.Dropdown([("None", "")] + [(t.name, t.id) for t in templates.values()], value="",
                                       label="Template")
                platform = gr.Dropdown([("None", "")] + create_platforms(), value="", label="Platform preset")
            with gr.Row():
                aspect = gr.Radio(ASPECTS, value="16:9", label="Aspect")
                resolution = gr.Radio(RESOLUTIONS, value="720p", label="Resolution")
            with gr.Row():
                duration = gr.Slider(2, 20, value=5, step=1, label="Duration (s)")
                motion = gr.Dropdown([(m.name, m.id) for m in motions.values()], value="medium",
                                     label="Motion")
            with gr.Row():
                quality = gr.Radio(["draft", "standard", "premium"], value="standard", label="Quality")
                model = gr.Dropdown(model_choices(studio, "text-to-video"), value="auto", label="Model")
            with gr.Accordion("More options", open=False):
                negative = gr.Textbox(label="Negative prompt", lines=1)
                audio = gr.Audio(label="Soundtrack (optional; silent when empty)", type="filepath")
                with gr.Row():
                    variations = gr.Slider(1, 4, value=1, step=1, label="Variations")
                    seed = gr.Number(value=-1, precision=0, label="Seed (-1 = random)")
        with gr.Column(scale=2):
            meter = gr.HTML(cost_meter(None), label="Cost")
            confirm = gr.Checkbox(label="Confirm this cost", value=False)
            go = gr.Button("Create", variant="primary")
            notice = gr.Markdown("")
            job_watch(studio, job_ids, label="Latest result")

    # Uploaded photos and soundtracks become library assets at once; requests name them by id.
    image_id, audio_id = gr.State(None), gr.State(None)
    fields = [mode, prompt, negative, image_id, audio_id, duration, resolution, aspect, platform, template,
              motion, quality, model, seed, variations]

    def on_estimate(request: gr.Request, *values):
        owner = owner_or_none(request)
        if owner is None:
            return cost_meter(None)
        return cost_meter(studio.estimate(build_request(*values), owner=owner))

    def on_media(path, request: gr.Request):
        if not path:
            return None, ""
        try:
            return studio.import_media(path, owner=owner_of(request))["id"], ""
        except Exception as exc:
            return None, f"**Could not use the file:** {exc}"

    def on_mode(selected):
        op = MODES[selected]
        return gr.update(visible=op == "image-to-video"), gr.update(choices=model_choices(studio, op), value="auto")

    def on_platform(platform_id, current_aspect, current_duration):
        preset = dict(create_platforms(details=True)).get(platform_id)
        if not preset:
            return gr.update(), gr.update(), gr.update()
        return (gr.update(value=preset["aspect"]), gr.update(value=preset["resolution"]),
                gr.update(value=min(max(current_duration, preset["min_duration"]), preset["max_duration"])))

    def on_enhance(text, template_id, selected, request: gr.Request):
        try:
            result = studio.enhance_prompt(text, template_id or None, MODES[selected], owner=owner_of(request))
        except Exception as exc:
            return gr.update(), gr.update(), f"**Cannot enhance:** {exc}"
        cost = "free" if not result["cost_usd"] else f"${result['cost_usd']:.3f}"
        notes = " ".join(result["notes"][:1])
        return result["prompt"], result["negative_prompt"] or gr.update(), f"*Enhanced with {result['source']} ({cost}). {notes}*"

    def on_create(request: gr.Request, *values):
        *request_values, confirmed, current = values
        try:
            answer = studio.create(build_request(*request_values), owner=owner_of(request), confirm=bool(confirmed))
        except Exception as exc:  # a StudioError message is written for people
            return current, f"**Could not start:** {exc}", cost_meter(None)
        meter_html = cost_meter(answer)
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return current, f"**Not started.** {reason}", meter_html
        ids = answer["job_ids"] + list(current)
        return ids, f"Started {len(answer['job_ids'])} job(s). They keep running if you close this page.", meter_html

    on_any_change(fields, on_estimate, fields, meter)
    gr.on([gr.context.Context.root_block.load], on_estimate, fields, meter, api_visibility="private",
          show_progress="hidden")
    image.upload(on_media, image, [image_id, notice], api_visibility="private")
    image.clear(lambda: (None, ""), None, [image_id, notice], api_visibility="private")
    audio.upload(on_media, audio, [audio_id, notice], api_visibility="private")
    audio.clear(lambda: (None, ""), None, [audio_id, notice], api_visibility="private")
    mode.change(on_mode, mode, [image, model], api_visibility="private")
    platform.change(on_platform, [platform, aspect, duration], [aspect, resolution, duration],
                    api_visibility="private")
    enhance.click(on_enhance, [prompt, template, mode], [prompt, negative, enhance_note], api_visibility="private")
    go.click(on_create, [*fields, confirm, job_ids], [job_ids, notice, meter], api_visibility="private")

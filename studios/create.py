"""Create Studio: text-to-video and image-to-video with a live cost meter and a job panel.

Uploaded photos and soundtracks are imported into the library first and then named by asset
id, exactly as API clients do. The confirm box shows the amount it agrees to and clears
whenever the estimate changes, so a tick never covers a price the creator has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import gradio as gr

from core.platform_presets import create_platforms
from core.studio import Studio
from core.templates import load_motion_presets, load_templates
from studios.common import confirm_update, job_watch, library_media, on_any_change, refresh_media_on
from studios.files import served
from studios.result_view import show
from studios.session import owner_of, owner_or_none
from studios.meter import meter_line
from studios.meter_js import meter_js
from studios.widgets import cost_meter, usd
from studios.labels import said

MODES = {"Text to video": "text-to-video", "Image to video": "image-to-video"}
ASPECTS = ["16:9", "9:16", "1:1", "4:5", "21:9"]
RESOLUTIONS = ["480p", "720p", "1080p"]
AUTO = "Auto (recommended)"
SAME_SHAPE = "Same as the photo"
# The form's starting values, in build_request's order (the meter prices them on page load).
DEFAULTS = ("Text to video", "", "", None, None, 5, "720p", "16:9", "", "", "medium", "standard", "auto", -1, 1)


def model_choices(studio: Studio, operation: str) -> list[tuple[str, str]]:
    configured = studio.configured_providers()
    choices = [(AUTO, "auto")]
    for m in studio.catalog.models(operation=operation):
        title = getattr(studio.providers.get(m.provider), "title", None)
        where = "free, on this computer" if m.offline else (title or m.provider)
        suffix = "" if m.offline or m.provider in configured else " (needs a key)"
        choices.append((f"{m.name} · {m.tier.value} · {where}{suffix}", m.id))
    return choices


def build_request(mode, prompt, negative, image_id, audio_id, duration, resolution, aspect, platform, template,
                  motion, quality, model, seed, variations) -> dict:
    """Widgets -> the request object the core and the API share (media by asset id)."""
    return {
        "operation": MODES.get(mode, "text-to-video"),
        "prompt": prompt or "",
        "negative_prompt": negative or "",
        "image": image_id if MODES.get(mode) == "image-to-video" else None,
        "audio": audio_id,
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


@dataclass
class CreateForm:
    """The form's widgets another tab may fill ("use these settings again" in the Library)."""

    outputs: list  # build_request's fields, then the photo and soundtrack players, then the library audio

    @staticmethod
    def fill(studio: Studio, request: dict, owner: str) -> list:
        """Updates for `outputs` that show `request` (the inverse of build_request; media by asset id)."""
        mode = next((label for label, op in MODES.items() if op == request.get("operation")), "Text to video")
        media = {k: request.get(k) for k in ("image", "audio")}
        files = {k: served(studio.asset(v, owner=owner)["path"], owner) if v else None for k, v in media.items()}
        seed = request.get("seed")
        return [mode, request.get("prompt", ""), request.get("negative_prompt", ""), media["image"], media["audio"],
                request.get("duration", 5), request.get("resolution", "720p"), request.get("aspect", "16:9"),
                request.get("platform") or "", request.get("template") or "", request.get("motion") or "medium",
                request.get("quality", "standard"),
                gr.update(choices=model_choices(studio, MODES[mode]), value=request.get("model", "auto")),
                -1 if seed is None else seed, request.get("variations", 1),
                gr.update(value=files["image"], visible=MODES[mode] == "image-to-video"), files["audio"],
                gr.update(choices=library_media(studio, owner, "audio"), value=media["audio"])]


def build(studio: Studio, tab: gr.Tab | None = None) -> CreateForm:
    """Lay out the Create tab inside the current gr.Tab."""
    templates = load_templates()
    motions = load_motion_presets()
    job_ids = gr.State([])
    image_id, audio_id, shown_max, enhancing = gr.State(None), gr.State(None), gr.State(None), gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            mode = gr.Radio(list(MODES), value="Text to video", label="What to make")
            prompt = gr.Textbox(label="Prompt", lines=3, max_lines=8,
                                placeholder="A barista pours latte art in a sunlit cafe, slow push-in")
            with gr.Row():
                enhance = gr.Button(studio.prompts.label(), size="sm", scale=0)
                enhance_note = gr.Markdown("")
            enhance_timer = gr.Timer(1.0, active=False)
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
                with gr.Row():
                    audio = gr.Audio(label="Soundtrack (optional; silent when empty)", type="filepath", scale=3,
                                     elem_id="create-audio")
                    library_audio = gr.Dropdown([], value=None, label="Or a voice or music from your library",
                                                scale=2, elem_id="create-library-audio")
                with gr.Row():
                    variations = gr.Slider(1, 4, value=1, step=1, label="Variations")
                    seed = gr.Number(value=-1, precision=0, label="Seed (-1 = random)")
        with gr.Column(scale=2):
            with gr.Row(equal_height=True, elem_classes="vs-go"):
                line = gr.HTML(meter_line(None), elem_id="vs-create-line")
                go = gr.Button("Generate", variant="primary", scale=0, min_width=130)
            meter = gr.HTML(cost_meter(None), label="Cost", elem_id="vs-create-meter")
            confirm = gr.Checkbox(label="Confirm the cost", value=False, interactive=False)
            with gr.Row():
                use_it = gr.Button("Use it (free: nothing is sent)", visible=False, size="sm", scale=0)
                run_again = gr.Checkbox(label="Run it again anyway (a new paid run)", value=False, visible=False)
            notice = gr.Markdown("")
            _, result, shown_id = job_watch(studio, job_ids, label="Latest result")
    offered = gr.State(None)  # the earlier asset a repeated paid request is offered at $0

    fields = [mode, prompt, negative, image_id, audio_id, duration, resolution, aspect, platform, template,
              motion, quality, model, seed, variations]

    def on_estimate(request: gr.Request, *values):
        *form, previous = values
        owner = owner_or_none(request)
        if owner is None:
            return meter_line(None), cost_meter(None), *confirm_update(None), gr.update()
        est = studio.estimate(build_request(*form), owner=owner)
        return meter_line(est), cost_meter(est), *confirm_update(est, previous), ""  # a change ends the last note

    def on_file(path, request: gr.Request):
        """Import an uploaded photo or soundtrack; the request names it by asset id."""
        if not path:
            return None, ""
        try:
            asset = studio.import_media(path, owner=owner_of(request))
        except Exception as exc:  # a StudioError message is written for people
            return None, f"**Could not use the file:** {said(exc)}"
        return asset["id"], ""

    def on_library_audio(asset_id, request: gr.Request):
        """A library voice or music track becomes the soundtrack, named by its asset id."""
        if not asset_id:
            return None, None
        return asset_id, served(studio.asset(asset_id, owner=owner_of(request))["path"], owner_of(request))

    def on_mode(selected):
        """Image to video offers "Same as the photo" (what models that keep the input's shape make)."""
        op = MODES[selected]
        photo = op == "image-to-video"
        shapes = gr.update(choices=[(SAME_SHAPE, "auto"), *ASPECTS] if photo else ASPECTS,
                           value="auto" if photo else "16:9")
        return (gr.update(visible=photo), gr.update(choices=model_choices(studio, op), value="auto"), shapes)

    def on_platform(platform_id, current_aspect, current_duration):
        preset = dict(create_platforms(details=True)).get(platform_id)
        if not preset:
            return gr.update(), gr.update(), gr.update()
        return (gr.update(value=preset["aspect"]), gr.update(value=preset["resolution"]),
                gr.update(value=min(max(current_duration, preset["min_duration"]), preset["max_duration"])))

    def enhanced(result):
        cost = "free" if not result["cost_usd"] else usd(result["cost_usd"])
        notes = " ".join(result["notes"][:1])
        return (result["prompt"], result["negative_prompt"] or gr.update(),
                f"*Enhanced with {result['source']} ({cost}). {notes}*")

    def on_enhance(text, template_id, selected, request: gr.Request):
        """The offline template answers at once; the paid helper runs as a job the timer follows."""
        asked = {"prompt": text or "", "template": template_id or None, "operation": MODES[selected]}
        try:
            result = studio.enhance_prompt(asked, owner=owner_of(request))
        except Exception as exc:
            return gr.update(), gr.update(), f"**Cannot enhance:** {said(exc)}", None, gr.Timer(active=False)
        if result.get("job_id"):
            return (gr.update(), gr.update(), f"*{' '.join(result['notes'])}*", {**asked, "job_id": result["job_id"]},
                    gr.Timer(active=True))
        return *enhanced(result), None, gr.Timer(active=False)

    def on_enhance_tick(pending, request: gr.Request):
        if not pending:
            return gr.update(), gr.update(), gr.update(), None, gr.Timer(active=False)
        asked = {k: v for k, v in pending.items() if k != "job_id"}
        result = studio.enhanced_prompt(pending["job_id"], asked, owner=owner_of(request))
        if result["prompt"] is None:
            return gr.update(), gr.update(), f"*{' '.join(result['notes'])}*", pending, gr.Timer(active=True)
        return *enhanced(result), None, gr.Timer(active=False)

    def on_create(request: gr.Request, *values):
        *request_values, confirmed, agreed, current, again = values
        body = build_request(*request_values)
        if confirmed and agreed is not None:
            body["confirm_usd"] = agreed
        if again:
            body["run_again"] = True
        hidden = (gr.update(value=False, visible=False), gr.update(visible=False), None)
        try:
            answer = studio.create(body, owner=owner_of(request))
        except Exception as exc:  # a StudioError message is written for people
            return (current, f"**Could not start:** {said(exc)}", meter_line(None), cost_meter(None), *confirm_update(None),
                    *hidden)
        shown = (meter_line(answer), cost_meter(answer))
        if not answer["ok"] and answer.get("reuse") and answer["allowed"] and not answer["issues"]:  # offered at $0
            found, made = answer["reuse"], datetime.fromisoformat(answer["reuse"]["created_at"])
            return (current, f"**You made this on {made.day} {made:%b}** - it is in the Library as "
                    f"*{found.get('title') or found['asset_id']}*. Use it for $0, or tick \"Run it again anyway\" "
                    f"and press Generate to pay {usd(answer['max_usd'])} again. Nothing was sent.", *shown,
                    *confirm_update(answer), gr.update(value=False, visible=True), gr.update(visible=True),
                    found["asset_id"])
        if not answer["ok"]:  # a run again asked for keeps its offer until it starts
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            kept = (gr.update(), gr.update(), gr.update()) if again else hidden
            return current, f"**Not started.** {reason}", *shown, *confirm_update(answer), *kept
        ids = answer["job_ids"] + list(current)
        return (ids, f"Started {len(answer['job_ids'])} job(s). They keep running if you close this page.",
                *shown, *confirm_update(answer), *hidden)

    def on_use(asset_id, request: gr.Request):
        """Accept the offer: show the earlier asset as the result; nothing is sent or charged."""
        if not asset_id:
            return *[gr.update()] * len(result.components), gr.update(), "Nothing to use.", gr.update(), gr.update()
        owner = owner_of(request)
        found = studio.asset(asset_id, owner=owner)
        return (*show(found, owner), asset_id, f"Using **{found['title'] or asset_id}** from the Library: "
                "nothing was sent, nothing charged.", gr.update(visible=False), gr.update(value=False, visible=False))

    gr.on([f.change for f in fields], None, fields, None, js=meter_js(studio), show_progress="hidden",
          api_visibility="private")  # repriced in the page at once; the server's answer follows
    on_any_change(fields, on_estimate, [*fields, shown_max], [line, meter, confirm, shown_max, notice],
                  on_load_too=True, queue=False)
    image.upload(on_file, image, [image_id, enhance_note], api_visibility="private")
    image.clear(lambda: (None, ""), None, [image_id, enhance_note], api_visibility="private")
    audio.upload(on_file, audio, [audio_id, enhance_note], api_visibility="private").then(
        lambda: None, None, library_audio, api_visibility="private")
    audio.clear(lambda: (None, "", None), None, [audio_id, enhance_note, library_audio], api_visibility="private")
    library_audio.input(on_library_audio, library_audio, [audio_id, audio], api_visibility="private")
    refresh_media_on(studio, tab, "audio", library_audio)
    mode.input(on_mode, mode, [image, model, aspect], api_visibility="private")
    platform.input(on_platform, [platform, aspect, duration], [aspect, resolution, duration],
                    api_visibility="private")
    enhance.click(on_enhance, [prompt, template, mode], [prompt, negative, enhance_note, enhancing, enhance_timer],
                  api_visibility="private")
    enhance_timer.tick(on_enhance_tick, enhancing, [prompt, negative, enhance_note, enhancing, enhance_timer],
                       api_visibility="private", show_progress="hidden")
    go.click(on_create, [*fields, confirm, shown_max, job_ids, run_again],
             [job_ids, notice, line, meter, confirm, shown_max, run_again, use_it, offered], api_visibility="private")
    use_it.click(on_use, offered, [*result.components, shown_id, notice, use_it, run_again], api_visibility="private")
    return CreateForm(outputs=[*fields, image, audio, library_audio])

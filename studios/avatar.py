"""Avatar Studio: a photo and a voice (an upload, a recording, a library audio or a typed script
spoken by a chosen voice) become a talking presenter with captions.

The cost meter prices what the core measured (the uploaded audio's length) or bounds (a script's
speech); the confirm box names the amount and clears when it changes. Each scene gets a progress
line; the result shows the video, the captions as an SRT download and where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.platform_presets import create_platforms
from core.studio import Studio
from studios import avatar_around
from studios.avatar_view import lineage_text, made_before_text, progress_html, srt_file, time_text
from studios.common import confirm_update, library_media, on_any_change, refresh_media_on, upload_importer
from studios.files import served
from studios.result_view import result_view, show
from studios.session import owner_of, owner_or_none
from studios.meter import priced_meter as cost_meter

SOURCES = {"Type a script": "script", "Upload or record audio": "upload", "Audio from my library": "library"}
EMOTIONS = [("Neutral", "neutral"), ("Happy", "happy"), ("Professional", "professional"), ("Excited", "excited")]
CAPTIONS = [("Automatic", "auto"), ("Burned in", "burn"), ("SRT file", "srt"),
            ("Both", "both"), ("None", "off")]
AUTO = "Auto (cheapest that fits the voice)"


def voice_choices(studio: Studio) -> list[tuple[str, str]]:
    """(label, "model|voice") for every voice of every speech model usable here."""
    out = []
    for entry in studio.avatars.voices():
        for voice in entry["voices"]:
            name = voice.replace("_", " ").replace("-", " ").capitalize()
            label = f"{name} (free)" if entry["offline"] else \
                f"{name} - {entry['name']} (${entry['usd_per_1k_chars']:g} / 1,000 characters)"
            out.append((label, f"{entry['model']}|{voice}"))
    return out


def languages_of(studio: Studio, choice: str | None) -> list[str]:
    model = (choice or "").split("|")[0]
    entry = next((e for e in studio.avatars.voices() if e["model"] == model), None)
    return entry["languages"] if entry else []


def model_choices(studio: Studio) -> list[tuple[str, str]]:
    configured = studio.configured_providers()
    out = [(AUTO, "auto")]
    for m in studio.catalog.models(operation="avatar"):
        ready = m.offline or m.provider in configured
        out.append((f"{m.name}{'' if ready else ' (needs its API key)'}", m.id))
    return out


def build_request(photo_id, source, script, voice, language, speed, audio_id, library_audio, model, resolution,
                  emotion, expression, seed, captions, platform, split=False) -> dict | None:
    """Widgets -> the /avatar request (media by asset id); None until a photo and a voice are given."""
    chosen = SOURCES.get(source, "script")
    body = {"photo_id": photo_id, "model": model or "auto", "resolution": resolution, "emotion": emotion,
            "expression_prompt": expression or None, "captions": captions or "auto", "platform": platform or None,
            "seed": int(seed) if seed not in (None, "") and int(seed) >= 0 else None}
    if chosen == "script":
        voice_model, _, voice_id = (voice or "").partition("|")
        body.update(script=script or "", voice=voice_id or None, voice_model=voice_model or "auto",
                    language=language or None, speed=float(speed or 1.0))
    else:
        body["audio_id"] = audio_id if chosen == "upload" else library_audio
        body["split"] = bool(split)
    if not photo_id or (chosen != "script" and not body.get("audio_id")) or (chosen == "script" and not script):
        return None
    return body


@dataclass
class AvatarForm:
    """The form's widgets another tab may fill ("use these settings again" in the Library)."""

    outputs: list  # the photo (state, picture, library choice), then build_request's fields after the photo

    @staticmethod
    def fill(studio: Studio, request: dict, owner: str) -> list:
        """Updates for `outputs` that show an /avatar request (media by asset id)."""
        photo = request.get("photo_id")
        picture = served(studio.asset(photo, owner=owner)["path"], owner) if photo else None
        audio = request.get("audio_id")
        source = "Audio from my library" if audio else "Type a script"
        model, spoken = request.get("voice_model") or "auto", request.get("voice")
        voice = next((v for _, v in voice_choices(studio) if spoken and v.endswith(f"|{spoken}")
                      and (model == "auto" or v.startswith(f"{model}|"))), None)
        seed = request.get("seed")
        return [photo, picture, gr.update(choices=library_media(studio, owner, "image"), value=photo), source,
                request.get("script") or "", voice or gr.update(), request.get("language") or gr.update(),
                request.get("speed", 1.0), None,
                gr.update(choices=library_media(studio, owner, "audio"), value=audio, visible=bool(audio)),
                request.get("model", "auto"), request.get("resolution") or "480p", request.get("emotion", "neutral"),
                request.get("expression_prompt") or "", -1 if seed is None else seed, request.get("captions", "auto"),
                request.get("platform") or "", gr.update(value=bool(request.get("split")), visible=bool(audio))]


def build(studio: Studio, tab: gr.Tab | None = None) -> AvatarForm:
    """Lay out the Avatar tab inside the current gr.Tab."""
    voices = voice_choices(studio)
    photo_id, audio_id, shown_max, run = gr.State(None), gr.State(None), gr.State(None), gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Row():
                photo = gr.Image(label="Photo of the presenter", type="filepath", height=220, scale=2,
                                 elem_id="avatar-photo")
                with gr.Column(scale=2):
                    library_photo = gr.Dropdown([], value=None, label="Or a photo from your library")
                    photo_note = gr.Markdown("")
            source = gr.Radio(list(SOURCES), value="Type a script", label="The voice")
            with gr.Group() as script_box:
                script = gr.Textbox(label="Script", lines=4, max_lines=12,
                                    placeholder="Hi, I'm Sam. In the next minute I'll show you ...")
                with gr.Row():
                    voice = gr.Dropdown(voices, value=voices[0][1] if voices else None, label="Voice", scale=2)
                    language = gr.Dropdown(languages_of(studio, voices[0][1] if voices else None), value="English",
                                           label="Language")
                    speed = gr.Slider(0.5, 2.0, value=1.0, step=0.05, label="Speed")
            audio = gr.Audio(label="Voice recording (upload or record)", type="filepath",
                             sources=["upload", "microphone"], visible=False, elem_id="avatar-audio")
            library_audio = gr.Dropdown([], value=None, label="Audio from your library", visible=False)
            split = gr.Checkbox(label="Split it into scenes: a voice longer than one run is cut at its pauses, "
                                      "each part made on its own and joined", value=False, visible=False,
                                elem_id="avatar-split")
            with gr.Row():
                model = gr.Dropdown(model_choices(studio), value="auto", label="Model", elem_id="avatar-model")
                resolution = gr.Radio(["480p", "720p"], value="480p", label="Resolution", elem_id="avatar-resolution")
            with gr.Row():
                emotion = gr.Radio(EMOTIONS, value="neutral", label="Emotion")
                expression = gr.Textbox(label="Expression (optional)", placeholder="confident, friendly smile")
            with gr.Row():
                captions = gr.Radio(CAPTIONS, value="auto", label="Captions")
                platform = gr.Dropdown([("None", "")] + create_platforms(), value="", label="Platform (safe zone)")
                seed = gr.Number(value=-1, precision=0, label="Seed (-1 = random)")
        with gr.Column(scale=2):
            meter = gr.HTML(cost_meter(None), label="Cost", elem_id="avatar-meter")
            timing = gr.Markdown("")
            confirm = gr.Checkbox(label="Nothing to confirm", value=False, interactive=False)
            go = gr.Button("Make the talking video", variant="primary")
            again = gr.Checkbox(label="Run it again anyway (a new paid run)", value=False, visible=False,
                                elem_id="avatar-run-again")
            notice = gr.Markdown("")
            progress = gr.HTML("", elem_id="avatar-progress")
            view = result_view("Talking presenter")
            srt = gr.File(label="Captions (SRT)", visible=False, interactive=False, height=60)
            lineage = gr.Markdown("", elem_id="avatar-lineage")
            with gr.Row(visible=False) as retry_row:
                retry_confirm = gr.Checkbox(label="Nothing to confirm", value=False, interactive=False)
                retry = gr.Button("Make the failed scene again", variant="secondary")
            failed, retry_max = gr.State(None), gr.State(None)

    with gr.Accordion("Translate, face swap, character swap", open=False):
        avatar_around.build(studio, tab)

    fields = [photo_id, source, script, voice, language, speed, audio_id, library_audio, model, resolution,
              emotion, expression, seed, captions, platform, split]

    def on_estimate(request: gr.Request, *values):
        *form, previous = values
        owner, body = owner_or_none(request), build_request(*form)
        if owner is None or body is None:
            return cost_meter(None), "", *confirm_update(None)
        est = studio.avatar({**body, "estimate_only": True}, owner=owner)
        return cost_meter(est), time_text(est), *confirm_update(est, previous)

    on_file = upload_importer(studio)

    def on_library_photo(asset_id):
        return (asset_id, gr.update(value=None)) if asset_id else (gr.update(), gr.update())

    def on_source(selected):
        chosen = SOURCES[selected]
        return (gr.update(visible=chosen == "script"), gr.update(visible=chosen == "upload"),
                gr.update(visible=chosen == "library"), gr.update(visible=chosen != "script"))

    def on_voice(choice, current):
        spoken = languages_of(studio, choice)
        return gr.update(choices=spoken, value=current if current in spoken else (spoken or [None])[0])

    def on_go(request: gr.Request, *values):
        *form, confirmed, agreed, run_again = values
        owner = owner_of(request)
        body = build_request(*form)
        hidden = gr.update(value=False, visible=False)
        if body is None:
            return None, "Add a photo and a voice (a script, an upload or a library audio) first.", \
                gr.update(), *confirm_update(None), hidden
        if confirmed and agreed is not None:
            body["confirm_usd"] = agreed
        if run_again:
            body["run_again"] = True
        answer = studio.avatar(body, owner=owner)
        offer = made_before_text(answer)
        if offer:  # never pay twice: the earlier video is offered; running again is a choice
            return None, offer, cost_meter(answer), *confirm_update(answer), gr.update(value=False, visible=True)
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            kept = gr.update() if run_again else hidden  # a run again asked for stays ticked until it starts
            return None, f"**Not started.** {reason}", cost_meter(answer), *confirm_update(answer), kept
        return (answer["steps"], "Started. It keeps going if you close this page; the progress of each "
                "scene is below.", cost_meter(answer), *confirm_update(answer), hidden)

    unchanged = [gr.update() for _ in view.components]
    no_retry = (gr.update(visible=False), gr.update(), None, None)

    def on_tick(steps, request: gr.Request):
        owner = owner_or_none(request)
        if not steps or owner is None:
            return gr.update(), *unchanged, gr.update(), gr.update(), steps, *[gr.update()] * 4
        jobs = [studio.job(step["job_id"], owner=owner) for step in steps]
        html = progress_html(steps, jobs)
        last = jobs[-1]
        if not last["terminal"]:
            return html, *unchanged, gr.update(), gr.update(), steps, *[gr.update()] * 4
        if last["status"] != "succeeded":  # a failed run stops being watched; a failed scene can be made again
            return html, *unchanged, gr.update(), gr.update(), None, *retry_offer(steps, jobs, owner)
        final = studio.asset(last["asset_ids"][-1], owner=owner)
        text = (last.get("result") or {}).get("srt") or ""
        chain = studio.lineage(final["id"], owner=owner)
        return (html, *show(final, owner), srt_file(text, owner), lineage_text(chain), None, *no_retry)

    def retry_offer(steps, jobs, owner):
        """The button to make the first failed scene again, priced, when the request has a finishing job."""
        if steps[-1]["role"] != "finish":
            return no_retry
        bad = next((s for s, j in zip(steps, jobs) if s["role"] == "avatar" and j["status"] != "succeeded"), None)
        if bad is None:
            return no_retry
        asked = {"job_id": steps[-1]["job_id"], "scene": bad["scene"] + 1}
        est = studio.avatar_scene({**asked, "estimate_only": True}, owner=owner)
        if not est["allowed"]:
            return no_retry
        box, amount = confirm_update(est)
        return gr.update(visible=True), box, asked, amount

    def on_retry(asked, confirmed, amount, request: gr.Request):
        if not asked:
            return gr.update(), "Nothing failed.", gr.update(visible=False)
        body = {**asked, **({"confirm_usd": amount} if confirmed and amount is not None else {})}
        answer = studio.avatar_scene(body, owner=owner_of(request))
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return gr.update(), f"**Not started.** {reason}", gr.update()
        return answer["steps"], f"Making scene {asked['scene']} again; the other scenes are kept.", \
            gr.update(visible=False)

    on_any_change(fields, on_estimate, [*fields, shown_max], [meter, timing, confirm, shown_max])
    photo.upload(on_file, photo, [photo_id, photo_note], api_visibility="private")
    photo.clear(lambda: (None, ""), None, [photo_id, photo_note], api_visibility="private")
    library_photo.change(on_library_photo, library_photo, [photo_id, photo], api_visibility="private")
    audio.upload(on_file, audio, [audio_id, photo_note], api_visibility="private")
    audio.stop_recording(on_file, audio, [audio_id, photo_note], api_visibility="private")
    audio.clear(lambda: (None, ""), None, [audio_id, photo_note], api_visibility="private")
    source.change(on_source, source, [script_box, audio, library_audio, split], api_visibility="private")
    voice.change(on_voice, [voice, language], language, api_visibility="private")
    refresh_media_on(studio, tab, "image", library_photo)
    refresh_media_on(studio, tab, "audio", library_audio)
    go.click(on_go, [*fields, confirm, shown_max, again], [run, notice, meter, confirm, shown_max, again],
             api_visibility="private")
    gr.Timer(1.5).tick(on_tick, run, [progress, *view.components, srt, lineage, run, retry_row, retry_confirm,
                                      failed, retry_max], show_progress="hidden", api_visibility="private")
    retry.click(on_retry, [failed, retry_confirm, retry_max], [run, notice, retry_row], api_visibility="private")
    return AvatarForm(outputs=[photo_id, photo, library_photo, source, script, voice, language, speed, audio_id,
                               library_audio, model, resolution, emotion, expression, seed, captions, platform, split])

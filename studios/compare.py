"""Compare Studio: one request on 2-4 models side by side, blind votes, the leaderboard and exports."""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios import compare_votes
from studios.files import served
from studios.session import owner_of, owner_or_none
from studios.compare_votes import OPERATIONS
from studios.compare_view import group_summary, price_table, result_card, sweep_summary, title
from studios.labels import ago, said

SLOTS = 4
SOUND = {"Model default": None, "On": True, "Off": False}
NO_PROMPT = "Write a prompt to see each model's price."


def model_label(row: dict) -> str:
    if not row["allowed"]:
        reason = row["reason"]
        short = "not configured" if "not configured" in reason else reason.split(". ")[0].split(": ")[-1][:60]
        return f"{row['model_name']} - cannot run ({short})"
    price = "free" if row["offline"] else f"${row['price_usd']:.2f}"
    changed = ", ".join(f"{v['used']:g} s" if k == "duration" else str(v["used"]) for k, v in row["adjusted"].items()
                        if k in ("duration", "resolution", "aspect") and v["used"] is not None)
    return f"{row['model_name']} - {price}" + (" (re-use: free)" if row["reused"] else "") + (
        f" at {changed}" if changed else "")


def request_body(mode, prompt, media, models, duration, resolution, aspect, seed, sound, blind, run_again) -> dict:
    """The form as the /compare_models request."""
    operation = OPERATIONS[mode]
    settings = {"resolution": resolution, "generate_audio": SOUND.get(sound),
                "seed": int(seed) if seed not in (None, "") and int(seed) >= 0 else None}
    if operation != "avatar":
        settings["duration"] = float(duration)
    if operation == "text-to-video":
        settings["aspect"] = aspect
    ids = {"image-to-video": ("image_id",), "avatar": ("photo_id", "audio_id")}.get(operation, ())
    return {"operation": operation, "prompt": prompt or "", "models": list(models or []),
            "settings": {k: v for k, v in settings.items() if v is not None}, "blind": bool(blind),
            "run_again": bool(run_again), **{k: (media or {}).get(k) for k in ids if (media or {}).get(k)}}


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Compare tab inside the current gr.Tab."""
    service = studio.compare
    group, shown, media, agreed = gr.State(None), gr.State([None] * SLOTS), gr.State({}), gr.State(None)
    with gr.Tabs():
        with gr.Tab("Side by side", id="compare-run"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    mode = gr.Radio(list(OPERATIONS), value="Text to video", label="What to compare", elem_id="vs-compare-mode")
                    prompt = gr.Textbox(label="Prompt for every model", lines=2, placeholder="A red kite over dunes at dawn")
                    with gr.Row():
                        image = gr.Image(label="Image or photo", type="filepath", visible=False, height=180)
                        voice = gr.Audio(label="Voice track", type="filepath", visible=False)
                    models = gr.CheckboxGroup([], label="Models to compare (2 to 4), each with its price for these "
                                                        "settings", elem_id="vs-compare-models")
                    with gr.Row():
                        duration = gr.Slider(2, 20, value=5, step=1, label="Length (s)")
                        resolution = gr.Radio(["480p", "720p", "1080p"], value="480p", label="Output resolution")
                        aspect = gr.Radio(["16:9", "9:16", "1:1"], value="16:9", label="Frame shape")
                    with gr.Row():
                        seed = gr.Number(value=-1, precision=0, label="Seed (-1 = none)")
                        sound = gr.Radio(list(SOUND), value="Model default", label="Sound")
                        blind = gr.Checkbox(label="Blind: hide names until I vote", value=False)
                        run_again = gr.Checkbox(label="Run again (do not re-use earlier outputs)", value=False)
                    with gr.Accordion("Sweep: several prompts and seeds on these models, under a ceiling", open=False):
                        more_prompts = gr.Textbox(label="More prompts, one a line (the prompt above comes first)",
                                                  lines=3)
                        with gr.Row():
                            seeds = gr.Textbox(label="Seeds of the sweep (e.g. 1, 2, 3)", value="1, 2")
                            ceiling = gr.Number(value=2.0, minimum=0, label="Ceiling for the whole sweep ($)")
                        sweep_note = gr.HTML(sweep_summary(None))
                        sweep_go = gr.Button("Run the sweep", variant="secondary")
                with gr.Column(scale=2):
                    prices = gr.HTML(price_table(None))
                    confirm = gr.Checkbox(label="Confirm the total", value=False)
                    go = gr.Button("Run the compare", variant="primary")
                    notice = gr.Markdown("")
            with gr.Row():
                recent = gr.Dropdown([], label="Open an earlier compare", scale=4)
                reload = gr.Button("Refresh list", size="sm", scale=0)
            summary = gr.HTML(group_summary(None))
            cell = gr.Dropdown([], label="Sweep row to show (prompt and seed)", visible=False)
            cards, players = [], []
            with gr.Row(elem_classes="vs-sync", elem_id="vs-compare-grid"):
                for n in range(SLOTS):
                    with gr.Column(min_width=220):
                        players.append(gr.Video(label=f"Output {n + 1}", interactive=False, height=240))
                        cards.append(gr.HTML(""))
        compare_votes.build(studio, group)

    form = [mode, prompt, media, models, duration, resolution, aspect, seed, sound, blind, run_again]

    # -- pricing -------------------------------------------------------------------------------
    def on_form(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_, again_,
                before, request: gr.Request):
        body = request_body(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_,
                            again_)
        owner = owner_of(request)
        if body["operation"] == "text-to-video" and not body["prompt"].strip():
            rows, answer, missing = _prices(service, {**body, "prompt": "a short clip"}, owner), None, NO_PROMPT
        else:
            rows, answer, missing = _prices(service, body, owner), None, ""
            if len(body["models"]) >= 2 and rows is not None:
                try:
                    answer = service.compare({**body, "estimate_only": True}, owner=owner)
                except Exception as exc:  # the form is incomplete: say what is missing
                    missing = said(exc)
        if rows is None:
            missing = missing or "Add the image (or the photo and the voice) to see each model's price."
        if rows is None:  # the inputs are not all in yet: the operation's models, priced once they are
            choices = [(f"{m.name} - price once the inputs are in", m.id)
                       for m in studio.catalog.models(body["operation"])]
        else:
            choices = [(model_label(r), r["model"]) for r in rows]
        amount = answer["max_usd"] if answer and answer["max_usd"] > 0 else None
        label = f"I agree to pay up to ${amount:,.2f} for this compare" if amount else "Confirm the total (nothing to pay)"
        # Only the labels of the models: the ticks are the user's (a late answer never undoes a newer click).
        # The confirmation is for one amount: it clears when the amount changes, and only then.
        agree = gr.update() if amount == before else gr.update(value=False, label=label)
        return (gr.update(choices=choices) if choices else gr.update(), price_table(answer, missing), agree, amount)

    triggers = [mode.change, prompt.change, media.change, models.input, duration.release, resolution.change,
                aspect.change, seed.change, sound.change, blind.change, run_again.change]
    gr.on(triggers, on_form, [*form, agreed], [models, prices, confirm, agreed], trigger_mode="always_last",
          show_progress="hidden", api_visibility="private")
    tab.select(on_form, [*form, agreed], [models, prices, confirm, agreed], show_progress="hidden",
               api_visibility="private")

    def on_mode(selected):
        op = OPERATIONS[selected]
        return (gr.update(visible=op != "text-to-video", label="Photo" if op == "avatar" else "Image"),
                gr.update(visible=op == "avatar"), gr.update(visible=op != "avatar"),
                gr.update(visible=op == "text-to-video"), gr.update(value=[]))

    mode.change(on_mode, mode, [image, voice, duration, aspect, models], api_visibility="private")

    def on_media(kind):
        def handler(path, mode_name, current, request: gr.Request):
            key = {"image": "photo_id" if OPERATIONS[mode_name] == "avatar" else "image_id", "voice": "audio_id"}[kind]
            current = dict(current or {})
            if not path:
                current.pop(key, None)
                return current
            current[key] = studio.import_media(path, owner=owner_of(request), title=f"compare {kind}")["id"]
            return current
        return handler

    image.change(on_media("image"), [image, mode, media], media, api_visibility="private")
    voice.change(on_media("voice"), [voice, mode, media], media, api_visibility="private")

    # -- running and showing -------------------------------------------------------------------
    def on_go(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_, again_,
              confirmed, amount, current, request: gr.Request):
        body = request_body(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_,
                            again_)
        if confirmed and amount:
            body["confirm_usd"] = amount
        try:
            answer = service.compare(body, owner=owner_of(request))
        except Exception as exc:
            return current, f"**Not started.** {said(exc)}", gr.update(), gr.update(), gr.update()
        if not answer["ok"]:
            return current, f"**Not started.** {answer['message']}", price_table(answer), gr.update(), gr.update()
        return (answer["group_id"], f"**Started.** {answer['message']} The outputs appear below as they finish.",
                price_table(answer), gr.update(value=False), [None] * SLOTS)

    go.click(on_go, [*form, confirm, agreed, group], [group, notice, prices, confirm, shown], api_visibility="private")

    def on_tick(group_id, slots, chosen, request: gr.Request):
        owner = owner_or_none(request)
        if not group_id or owner is None:
            return [gr.update()] * (3 + 2 * SLOTS) + [slots]
        view = service.result({"group_id": group_id}, owner=owner)
        rows, cell_update = view["per_model"], gr.update(visible=False)
        if view["kind"] == "sweep":  # one prompt x seed row of the grid at a time
            cells = list(dict.fromkeys((r["prompt"], r["seed"]) for r in rows))
            choices = [(f"{p[:60]} - seed {sd}", str(n)) for n, (p, sd) in enumerate(cells)]
            index = int(chosen) if chosen not in (None, "") and int(chosen) < len(cells) else 0
            rows = [r for r in rows if (r["prompt"], r["seed"]) == cells[index]]
            cell_update = gr.update(choices=choices, value=str(index), visible=True)
        rows = rows[:SLOTS]
        videos, html, keep = [], [], list(slots)
        for n in range(SLOTS):
            row = rows[n] if n < len(rows) else None
            html.append(gr.update(value=result_card(row), visible=row is not None))
            asset = row["asset_id"] if row else None
            label = title(row) if row else f"Output {n + 1}"
            if asset != keep[n]:
                keep[n] = asset
                videos.append(gr.update(value=served(row["file_path"], owner) if row else None, label=label,
                                        visible=row is not None))
            else:
                videos.append(gr.update(label=label, visible=row is not None))
        return [group_summary(view), gr.update(), cell_update, *videos, *html, keep]

    gr.Timer(1.0).tick(on_tick, [group, shown, cell], [summary, notice, cell, *players, *cards, shown],
                       show_progress="hidden", api_visibility="private")

    # -- sweeps ----------------------------------------------------------------------------------
    def sweep_body(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_, again_,
                   extra, seed_text, ceiling_usd) -> dict:
        body = request_body(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, -1, sound_, blind_,
                            again_)
        lines = [p.strip() for p in (extra or "").splitlines() if p.strip()]
        body["prompts"] = [body.pop("prompt")] + lines if body.get("prompt", "").strip() else lines
        body["seeds"] = [int(x) for x in (seed_text or "").replace(",", " ").split() if x.strip().isdigit()]
        body["ceiling_usd"] = float(ceiling_usd or 0)
        return body

    def on_sweep(run: bool):
        def handler(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_, blind_,
                    again_, extra, seed_text, ceiling_usd, current, request: gr.Request):
            body = sweep_body(mode_, prompt_, media_, models_, duration_, resolution_, aspect_, seed_, sound_,
                              blind_, again_, extra, seed_text, ceiling_usd)
            try:
                answer = service.sweep({**body, "estimate_only": not run}, owner=owner_of(request))
            except Exception as exc:  # the form is incomplete: say what is missing
                return sweep_summary(None, said(exc)), current, gr.update(), gr.update()
            if run and answer["ok"]:
                return sweep_summary(answer), answer["group_id"], [None] * SLOTS, f"**Sweep started.** {answer['message']}"
            return sweep_summary(answer), current, gr.update(), gr.update()
        return handler

    sweep_inputs = [*form, more_prompts, seeds, ceiling]
    gr.on([more_prompts.change, seeds.change, ceiling.change, models.input], on_sweep(False), [*sweep_inputs, group],
          [sweep_note, group, shown, notice], trigger_mode="always_last", show_progress="hidden",
          api_visibility="private")
    sweep_go.click(on_sweep(True), [*sweep_inputs, group], [sweep_note, group, shown, notice],
                   api_visibility="private")

    def on_recent(request: gr.Request):
        rows = service.groups(owner=owner_of(request))
        return gr.update(choices=[(f"{r['prompt'][:50]} - {len(r['models'])} models" + (" - blind" if r["blind"] else "")
                                   + f" - {ago(r['created_at'])}", r["group_id"]) for r in rows])

    reload.click(on_recent, None, recent, api_visibility="private")
    tab.select(on_recent, None, recent, api_visibility="private")
    recent.input(lambda gid: (gid, [None] * SLOTS), recent, [group, shown], api_visibility="private")


def _prices(service, body: dict, owner: str) -> list[dict] | None:
    """Every model's price for the form, or None while the inputs are incomplete."""
    try:
        return service.prices({k: v for k, v in body.items() if k != "models"}, owner=owner)
    except Exception:
        return None

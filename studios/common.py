"""Pieces several tabs share: the asset picker, the job watcher and the AI-edit box.

Every handler learns its owner from `owner_of(request)` (timers and page loads use `owner_or_none`,
which is None before sign-in); pickers are filled per owner when the page loads and when their tab
opens, never at build time (a page must not list others' media).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from html import escape

import gradio as gr

from core.studio import Studio
from studios.files import served
from studios.pack_view import file_url
from studios.result_view import result_view, show
from studios.session import owner_of, owner_or_none
from studios import send_to
from studios.labels import choice_labels, not_a_video, said
from studios.meter import priced_meter as cost_meter
from studios.widgets import job_panel, usd


def asset_choices(studio: Studio, owner: str | None) -> list[tuple[str, str]]:
    """(human label, id) for every video of `owner`'s library, newest first (none when not signed in)."""
    if owner is None:
        return []
    return choice_labels([a for a in studio.assets(owner=owner) if a["width"] and a.get("duration")])


EMPTY_HINT = "Your library has no videos yet: make one in Create, or upload a video with the button."


@dataclass
class AssetPicker:
    dropdown: gr.Dropdown
    upload: gr.UploadButton
    refresh: gr.Button
    info: gr.Markdown


def on_load():
    """The page-load trigger of the Blocks being built."""
    return gr.context.Context.root_block.load


def on_any_change(fields: list, fn, inputs: list, outputs, on_load_too: bool = False, queue: bool = True) -> None:
    """Run `fn` when any of `fields` changes (and when the page loads, with `on_load_too`), as ONE
    listener: its runs are queued one at a time and only the newest pending one runs, so a slow
    earlier answer can never land after (and overwrite) the answer to the user's latest change."""
    triggers = [field.change for field in fields] + ([on_load()] if on_load_too else [])
    gr.on(triggers, fn, inputs, outputs, trigger_mode="always_last", queue=queue,
          concurrency_limit=1 if queue else "default", show_progress="hidden", api_visibility="private")


def confirm_update(est: dict | None, previous: float | None = None) -> tuple:
    """The confirm box for an estimate: it names the amount it agrees to (`max_usd`), and is
    cleared whenever that amount changes. Returns (checkbox update, the amount shown)."""
    amount = est.get("max_usd") if est and est.get("allowed") else None
    if not amount:
        return gr.update(value=False, label="Nothing to confirm", interactive=False), None
    keep = previous is not None and abs(previous - amount) < 1e-9
    label = f"I agree to pay up to {usd(amount)}"
    return (gr.update(label=label, interactive=True) if keep else
            gr.update(value=False, label=label, interactive=True)), amount


def refresh_on(studio: Studio, tab: gr.Tab, *dropdowns: gr.Dropdown) -> None:
    """Reload the asset choices of `dropdowns` when the page loads and whenever `tab` is opened
    (values are kept)."""

    def reload(request: gr.Request, *current):
        choices = asset_choices(studio, owner_or_none(request))
        updates = [_choices_update(choices, value) for value in current]
        return updates if len(updates) > 1 else updates[0]

    gr.on([tab.select, on_load()], reload, list(dropdowns), list(dropdowns), api_visibility="private",
          show_progress="hidden")


def _choices_update(choices: list[tuple[str, str]], value) -> dict:
    """New choices for a picker. The value is sent only when part of it is no longer listed: a
    reload answered after the creator picked a clip must not undo the pick."""
    ids = {v for _, v in choices}
    update = {"choices": choices, "info": "" if choices else EMPTY_HINT}
    if isinstance(value, list) and any(v not in ids for v in value):
        update["value"] = [v for v in value if v in ids]
    elif value and not isinstance(value, list) and value not in ids:
        update["value"] = None
    return gr.update(**update)


def asset_picker(studio: Studio, label: str = "Video", multiselect: bool = False,
                 elem_id: str | None = None, receive_as: str | None = None) -> AssetPicker:
    """A library dropdown with refresh and upload (uploads are copied into the library). A message
    about an upload stays until the next action."""
    with gr.Column(elem_id=elem_id):
        with gr.Row():
            thumbs = gr.HTML(thumbnails([]), elem_classes="vs-thumbs", scale=0, min_width=150)
            # An explicit empty value: without it Gradio preselects the first asset without a change event.
            dropdown = gr.Dropdown([], value=[] if multiselect else None, label=label, multiselect=multiselect,
                                   scale=4, info=EMPTY_HINT)
            refresh = gr.Button("Refresh", scale=0, size="sm")
            upload = gr.UploadButton("Upload a video", file_types=["video", "image"], scale=0, size="sm")
        info = gr.Markdown("")

    def on_pick(chosen, request: gr.Request):
        owner = owner_or_none(request)
        ids = [] if owner is None or not chosen else chosen if isinstance(chosen, list) else [chosen]
        return thumbnails([served(poster_path(studio, i, owner), owner) for i in ids[:4]])

    def on_refresh(current, request: gr.Request):
        return _choices_update(asset_choices(studio, owner_or_none(request)), current)

    def on_upload(file, current, request: gr.Request):
        refused = not_a_video(file, label)
        if refused:
            return gr.update(), refused
        try:
            owner = owner_of(request)
            asset = studio.import_media(file, owner=owner)
        except Exception as exc:
            return gr.update(), f"**{label}: could not add the file.** {said(exc)}"
        value = (list(current or []) + [asset["id"]]) if multiselect else asset["id"]
        return gr.update(choices=asset_choices(studio, owner), value=value, info=""), f"Added **{asset['title']}**."

    dropdown.change(on_pick, dropdown, thumbs, api_visibility="private", show_progress="hidden")
    refresh.click(on_refresh, dropdown, dropdown, api_visibility="private")
    upload.upload(on_upload, [upload, dropdown], [dropdown, info], api_visibility="private")
    if receive_as:  # "Edit this" (etc.) elsewhere selects the asset here
        send_to.receive(receive_as, [dropdown, info], lambda asset_id, owner: [
            gr.update(choices=asset_choices(studio, owner), value=[asset_id] if multiselect else asset_id,
                      info=""), ""])
    return AssetPicker(dropdown, upload, refresh, info)


def poster_path(studio: Studio, asset_id: str, owner: str) -> str | None:
    """The asset's poster (its library still, else one from the derived-media cache); None without one."""
    try:
        asset = studio.asset(asset_id, owner=owner)
        return asset.get("poster") or (str(studio.poster_of(asset["path"])) if asset.get("width") else None)
    except Exception:  # a deleted asset or a file without a picture: no thumbnail
        return None


def thumbnails(files: list[str | None]) -> str:
    """Small posters of the picked clips, or an empty frame saying none is picked."""
    shown = [f for f in files if f]
    if not shown:
        return "<div class='vs-thumb vs-thumb-empty'>No clip picked</div>"
    return "".join(f"<img class='vs-thumb' alt='Picked clip' src='{escape(file_url(f))}'>" for f in shown)


def job_watch(studio: Studio, job_ids: gr.State, follow: gr.Dropdown | None = None,
              label: str = "Result") -> tuple[gr.HTML, object, gr.State]:
    """A job table and the newest finished result, refreshed by a timer from the core's job rows,
    with "Fetch the result again" for jobs whose result waits at the provider (never a new run).
    Returns the table, the result view and the state holding the shown result's asset id.

    With `follow`, a finished result also becomes the selected asset (the new working version).
    """
    table = gr.HTML(job_panel([]))
    refetch = gr.Button("Fetch the result again", size="sm", visible=False)
    refetch_note = gr.Markdown("")
    view = result_view(label)
    shown = gr.State(None)
    send_to.buttons(shown)
    unchanged = [gr.update() for _ in view.components]

    def tick(ids, last, request: gr.Request):
        owner = owner_or_none(request)
        if owner is None:
            result = [gr.update(), gr.update(), *unchanged, last, gr.update()]
            return result if follow is not None else result[:-1]
        views = [studio.job(i, owner=owner) for i in (ids or [])[:8]]
        stranded = [v for v in views if v["status"] == "needs-attention" and v["task_id"]]
        button = gr.update(visible=bool(stranded), value=f"Fetch the result again ({len(stranded)} job"
                           f"{'s' if len(stranded) > 1 else ''}; no new run, no new charge)")
        done = [v for v in views if v["status"] == "succeeded" and v["asset_id"]]
        if not done or done[0]["asset_id"] == last:
            result = [job_panel(views), button, *unchanged, last, gr.update()]
        else:
            newest = done[0]["asset_id"]
            result = [job_panel(views), button, *show(studio.asset(newest, owner=owner), owner), newest,
                      gr.update(choices=asset_choices(studio, owner), value=newest)]
        return result if follow is not None else result[:-1]

    def on_refetch(ids, request: gr.Request):
        owner = owner_of(request)
        stranded = [v for v in (studio.job(i, owner=owner) for i in (ids or [])[:8])
                    if v["status"] == "needs-attention" and v["task_id"]]
        for job in stranded:
            studio.retry(job["id"], owner=owner)
        return f"Checking the provider again for {len(stranded)} job(s); nothing is sent again."

    outputs = [table, refetch, *view.components, shown] + ([follow] if follow is not None else [])
    gr.Timer(1.5).tick(tick, [job_ids, shown], outputs, show_progress="hidden", api_visibility="private")
    refetch.click(on_refetch, job_ids, refetch_note, api_visibility="private")
    return table, view, shown


def ai_box(studio: Studio, operations: dict[str, str], asset: gr.Dropdown, job_ids: gr.State,
           options_builder=None, extra_inputs: list | None = None) -> None:
    """Provider edits of the selected asset with a live cost meter and a confirm box that names
    the amount (and clears when the estimate changes)."""
    extra_inputs = extra_inputs or []
    with gr.Row():
        op = gr.Dropdown(list(operations.items()), value=next(iter(operations.values())), label="AI operation")
        model = gr.Dropdown([("Auto (recommended)", "auto")], value="auto", label="Model")
    prompt = gr.Textbox(label="Instruction or prompt", lines=2)
    meter = gr.HTML(cost_meter(None))
    shown_max = gr.State(None)
    with gr.Row():
        confirm = gr.Checkbox(label="Nothing to confirm", value=False, interactive=False)
        run = gr.Button("Run AI edit", variant="secondary")
    note = gr.Markdown("")

    def models_for(operation):
        choices = [("Auto (recommended)", "auto")] + [
            (f"{m.name} [{m.provider}]", m.id) for m in studio.catalog.models(operation=operation)]
        return gr.update(choices=choices, value="auto")

    def body(asset_id, operation, model_id, text, *extra) -> dict:
        """`options_builder(*extra)` returns more fields, e.g. {"options": {...}} or {"resolution": ...};
        a builder with an `operation` parameter is also told the chosen operation."""
        if options_builder is None:
            more = {}
        elif "operation" in inspect.signature(options_builder).parameters:
            more = options_builder(*extra, operation=operation)
        else:
            more = options_builder(*extra)
        return {"asset_id": asset_id, "operation": operation, "prompt": text or "", "model": model_id or "auto",
                **more}

    def on_estimate(request: gr.Request, asset_id, operation, model_id, text, previous, *extra):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return cost_meter(None), *confirm_update(None)
        try:
            est = studio.edit.ai_estimate(body(asset_id, operation, model_id, text, *extra), owner=owner)
        except Exception as exc:  # a StudioError message is written for people
            return f"<div class='vs-meter vs-issue'>{said(exc)}</div>", *confirm_update(None)
        return cost_meter(est), *confirm_update(est, previous)

    def on_run(request: gr.Request, asset_id, operation, model_id, text, confirmed, agreed, ids, *extra):
        if not asset_id:
            return ids, "Pick a video first.", gr.update(), *confirm_update(None)
        call = body(asset_id, operation, model_id, text, *extra)
        if confirmed and agreed is not None:
            call["confirm_usd"] = agreed
        try:
            answer = studio.edit.ai_apply(call, owner=owner_of(request))
        except Exception as exc:  # a StudioError message is written for people
            return ids, f"**Not started.** {said(exc)}", gr.update(), *confirm_update(None)
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return ids, f"**Not started.** {reason}", cost_meter(answer), *confirm_update(answer)
        return (answer["job_ids"] + list(ids or []), "Started. The result appears below.", cost_meter(answer),
                *confirm_update(answer))

    inputs = [asset, op, model, prompt]
    op.change(models_for, op, model, api_visibility="private")
    on_any_change(inputs + extra_inputs, on_estimate, [*inputs, shown_max, *extra_inputs],
                  [meter, confirm, shown_max])
    run.click(on_run, [*inputs, confirm, shown_max, job_ids, *extra_inputs], [job_ids, note, meter, confirm, shown_max],
              api_visibility="private")


def wire_apply(studio: Studio, operation: str, build_ops, *, picker: AssetPicker, batch: gr.Dropdown,
               job_ids: gr.State, settings: list, apply_btn: gr.Button, batch_btn: gr.Button,
               notice: gr.Markdown, verb: str) -> None:
    """Apply (one clip) and batch (several clips) buttons for a chain built by `build_ops(*settings)`."""

    def on_apply(request: gr.Request, asset_id, ids, *values):
        ops = build_ops(*values)
        if not asset_id or not ops:
            return ids, "Pick a clip and at least one change."
        try:
            job = studio.edit.apply({"asset_id": asset_id, "ops": ops, "operation": operation},
                                    owner=owner_of(request))
        except Exception as exc:
            return ids, f"**Cannot {verb}:** {said(exc)}"
        return [job] + list(ids), f"Working on it ({verb}); the original is kept."

    def on_batch(request: gr.Request, asset_id, extra, ids, *values):
        chosen = [a for a in [asset_id, *(extra or [])] if a]
        try:
            result = studio.edit.apply_batch({"asset_ids": chosen, "ops": build_ops(*values), "operation": operation},
                                             owner=owner_of(request))
        except Exception as exc:
            return ids, f"**Cannot start the batch:** {said(exc)}"
        return result["job_ids"] + list(ids), f"Batch of {len(result['job_ids'])} clips started."

    apply_btn.click(on_apply, [picker.dropdown, job_ids, *settings], [job_ids, notice], api_visibility="private")
    batch_btn.click(on_batch, [picker.dropdown, batch, job_ids, *settings], [job_ids, notice],
                    api_visibility="private")


def upload_importer(studio: Studio, what: str = "file"):
    """An upload handler: the uploaded (or recorded) file becomes a library asset, named by its id
    afterwards -> (asset id, note); a file that cannot be used gives (None, the reason)."""

    def on_upload(path, request: gr.Request):
        if not path:
            return None, ""
        try:
            return studio.import_media(path, owner=owner_of(request))["id"], ""
        except Exception as exc:  # a StudioError message is written for people
            return None, f"**Could not use the {what}:** {said(exc)}"

    return on_upload


def library_media(studio: Studio, owner: str | None, kind: str) -> list[tuple[str, str]]:
    """(label, id) of the owner's photos ("image") or voices and other audio files ("audio")."""
    if owner is None:
        return []
    assets = studio.assets(owner=owner)
    if kind == "image":
        return choice_labels([a for a in assets if a["mime"].startswith("image/")])
    sounds = [a for a in assets if a["has_audio"] and not a["width"]]
    return [(f"{label} · {'voice' if a['operation'] == 'text-to-speech' else 'audio'}", asset_id)
            for (label, asset_id), a in zip(choice_labels(sounds), sounds)]


def refresh_media_on(studio: Studio, tab: gr.Tab | None, kind: str, *dropdowns: gr.Dropdown) -> None:
    """Reload `dropdowns` with the owner's photos or audio (`library_media`) when the page loads and
    whenever `tab` is opened (a choice still listed is kept)."""

    def reload(request: gr.Request, *current):
        choices = library_media(studio, owner_or_none(request), kind)
        ids = {value for _, value in choices}
        updates = [gr.update(choices=choices, value=value if value in ids else None) for value in current]
        return updates if len(updates) > 1 else updates[0]

    triggers = [on_load()] + ([tab.select] if tab is not None else [])
    gr.on(triggers, reload, list(dropdowns), list(dropdowns), api_visibility="private", show_progress="hidden")

"""Pieces several tabs share: the asset picker, the job watcher and the AI-edit box."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.studio import Studio
from studios.result_view import ResultView, result_view, show
from studios.session import owner_of, owner_or_none
from studios.widgets import cost_meter, job_panel


def asset_choices(studio: Studio, owner: str | None) -> list[tuple[str, str]]:
    """(label, id) for every video in `owner`'s library, newest first (none when not signed in)."""
    if owner is None:
        return []
    return [(f"{a['title'][:50]} - {a['width']}x{a['height']}, {a['duration']:.1f} s [{a['id'][:6]}]", a["id"])
            for a in studio.assets(owner=owner) if a["width"]]


@dataclass
class AssetPicker:
    dropdown: gr.Dropdown
    upload: gr.UploadButton
    refresh: gr.Button
    info: gr.Markdown


def on_any_change(fields: list, fn, inputs: list, outputs) -> None:
    """Run `fn` when any of `fields` changes, as ONE listener: its runs are queued one at a time
    and only the newest pending one runs, so a slow earlier answer can never land after (and
    overwrite) the answer to the user's latest change."""
    gr.on([field.change for field in fields], fn, inputs, outputs, trigger_mode="always_last",
          concurrency_limit=1, show_progress="hidden", api_visibility="private")


def refresh_on(studio: Studio, tab: gr.Tab, *dropdowns: gr.Dropdown) -> None:
    """Load the caller's asset choices into `dropdowns` on page load and whenever `tab` is opened
    (values are kept). Pickers start empty: what is listed depends on who is signed in."""

    def reload(request: gr.Request, *current):
        choices = asset_choices(studio, owner_or_none(request))
        ids = {value for _, value in choices}
        updates = [gr.update(choices=choices, value=_kept(value, ids)) for value in current]
        return updates if len(updates) > 1 else updates[0]

    tab.select(reload, list(dropdowns), list(dropdowns), api_visibility="private", show_progress="hidden")
    gr.on([gr.context.Context.root_block.load], reload, list(dropdowns), list(dropdowns),
          api_visibility="private", show_progress="hidden")


def _kept(value, ids: set[str]):
    """The current selection, minus anything no longer listed."""
    if isinstance(value, list):
        return [v for v in value if v in ids]
    return value if value in ids else None


def asset_picker(studio: Studio, label: str = "Video", multiselect: bool = False) -> AssetPicker:
    """A library dropdown with refresh and upload (uploads are copied into the library)."""
    with gr.Row():
        # An explicit empty value: without it Gradio preselects the first asset without a change event.
        dropdown = gr.Dropdown([], value=[] if multiselect else None, label=label,
                               multiselect=multiselect, scale=4)
        refresh = gr.Button("Refresh", scale=0, size="sm")
        upload = gr.UploadButton("Upload a video", file_types=["video"], scale=0, size="sm")
    info = gr.Markdown("")

    def on_refresh(current, request: gr.Request):
        return gr.update(choices=asset_choices(studio, owner_or_none(request)), value=current)

    def on_upload(file, current, request: gr.Request):
        try:
            owner = owner_of(request)
            asset = studio.import_media(file, owner=owner)
        except Exception as exc:
            return gr.update(), f"**Could not add the file:** {exc}"
        value = (list(current or []) + [asset["id"]]) if multiselect else asset["id"]
        return gr.update(choices=asset_choices(studio, owner), value=value), f"Added **{asset['title']}**."

    refresh.click(on_refresh, dropdown, dropdown, api_visibility="private")
    upload.upload(on_upload, [upload, dropdown], [dropdown, info], api_visibility="private")
    return AssetPicker(dropdown, upload, refresh, info)


def job_watch(studio: Studio, job_ids: gr.State, follow: gr.Dropdown | None = None,
              label: str = "Result") -> tuple[gr.HTML, ResultView, gr.State]:
    """A job table and the newest finished result, refreshed by a timer from the core's job rows.
    Returns the table, the result view and the state holding the shown result's asset id.

    With `follow`, a finished result also becomes the selected asset (the new working version).
    """
    table = gr.HTML(job_panel([]))
    view = result_view(label)
    shown = gr.State(None)
    unchanged = [gr.update() for _ in view.components]

    def tick(ids, last, request: gr.Request):
        owner = owner_or_none(request)
        if owner is None:
            result = [gr.update(), *unchanged, last, gr.update()]
            return result if follow is not None else result[:-1]
        views = [studio.job(i, owner=owner) for i in (ids or [])[:8]]
        done = [v for v in views if v["status"] == "succeeded" and v["asset_id"]]
        if not done or done[0]["asset_id"] == last:
            result = [job_panel(views), *unchanged, last, gr.update()]
        else:
            newest = done[0]["asset_id"]
            result = [job_panel(views), *show(studio.asset(newest, owner=owner), owner), newest,
                      gr.update(choices=asset_choices(studio, owner), value=newest)]
        return result if follow is not None else result[:-1]

    outputs = [table, *view.components, shown] + ([follow] if follow is not None else [])
    gr.Timer(1.5).tick(tick, [job_ids, shown], outputs, show_progress="hidden", api_visibility="private")
    return table, view, shown


def ai_box(studio: Studio, operations: dict[str, str], asset: gr.Dropdown, job_ids: gr.State,
           options_builder=None, extra_inputs: list | None = None) -> None:
    """Provider edits of the selected asset with a live cost meter and a confirm box."""
    extra_inputs = extra_inputs or []
    with gr.Row():
        op = gr.Dropdown(list(operations.items()), value=next(iter(operations.values())), label="AI operation")
        model = gr.Dropdown([("Auto (recommended)", "auto")], value="auto", label="Model")
    prompt = gr.Textbox(label="Instruction or prompt", lines=2)
    meter = gr.HTML(cost_meter(None))
    with gr.Row():
        confirm = gr.Checkbox(label="Confirm this cost", value=False)
        run = gr.Button("Run AI edit", variant="secondary")
    note = gr.Markdown("")

    def models_for(operation):
        choices = [("Auto (recommended)", "auto")] + [
            (f"{m.name} [{m.provider}]", m.id) for m in studio.catalog.models(operation=operation)]
        return gr.update(choices=choices, value="auto")

    def request_kwargs(operation, model_id, text, *extra):
        """`options_builder(*extra)` returns more arguments, e.g. {"options": {...}} or {"resolution": ...}."""
        more = options_builder(*extra) if options_builder else {}
        return {"prompt": text or "", "model": model_id or "auto", **more}

    def on_estimate(asset_id, operation, model_id, text, request: gr.Request, *extra):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return cost_meter(None)
        return cost_meter(studio.edit.ai_estimate(asset_id, operation, owner=owner,
                                                  **request_kwargs(operation, model_id, text, *extra)))

    def on_run(asset_id, operation, model_id, text, confirmed, ids, request: gr.Request, *extra):
        if not asset_id:
            return ids, "Pick a video first.", gr.update()
        try:
            answer = studio.edit.ai_apply(asset_id, operation, owner=owner_of(request), confirm=bool(confirmed),
                                          **request_kwargs(operation, model_id, text, *extra))
        except Exception as exc:
            return ids, f"**Not started.** {exc}", gr.update()
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return ids, f"**Not started.** {reason}", cost_meter(answer)
        return answer["job_ids"] + list(ids or []), "Started. The result appears below.", cost_meter(answer)

    inputs = [asset, op, model, prompt, *extra_inputs]
    op.change(models_for, op, model, api_visibility="private")
    on_any_change(inputs, on_estimate, inputs, meter)
    run.click(on_run, [asset, op, model, prompt, confirm, job_ids, *extra_inputs], [job_ids, note, meter],
              api_visibility="private")


def wire_apply(studio: Studio, operation: str, build_ops, *, picker: AssetPicker, batch: gr.Dropdown,
               job_ids: gr.State, settings: list, apply_btn: gr.Button, batch_btn: gr.Button,
               notice: gr.Markdown, verb: str) -> None:
    """Apply (one clip) and batch (several clips) buttons for a chain built by `build_ops(*settings)`."""

    def on_apply(asset_id, ids, request: gr.Request, *values):
        ops = build_ops(*values)
        if not asset_id or not ops:
            return ids, "Pick a clip and at least one change."
        try:
            job = studio.edit.apply(asset_id, ops, owner=owner_of(request), operation=operation)
        except Exception as exc:
            return ids, f"**Cannot {verb}:** {exc}"
        return [job] + list(ids), f"Working on it ({verb}); the original is kept."

    def on_batch(asset_id, extra, ids, request: gr.Request, *values):
        chosen = [a for a in [asset_id, *(extra or [])] if a]
        try:
            result = studio.edit.apply_batch(chosen, build_ops(*values), owner=owner_of(request),
                                             operation=operation)
        except Exception as exc:
            return ids, f"**Cannot start the batch:** {exc}"
        return result["job_ids"] + list(ids), f"Batch of {len(result['job_ids'])} clips started."

    apply_btn.click(on_apply, [picker.dropdown, job_ids, *settings], [job_ids, notice], api_visibility="private")
    batch_btn.click(on_batch, [picker.dropdown, batch, job_ids, *settings], [job_ids, notice],
                    api_visibility="private")

"""The Library's "Tag with AI": the opened asset described by a provider's captioning model, with the
price shown before anything is confirmed; a timer follows the run and shows the tags when they land."""

from __future__ import annotations

from collections.abc import Callable

import gradio as gr

from core.studio import Studio
from studios.common import confirm_update
from studios.labels import said
from studios.session import owner_of, owner_or_none
from studios.widgets import usd

DETAILS = [("Short", "low"), ("Balanced", "medium"), ("Thorough", "high")]


def price_line(est: dict) -> str:
    """'Molmo2 video captioner: 6 s billed × $0.005 per 5 s = **$0.01**', or why it cannot run."""
    if not est.get("model"):
        return f"*{est.get('message') or 'AI tagging is not available for this file.'}*"
    facts = {row["label"]: row["value"] for row in est.get("breakdown", [])}
    parts = [facts[k] for k in ("Billed seconds", "Unit price") if k in facts]
    how = f"{' × '.join(parts)} = " if parts else ""
    line = f"{est['model_name']}: {how}**{usd(est['max_usd'])}**"
    problems = [i["message"] for i in est.get("issues", [])]
    return line + (f"  \n**Cannot run:** {' '.join(problems)}" if problems else "")


def build(studio: Studio, selected: gr.State, notice: gr.Markdown, tags: gr.Dropdown, details: gr.HTML,
          refresh: Callable[[str, str], tuple]) -> None:
    """Lay out the row inside the Tags section. `refresh(asset_id, owner)` -> (update of `tags`, the
    `details` html) once the AI tags landed."""
    with gr.Row():
        detail = gr.Radio(DETAILS, value="low", label="AI description", scale=2)
        tag_ai = gr.Button("Tag with AI", scale=0, interactive=False, elem_id="library-tag-ai")
    price = gr.Markdown("", elem_id="library-ai-price")
    agree = gr.Checkbox(label="Nothing to confirm", value=False, interactive=False, elem_id="library-ai-agree")
    shown_max, running = gr.State(None), gr.State(None)
    timer = gr.Timer(1.5, active=False)

    def on_estimate(asset_id, level, previous, request: gr.Request):
        owner = owner_or_none(request)
        if not asset_id or owner is None:
            return "", gr.update(interactive=False), *confirm_update(None)
        try:
            est = studio.ai_tag({"asset_id": asset_id, "detail_level": level, "estimate_only": True}, owner=owner)
        except Exception as exc:  # no captioning model configured: the message says which key to add
            return f"*{said(exc)}*", gr.update(interactive=False), *confirm_update(None)
        done = est.get("ai_tags")
        note = f"  \nAI tags so far: {', '.join(done['tags']) or 'none'}." if done else ""
        return price_line(est) + note, gr.update(interactive=bool(est["allowed"])), *confirm_update(est, previous)

    def on_tag(asset_id, level, agreed_box, agreed, request: gr.Request):
        if not asset_id:
            return "Pick an asset first.", None, gr.Timer(active=False), gr.update()
        body = {"asset_id": asset_id, "detail_level": level, "run_again": True}
        if agreed_box and agreed is not None:
            body["confirm_usd"] = agreed
        try:
            answer = studio.ai_tag(body, owner=owner_of(request))
        except Exception as exc:
            return f"**Not started:** {said(exc)}", None, gr.Timer(active=False), gr.update()
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return f"**Not started.** {reason}", None, gr.Timer(active=False), gr.update()
        return (f"Tagging with {answer['model_name']} (up to {usd(answer['max_usd'])}); the tags appear when it ends.",
                {"job_id": answer["job_ids"][0], "asset_id": asset_id}, gr.Timer(active=True),
                gr.update(value=False))  # another run needs another agreement

    def on_tick(run, request: gr.Request):
        owner = owner_or_none(request)
        if not run or owner is None:
            return gr.update(), None, gr.Timer(active=False), gr.update(), gr.update()
        job = studio.job(run["job_id"], owner=owner)
        if not job["terminal"]:
            return gr.update(), run, gr.Timer(active=True), gr.update(), gr.update()
        if job["status"] != "succeeded":
            return (f"**AI tagging did not finish:** {job['error'] or job['message']} (nothing is charged for a run "
                    "that failed).", None, gr.Timer(active=False), gr.update(), gr.update())
        tags = (job.get("result") or {}).get("tags") or []
        tag_update, html = refresh(run["asset_id"], owner)
        return (f"AI tags added: **{', '.join(tags) or 'none'}** ({usd(job['actual_usd'] or 0)}).", None,
                gr.Timer(active=False), tag_update, html)

    gr.on([selected.change, detail.change], on_estimate, [selected, detail, shown_max],
          [price, tag_ai, agree, shown_max], api_visibility="private", show_progress="hidden")
    tag_ai.click(on_tag, [selected, detail, agree, shown_max], [notice, running, timer, agree],
                 api_visibility="private")
    timer.tick(on_tick, running, [notice, running, timer, tags, details], api_visibility="private",
               show_progress="hidden")

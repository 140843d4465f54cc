"""Avatar Studio's read-outs in words: the time a run should take, a progress line per scene,
where the result came from, and the captions as a downloadable SRT file."""

from __future__ import annotations

import hashlib
from datetime import datetime
from html import escape

from studios.files import cache_root, owner_key
from studios.widgets import STATUS_COLOURS, money

WORDS = {"queued": "waiting", "submitting": "sending", "running": "working", "downloading": "downloading",
         "succeeded": "done", "failed": "failed", "cancelled": "cancelled", "needs-attention": "needs attention"}
KINDS = {"text-to-speech": "Voice", "avatar": "Avatar", "captions": "Captioned video", "upload": "Your upload"}


def minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def time_text(est: dict) -> str:
    """'About 12 min (up to 25 min): the avatar takes 10-30 s per second of video.'"""
    typical, slowest = est.get("expected_s") or 0, est.get("slowest_s") or 0
    if not typical:
        return ""
    line = f"**Time:** about {minutes(typical)}"
    if slowest > typical * 1.2:
        line += f" (up to {minutes(slowest)})"
    scenes = len(est.get("scenes") or [])
    if scenes > 1:
        line += f", {scenes} scenes made one after another and joined"
    return line + "."


def progress_html(steps: list[dict], jobs: list[dict]) -> str:
    """One line per scene (voice, then avatar) and one for joining and captions."""
    lines = []
    for step, job in zip(steps, jobs):
        colour = STATUS_COLOURS.get(job["status"], "#6b7280")
        pct = int(round((job.get("progress") or 0) * 100))
        eta = f", about {minutes(job['eta_s'])} left" if job.get("eta_s") and not job["terminal"] else ""
        cost = job["actual_usd"] if job.get("actual_usd") is not None else job.get("estimate_usd")
        price = f" &middot; {money(cost)}" if cost else ""
        said = job.get("error") or job.get("message") or ""
        detail = "" if said == "Done" else escape(said)
        lines.append(f"<li class='vs-plan-row'><b>{escape(step['label'])}</b>: "
                     f"<span class='vs-pill' style='background:{colour}'>{WORDS.get(job['status'], job['status'])}"
                     f"</span> {pct}%{eta}{price}<div class='vs-note'>{detail}</div></li>")
    return f"<ul class='vs-plan'>{''.join(lines)}</ul>"


def made_before_text(answer: dict) -> str | None:
    """The $0 offer of a repeated paid request (never pay twice) in words, or None when it is new."""
    repeat = not answer.get("ok") and answer.get("allowed") and not answer.get("issues")
    found = answer.get("reuse") if repeat else None
    if not found:
        return None
    made = datetime.fromisoformat(found["created_at"])
    return (f"**You made this on {made.day} {made:%b}** - it is in the Library as "
            f"*{escape(found.get('title') or found['asset_id'])}*: open it there for $0, or tick \"Run it again "
            f"anyway\" and press Make to pay {money(answer.get('max_usd') or 0)} again. Nothing was sent.")


def lineage_text(chain: list[dict]) -> str:
    """'Made from: Captioned video <- Avatar (InfiniteTalk, $2.82) <- Voice (...) <- your script'."""
    parts = []
    for asset in chain:
        kind = KINDS.get(asset["operation"], asset["operation"].replace("-", " ").capitalize())
        facts = [f"{asset['duration']:.1f} s"] if asset.get("duration") else []
        if asset.get("cost"):
            facts.append(money(asset["cost"]))
        parts.append(f"{kind}" + (f" ({', '.join(facts)})" if facts else ""))
    script = next((a["prompt"] for a in chain if a["operation"] == "text-to-speech" and a.get("prompt")), "")
    if script:
        parts.append(f"your script (\"{script[:40]}{'...' if len(script) > 40 else ''}\")")
    return "**Made from:** " + " &larr; ".join(parts) if parts else ""


def srt_file(text: str, owner: str):
    """The captions as an .srt file the owner's browser may download (hidden when there are none)."""
    import gradio as gr

    if not text:
        return gr.update(value=None, visible=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = cache_root() / f"vs-{owner_key(owner)}" / digest / "captions.srt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return gr.update(value=str(path), visible=True)

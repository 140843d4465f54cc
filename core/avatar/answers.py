"""What Avatar Studio's answers are made of: request checks, expression words, times, titles, the
refusal shapes and the steps' preflights summed into one answer, kept apart from the service that
plans and queues the runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.avatar.speech import refusal_of
from core.boundary.avatar import AvatarRequest
from core.capability import Issue
from core.create import refusal
from core.errors import InvalidInput
from core.money import confirmation
from core.money.pricing import format_usd
from core.voice.script import Scene

if TYPE_CHECKING:
    from core.avatar.service import Step

# An emotion preset as words for the avatar model's expression prompt.
EXPRESSIONS = {"neutral": "calm, natural expression", "happy": "warm, happy smile",
               "professional": "composed, confident and professional", "excited": "energetic, excited and lively"}
FIELDS = {"image": "photo_id", "audio": "audio_id", "prompt": "expression_prompt",
          "options.right_audio": "second_audio_id", "options.order": "order"}


def check_voices(parsed: AvatarRequest) -> None:
    if parsed.audio_id is None and parsed.script is None:
        raise InvalidInput("Give the voice: `audio_id` (an audio asset from /import or /speech) or `script` "
                           "(text to speak, with `voice`).", "Add one of them.", field="audio_id")
    if parsed.audio_id is not None and parsed.script is not None:
        raise InvalidInput("Give `audio_id` or `script`, not both: a script is spoken into a new voice.",
                           "Remove one of them.", field="script")
    if parsed.second_audio_id is None and (parsed.second_photo_id is not None or parsed.order is not None):
        field = "second_photo_id" if parsed.second_photo_id is not None else "order"
        raise InvalidInput("A second person needs their voice as well, in `second_audio_id`.",
                           "Add it, or remove the second person's settings.", field=field)
    if parsed.second_audio_id is not None and parsed.audio_id is None:
        raise InvalidInput("Two voices need `audio_id` and `second_audio_id` (a script speaks one voice).",
                           "Make each voice with /speech first, then send both ids.", field="audio_id")


def run_time(steps: list[Step]) -> dict:
    """How long the runs should take one after another, from each model's latency class: typical
    and slowest (avatar models take 10-30 s of processing per second of video)."""
    typical = slowest = 0.0
    for step in steps:
        model, request = step.result.model, step.result.request
        if model is None:
            continue
        seconds = request.input_duration or len(request.prompt) / 14.0
        typical += model.latency.expected_s(seconds)
        slowest += model.latency.slowest_s(seconds)
    return {"expected_s": round(typical, 1), "slowest_s": round(slowest, 1)}


def made_before(steps: list[Step]) -> dict | None:
    """The earlier asset to offer when every paid run of a request made one before (the same model,
    inputs by content, settings and seed), so nothing would be new but the bill; else None. A
    request of several paid runs offers its last (the avatar), with every run's in `steps`."""
    paid = [s for s in steps if s.result.model is not None and not s.result.model.offline]
    if not paid or any(s.result.reuse is None for s in paid):
        return None
    last = dict(paid[-1].result.reuse)
    if len(paid) > 1:
        last["steps"] = [{"label": s.label, **s.result.reuse} for s in paid]
    return last


def expression(parsed: AvatarRequest) -> str:
    words = [parsed.expression_prompt.strip()] if parsed.expression_prompt and parsed.expression_prompt.strip() else []
    if parsed.emotion != "neutral" or not words:
        words.append(EXPRESSIONS[parsed.emotion])
    return ", ".join(words)


def scene_label(what: str, scene: Scene, scenes: list[Scene]) -> str:
    return what if len(scenes) == 1 else f"{what}, scene {scene.index + 1}"


def scene_view(scene: Scene) -> dict:
    return {"index": scene.index, "text": scene.text, "estimated_s": scene.estimated_s}


def title_of(parsed: AvatarRequest, step: Step | None) -> str:
    base = parsed.title or (parsed.script or "Talking presenter").strip().split("\n")[0][:50]
    return base if step is None else f"{base} ({step.label.lower()})"


def price_label(total: float, max_usd: float, bounded: bool, free: bool) -> str:
    if free:
        return "Free"
    return f"up to {format_usd(max_usd)}" if bounded else format_usd(total)


def refused(exc: InvalidInput) -> dict:
    return {**refusal(exc), "ok": False, "job_ids": [], "issues": [refusal_of(exc)] if not exc.issues else
            [{**i, "field": FIELDS.get(i.get("field"), i.get("field"))} for i in exc.issues]}


def with_issues(answer: dict, issues: list[Issue]) -> dict:
    if not issues:
        return {**answer, "ok": answer.get("allowed", False), "job_ids": answer.get("job_ids", [])}
    extra = [i.model_dump() for i in issues]
    return {**answer, "allowed": False, "ok": False, "job_ids": [], "issues": extra + answer["issues"]}


def combined_answer(steps: list[Step], scenes: list[Scene], captions: str, threshold_usd: float) -> dict:
    """Every step's preflight as one /create-like answer: issues named by the step, the summed price
    (its basis the loosest of the steps'), one confirmation for the whole request, and the scenes."""
    issues, breakdown, notes = [], [], []
    for step in steps:
        for issue in step.result.issues:
            field = FIELDS.get(issue.field, issue.field)
            prefix = f"{step.label}: " if len(steps) > 1 else ""
            issues.append({"field": field, "message": prefix + issue.message, "allowed": issue.allowed})
        est = step.result.estimate
        breakdown.append({"label": step.label, "value": (est.summary or est.label) if est else "not priced"})
        notes += [n for n in step.result.notes + (list(est.notes) if est else []) if n not in notes]
    total = round(sum(s.result.estimate.total_usd for s in steps if s.result.estimate), 4)
    max_usd = round(sum(s.result.max_usd for s in steps), 4)
    bounded = any(s.result.estimate and s.result.estimate.basis == "upper-bound" for s in steps)
    quoted = any(s.result.estimate and s.result.estimate.basis == "provider-quote" for s in steps)
    avatar = next((s.result for s in steps if s.role == "avatar"), steps[0].result)
    voice = next((s.result for s in steps if s.role == "voice"), None)
    base = avatar.to_dict()
    return {**base, "allowed": not issues and all(s.result.model for s in steps),
            "total_usd": total, "max_usd": max_usd,
            "price_basis": "upper-bound" if bounded else "provider-quote" if quoted else "exact",
            "price_label": price_label(total, max_usd, bounded, all(s.result.model and s.result.model.offline
                                                               for s in steps)),
            "per_run_usd": max_usd, "breakdown": breakdown, "issues": issues, "notes": notes,
            "needs_confirmation": confirmation.needs_confirmation(max_usd, threshold_usd),
            "voice_model": voice.model.id if voice and voice.model else None,
            "captions": captions, "scenes": [scene_view(s) for s in scenes], **run_time(steps),
            "fallbacks": base["fallbacks"], "request": {}}

"""Avatar Studio's actions: /speech and /avatar, priced and run through the same money path as
/create (Create's intake and preflight, one confirmation for the whole request, every paid
run reserved in one transaction with the budget check, GenerateHandler jobs).

A script is split into scenes that each fit one run; every scene is a voice job then an avatar
job that waits for it (`pending:<job id>`), and a free finishing job joins the scenes and puts
the captions on (core/avatar/finish.py). Each step is its own library asset and ledger row:
script -> voice -> avatar -> captioned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from uuid import uuid4

from core.avatar.finish import FINISH_KIND, words_for
from core.avatar.speech import pick_model, refusal_of, speech_models, spoken, voice_list
from core.boundary import parse
from core.boundary.avatar import AvatarRequest, SpeechRequest
from core.boundary.fields import is_asset_id
from core.capability import Issue
from core.catalog import Catalog
from core.contracts import PENDING, ModelSpec, Operation
from core.errors import InvalidInput, PlanLimitExceeded, StudioError
from core.library.models import Job
from core.library.refs import MediaResolver
from core.money import confirmation
from core.money.plans import Plan
from core.money.preflight import PreflightResult
from core.voice.script import Scene, plan_scenes

AVATAR = Operation.AVATAR
# An emotion preset as words for the avatar model's expression prompt.
EXPRESSIONS = {"neutral": "calm, natural expression", "happy": "warm, happy smile",
               "professional": "composed, confident and professional", "excited": "energetic, excited and lively"}
FIELDS = {"image": "photo_id", "audio": "audio_id", "prompt": "expression_prompt",
          "options.right_audio": "second_audio_id", "options.order": "order"}


@dataclass
class AvatarDeps:
    """What Avatar Studio needs: the catalog, the owner's plan, Create's priced path, the library."""

    catalog: Catalog
    configured: Callable[[], set[str]]
    plan_for: Callable[[str], Plan]
    intake: Callable  # CreateService.intake(request, owner) -> Intake
    preflight: Callable  # CreateService.preflight(intake, owner, planned_s) -> PreflightResult
    threshold: Callable[[], float]
    runs: Callable  # CreateService.runs(result, owner, parent_id, ceiling, kind, group_id)
    queue: Callable  # CreateService.queue(jobs, entries, owner)
    create: Callable  # CreateService.create(request, owner=, parent_id=)
    estimate: Callable  # CreateService.estimate(request, owner=)
    media: MediaResolver
    library: object  # core.library.repository.Library


@dataclass
class Step:
    """One paid (or free) run of the request: what it is, its Create intake and its preflight."""

    label: str
    intake: object
    result: PreflightResult
    scene: int = 0
    role: str = "avatar"  # voice | avatar


class AvatarService:
    def __init__(self, deps: AvatarDeps) -> None:
        self.d = deps

    # -- /speech -----------------------------------------------------------------------------
    def voices(self) -> list[dict]:
        return voice_list(self.d.catalog, self.d.configured())

    def speech(self, request: dict | SpeechRequest, *, owner: str) -> dict:
        """Estimate (estimate_only) or run a text-to-speech request; the result is an audio asset."""
        try:
            parsed = parse(SpeechRequest, request)
            said = spoken(self.d.catalog, self.d.configured(), text=parsed.text, voice=parsed.voice,
                          model=parsed.model, language=parsed.language, speed=parsed.speed, emotion=parsed.emotion)
        except InvalidInput as exc:
            return _refused(exc)
        body = {**said.create, "confirm_usd": parsed.confirm_usd, "confirm": parsed.confirm}
        if said.issues or parsed.estimate_only:
            answer = self.d.estimate(body, owner=owner)
            return _with_issues(answer, said.issues)
        return self.d.create(body, owner=owner)

    # -- /avatar -----------------------------------------------------------------------------
    def avatar(self, request: dict | AvatarRequest, *, owner: str) -> dict:
        """Estimate (estimate_only) or run an avatar request -> the /create answer plus `scenes`."""
        try:
            parsed = parse(AvatarRequest, request)
            _check_voices(parsed)
            steps, scenes, captions = self._plan(parsed, owner)
        except InvalidInput as exc:
            return _refused(exc)
        answer = self._answer(steps, scenes, captions)
        if parsed.estimate_only or not answer["allowed"]:
            return {**answer, "ok": False if not parsed.estimate_only else answer["allowed"], "job_ids": []}
        issue = confirmation.check(max_usd=answer["max_usd"], threshold_usd=self.d.threshold(),
                                   confirm_usd=parsed.confirm_usd, confirm=parsed.confirm)
        if issue is not None:
            return {**answer, "ok": False, "job_ids": [], "message": issue.message,
                    "issues": answer["issues"] + [issue.model_dump()]}
        try:
            job_ids, group_id, roles = self._queue(parsed, owner, answer["max_usd"], steps, scenes, captions)
        except PlanLimitExceeded as exc:
            issue = Issue(field="budget", message=str(exc), allowed=[])
            return {**answer, "ok": False, "allowed": False, "job_ids": [], "message": str(exc),
                    "issues": answer["issues"] + [issue.model_dump()]}
        roles = [{"job_id": job_id, **role} for job_id, role in zip(job_ids, roles)]
        return {**answer, "ok": True, "job_ids": job_ids, "group_id": group_id, "steps": roles}

    def _plan(self, parsed: AvatarRequest, owner: str) -> tuple[list[Step], list[Scene], str]:
        """Every step this request runs, preflighted (nothing written), its scenes and its caption mode."""
        if parsed.audio_id is not None:
            step = self._avatar_step(parsed, owner, audio=parsed.audio_id, planned_s=None, label="Avatar")
            captions = self._captions_for_audio(parsed, owner, step)
            return [step], [], captions
        plan = self.d.plan_for(owner)
        said = self._speak(parsed, parsed.script)
        scenes = plan_scenes(said.create["prompt"], self._limit_model(parsed), plan, speed=parsed.speed)
        steps: list[Step] = []
        for scene in scenes:
            voice = self._voice_step(parsed, owner, scene, len(scenes))
            avatar = self._avatar_step(parsed, owner, audio=f"{PENDING}voice-{scene.index}",
                                       planned_s=scene.estimated_s, label=_scene_label("Avatar", scene, scenes),
                                       scene=scene.index)
            steps += [voice, avatar]
        captions = "burn" if parsed.captions == "auto" else parsed.captions
        return steps, scenes, captions

    def _speak(self, parsed: AvatarRequest, text: str):
        return spoken(self.d.catalog, self.d.configured(), text=text, voice=parsed.voice,
                      model=parsed.voice_model, language=parsed.language, speed=parsed.speed,
                      emotion=parsed.emotion, text_field="script", model_field="voice_model")

    def _voice_step(self, parsed: AvatarRequest, owner: str, scene: Scene, count: int) -> Step:
        said = self._speak(parsed, scene.text)
        intake = self.d.intake(said.create, owner)
        result = self.d.preflight(intake, owner)
        result.issues = [*said.issues, *result.issues]
        label = "Voice" if count == 1 else f"Voice, scene {scene.index + 1}"
        return Step(label=label, intake=intake, result=result, scene=scene.index, role="voice")

    def _avatar_step(self, parsed: AvatarRequest, owner: str, *, audio: str, planned_s: float | None,
                     label: str, scene: int = 0) -> Step:
        """Preflight one avatar run. On auto the model is chosen first without the expression prompt
        (the free draft takes none), then the prompt is added when the chosen model takes one."""
        body = {"operation": AVATAR.value, "image": parsed.photo_id, "model": parsed.model,
                "resolution": parsed.resolution, "seed": parsed.seed, "options": {}}
        pending = audio.startswith(PENDING)
        if not pending:
            body["audio"] = audio
        if parsed.second_audio_id is not None:
            body["options"] = {"right_audio": parsed.second_audio_id, "order": parsed.order or "meanwhile"}
        result, intake = self._preflight(body, owner, audio if pending else None, planned_s)
        model = result.model
        prompt = _expression(parsed)
        if model is not None and "prompt" in model.capabilities.inputs_accepted and prompt:
            body = {**body, "model": model.id, "prompt": prompt}
            result, intake = self._preflight(body, owner, audio if pending else None, planned_s)
        elif model is not None and model.offline:  # the draft burns the captions itself
            draft = {"captions": "off" if parsed.captions in ("off", "srt") else "on"}
            if not pending and parsed.audio_id:
                draft["script"] = self._audio_script(parsed.audio_id, owner)
            body = {**body, "model": model.id, "platform": parsed.platform,
                    "options": {**body["options"], **{k: v for k, v in draft.items() if v}}}
            result, intake = self._preflight(body, owner, audio if pending else None, planned_s)
        return Step(label=label, intake=intake, result=result, scene=scene, role="avatar")

    def _preflight(self, body: dict, owner: str, pending: str | None, planned_s: float | None):
        intake = self.d.intake({k: v for k, v in body.items() if v is not None}, owner)
        if pending:
            intake.request = intake.request.model_copy(update={"audio": pending})
        return self.d.preflight(intake, owner, planned_s=planned_s), intake

    def _limit_model(self, parsed: AvatarRequest) -> ModelSpec:
        """The model whose longest input sets the scene length: the one asked for, else the usable
        avatar model that takes the longest audio."""
        if parsed.model != "auto":
            return self.d.catalog.get(parsed.model)
        configured = self.d.configured()
        usable = [m for m in self.d.catalog.models(AVATAR) if (m.offline or m.provider in configured)
                  and not m.capabilities.options.get("order")]
        return max(usable, key=lambda m: (m.capabilities.audio.max_s or 0, not m.offline))

    def _captions_for_audio(self, parsed: AvatarRequest, owner: str, step: Step) -> str:
        """Captions of an uploaded or library voice need its words (a word track, or the script a
        studio voice was made from); 'auto' puts them on when they are known."""
        if parsed.captions == "off":
            return "off"
        audio = step.result.request.audio
        known = bool(audio) and words_for(audio, self._audio_script(parsed.audio_id, owner)) is not None
        if parsed.captions == "auto":
            return "burn" if known else "off"
        if not known:
            step.result.issues.append(Issue(
                field="captions", message="Captions need the words of the voice, and this audio has none "
                "(only voices made by the studio carry them). Make the voice from a script, or set captions "
                "to off.", allowed=["off"]))
        return parsed.captions

    def _audio_script(self, audio_id: str, owner: str) -> str:
        try:
            asset = self.d.library.get(audio_id, owner)
        except StudioError:
            return ""
        return asset.prompt if asset.operation == Operation.TEXT_TO_SPEECH.value else ""

    # -- the answer --------------------------------------------------------------------------
    def _answer(self, steps: list[Step], scenes: list[Scene], captions: str) -> dict:
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
                "price_label": _label(total, max_usd, bounded, all(s.result.model and s.result.model.offline
                                                                   for s in steps)),
                "per_run_usd": max_usd, "breakdown": breakdown, "issues": issues, "notes": notes,
                "needs_confirmation": confirmation.needs_confirmation(max_usd, self.d.threshold()),
                "voice_model": voice.model.id if voice and voice.model else None,
                "captions": captions, "scenes": [_scene_view(s) for s in scenes], **_time(steps),
                "fallbacks": base["fallbacks"], "request": {}}

    # -- queueing ----------------------------------------------------------------------------
    def _queue(self, parsed: AvatarRequest, owner: str, max_usd: float, steps: list[Step], scenes: list[Scene],
               captions: str) -> tuple[list[str], str, list[dict]]:
        """Build every job (voice then avatar per scene, then the finishing job), reserve all paid runs
        in one transaction, then queue them."""
        ratio = 1.0 if parsed.confirm_usd is None or not max_usd else max(parsed.confirm_usd / max_usd, 1.0)
        group_id = uuid4().hex[:12]
        jobs: list[Job] = []
        entries = []
        voice_jobs: dict[int, str] = {}
        rows = []
        parent = parsed.audio_id if parsed.audio_id and is_asset_id(parsed.audio_id) else None
        for step in steps:
            result = step.result
            if step.role == "avatar" and step.scene in voice_jobs:
                result = self._repoint(step, owner, f"{PENDING}{voice_jobs[step.scene]}")
            made, owed = self.d.runs(result, owner, None if step.role == "avatar" and scenes else parent,
                                     result.max_usd * ratio, "generate", group_id)
            for job in made:
                job.payload = {**job.payload, "title": _title(parsed, step), "scene": step.scene, "role": step.role}
            jobs += made
            entries += owed
            if step.role == "voice":
                voice_jobs[step.scene] = made[0].id
            rows.append((step, made[0].id))
        finish = self._finish_job(parsed, owner, group_id, rows, scenes, captions)
        roles = [{"role": step.role, "scene": step.scene, "label": step.label} for step, _ in rows]
        if finish is not None:
            jobs.append(finish)
            roles.append({"role": "finish", "scene": None, "label": "Join and captions"})
        return self.d.queue(jobs, entries, owner), group_id, roles

    def _repoint(self, step: Step, owner: str, pending: str) -> PreflightResult:
        """The avatar step's preflight with its audio naming the voice job that makes it."""
        intake = replace(step.intake)
        intake.request = intake.request.model_copy(update={"audio": pending})
        planned = step.result.request.input_duration
        return self.d.preflight(intake, owner, planned_s=planned)

    def _finish_job(self, parsed: AvatarRequest, owner: str, group_id: str, rows: list, scenes: list[Scene],
                    captions: str) -> Job | None:
        avatars = [(step, job_id) for step, job_id in rows if step.role == "avatar"]
        voices = {step.scene: job_id for step, job_id in rows if step.role == "voice"}
        offline = all(step.result.model and step.result.model.offline for step, _ in avatars)
        if len(avatars) == 1 and (captions == "off" or (offline and captions == "burn" and not scenes)):
            return None
        parts = [{"scene": step.scene, "avatar_job": job_id, "voice_job": voices.get(step.scene),
                  "text": scenes[step.scene].text if scenes else self._audio_script(parsed.audio_id, owner)}
                 for step, job_id in avatars]
        return Job(owner=owner, kind=FINISH_KIND, group_id=group_id, operation="captions", provider="local",
                   model="local-ffmpeg", payload={"parts": parts, "captions": captions, "platform": parsed.platform,
                                                  "burned": offline, "title": _title(parsed, None)})


def _check_voices(parsed: AvatarRequest) -> None:
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
    if parsed.second_photo_id is not None:
        raise InvalidInput("Two people are rendered from one photo that shows both of them; a second photo "
                           "is not combined yet.", "Send one photo with both people in `photo_id`.",
                           field="second_photo_id")


def _time(steps: list[Step]) -> dict:
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


def _expression(parsed: AvatarRequest) -> str:
    words = [parsed.expression_prompt.strip()] if parsed.expression_prompt and parsed.expression_prompt.strip() else []
    if parsed.emotion != "neutral" or not words:
        words.append(EXPRESSIONS[parsed.emotion])
    return ", ".join(words)


def _scene_label(what: str, scene: Scene, scenes: list[Scene]) -> str:
    return what if len(scenes) == 1 else f"{what}, scene {scene.index + 1}"


def _scene_view(scene: Scene) -> dict:
    return {"index": scene.index, "text": scene.text, "estimated_s": scene.estimated_s}


def _title(parsed: AvatarRequest, step: Step | None) -> str:
    base = parsed.title or (parsed.script or "Talking presenter").strip().split("\n")[0][:50]
    return base if step is None else f"{base} ({step.label.lower()})"


def _label(total: float, max_usd: float, bounded: bool, free: bool) -> str:
    from core.money.pricing import format_usd

    if free:
        return "Free"
    return f"up to {format_usd(max_usd)}" if bounded else format_usd(total)


def _refused(exc: InvalidInput) -> dict:
    from core.create import refusal

    return {**refusal(exc), "ok": False, "job_ids": [], "issues": [refusal_of(exc)] if not exc.issues else
            [{**i, "field": FIELDS.get(i.get("field"), i.get("field"))} for i in exc.issues]}


def _with_issues(answer: dict, issues: list[Issue]) -> dict:
    if not issues:
        return {**answer, "ok": answer.get("allowed", False), "job_ids": answer.get("job_ids", [])}
    extra = [i.model_dump() for i in issues]
    return {**answer, "allowed": False, "ok": False, "job_ids": [], "issues": extra + answer["issues"]}


__all__ = ["AvatarDeps", "AvatarService", "pick_model", "speech_models"]

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
from pathlib import Path
from uuid import uuid4

from core.avatar.answers import (
    check_voices,
    combined_answer,
    expression,
    made_before,
    refused,
    scene_label,
    title_of,
    with_issues,
)
from core.avatar.finish import FINISH_KIND, words_for
from core.avatar.photos import side_by_side
from core.avatar.split import Part, offer, split_audio
from core.avatar.speech import pick_model, refusal_of, speech_models, spoken, voice_list
from core.boundary import parse
from core.boundary.avatar import AvatarRequest, SceneRequest, SpeechRequest
from core.boundary.fields import is_asset_id
from core.capability import Issue
from core.catalog import Catalog
from core.contracts import PENDING, ModelSpec, Operation
from core.errors import InvalidInput, PlanLimitExceeded, StudioError
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus
from core.library.refs import MediaResolver
from core.library.reuse import offer as reuse_offer
from core.money import confirmation
from core.money.plans import Plan
from core.money.preflight import PreflightResult
from core.voice.script import Scene, estimate_seconds, plan_scenes, scene_limit_s

AVATAR = Operation.AVATAR
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
    jobs: JobStore
    work_dir: Path  # scratch files the jobs read (two photos set side by side)


@dataclass
class Step:
    """One paid (or free) run of the request: what it is, its Create intake and its preflight."""

    label: str
    intake: object
    result: PreflightResult
    scene: int = 0
    role: str = "avatar"  # voice | avatar
    audio_file: str | None = None  # a part of a voice too long for one run (core/avatar/split.py)


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
            return refused(exc)
        body = {**said.create, "confirm_usd": parsed.confirm_usd, "confirm": parsed.confirm,
                "run_again": parsed.run_again}
        if said.issues or parsed.estimate_only:
            answer = self.d.estimate(body, owner=owner)
            return with_issues(answer, said.issues)
        return self.d.create(body, owner=owner)

    # -- /avatar -----------------------------------------------------------------------------
    def avatar(self, request: dict | AvatarRequest, *, owner: str) -> dict:
        """Estimate (estimate_only) or run an avatar request -> the /create answer plus `scenes`."""
        try:
            parsed = parse(AvatarRequest, request)
            check_voices(parsed)
            steps, scenes, captions, split = self._plan(parsed, owner)
        except InvalidInput as exc:
            return refused(exc)
        return {**self._run(parsed, owner, steps, scenes, captions), "split": split}

    def scene(self, request: dict | SceneRequest, *, owner: str) -> dict:
        """Make one scene of an avatar request again (estimate_only prices it): its avatar from the
        voice already made, or its voice and avatar when the voice failed too; then a new finishing
        job joins it with the scenes that were made. Nothing else is paid again."""
        try:
            parsed, steps, finish = self._scene_steps(parse(SceneRequest, request), owner)
        except InvalidInput as exc:
            return refused(exc)
        return self._run(parsed, owner, steps, [], finish.payload["captions"], group_id=finish.group_id,
                         base_parts=finish.payload["parts"])

    def _scene_steps(self, asked: SceneRequest, owner: str):
        finish = self.d.jobs.get(asked.job_id, owner)
        if finish.kind != FINISH_KIND or "request" not in finish.payload:
            raise InvalidInput("That job is not the last step (join and captions) of an avatar request.",
                               "Send the job id of the request's \"Join and captions\" step.", field="job_id")
        parts = finish.payload["parts"]
        if asked.scene > len(parts):
            raise InvalidInput(f"This request has {len(parts)} scene(s).", "Pick one of them.", field="scene",
                               allowed=[str(n) for n in range(1, len(parts) + 1)])
        part, label = parts[asked.scene - 1], f"scene {asked.scene}"
        made = self.d.jobs.get(part["avatar_job"], owner)
        if made.status == JobStatus.SUCCEEDED or not JobStatus(made.status).terminal:
            state = "was made" if made.status == JobStatus.SUCCEEDED else "is still being made"
            raise InvalidInput(f"Scene {asked.scene} {state}; only a scene that failed is made again.",
                               "Pick the scene that failed.", field="scene")
        original = {**finish.payload["request"], "confirm_usd": asked.confirm_usd, "confirm": asked.confirm,
                    "estimate_only": asked.estimate_only}
        voice = self.d.jobs.get(part["voice_job"], owner) if part.get("voice_job") else None
        if voice is None or (voice.status == JobStatus.SUCCEEDED and voice.asset_ids):
            if voice is not None:
                original = {**original, "script": None, "audio_id": voice.asset_ids[0]}
            parsed = parse(AvatarRequest, original)
            piece = part.get("audio_file")
            if piece and not Path(piece).exists():  # a part of a long voice, cut again the same way
                whole = self._avatar_step(parsed, owner, audio=parsed.audio_id, planned_s=None, label="Avatar")
                piece = self._parts(parsed, owner, whole)[part["scene"]].path
            return parsed, [self._avatar_step(parsed, owner, audio=parsed.audio_id, planned_s=None,
                                              label=f"Avatar, {label}", scene=part["scene"], audio_file=piece)], finish
        parsed = parse(AvatarRequest, original)
        scene = Scene(part["scene"], part["text"], round(estimate_seconds(part["text"], parsed.speed), 2))
        voice_step = self._voice_step(parsed, owner, scene, 2)
        avatar_step = self._avatar_step(parsed, owner, audio=f"{PENDING}voice-{scene.index}",
                                        planned_s=scene.estimated_s, label=f"Avatar, {label}", scene=scene.index)
        return parsed, [voice_step, avatar_step], finish

    def _run(self, parsed: AvatarRequest, owner: str, steps: list[Step], scenes: list[Scene], captions: str,
             group_id: str | None = None, base_parts: list[dict] | None = None) -> dict:
        """The answer; and, unless only estimating, the confirmation check and the queued jobs."""
        answer = combined_answer(steps, scenes, captions, self.d.threshold())
        if parsed.estimate_only or not answer["allowed"]:
            return {**answer, "ok": False if not parsed.estimate_only else answer["allowed"], "job_ids": []}
        earlier = None if parsed.run_again else made_before(self._as_made_before(parsed, owner, steps))
        if earlier is not None:  # never pay twice: every paid run of this request made an asset before
            return {**answer, "ok": False, "job_ids": [], "reuse": earlier,
                    "message": reuse_offer(earlier, answer["max_usd"], answer["price_basis"] != "exact")}
        issue = confirmation.check(max_usd=answer["max_usd"], threshold_usd=self.d.threshold(),
                                   confirm_usd=parsed.confirm_usd, confirm=parsed.confirm)
        if issue is not None:
            return {**answer, "ok": False, "job_ids": [], "message": issue.message,
                    "issues": answer["issues"] + [issue.model_dump()]}
        try:
            job_ids, group_id, roles = self._queue(parsed, owner, answer["max_usd"], steps, scenes, captions,
                                                   group_id, base_parts)
        except PlanLimitExceeded as exc:
            issue = Issue(field="budget", message=str(exc), allowed=[])
            return {**answer, "ok": False, "allowed": False, "job_ids": [], "message": str(exc),
                    "issues": answer["issues"] + [issue.model_dump()]}
        roles = [{"job_id": job_id, **role} for job_id, role in zip(job_ids, roles)]
        return {**answer, "ok": True, "job_ids": job_ids, "group_id": group_id, "steps": roles}

    def _plan(self, parsed: AvatarRequest, owner: str) -> tuple[list[Step], list[Scene], str, dict | None]:
        """Every step this request runs, preflighted (nothing written), its scenes, its caption mode and,
        for a voice longer than one run, how it splits."""
        if parsed.audio_id is not None:
            step = self._avatar_step(parsed, owner, audio=parsed.audio_id, planned_s=None, label="Avatar")
            captions = self._captions_for_audio(parsed, owner, step)
            parts = self._parts(parsed, owner, step)
            if not parts:
                return [step], [], captions, None
            pieces = [self._avatar_step(parsed, owner, audio=parsed.audio_id, planned_s=None, scene=p.index,
                                        label=f"Avatar, part {p.index + 1} of {len(parts)}", audio_file=p.path)
                      for p in parts]
            split = offer(parts, [p.result.max_usd for p in pieces], step.result.request.input_duration,
                          self._split_limit(parsed, owner))
            if not parsed.split:  # the whole voice is refused (the guard or the plan): offer the split
                step.result.issues.append(Issue(field="split", message=split["message"], allowed=["true"]))
                return [step], [], captions, split
            return pieces, [Scene(p.index, "", p.duration_s) for p in parts], captions, split
        plan = self.d.plan_for(owner)
        said = self._speak(parsed, parsed.script)
        scenes = plan_scenes(said.create["prompt"], self._limit_model(parsed), plan, speed=parsed.speed)
        steps: list[Step] = []
        for scene in scenes:
            voice = self._voice_step(parsed, owner, scene, len(scenes))
            avatar = self._avatar_step(parsed, owner, audio=f"{PENDING}voice-{scene.index}",
                                       planned_s=scene.estimated_s, label=scene_label("Avatar", scene, scenes),
                                       scene=scene.index)
            steps += [voice, avatar]
        captions = "burn" if parsed.captions == "auto" else parsed.captions
        return steps, scenes, captions, None

    def _as_made_before(self, parsed: AvatarRequest, owner: str, steps: list[Step]) -> list[Step]:
        """The steps as an earlier run made them: a scene whose voice was made before (the same script,
        voice and settings) has its avatar from that voice, so the avatar's own earlier asset is found."""
        voices = {s.scene: s.result.reuse for s in steps if s.role == "voice"}
        if not voices or not all(voices.values()):
            return steps
        return [self._avatar_step(parsed, owner, audio=voices[s.scene]["asset_id"], planned_s=None, label=s.label,
                                  scene=s.scene) if s.role == "avatar" and s.scene in voices else s for s in steps]

    def _parts(self, parsed: AvatarRequest, owner: str, whole: Step) -> list[Part]:
        """A measured voice longer than one run (the model's longest input, or the plan's) cut at its
        pauses into parts that fit; none when it fits or is not a file here."""
        audio, length = whole.result.request.audio, whole.result.request.input_duration
        if parsed.second_audio_id is not None or not audio or not length or not Path(audio).is_file():
            return []
        limit = self._split_limit(parsed, owner)
        return split_audio(Path(audio), limit, self.d.work_dir) if length > limit else []

    def _split_limit(self, parsed: AvatarRequest, owner: str) -> float:
        return scene_limit_s(self._limit_model(parsed), self.d.plan_for(owner))

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
                     label: str, scene: int = 0, audio_file: str | None = None) -> Step:
        """Preflight one avatar run. On auto the model is chosen first without the expression prompt
        (the free draft takes none), then the prompt is added when the chosen model takes one."""
        body = {"operation": AVATAR.value, "image": parsed.photo_id, "model": parsed.model,
                "resolution": parsed.resolution, "seed": parsed.seed, "options": {}}
        pending = audio.startswith(PENDING)
        waits = audio if pending else None
        if not pending:
            body["audio"] = audio
        if parsed.second_audio_id is not None:
            body["options"] = {"right_audio": parsed.second_audio_id, "order": parsed.order or "meanwhile"}
        result, intake = self._preflight(body, owner, waits, planned_s, parsed.second_photo_id, audio_file)
        model = result.model
        prompt = expression(parsed)
        if model is not None and "prompt" in model.capabilities.inputs_accepted and prompt:
            body = {**body, "model": model.id, "prompt": prompt}
            result, intake = self._preflight(body, owner, waits, planned_s, parsed.second_photo_id, audio_file)
        elif model is not None and model.offline:  # the draft burns the captions itself
            draft = {"captions": "off" if parsed.captions in ("off", "srt") else "on"}
            if not pending and parsed.audio_id and not audio_file:
                draft["script"] = self._audio_script(parsed.audio_id, owner)
            body = {**body, "model": model.id, "platform": parsed.platform,
                    "options": {**body["options"], **{k: v for k, v in draft.items() if v}}}
            result, intake = self._preflight(body, owner, waits, planned_s, parsed.second_photo_id, audio_file)
        return Step(label=label, intake=intake, result=result, scene=scene, role="avatar", audio_file=audio_file)

    def _preflight(self, body: dict, owner: str, pending: str | None, planned_s: float | None,
                   second_photo: str | None = None, audio_file: str | None = None):
        intake = self.d.intake({k: v for k, v in body.items() if v is not None}, owner)
        if pending or audio_file:  # the voice job's output, or a part of a long voice
            intake.request = intake.request.model_copy(update={"audio": pending or audio_file})
        if second_photo and intake.request.image and not intake.request.image.startswith("https://"):
            right = self.d.media.resolve(second_photo, owner, "second_photo_id")
            if not right.local:
                raise InvalidInput("second_photo_id: the link could not be fetched, so the two photos cannot be "
                                   "set side by side.", "Upload the photo.", field="second_photo_id")
            both = side_by_side(Path(intake.request.image), Path(right.value), self.d.work_dir)
            intake.request = intake.request.model_copy(update={"image": str(both)})
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

    # -- queueing ----------------------------------------------------------------------------
    def _queue(self, parsed: AvatarRequest, owner: str, max_usd: float, steps: list[Step], scenes: list[Scene],
               captions: str, group_id: str | None = None,
               base_parts: list[dict] | None = None) -> tuple[list[str], str, list[dict]]:
        """Build every job (voice then avatar per scene, then the finishing job), reserve all paid runs
        in one transaction, then queue them."""
        ratio = 1.0 if parsed.confirm_usd is None or not max_usd else max(parsed.confirm_usd / max_usd, 1.0)
        group_id = group_id or uuid4().hex[:12]
        asked = parsed.model_dump(mode="json", exclude={"confirm_usd", "confirm", "estimate_only", "run_again"})
        jobs: list[Job] = []
        entries = []
        voice_jobs: dict[int, str] = {}
        rows = []
        parent = parsed.audio_id if parsed.audio_id and is_asset_id(parsed.audio_id) else None
        for step in steps:
            result = step.result
            if step.role == "avatar" and step.scene in voice_jobs:
                result = self._repoint(step, owner, f"{PENDING}{voice_jobs[step.scene]}")
            waits = step.role == "avatar" and step.scene in voice_jobs  # its parent is the voice it waits for
            made, owed = self.d.runs(result, owner, None if waits else parent, result.max_usd * ratio, "generate",
                                     group_id)
            for job in made:
                job.payload = {**job.payload, "title": title_of(parsed, step), "scene": step.scene, "role": step.role,
                               "avatar_request": asked}
            jobs += made
            entries += owed
            if step.role == "voice":
                voice_jobs[step.scene] = made[0].id
            rows.append((step, made[0].id))
        finish = self._finish_job(parsed, owner, group_id, rows, scenes, captions, base_parts)
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
                    captions: str, base_parts: list[dict] | None = None) -> Job | None:
        avatars = [(step, job_id) for step, job_id in rows if step.role == "avatar"]
        voices = {step.scene: job_id for step, job_id in rows if step.role == "voice"}
        offline = all(step.result.model and step.result.model.offline for step, _ in avatars)
        if not base_parts and len(avatars) == 1 and (captions == "off" or (offline and captions == "burn"
                                                                           and not scenes)):
            return None
        texts = {scene.index: scene.text for scene in scenes}
        parts = [{"scene": step.scene, "avatar_job": job_id, "voice_job": voices.get(step.scene),
                  "text": texts.get(step.scene, "") if scenes else self._audio_script(parsed.audio_id, owner),
                  "audio_file": step.audio_file}
                 for step, job_id in avatars]
        if base_parts:  # a scene made again: the other scenes stay as they were
            again = {p["scene"]: p for p in parts}
            parts = [again.get(p["scene"], p) for p in base_parts]
        asked = parsed.model_dump(mode="json", exclude={"confirm_usd", "confirm", "estimate_only"})
        return Job(owner=owner, kind=FINISH_KIND, group_id=group_id, operation="captions", provider="local",
                   model="local-ffmpeg", payload={"parts": parts, "captions": captions, "platform": parsed.platform,
                                                  "burned": offline, "title": title_of(parsed, None),
                                                  "request": asked})


__all__ = ["AvatarDeps", "AvatarService", "pick_model", "speech_models"]

"""The free last step of an avatar request: wait for every scene's avatar, join the scenes in
order, and put the captions (timed to the speech) on, or deliver them as SRT.

Each scene's words come from its voice file's word track (the offline voice marks every word)
or, for a voice without one, from the scene's script spread over the measured speech; they are
shifted by the lengths of the scenes before. A scene that failed ends this step with a message
naming it; the scenes that were made stay in the library. Nothing is written until it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.avatar import join_scenes
from core.errors import InvalidInput, ProviderFailed, StudioError
from core.jobs.runner import JobContext
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus
from core.library.repository import Library
from core.media.probe import probe
from core.storage import MediaStore, safe_name
from core.voice.captions import burn_captions, captions_from_timings, srt_text
from core.voice.timing import WordTiming, spread_timings
from core.voice.track import read_words

FINISH_KIND = "avatar_finish"
WAIT_S = 2.0


def words_for(audio: str | Path, script: str | None) -> list[WordTiming] | None:
    """The spoken words of a voice file with their times: its word track, else `script` spread over
    its measured length; None when neither is known."""
    try:
        words = read_words(Path(audio))
    except (InvalidInput, OSError):
        words = None
    if words:
        return words
    if script and script.strip():
        return spread_timings(script.strip(), probe(audio).duration_s)
    return None


@dataclass
class FinishDeps:
    jobs: JobStore
    library: Library
    store: MediaStore


class FinishHandler:
    """Joins an avatar request's scenes and captions them, once every scene has been made."""

    lane = "render"

    def __init__(self, deps: FinishDeps) -> None:
        self.d = deps

    def on_restart(self, job: Job, ctx: JobContext) -> bool:
        if job.status != JobStatus.QUEUED:
            ctx.update(status=JobStatus.QUEUED, message="Restarted after the app stopped (free, runs again).")
        return True

    def step(self, job: Job, ctx: JobContext) -> float | None:
        if job.cancel_requested:
            ctx.update(status=JobStatus.CANCELLED, message="Cancelled.", eta_s=None)
            return None
        parts = job.payload["parts"]
        scenes = [self.d.jobs.get(p["avatar_job"]) for p in parts]
        done = sum(1 for s in scenes if s.status == JobStatus.SUCCEEDED)
        if any(not JobStatus(s.status).terminal for s in scenes):
            ctx.progress(0.9 * done / len(scenes), f"Waiting for the avatar: {done} of {len(scenes)} "
                         f"scene{'s' if len(scenes) > 1 else ''} made")
            return WAIT_S
        failed = [(p, s) for p, s in zip(parts, scenes) if s.status != JobStatus.SUCCEEDED or not s.asset_ids]
        if failed:
            part, scene = failed[0]
            which = f"Scene {part['scene'] + 1}" if len(parts) > 1 else "The avatar"
            reason = (scene.error or scene.message or scene.status).rstrip(".")
            ctx.fail(ProviderFailed(f"{which} was not made ({reason}). Nothing was joined.",
                                    "The scenes that were made are in your library; run the failed scene again."))
            return None
        ctx.update(status=JobStatus.RUNNING, message="Joining the scenes and putting the captions on",
                   progress=0.9)
        try:
            asset_ids, srt = self._finish(job, parts, scenes)
        except StudioError as exc:
            ctx.fail(exc)
            return None
        ctx.update(status=JobStatus.SUCCEEDED, asset_ids=asset_ids, progress=1.0, eta_s=0.0, actual_usd=0.0,
                   message="Done", payload={**job.payload, "result": {"srt": srt}})
        return None

    def _finish(self, job: Job, parts: list[dict], scenes: list[Job]) -> tuple[list[str], str]:
        owner, payload = job.owner, job.payload
        clips = [self.d.library.get(s.asset_ids[0], owner) for s in scenes]
        words: list[WordTiming] = []
        offset = 0.0
        for part, scene, clip in zip(parts, scenes, clips):
            voice = self._voice_file(part, scene, owner)
            found = words_for(voice, part.get("text")) if voice else None
            words += [WordTiming(w.text, round(w.start + offset, 3), round(w.end + offset, 3)) for w in found or []]
            offset += clip.duration_s
        subs = captions_from_timings(words) if words else None
        base = clips[0]
        made: list[str] = []
        title = payload.get("title") or "Talking presenter"
        if len(clips) > 1:
            base = self._keep(job, lambda dest: join_scenes([c.path for c in clips], dest), title, "avatar",
                              base.id, {"scenes": [c.id for c in clips]})
            made.append(base.id)
        burn = payload.get("captions") in ("burn", "both") and not payload.get("burned") and subs is not None
        if burn:
            captioned = self._keep(job, lambda dest: burn_captions(self.d.store.local(base.path), subs, dest,
                                                                  platform=payload.get("platform")),
                                   f"{title} (captioned)", "captions", base.id,
                                   {"captions": "burned", "platform": payload.get("platform")})
            made.append(captioned.id)
        return made or [base.id], srt_text(subs) if subs is not None else ""

    def _voice_file(self, part: dict, scene: Job, owner: str) -> str | None:
        if part.get("voice_job"):
            voice = self.d.jobs.get(part["voice_job"])
            return self.d.library.get(voice.asset_ids[0], owner).path if voice.asset_ids else None
        return scene.payload.get("request", {}).get("audio")

    def _keep(self, job: Job, make, title: str, operation: str, parent_id: str, settings: dict):
        scratch = self.d.store.scratch(".mp4")
        try:
            make(scratch)
            dest = self.d.store.new_path(job.owner, ".mp4", safe_name(title))
            self.d.store.commit(scratch, dest)
        finally:
            scratch.unlink(missing_ok=True)
        return self.d.library.add(dest, owner=job.owner, operation=operation, provider="local", model="ffmpeg",
                                  settings=settings, parent_id=parent_id, job_id=job.id, title=title)

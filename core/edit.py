"""Edit, Enhance and Transform: local op chains as render jobs, previews, and AI edits via providers.

Applying a chain makes a new asset whose parent is the source (the source is never changed);
local work is free and runs as a job on the render lane with progress read from ffmpeg.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

from core.errors import InvalidInput
from core.jobs.runner import JobContext
from core.library.models import Job
from core.media.compare import split_compare
from core.media.ops import chain_from_dicts
from core.media.ops_output import format_label
from core.media.plan import build_plan
from core.media.render import render
from core.storage import safe_name

if TYPE_CHECKING:
    from core.studio import Studio

RENDER_KIND = "render"
SUFFIXES = {"mp4": ".mp4", "mov": ".mov", "webm": ".webm", "gif": ".gif"}
AI_OPERATIONS = ("background-removal", "instruction-edit", "retake", "extend", "upscale", "restyle",
                 "outpaint", "sound", "translate")


def output_suffix(ops: list[dict]) -> str:
    """The file suffix a chain writes (its format op's container; MP4 otherwise)."""
    for op in ops:
        if op.get("kind") == "format":
            return SUFFIXES.get(op.get("container", "mp4"), ".mp4")
    return ".mp4"


def check_chain(ops: list[dict]) -> list[dict]:
    """Parse every op now so a bad setting is refused before a job exists."""
    if not ops:
        raise InvalidInput("Nothing to apply.", "Choose at least one edit.")
    chain_from_dicts(ops)
    return ops


def _describe(width: int, height: int, fps: float, seconds: float) -> str:
    short = min(width, height)
    return f"{short}p ({width}x{height}) @ {fps:g} fps, {seconds:.1f} s"


class EditService:
    """Local and AI operations on library assets."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        studio.register_local_work(RENDER_KIND, self._render_job)

    def describe(self, asset_id: str) -> dict:
        asset = self.studio.library.get(asset_id)
        info = self.studio.media_cache.probe(asset.path)
        return {**info.to_dict(), "summary": info.summary(), "asset_id": asset_id, "title": asset.title}

    def outcome(self, asset_id: str, ops: list[dict]) -> str:
        """What the chain turns the clip into: '854x480 @ 24 fps, 5.0 s -> 1920x1080 @ 60 fps, 5.0 s'."""
        source = self.studio.library.get(asset_id)
        info = self.studio.media_cache.probe(source.path)
        before = _describe(info.width, info.height, info.fps, info.duration_s)
        if not ops:
            return before
        plan = self._plan(source.path, ops, info)
        state, output = plan.state, plan.output
        after = _describe(state.width, state.height, state.fps, state.duration)
        sound = "with sound" if state.has_audio else "no sound"
        summary = f"{before} -> {after}, {format_label(output.container, output.codec)}, {sound}"
        if output.codec == "gif" and output.compress:
            summary += (f" - at most {output.compress.target_mb:g} MB: the width, then the frame rate,"
                        " drop until it fits")
        return summary

    def _plan(self, path: str, ops: list[dict], info=None):
        """The render plan (pure: probes, no rendering); raises InvalidInput for impossible settings."""
        info = info or self.studio.media_cache.probe(path)
        return build_plan(info, chain_from_dicts(ops), self.studio.store.scratch(output_suffix(ops)))

    def strip(self, asset_id: str, count: int = 10) -> str:
        """A strip of evenly spaced frames, for finding trim points."""
        return str(self.studio.media_cache.frame_strip(self.studio.library.get(asset_id).path, count=count))

    def preview(self, asset_id: str, ops: list[dict]) -> dict:
        """A short, low-resolution render of the chain (first 3 s) to look at before applying; the
        same chain on the same clip is answered from the derived-media cache."""
        source = self.studio.library.get(asset_id)
        dest = self.studio.media_cache.preview(source.path, check_chain(ops))
        return {"path": str(dest), "summary": self.studio.media_cache.probe(dest).summary()}

    def compare(self, original_id: str, enhanced_id: str) -> dict:
        """One split-frame clip (left half original, right half enhanced) at the enhanced size and
        frame rate, to look at; it is not added to the library."""
        original, enhanced = self.studio.library.get(original_id), self.studio.library.get(enhanced_id)
        dest = self.studio.store.scratch(".mp4")
        info = split_compare(Path(original.path), Path(enhanced.path), dest)
        return {"path": str(dest), "summary": info.summary()}

    def apply(self, asset_id: str, ops: list[dict], user: str | None = None, *, operation: str = "edit",
              title: str = "", group_id: str | None = None) -> str:
        """Queue the chain over one asset; returns the job id. The result is a new asset version."""
        source = self.studio.library.get(asset_id, self.studio.user(user))
        self._plan(source.path, check_chain(ops))  # refuse impossible settings before a job exists
        for op in ops:
            if op.get("kind") == "join":
                for clip in op.get("clips", []):
                    if not Path(clip).exists():
                        raise InvalidInput("A clip to join is missing.", "Pick the clips again.")
        payload = {"source_asset_id": source.id, "ops": ops, "operation": operation,
                   "title": title or f"{source.title} ({operation})"}
        return self.studio.enqueue_local(RENDER_KIND, user, payload, operation=operation, group_id=group_id)

    def apply_batch(self, asset_ids: list[str], ops: list[dict], user: str | None = None, *,
                    operation: str = "edit") -> dict:
        """The same chain over several assets as one job group."""
        if not asset_ids:
            raise InvalidInput("No assets were chosen.", "Select one or more videos.")
        group_id = uuid4().hex[:12]
        ids = [self.apply(a, ops, user, operation=operation, group_id=group_id) for a in asset_ids]
        return {"group_id": group_id, "job_ids": ids}

    def join(self, asset_ids: list[str], transition: str = "fade", duration: float = 0.5,
             user: str | None = None) -> str:
        """Join clips in order with a transition between each pair."""
        if len(asset_ids) < 2:
            raise InvalidInput("Joining needs at least two clips.", "Select two or more videos.")
        clips = [self.studio.library.get(a).path for a in asset_ids[1:]]
        op = {"kind": "join", "clips": clips, "transition": transition, "duration": duration}
        return self.apply(asset_ids[0], [op], user, operation="join", title="Joined clips")

    def ai_request(self, asset_id: str, operation: str, prompt: str = "", model: str = "auto",
                   options: dict | None = None, resolution: str | None = None) -> dict:
        """The Create-style request for a provider edit of an asset (estimate it or create it)."""
        if operation not in AI_OPERATIONS:
            raise InvalidInput(f"Unknown AI edit '{operation}'.", f"Use one of: {', '.join(AI_OPERATIONS)}.")
        source = self.studio.library.get(asset_id)
        return {"operation": operation, "video": source.path, "prompt": prompt, "model": model or "auto",
                "options": options or {}, "resolution": resolution, "aspect": None}

    def ai_estimate(self, asset_id: str, operation: str, **kwargs) -> dict:
        return self.studio.estimate(self.ai_request(asset_id, operation, **kwargs))

    def ai_apply(self, asset_id: str, operation: str, user: str | None = None, confirm: bool = False,
                 **kwargs) -> dict:
        return self.studio.create(self.ai_request(asset_id, operation, **kwargs), user, confirm,
                                  parent_id=asset_id)

    # -- the job -----------------------------------------------------------------------------
    def _render_job(self, job: Job, ctx: JobContext) -> list[str]:
        s = self.studio
        source = s.library.get(job.payload["source_asset_id"])
        ops = job.payload["ops"]
        suffix = output_suffix(ops)
        scratch = s.store.scratch(suffix)
        render(Path(source.path), ops, scratch,
               on_progress=lambda fraction, label: ctx.progress(fraction, label),
               should_cancel=ctx.cancel_requested)
        dest = s.store.new_path(job.owner, suffix, safe_name(job.payload["title"]))
        s.store.commit(scratch, dest)
        asset = s.library.add(dest, owner=job.owner, operation=job.payload["operation"], provider="local",
                              model="ffmpeg", settings={"ops": ops}, parent_id=source.id, job_id=job.id,
                              title=job.payload["title"], prompt=source.prompt)
        return [asset.id]

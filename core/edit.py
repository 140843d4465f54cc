"""Edit, Enhance and Transform: local op chains as render jobs, previews, and AI edits via providers.

Applying a chain makes a new asset whose parent is the source (the source is never changed);
local work is free and runs as a job on the render lane with progress read from ffmpeg.
"""

from __future__ import annotations

import hashlib
import re
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
MAX_LUT_BYTES = 16_000_000
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
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
    """Local and AI operations on library assets, each scoped to its owner."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        studio.register_local_work(RENDER_KIND, self._render_job)

    def _source(self, asset_id: str, owner: str):
        return self.studio.library.get(asset_id, owner)


    # -- ops from clients: media by asset id, LUTs by content, never a server path ----------
    def client_ops(self, ops: list[dict], owner: str) -> list[dict]:
        """Check a chain's media references and store what they need: join `clips` must be the
        owner's asset ids; a `lut` comes as `cube` (the .cube file's text) and is kept as `lut_id`."""
        if not isinstance(ops, list) or not all(isinstance(op, dict) for op in ops):
            raise InvalidInput("ops must be a list of operations (objects with a kind).", "See the README.")
        out = []
        for op in ops:
            if op.get("kind") == "join":
                clips = op.get("clips")
                if not isinstance(clips, list) or not all(isinstance(c, str) for c in clips):
                    raise InvalidInput("join clips must be a list of your asset ids.", "Pick the clips again.")
                for clip in clips:
                    self._source(clip, owner)
            elif op.get("kind") == "lut":
                op = self._store_lut(op)
            out.append(op)
        return out

    def _store_lut(self, op: dict) -> dict:
        if "path" in op:
            raise InvalidInput("A LUT is sent as its text (`cube`), not as a server path.",
                               "Read the .cube file and send its text in `cube`.")
        if "lut_id" in op and "cube" not in op:
            if not isinstance(op["lut_id"], str) or not _HEX64.match(op["lut_id"]) \
                    or not self._lut_path(op["lut_id"]).is_file():
                raise InvalidInput("That LUT is not known here.", "Send the .cube file's text in `cube`.")
            return op
        cube = op.get("cube")
        if not isinstance(cube, str) or not cube.strip():
            raise InvalidInput("The lut op needs `cube`: the text of a .cube 3D LUT file.")
        data = cube.encode()
        if len(data) > MAX_LUT_BYTES:
            raise InvalidInput(f"The LUT is larger than {MAX_LUT_BYTES / 1e6:g} MB.", "Use a smaller 3D LUT.")
        lut_id = hashlib.sha256(data).hexdigest()
        path = self._lut_path(lut_id)
        if not path.exists():
            tmp = self.studio.store.scratch(".cube")
            tmp.write_bytes(data)
            tmp.replace(path)
        return {k: v for k, v in op.items() if k != "cube"} | {"lut_id": lut_id}

    def _lut_path(self, lut_id: str) -> Path:
        folder = self.studio.store.work_dir / "luts"
        folder.mkdir(exist_ok=True)
        return folder / f"{lut_id}.cube"

    def engine_ops(self, ops: list[dict], owner: str) -> list[dict]:
        """Stored ops -> what the media engine reads (files by path), resolved for `owner`."""
        out = []
        for op in ops:
            if op.get("kind") == "join":
                op = {**op, "clips": [self._source(c, owner).path for c in op.get("clips", [])]}
            elif op.get("kind") == "lut":
                op = {k: v for k, v in op.items() if k != "lut_id"} | {"path": str(self._lut_path(op["lut_id"]))}
            out.append(op)
        return out

    def _ready(self, ops: list[dict], owner: str) -> list[dict]:
        return self.engine_ops(self.client_ops(ops, owner), owner)

    # -- what a chain will do ----------------------------------------------------------------
    def describe(self, asset_id: str, *, owner: str) -> dict:
        asset = self._source(asset_id, owner)
        info = self.studio.media_cache.probe(asset.path)
        return {**info.to_dict(), "summary": info.summary(), "asset_id": asset.id, "title": asset.title}

    def outcome(self, asset_id: str, ops: list[dict], *, owner: str) -> str:
        """What the chain turns the clip into: '854x480 @ 24 fps, 5.0 s -> 1920x1080 @ 60 fps, 5.0 s'."""
        source = self._source(asset_id, owner)
        info = self.studio.media_cache.probe(source.path)
        before = _describe(info.width, info.height, info.fps, info.duration_s)
        if not ops:
            return before
        plan = self._plan(source.path, self._ready(ops, owner), info)
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

    def strip(self, asset_id: str, count: int = 10, *, owner: str) -> str:
        """A strip of evenly spaced frames, for finding trim points."""
        return str(self.studio.media_cache.frame_strip(self._source(asset_id, owner).path, count=count))

    def preview(self, asset_id: str, ops: list[dict], *, owner: str) -> dict:
        """A short, low-resolution render of the chain (first 3 s) to look at before applying; the
        same chain on the same clip is answered from the derived-media cache."""
        source = self._source(asset_id, owner)
        dest = self.studio.media_cache.preview(source.path, check_chain(self._ready(ops, owner)))
        return {"path": str(dest), "summary": self.studio.media_cache.probe(dest).summary()}

    def compare(self, original_id: str, enhanced_id: str, *, owner: str) -> dict:
        """One split-frame clip (left half original, right half enhanced) at the enhanced size and
        frame rate, to look at; it is not added to the library."""
        original, enhanced = self._source(original_id, owner), self._source(enhanced_id, owner)
        dest = self.studio.store.scratch(".mp4")
        info = split_compare(Path(original.path), Path(enhanced.path), dest)
        return {"path": str(dest), "summary": info.summary()}

    # -- applying ----------------------------------------------------------------------------
    def apply(self, asset_id: str, ops: list[dict], *, owner: str, operation: str = "edit",
              title: str = "", group_id: str | None = None) -> str:
        """Queue the chain over one asset; returns the job id. The result is a new asset version."""
        source = self._source(asset_id, owner)
        stored = self.client_ops(ops, owner)
        self._plan(source.path, check_chain(self.engine_ops(stored, owner)))  # refused before a job exists
        payload = {"source_asset_id": source.id, "ops": stored, "operation": operation,
                   "title": title or f"{source.title} ({operation})"}
        clips = [c for op in stored if op.get("kind") == "join" for c in op.get("clips", [])]
        return self.studio.enqueue_local(RENDER_KIND, payload, owner=owner, operation=operation,
                                         group_id=group_id, inputs=(source.id, *clips))

    def apply_batch(self, asset_ids: list[str], ops: list[dict], *, owner: str, operation: str = "edit") -> dict:
        """The same chain over several assets as one job group."""
        if not asset_ids:
            raise InvalidInput("No assets were chosen.", "Select one or more videos.")
        for asset_id in asset_ids:  # all or nothing: someone else's id stops the whole batch
            self._source(asset_id, owner)
        group_id = uuid4().hex[:12]
        ids = [self.apply(a, ops, owner=owner, operation=operation, group_id=group_id) for a in asset_ids]
        return {"group_id": group_id, "job_ids": ids}

    def join(self, asset_ids: list[str], transition: str = "fade", duration: float = 0.5, *, owner: str) -> str:
        """Join clips in order with a transition between each pair."""
        if not isinstance(asset_ids, list) or len(asset_ids) < 2:
            raise InvalidInput("Joining needs at least two clips.", "Select two or more videos.")
        op = {"kind": "join", "clips": list(asset_ids[1:]), "transition": transition, "duration": duration}
        return self.apply(asset_ids[0], [op], owner=owner, operation="join", title="Joined clips")

    def ai_request(self, asset_id: str, operation: str, *, owner: str, prompt: str = "", model: str = "auto",
                   options: dict | None = None, resolution: str | None = None) -> dict:
        """The Create-style request for a provider edit of an asset (estimate it or create it)."""
        if operation not in AI_OPERATIONS:
            raise InvalidInput(f"Unknown AI edit '{operation}'.", f"Use one of: {', '.join(AI_OPERATIONS)}.")
        source = self._source(asset_id, owner)
        return {"operation": operation, "video": source.id, "prompt": prompt, "model": model or "auto",
                "options": options or {}, "resolution": resolution, "aspect": None}

    def ai_estimate(self, asset_id: str, operation: str, *, owner: str, **kwargs) -> dict:
        return self.studio.estimate(self.ai_request(asset_id, operation, owner=owner, **kwargs), owner=owner)

    def ai_apply(self, asset_id: str, operation: str, *, owner: str, confirm: bool = False, **kwargs) -> dict:
        return self.studio.create(self.ai_request(asset_id, operation, owner=owner, **kwargs), owner=owner,
                                  confirm=confirm, parent_id=asset_id)

    # -- the job -----------------------------------------------------------------------------
    def _render_job(self, job: Job, ctx: JobContext) -> list[str]:
        s = self.studio
        source = s.library.get(job.payload["source_asset_id"], job.owner)
        ops = job.payload["ops"]
        suffix = output_suffix(ops)
        scratch = s.store.scratch(suffix)
        render(Path(source.path), self.engine_ops(ops, job.owner), scratch,
               on_progress=lambda fraction, label: ctx.progress(fraction, label),
               should_cancel=ctx.cancel_requested)
        dest = s.store.new_path(job.owner, suffix, safe_name(job.payload["title"]))
        s.store.commit(scratch, dest)
        asset = s.library.add(dest, owner=job.owner, operation=job.payload["operation"], provider="local",
                              model="ffmpeg", settings={"ops": ops}, parent_id=source.id, job_id=job.id,
                              title=job.payload["title"], prompt=source.prompt)
        return [asset.id]

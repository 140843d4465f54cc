"""Edit, Enhance and Transform: local op chains as render jobs, previews, and AI edits via providers.

Applying a chain makes a new asset whose parent is the source (the source is never changed);
local work is free and runs as a job on the render lane with progress read from ffmpeg.
Requests arrive through core.boundary.edit. Media inside ops never name a server path: join
clips are the caller's asset ids, a LUT comes as its .cube text (kept by content as `lut_id`).
Jobs store ops that way and resolve them to files only when they run (`engine_ops`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from core.boundary import parse, parse_value
from core.boundary.edit import AiEditRequest, BatchRequest, ChainRequest, CompareRequest, EditRequest, JoinRequest
from core.boundary.library import ASSET_ID
from core.errors import InvalidInput, NotFound
from core.jobs.local_work import LocalJobs
from core.jobs.runner import JobContext
from core.library.cache import MediaCache
from core.library.models import Asset, Job
from core.library.repository import Library
from core.media.compare import split_compare
from core.media.ops import chain_from_dicts
from core.media.ops_output import format_label
from core.media.plan import build_plan
from core.media.render import render
from core.storage import MediaStore, safe_name

RENDER_KIND = "render"
SUFFIXES = {"mp4": ".mp4", "mov": ".mov", "webm": ".webm", "gif": ".gif"}
MAX_LUT_BYTES = 16_000_000


def output_suffix(ops: list[dict]) -> str:
    """The file suffix a chain writes (its format op's container; MP4 otherwise)."""
    for op in ops:
        if op.get("kind") == "format":
            return SUFFIXES.get(op.get("container", "mp4"), ".mp4")
    return ".mp4"


def check_chain(ops: list[dict]) -> list[dict]:
    """Build every op now so a bad setting is refused (naming the op) before a job exists."""
    if not ops:
        raise InvalidInput("Nothing to apply.", "Choose at least one edit.", field="ops")
    for index, op in enumerate(ops):
        try:
            chain_from_dicts([op])
        except InvalidInput as exc:
            raise InvalidInput(f"ops.{index} ({op.get('kind')}): {exc.message}", exc.hint,
                               field=f"ops.{index}") from None
    return ops


def _describe(width: int, height: int, fps: float, seconds: float) -> str:
    short = min(width, height)
    return f"{short}p ({width}x{height}) @ {fps:g} fps, {seconds:.1f} s"


@dataclass
class EditDeps:
    """What editing needs: the library, scratch space, local jobs, and the priced create path."""

    library: Library
    store: MediaStore
    local_jobs: LocalJobs
    cache: MediaCache  # probes, frame strips and previews by content
    estimate: Callable[..., dict]  # CreateService.estimate
    create: Callable[..., dict]  # CreateService.create


class EditService:
    """Local and AI operations on the caller's library assets."""

    def __init__(self, deps: EditDeps) -> None:
        self.d = deps
        deps.local_jobs.register(RENDER_KIND, self._render_job)

    def _asset(self, asset_id, owner: str, field: str = "asset_id") -> Asset:
        return self.d.library.get(parse_value(ASSET_ID, asset_id, field), owner)

    def describe(self, asset_id: str, *, owner: str) -> dict:
        asset = self._asset(asset_id, owner)
        info = self.d.cache.probe(asset.path)
        return {**info.to_dict(), "summary": info.summary(), "asset_id": asset.id, "title": asset.title}

    def outcome(self, request: dict | ChainRequest, *, owner: str) -> str:
        """What the chain turns the clip into: '854x480 @ 24 fps, 5.0 s -> 1920x1080 @ 60 fps, 5.0 s'."""
        parsed = parse(ChainRequest, request)
        source = self._asset(parsed.asset_id, owner)
        info = self.d.cache.probe(source.path)
        before = _describe(info.width, info.height, info.fps, info.duration_s)
        if not parsed.ops:
            return before
        plan = self._plan(source.path, self._ready(parsed.op_dicts(), owner), info)
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
        return build_plan(info or self.d.cache.probe(path), chain_from_dicts(check_chain(ops)),
                          self.d.store.scratch(output_suffix(ops)))

    # -- media inside ops: stored by id (clips) or content (LUTs), files only when used --------
    def client_ops(self, ops: list[dict], owner: str) -> list[dict]:
        """Parsed ops -> the form jobs keep: join clips checked to be the owner's assets (someone
        else's id reads like a missing one), a LUT's text stored by content as `lut_id`."""
        out = []
        for op in ops:
            if op["kind"] == "join":
                for clip in op["clips"]:
                    self._asset(clip, owner)
            elif op["kind"] == "soundtrack":
                self._asset(op["audio"], owner, "audio")
            elif op["kind"] == "lut":
                op = self._store_lut(op)
            out.append(op)
        return out

    def engine_ops(self, ops: list[dict], owner: str) -> list[dict]:
        """Kept ops -> what the media engine reads (files by path), resolved for `owner`."""
        out = []
        for op in ops:
            if op.get("kind") == "join":
                op = {**op, "clips": [self._asset(c, owner).path for c in op.get("clips", [])]}
            elif op.get("kind") == "soundtrack":
                op = {**op, "audio": self._asset(op["audio"], owner, "audio").path}
            elif op.get("kind") == "lut":
                op = {"kind": "lut", "path": str(self._lut_path(op["lut_id"]))}
            out.append(op)
        return out

    def _ready(self, ops: list[dict], owner: str) -> list[dict]:
        return self.engine_ops(self.client_ops(ops, owner), owner)

    def _store_lut(self, op: dict) -> dict:
        if op.get("cube") is None:
            if not self._lut_path(op["lut_id"]).is_file():
                raise InvalidInput("That LUT is not known here.", "Send the .cube file's text in `cube`.",
                                   field="lut_id")
            return {"kind": "lut", "lut_id": op["lut_id"]}
        data = op["cube"].encode()
        if len(data) > MAX_LUT_BYTES:
            raise InvalidInput(f"The LUT is larger than {MAX_LUT_BYTES / 1e6:g} MB.", "Use a smaller 3D LUT.",
                               field="cube")
        lut_id = hashlib.sha256(data).hexdigest()
        path = self._lut_path(lut_id)
        if not path.exists():
            tmp = self.d.store.scratch(".cube")
            tmp.write_bytes(data)
            tmp.replace(path)
        return {"kind": "lut", "lut_id": lut_id}

    def _lut_path(self, lut_id: str) -> Path:
        folder = self.d.store.work_dir / "luts"
        folder.mkdir(exist_ok=True)
        return folder / f"{lut_id}.cube"

    def strip(self, asset_id: str, *, owner: str, count: int = 10) -> str:
        """A strip of evenly spaced frames, for finding trim points."""
        return str(self.d.cache.frame_strip(self._asset(asset_id, owner).path, count=count))

    def preview(self, request: dict | ChainRequest, *, owner: str) -> dict:
        """A short, low-resolution render of the chain (first 3 s) to look at before applying; the
        same chain on the same clip is answered from the derived-media cache."""
        parsed = parse(ChainRequest, request)
        source = self._asset(parsed.asset_id, owner)
        dest = self.d.cache.preview(source.path, check_chain(self._ready(parsed.op_dicts(), owner)))
        return {"path": str(dest), "summary": self.d.cache.probe(dest).summary()}

    def compare(self, request: dict | CompareRequest, *, owner: str) -> dict:
        """One split-frame clip (left half original, right half enhanced) at the enhanced size and
        frame rate, to look at; it is not added to the library."""
        parsed = parse(CompareRequest, request)
        original = self._asset(parsed.original_id, owner, "original_id")
        enhanced = self._asset(parsed.enhanced_id, owner, "enhanced_id")
        dest = self.d.store.scratch(".mp4")
        info = split_compare(Path(original.path), Path(enhanced.path), dest)
        return {"path": str(dest), "summary": info.summary()}

    def apply(self, request: dict | EditRequest, *, owner: str, group_id: str | None = None) -> str:
        """Queue the chain over one asset; returns the job id. The result is a new asset version."""
        parsed = parse(EditRequest, request)
        return self._queue(self._asset(parsed.asset_id, owner), parsed.op_dicts(), owner, parsed.operation,
                           parsed.title, group_id)

    def _queue(self, source: Asset, ops: list[dict], owner: str, operation: str, title: str,
               group_id: str | None = None) -> str:
        stored = self.client_ops(ops, owner)
        self._plan(source.path, self.engine_ops(stored, owner))  # refuse impossible settings before a job exists
        payload = {"source_asset_id": source.id, "ops": stored, "operation": operation,
                   "title": title or f"{source.title} ({operation})"}
        clips = [c for op in stored if op.get("kind") == "join" for c in op.get("clips", [])]
        clips += [op["audio"] for op in stored if op.get("kind") == "soundtrack"]
        return self.d.local_jobs.enqueue(RENDER_KIND, owner, payload, operation=operation, group_id=group_id,
                                         inputs=(source.id, *clips))

    def apply_batch(self, request: dict | BatchRequest, *, owner: str) -> dict:
        """The same chain over several assets as one job group."""
        parsed = parse(BatchRequest, request)
        group_id = uuid4().hex[:12]
        sources = [self._asset(a, owner, f"asset_ids.{n}") for n, a in enumerate(parsed.asset_ids)]
        ids = [self._queue(source, parsed.op_dicts(), owner, parsed.operation, "", group_id) for source in sources]
        return {"group_id": group_id, "job_ids": ids}

    def join(self, request: dict | JoinRequest, *, owner: str) -> str:
        """Join clips in order with a transition between each pair."""
        parsed = parse(JoinRequest, request)
        op = {"kind": "join", "clips": parsed.asset_ids[1:], "transition": parsed.transition,
              "duration": parsed.duration}
        return self._queue(self._asset(parsed.asset_ids[0], owner, "asset_ids.0"), [op], owner, "join",
                           "Joined clips")

    def ai_request(self, parsed: AiEditRequest, owner: str) -> dict:
        """The Create-style request for a provider edit of the caller's asset (NotFound for anyone
        else's, exactly like a missing one); its video is named by asset id."""
        source = self._asset(parsed.asset_id, owner)
        return {"operation": parsed.operation, "video": source.id, "prompt": parsed.prompt,
                "model": parsed.model, "options": parsed.options, "resolution": parsed.resolution,
                "image": parsed.image_id, "consent": parsed.consent,
                "confirm_usd": parsed.confirm_usd, "confirm": parsed.confirm, "run_again": parsed.run_again}

    def ai_estimate(self, request: dict | AiEditRequest, *, owner: str) -> dict:
        return self.d.estimate(self.ai_request(parse(AiEditRequest, request), owner), owner=owner)

    def ai_apply(self, request: dict | AiEditRequest, *, owner: str) -> dict:
        parsed = parse(AiEditRequest, request)
        if parsed.estimate_only:  # priced only: shaped like every paid endpoint's answer, nothing sent
            answer = self.d.estimate(self.ai_request(parsed, owner), owner=owner)
            return {**answer, "ok": answer["allowed"], "job_ids": []}
        return self.d.create(self.ai_request(parsed, owner), owner=owner, parent_id=parsed.asset_id)

    # -- the job -----------------------------------------------------------------------------
    def _render_job(self, job: Job, ctx: JobContext) -> list[str]:
        d = self.d
        source = d.library.get(job.payload["source_asset_id"], job.owner)
        ops = job.payload["ops"]
        suffix = output_suffix(ops)
        scratch = d.store.scratch(suffix)
        render(Path(source.path), self.engine_ops(ops, job.owner), scratch,
               on_progress=lambda fraction, label: ctx.progress(fraction, label),
               should_cancel=ctx.cancel_requested)
        dest = d.store.new_path(job.owner, suffix, safe_name(job.payload["title"]))
        d.store.commit(scratch, dest)
        asset = d.library.add(dest, owner=job.owner, operation=job.payload["operation"], provider="local",
                              model="ffmpeg", settings={"ops": ops}, parent_id=source.id, job_id=job.id,
                              title=job.payload["title"], prompt=source.prompt)
        return [asset.id]

"""The offline provider: free draft renders on this machine, no API key, honestly labelled.

Image-to-video moves a camera over the photo (motion preset); text-to-video animates a
storyboard card of the prompt in the template's style. Renders run one at a time on a
background thread; poll() reports ffmpeg's real progress. Outputs live in
`<work_dir>/<task id>/draft.mp4` until fetch() moves them away, so a finished draft
survives a restart; a render cut short by a restart polls as failed and is free to run again.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.contracts import GenerationRequest, ModelSpec, Operation, TaskState, TaskStatusName
from core.errors import Cancelled, NotFound, StudioError
from providers.local_inputs import RenderPlan, plan_render, prepare_still
from providers.local_render import render, still_canvas

log = logging.getLogger(__name__)

OUTPUT_NAME = "draft.mp4"
TASK_ID = re.compile(r"^local-[0-9a-f]{32}$")
INTERRUPTED = "offline draft was interrupted; it is free to run again"
STALE_AFTER_S = 6 * 3600


@dataclass
class _Task:
    """One render's live state, shared between the worker thread and poll()."""

    folder: Path
    plan: RenderPlan
    status: TaskStatusName = "queued"
    progress: float = 0.0
    started: float | None = None
    error: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def output(self) -> Path:
        return self.folder / OUTPUT_NAME

    def on_progress(self, fraction: float, _label: str) -> None:
        self.progress = max(self.progress, min(fraction, 1.0))

    def eta_s(self) -> float | None:
        """Seconds left, extrapolated from ffmpeg's real progress so far."""
        if self.status != "running" or self.started is None or self.progress < 0.05:
            return None
        elapsed = time.monotonic() - self.started
        return round(elapsed * (1 - self.progress) / self.progress, 1)


class LocalProvider:
    """Free offline drafts; implements core.contracts.Provider."""

    name = "local"
    free = True

    def __init__(self, work_dir: Path, *, workers: int = 1) -> None:
        self.root = Path(work_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="local-draft")
        self._sweep_stale()

    def configured(self) -> bool:
        return True

    def submit(self, model: ModelSpec, request: GenerationRequest) -> str:
        """Validate the request and its files now (InvalidInput), then render in the background."""
        plan = plan_render(request)
        task_id = f"local-{uuid.uuid4().hex}"
        folder = self.root / task_id
        try:
            if plan.operation == Operation.IMAGE_TO_VIDEO:
                prepare_still(plan.image, folder / "still.png", still_canvas(plan))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        task = _Task(folder=folder, plan=plan)
        with self._lock:
            self._tasks[task_id] = task
        self._pool.submit(self._run, task)
        return task_id

    def poll(self, model: ModelSpec, task_id: str) -> TaskState:
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None:
            return self._poll_unknown(task_id)
        if task.status == "completed":
            return TaskState(status="completed", progress=1.0, outputs=[str(task.output)])
        if task.status in ("failed", "cancelled"):
            return TaskState(status=task.status, progress=task.progress, error=task.error)
        return TaskState(status=task.status, progress=task.progress, eta_s=task.eta_s())

    def fetch(self, output: str, dest: Path) -> Path:
        """Move a finished draft to `dest` (a file path, or a folder to put it in). Safe to repeat."""
        source = Path(output).resolve()
        if not source.is_relative_to(self.root.resolve()):
            raise NotFound(f"{source.name} is not an offline draft of this studio.",
                           "Fetch the task's own output.")
        dest = Path(dest)
        target = dest / f"{source.parent.name}.mp4" if dest.is_dir() else dest
        if not source.exists():
            if target.exists() and target.stat().st_size > 0:
                return target
            raise NotFound("The offline draft file is gone.", "Run the draft again; it is free.")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)  # same filesystem: an atomic rename
        except OSError:
            partial = target.with_name(f".{target.name}.part")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        shutil.rmtree(source.parent, ignore_errors=True)
        return target

    def quote(self, model: ModelSpec, request: GenerationRequest) -> float | None:
        return 0.0

    def balance(self) -> float | None:
        return None

    def cancel(self, task_id: str) -> bool:
        """Ask a queued or running draft to stop. True when the task was known and not finished."""
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None or task.status in ("completed", "failed", "cancelled"):
            return False
        task.cancel.set()
        return True

    def close(self) -> None:
        """Stop accepting work, cancel what is running and wait for the worker to end."""
        with self._lock:
            for task in self._tasks.values():
                task.cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, task: _Task) -> None:
        if task.cancel.is_set():
            self._finish(task, "cancelled", "The offline draft was cancelled before it started.")
            return
        task.status, task.started = "running", time.monotonic()
        partial = task.folder / f".{OUTPUT_NAME}.part"
        try:
            render(task.plan, task.folder, partial, on_progress=task.on_progress,
                   should_cancel=task.cancel.is_set)
            os.replace(partial, task.output)
            self._finish(task, "completed")
        except Cancelled as exc:
            self._finish(task, "cancelled", str(exc))
        except StudioError as exc:
            self._finish(task, "failed", str(exc))
        except Exception as exc:  # a bug must still end the task, never leave it running
            log.exception("offline draft %s crashed", task.folder.name)
            self._finish(task, "failed",
                         f"The offline draft failed unexpectedly ({exc.__class__.__name__}: {exc}).")

    def _finish(self, task: _Task, status: TaskStatusName, error: str = "") -> None:
        for leftover in task.folder.glob("*"):
            if leftover.name != OUTPUT_NAME:
                leftover.unlink(missing_ok=True)
        task.error = error
        if status == "completed":
            task.progress = 1.0
        task.status = status

    def _sweep_stale(self) -> None:
        """Delete scratch folders of renders interrupted long ago (finished drafts are kept)."""
        cutoff = time.time() - STALE_AFTER_S
        for folder in self.root.glob("local-*"):
            if folder.is_dir() and not (folder / OUTPUT_NAME).exists() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    def _poll_unknown(self, task_id: str) -> TaskState:
        """After a restart: a finished draft is still on disk; anything else was interrupted."""
        if not TASK_ID.match(task_id):
            return TaskState(status="failed", error=f"{task_id!r} is not an offline draft task id. "
                                                    "Run the draft again; it is free.")
        folder = self.root / task_id
        if (folder / OUTPUT_NAME).is_file():
            return TaskState(status="completed", progress=1.0, outputs=[str(folder / OUTPUT_NAME)])
        return TaskState(status="failed", error=f"The {INTERRUPTED}.")

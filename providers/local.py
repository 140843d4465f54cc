"""The offline provider: free draft renders on this machine, no API key, honestly labelled.

Image-to-video moves a camera over the photo (motion preset); text-to-video animates a
storyboard card of the prompt in the template's style; text-to-speech speaks a script with the
offline voice (eSpeak NG); avatar makes the offline avatar draft (photo, push-in, waveform,
captions, "DRAFT: no lip sync"). Renders run one at a time on a background thread; poll()
reports real progress. Outputs live in `<work_dir>/<task id>/` (draft.mp4, speech.m4a or
speech.wav) until fetch() moves them away, so a finished draft survives a restart; a render
cut short by a restart polls as failed and is free to run again.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.contracts import GenerationRequest, ModelSpec, Operation, TaskState, TaskStatusName
from core.errors import Cancelled, NotFound, StudioError, fault_words
from core.media.ffmpeg import CancelFn, ProgressFn
from providers.local_avatar import plan_avatar_draft, render_avatar_draft
from providers.local_inputs import plan_render, prepare_still
from providers.local_render import render, still_canvas
from providers.local_voice import plan_speech, synthesize

log = logging.getLogger(__name__)

OUTPUT_NAME = "draft.mp4"
OUTPUT_NAMES = (OUTPUT_NAME, "speech.m4a", "speech.wav")
Work = Callable[[Path, ProgressFn, CancelFn], object]  # (partial output path, progress, cancelled?)
TASK_ID = re.compile(r"^local-[0-9a-f]{32}$")
INTERRUPTED = "offline draft was interrupted; it is free to run again"
STALE_AFTER_S = 6 * 3600


@dataclass
class _Task:
    """One render's live state, shared between the worker thread and poll()."""

    folder: Path
    work: Work
    output_name: str = OUTPUT_NAME
    status: TaskStatusName = "queued"
    progress: float = 0.0
    started: float | None = None
    error: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def output(self) -> Path:
        return self.folder / self.output_name

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
        task_id = f"local-{uuid.uuid4().hex}"
        folder = self.root / task_id
        try:
            folder.mkdir(parents=True, exist_ok=True)
            output_name, work = _prepare(request, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        task = _Task(folder=folder, work=work, output_name=output_name)
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
        target = dest / f"{source.parent.name}{source.suffix}" if dest.is_dir() else dest
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
        partial = task.folder / f".partial-{task.output_name}"  # keeps the suffix ffmpeg reads
        try:
            task.work(partial, task.on_progress, task.cancel.is_set)
            os.replace(partial, task.output)
            self._finish(task, "completed")
        except Cancelled as exc:
            self._finish(task, "cancelled", str(exc))
        except StudioError as exc:
            self._finish(task, "failed", str(exc))
        except Exception as exc:  # a bug must still end the task, never leave it running
            log.exception("offline draft %s crashed", task.folder.name)
            self._finish(task, "failed",
                         f"The offline draft failed unexpectedly ({fault_words(exc)}).")

    def _finish(self, task: _Task, status: TaskStatusName, error: str = "") -> None:
        for leftover in task.folder.glob("*"):
            if leftover.name != task.output_name:
                leftover.unlink(missing_ok=True)
        task.error = error
        if status == "completed":
            task.progress = 1.0
        task.status = status

    def _sweep_stale(self) -> None:
        """Delete scratch folders of renders interrupted long ago (finished drafts are kept)."""
        cutoff = time.time() - STALE_AFTER_S
        for folder in self.root.glob("local-*"):
            if folder.is_dir() and not _finished(folder) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    def _poll_unknown(self, task_id: str) -> TaskState:
        """After a restart: a finished draft is still on disk; anything else was interrupted."""
        if not TASK_ID.match(task_id):
            return TaskState(status="failed", error=f"{task_id!r} is not an offline draft task id. "
                                                    "Run the draft again; it is free.")
        output = _finished(self.root / task_id)
        if output is not None:
            return TaskState(status="completed", progress=1.0, outputs=[str(output)])
        return TaskState(status="failed", error=f"The {INTERRUPTED}.")


def _finished(folder: Path) -> Path | None:
    """The finished output in a task folder, if any."""
    return next((folder / name for name in OUTPUT_NAMES if (folder / name).is_file()), None)


def _prepare(request: GenerationRequest, folder: Path) -> tuple[str, Work]:
    """Check the request now (InvalidInput at submit) and return (output name, the work to run)."""
    operation = Operation(request.operation)
    if operation == Operation.TEXT_TO_SPEECH:
        speech = plan_speech(request)
        return speech.output_name, lambda partial, _progress, _cancel: synthesize(
            speech.text, partial, voice=speech.voice, language=speech.language, speed=speech.speed)
    if operation == Operation.AVATAR:
        avatar = plan_avatar_draft(request, folder)
        return OUTPUT_NAME, lambda partial, progress, cancel: render_avatar_draft(
            avatar.photo, avatar.audio, partial, avatar.size, captions=avatar.captions, platform=avatar.platform,
            duration_s=avatar.duration_s, on_progress=progress, should_cancel=cancel)
    plan = plan_render(request)
    if plan.operation == Operation.IMAGE_TO_VIDEO:
        prepare_still(plan.image, folder / "still.png", still_canvas(plan))
    return OUTPUT_NAME, lambda partial, progress, cancel: render(
        plan, folder, partial, on_progress=progress, should_cancel=cancel)

"""Run the bundled ffmpeg with real progress, cancellation and readable errors."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import cache

import imageio_ffmpeg

from core.errors import Cancelled, MediaError

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


@cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (imageio-ffmpeg's bundled build unless IMAGEIO_FFMPEG_EXE)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float | None = None,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    timeout_s: float | None = None,
    label: str = "render",
) -> str:
    """Run ffmpeg with `args` (without the binary), report progress from `-progress`.

    Progress is the encoder's output time over `duration_s`, so it is what ffmpeg really
    did, not a timer. Returns ffmpeg's stderr; raises MediaError with its last lines.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", *args]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    )
    stderr_tail: deque[str] = deque(maxlen=60)
    reader = threading.Thread(target=_drain, args=(proc.stderr, stderr_tail), daemon=True)
    reader.start()
    started = time.monotonic()
    try:
        for line in proc.stdout:  # type: ignore[union-attr]
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_progress and duration_s:
                seconds = _int_or_zero(value) / 1_000_000
                on_progress(min(seconds / duration_s, 1.0), label)
            if should_cancel and should_cancel():
                proc.kill()
                raise Cancelled("The render was cancelled.")
            if timeout_s and time.monotonic() - started > timeout_s:
                proc.kill()
                raise MediaError(f"ffmpeg took longer than {timeout_s:.0f} s and was stopped.")
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    log = "".join(stderr_tail)
    if proc.returncode != 0:
        raise MediaError(
            f"ffmpeg could not {label}: {_last_error_line(log)}",
            "Check that the input is a readable video, or try other settings.",
        )
    if on_progress:
        on_progress(1.0, label)
    return log


def _drain(stream, sink: deque[str]) -> None:
    for line in stream:
        sink.append(line)


def _int_or_zero(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _last_error_line(log: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if ln.strip()]
    for line in reversed(lines):
        lowered = line.lower()
        if any(word in lowered for word in ("error", "invalid", "no such", "cannot", "failed", "not")):
            return line[-300:]
    return lines[-1][-300:] if lines else "no output"


def threads_arg() -> list[str]:
    """Let ffmpeg use every core we have."""
    return ["-threads", str(os.cpu_count() or 2)]

"""Shared fixtures: an isolated studio home, tiny synthetic clips made with lavfi, no paid calls."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# Paid requests are impossible in the suite: no real keys, and a dead base URL.
for _key in ("WAVESPEED_API_KEY", "HF_TOKEN"):
    os.environ.pop(_key, None)
os.environ["WAVESPEED_BASE_URL"] = "http://127.0.0.1:9"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture
def studio_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(home))
    return home


@pytest.fixture
def studio(studio_home):
    """A started studio with no keys (only the offline provider is configured)."""
    from app import build_studio
    from core.settings import Settings

    instance = build_studio(Settings()).start()
    yield instance
    instance.stop()


def _ffmpeg() -> str:
    from core.media.ffmpeg import ffmpeg_exe

    return ffmpeg_exe()


def make_clip(
    path: Path,
    *,
    seconds: float = 1.0,
    size: str = "320x240",
    rate: int = 25,
    audio: bool = True,
    source: str = "testsrc2",
    extra: list[str] | None = None,
) -> Path:
    """Write a small H.264 (+AAC) test clip with ffmpeg's lavfi sources."""
    args = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"{source}=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac"] if audio else []
    args += [*(extra or []), "-shortest", str(path)]
    subprocess.run(args, check=True)
    return path


@pytest.fixture
def clip_factory(tmp_path):
    """make(name, **kwargs) -> path of a fresh lavfi clip in tmp_path."""

    def make(name: str = "clip.mp4", **kwargs) -> Path:
        return make_clip(tmp_path / name, **kwargs)

    return make

"""Shared fixtures: an isolated studio home, tiny synthetic clips made with lavfi, no paid calls."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.servers import (  # noqa: F401  (session servers for the scale suite, see tests/servers.py)
    postgres_server, postgres_url, redis_server, redis_url, s3_bucket, s3_server)

# Paid requests are impossible in the suite: no real keys, and a dead base URL.
for _key in ("WAVESPEED_API_KEY", "HF_TOKEN"):
    os.environ.pop(_key, None)
os.environ["WAVESPEED_BASE_URL"] = "http://127.0.0.1:9"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(autouse=True)
def _database_backend(request, monkeypatch):
    """VIDEO_STUDIO_TEST_BACKEND=postgres runs a test on a fresh Postgres database of the session's
    server instead of the SQLite file (tests/test_scale_postgres.py runs modules that way)."""
    if os.environ.get("VIDEO_STUDIO_TEST_BACKEND") == "postgres":
        monkeypatch.setenv("VIDEO_STUDIO_DATABASE_URL", request.getfixturevalue("postgres_url"))


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


@pytest.fixture
def vendor(clip_factory):
    """A fake WaveSpeed on loopback serving a 1 s vertical clip: (base_url, vendor)."""
    from tests.fakes.wavespeed_vendor import start_fake_wavespeed

    clip = clip_factory("vendor.mp4", seconds=1, size="320x568")
    base_url, fake, stop = start_fake_wavespeed(clip.read_bytes())
    yield base_url, fake
    stop()


@pytest.fixture
def studio_factory(studio_home, monkeypatch):
    """make(vendor_url=None, media=None, **env) -> a started studio (keys set when a vendor is given;
    https://media.test/<name> links served from the folder `media`)."""
    from app import build_studio
    from core.settings import Settings
    from tests.fakes.media_host import fetcher

    made = []

    def make(vendor_url: str | None = None, media: Path | None = None, **env):
        if vendor_url:
            monkeypatch.setenv("WAVESPEED_API_KEY", "test-key")
            monkeypatch.setenv("WAVESPEED_BASE_URL", vendor_url)
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))
        instance = build_studio(Settings(), fetcher=fetcher(media) if media else None).start()
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.stop()


@pytest.fixture
def paid_studio(vendor, studio_factory):
    """A started studio with WaveSpeed configured against the loopback fake vendor."""
    return studio_factory(vendor[0])

"""Fake vendors and tiny media for tests (no network, no paid calls)."""

from __future__ import annotations

import subprocess
import tempfile
from functools import cache
from pathlib import Path


@cache
def tiny_mp4_bytes(seconds: float = 1.0, size: str = "160x120") -> bytes:
    """A real, tiny H.264/AAC MP4 made with ffmpeg's lavfi sources (cached per process)."""
    from core.media.ffmpeg import ffmpeg_exe

    with tempfile.TemporaryDirectory(prefix="tiny-mp4-") as folder:
        path = Path(folder) / "tiny.mp4"
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={size}:rate=25:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-movflags",
                "+faststart",
                "-shortest",
                str(path),
            ],
            check=True,
        )
        return path.read_bytes()


def model_spec(
    provider_model: str = "alibaba/wan-2.5/text-to-video",
    *,
    operation: str = "text-to-video",
    provider: str = "wavespeed",
    wire: dict | None = None,
    capabilities: dict | None = None,
    **fields,
):
    """A ModelSpec for adapter tests (the shipped catalog is tested separately)."""
    from core.contracts import ModelSpec, Price

    return ModelSpec(
        id=fields.pop("id", provider_model.replace("/", "-")),
        provider=provider,
        provider_model=provider_model,
        operation=operation,
        name=fields.pop("name", "Test model"),
        description="A model built by a test.",
        tier=fields.pop("tier", "standard"),
        price=Price(unit="per_second", rates={"*": 0.1}),
        wire=wire or {},
        capabilities=capabilities or {},
        **fields,
    )

"""Outputs of the real length for the fake WaveSpeed vendor's avatar and speech models, made
with ffmpeg's lavfi: an avatar video as long as its audio, speech as long as its text takes."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

AVATAR_MODELS = ("wavespeed-ai/infinitetalk", "wavespeed-ai/hunyuan-avatar")
SPEECH_MODELS = ("minimax/speech-", "elevenlabs/")
SPEECH_CHARS_PER_SECOND = 15.0
TALK_SIZES = {"480p": "854x480", "720p": "1280x720"}


def media_kind(model: str, media: str = "auto") -> str:
    """'avatar', 'speech' or 'fixed' (the vendor's fixed video bytes) for a model id."""
    if media != "auto":
        return "fixed"
    if model.startswith(AVATAR_MODELS):
        return "avatar"
    if model.startswith(SPEECH_MODELS):
        return "speech"
    return "fixed"


def speech_seconds(inputs: dict[str, Any]) -> float:
    speed = float(inputs.get("speed") or 1.0)
    return max(len(str(inputs.get("text", ""))) / SPEECH_CHARS_PER_SECOND / speed, 0.5)


def audio_seconds(data: bytes) -> float:
    import av  # noqa: PLC0415 - only the avatar fake needs it

    with tempfile.NamedTemporaryFile(suffix=".audio") as file:
        file.write(data)
        file.flush()
        with av.open(file.name) as container:
            return float(container.duration) / 1_000_000


def fake_talk(seconds: float, resolution: str | None) -> bytes:
    """An MP4 (H.264 + AAC) of `seconds` with a tone, at the resolution's 16:9 size."""
    size = TALK_SIZES.get(resolution or "480p", TALK_SIZES["480p"])
    return _lavfi([f"color=c=0x335577:s={size}:r=10:d={seconds:.3f}", f"sine=f=220:r=48000:d={seconds:.3f}"],
                  ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"],
                  ".mp4")


def fake_speech(seconds: float) -> bytes:
    """An MP3 of `seconds` (a tone standing in for a voice)."""
    return _lavfi([f"sine=f=180:r=24000:d={seconds:.3f}"], ["-c:a", "libmp3lame", "-b:a", "64k"], ".mp3")


def _lavfi(sources: list[str], codec: list[str], suffix: str) -> bytes:
    from core.media.ffmpeg import ffmpeg_exe  # noqa: PLC0415

    inputs = [arg for source in sources for arg in ("-f", "lavfi", "-i", source)]
    with tempfile.TemporaryDirectory(prefix="fake-vendor-") as folder:
        out = Path(folder) / f"out{suffix}"
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *inputs, *codec, str(out)],
                       check=True)
        return out.read_bytes()

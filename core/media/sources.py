"""Inputs for graphs and for making test/bench clips: silence, lavfi sources, source checks."""

from __future__ import annotations

import struct
from pathlib import Path

from core.errors import InvalidInput
from core.media.graph import num
from core.media.probe import MediaInfo, probe


def silent_audio(duration_s: float) -> str:
    """A filter source of stereo 48 kHz silence lasting `duration_s` (for use in a graph)."""
    return f"anullsrc=r=48000:cl=stereo:d={num(duration_s)}"


def silent_audio_args(duration_s: float) -> list[str]:
    """Input arguments for the same silence as a separate ffmpeg input."""
    return ["-f", "lavfi", "-t", num(duration_s), "-i", "anullsrc=r=48000:cl=stereo"]


def lavfi_clip_args(seconds: float, size: str = "1920x1080", rate: int = 25, *, audio: bool = True,
                    video_source: str = "testsrc2") -> list[str]:
    """Input arguments for a synthetic clip (moving test pattern + a tone)."""
    args = ["-f", "lavfi", "-i", f"{video_source}=size={size}:rate={rate}:duration={num(seconds)}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={num(seconds)}"]
    return args


def check_video_source(info: MediaInfo) -> None:
    """Refuse probed inputs an edit cannot use, saying why and what to do (no file access)."""
    name = Path(info.path).name
    if not info.has_video:
        raise InvalidInput(f"{name} has sound but no picture.",
                           "Choose a video file; audio-only files cannot be edited here.")
    if info.duration_s <= 0 or info.width <= 0 or info.height <= 0:
        raise InvalidInput(f"{name} has no playable video frames.",
                           "Export the video again and re-upload it.")


def usable_video(path: str | Path) -> MediaInfo:
    """Probe a video input and refuse it (InvalidInput) when it is audio-only, empty or truncated."""
    info = probe(path)
    check_video_source(info)
    if "mp4" in info.container or "mov" in info.container:
        if _iso_truncated(Path(info.path)):
            raise InvalidInput(
                f"{Path(info.path).name} is cut short: the file ends before its video data does.",
                "The upload or copy was probably interrupted; upload the file again.")
    return info


def _iso_truncated(path: Path) -> bool:
    """True when an MP4/MOV's top-level boxes claim more bytes than the file has."""
    size = path.stat().st_size
    offset = 0
    with open(path, "rb") as fh:
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                return True
            box_size = struct.unpack(">I", header[:4])[0]
            if box_size == 1 and len(header) >= 16:
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                return False  # box runs to the end of the file
            if box_size < 8:
                return True
            offset += box_size
    return offset > size

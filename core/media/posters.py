"""Poster frames decoded in-process with PyAV (no ffmpeg process per asset)."""

from __future__ import annotations

from pathlib import Path

import av
from PIL import Image

from core.errors import MediaError


def poster_frame(video: Path, dest: Path, at_s: float = 1.0, max_side: int = 480) -> Path:
    """Write a JPEG of the frame near `at_s` (or the first frame of a shorter clip), rotation applied."""
    try:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            if at_s > 0 and stream.time_base:
                container.seek(int(at_s / stream.time_base), stream=stream, backward=True)
            frame = next(container.decode(stream))
            image = frame.to_image()
            rotation = int(getattr(frame, "rotation", 0) or 0) % 360
    except (av.error.FFmpegError, StopIteration, IndexError) as exc:
        raise MediaError(f"Could not read a frame of {video.name} for its poster.", "The file may be damaged.") from exc
    if rotation:
        image = image.rotate(rotation, expand=True)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image.convert("RGB").save(dest, "JPEG", quality=85)
    return dest

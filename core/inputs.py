"""Check and normalise user inputs (images, audio) before any provider sees them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.contracts import MediaLimits
from core.errors import InvalidInput
from core.media.probe import probe

MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 4096
MIN_IMAGE_SIDE = 64
MAX_PROMPT_CHARS = 5000
SILENCE_PEAK = 0.001  # -60 dBFS: quieter than this everywhere is silence


@dataclass(frozen=True)
class PreparedImage:
    path: Path
    width: int
    height: int
    notes: tuple[str, ...] = ()


def check_prompt(prompt: str, max_chars: int = MAX_PROMPT_CHARS, required: bool = True) -> str:
    text = (prompt or "").strip()
    if required and not text:
        raise InvalidInput("The prompt is empty.", "Describe the video you want in a sentence or two.")
    if len(text) > max_chars:
        raise InvalidInput(f"The prompt is {len(text)} characters; this model takes at most {max_chars}.",
                           "Shorten it, or keep the most important details first.")
    return text


def prepare_image(source: str | Path, work_dir: Path, max_side: int = MAX_IMAGE_SIDE) -> PreparedImage:
    """Like `_prepare_image`, cached per file version (the cost meter asks on every change)."""
    path = Path(source)
    try:
        stat = path.stat()
    except OSError:
        return _prepare_image(path, work_dir, max_side)
    prepared = _prepare_cached(str(path), stat.st_mtime_ns, stat.st_size, work_dir, max_side)
    if not prepared.path.exists():  # the scratch copy was cleaned up: make it again
        _prepare_cached.cache_clear()
        prepared = _prepare_cached(str(path), stat.st_mtime_ns, stat.st_size, work_dir, max_side)
    return prepared


@lru_cache(maxsize=64)
def _prepare_cached(path: str, _mtime: int, _size: int, work_dir: Path, max_side: int) -> PreparedImage:
    return _prepare_image(Path(path), work_dir, max_side)


def _prepare_image(source: str | Path, work_dir: Path, max_side: int = MAX_IMAGE_SIDE) -> PreparedImage:
    """Open any common image safely; return an RGB JPEG no larger than `max_side` per side.

    Corrupt, empty or non-image files raise InvalidInput. CMYK, alpha and palette images are
    converted (alpha flattened on white), EXIF rotation applied, huge images downscaled.
    """
    path = Path(source)
    if not path.exists():
        raise InvalidInput(f"The image {path.name} was not found.", "Upload it again.")
    if path.stat().st_size == 0:
        raise InvalidInput(f"The image {path.name} is empty (0 bytes).", "Upload the image again.")
    notes: list[str] = []
    Image.MAX_IMAGE_PIXELS = None  # we bound memory ourselves with draft()/reduce below
    try:
        with Image.open(path) as img:
            img.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced scale
            if img.width * img.height > 12 * MAX_IMAGE_PIXELS:
                raise InvalidInput(f"The image is {img.width}x{img.height}, too large to open safely.",
                                   f"Resize it below {MAX_IMAGE_PIXELS // 1_000_000} megapixels.")
            img.load()
            original = img.size
            fixed = ImageOps.exif_transpose(img)
            if fixed.mode not in ("RGB", "L"):
                notes.append(f"converted from {fixed.mode} to RGB")
                fixed = _to_rgb(fixed)
            fixed = fixed.convert("RGB")
            if min(fixed.size) < MIN_IMAGE_SIDE:
                raise InvalidInput(f"The image is only {fixed.width}x{fixed.height} pixels.",
                                   f"Use an image at least {MIN_IMAGE_SIDE} px on each side.")
            if max(fixed.size) > max_side:
                fixed.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                notes.append(f"downscaled from {original[0]}x{original[1]}")
            out = work_dir / f"{path.stem[:40]}-prepared.jpg"
            fixed.save(out, "JPEG", quality=92)
            return PreparedImage(out, fixed.width, fixed.height, tuple(notes))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"{path.name} is not a readable image.",
                           "Use a JPEG, PNG or WebP photo.") from exc


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def check_audio(source: str | Path, limits: MediaLimits | None = None) -> float:
    """Probe an audio (or video-with-audio) file and return its duration, within the limits."""
    info = probe(source)
    if not info.has_audio:
        raise InvalidInput(f"{Path(source).name} has no audio track.", "Upload a WAV, MP3 or M4A file.")
    limits = limits or MediaLimits()
    if limits.max_s and info.duration_s > limits.max_s + 0.05:
        raise InvalidInput(f"The audio is {info.duration_s:.1f} s; this model takes at most {limits.max_s:g} s.",
                           "Trim the audio, or pick a model that accepts longer audio.")
    if limits.min_s and info.duration_s < limits.min_s - 0.05:
        raise InvalidInput(f"The audio is {info.duration_s:.1f} s; this model needs at least {limits.min_s:g} s.",
                           "Use a longer clip.")
    if limits.max_mb and info.size_bytes > limits.max_mb * 1_000_000:
        raise InvalidInput(f"The audio file is {info.size_bytes / 1e6:.1f} MB; the limit is {limits.max_mb:g} MB.",
                           "Export it at a lower bitrate (e.g. MP3 192 kbps).")
    return info.duration_s


def audio_peak(source: str | Path) -> float:
    """The loudest sample of the first audio track, 0..1 (decoded in chunks, memory stays flat;
    it stops at the first sound, so only a silent file is read to its end)."""
    peak = 0.0
    with av.open(str(source)) as container:
        for frame in container.decode(audio=0):
            samples = frame.to_ndarray()
            if samples.dtype.kind in "iu":
                samples = samples / float(np.iinfo(samples.dtype).max)
            peak = max(peak, float(np.max(np.abs(samples), initial=0.0)))
            if peak >= SILENCE_PEAK:
                break
    return peak


def check_voice_audio(source: str | Path) -> float:
    """A voice track's length (check_audio), refused when it has no sound in it."""
    duration = check_audio(source)
    if audio_peak(source) < SILENCE_PEAK:
        raise InvalidInput(f"{Path(source).name} is silent.", "Choose the recording with the voice in it.")
    return duration

"""Check a request for the offline provider and turn it into a render plan.

Photos are validated and normalised with Pillow (orientation, colour mode, bounded size);
audio is probed and one frame decoded. Every problem becomes an InvalidInput that says what
is wrong and what to do.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.contracts import GenerationRequest, Operation
from core.errors import InvalidInput, fault_words
from core.media.encoding import even
from core.media.probe import probe
from core.templates import ASPECTS, CameraMove, MotionPreset, Template, get_template, resolve_motion

SHORT_SIDES = {"480p": 480, "540p": 540, "720p": 720, "1080p": 1080}
DEFAULT_RESOLUTION = "720p"
DEFAULT_ASPECT = "16:9"
DEFAULT_DURATION = 5.0
MIN_DURATION, MAX_DURATION = 1.0, 30.0
FRAME_RATES = (24, 30)
OPERATIONS = (Operation.TEXT_TO_VIDEO, Operation.IMAGE_TO_VIDEO)
MIN_IMAGE_SIDE = 64
DOWNSCALE_SIDE = 10_000          # photos this wide/tall or more are downscaled first
DOWNSCALE_PIXELS = 40_000_000    # ... and so are photos above ~40 MP
MAX_DECODE_PIXELS = 100_000_000  # refuse photos that would still decode larger than this
BOUNDED_SIDE = 8192


@dataclass(frozen=True)
class RenderPlan:
    """Everything one offline render needs, already validated."""

    operation: Operation
    width: int
    height: int
    duration: float
    fps: int
    prompt: str
    template: Template | None
    preset: MotionPreset
    move: CameraMove
    seed: int
    resolution: str
    aspect: str
    image: Path | None = None
    audio: Path | None = None
    label: bool = True

    @property
    def frames(self) -> int:
        return max(1, round(self.duration * self.fps))


def plan_render(request: GenerationRequest) -> RenderPlan:
    """Validate a request's fields and files; raise InvalidInput on the first problem."""
    operation = Operation(request.operation)
    if operation not in OPERATIONS:
        raise InvalidInput(f"Offline drafts cannot do {operation.value}.",
                           "Offline drafts make text-to-video, image-to-video, speech and avatar "
                           "drafts; pick a hosted model for this.")
    template = get_template(request.template) if request.template else None
    image = local_file(request.image, "image") if operation == Operation.IMAGE_TO_VIDEO else None
    if operation == Operation.IMAGE_TO_VIDEO and image is None:
        raise InvalidInput("Image-to-video needs a photo.", "Add an image, or switch to text-to-video.")
    if operation == Operation.TEXT_TO_VIDEO and not request.prompt.strip():
        raise InvalidInput("The prompt is empty.",
                           "Describe the scene you want to see on the storyboard card.")
    audio = check_audio(local_file(request.audio, "audio")) if request.audio else None
    wants_default = not request.aspect or request.aspect == "auto"
    aspect = _default_aspect(image, template) if wants_default else request.aspect
    width, height = frame_size(request.resolution or DEFAULT_RESOLUTION, aspect)
    preset, move = resolve_motion(request.motion or _default_motion(operation, template),
                                  request.options.get("camera"))
    return RenderPlan(
        operation=operation, width=width, height=height,
        duration=_duration(request.duration, template), fps=_fps(request.options.get("fps"), template),
        prompt=request.prompt.strip(), template=template, preset=preset, move=move,
        seed=request.seed if request.seed is not None else _stable_seed(request),
        resolution=request.resolution or DEFAULT_RESOLUTION, aspect=aspect,
        image=image, audio=audio, label=bool(request.options.get("draft_label", True)),
    )


def frame_size(resolution: str, aspect: str) -> tuple[int, int]:
    """Exact output size: the resolution names the SHORT side ('9:16', '1080p' -> 1080x1920)."""
    if resolution not in SHORT_SIDES:
        raise InvalidInput(f"Offline drafts do not render at {resolution!r}.",
                           f"Choose one of: {', '.join(SHORT_SIDES)}.")
    if aspect not in ASPECTS:
        raise InvalidInput(f"The aspect ratio {aspect!r} is not supported.",
                           f"Choose one of: {', '.join(ASPECTS)}.")
    a, b = (int(part) for part in aspect.split(":"))
    short = SHORT_SIDES[resolution]
    long = even(short * max(a, b) / min(a, b))
    return (long, short) if a >= b else (short, long)


def prepare_still(src: Path, dest: Path, cover: tuple[int, int]) -> Path:
    """Write `src` as an upright RGB PNG no bigger than needed to cover `cover` (w, h).

    Corrupt, empty, non-image and tiny files raise InvalidInput. CMYK, palette, 16-bit and
    alpha images become RGB (alpha over white). Photos of 10000 px or ~40 MP and more are
    downscaled while decoding (JPEG draft) so memory stays bounded.
    """
    if src.stat().st_size == 0:
        raise InvalidInput(f"{src.name} is empty (0 bytes).",
                           "Upload the photo again; it may not have finished copying.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(src) as img:
                still = _normalise(img, src.name, cover)
    except UnidentifiedImageError as exc:
        raise InvalidInput(f"{src.name} is not an image Pillow can read.",
                           "Use a JPEG, PNG or WebP photo.") from exc
    except Image.DecompressionBombError as exc:
        raise InvalidInput(f"{src.name} is far too large to open safely.",
                           "Downscale it below 100 MP first.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"{src.name} is damaged or truncated ({fault_words(exc)}).",
                           "Export the photo again from its source and re-upload it.") from exc
    dest.parent.mkdir(parents=True, exist_ok=True)
    still.save(dest, format="PNG", compress_level=1)
    return dest


def check_audio(path: Path) -> Path:
    """Make sure the file has an audio stream whose first frame decodes."""
    info = probe(path)
    if not info.has_audio:
        raise InvalidInput(f"{path.name} has no audio track.",
                           "Choose a music or voice file (MP3, WAV, M4A ...).")
    try:
        with av.open(str(path)) as container:
            for _frame in container.decode(audio=0):
                break
            else:
                raise InvalidInput(f"{path.name} has an audio track with no sound in it.",
                                   "Choose another audio file.")
    except av.error.FFmpegError as exc:
        raise InvalidInput(f"{path.name} is damaged: its audio cannot be decoded.",
                           "Export the audio again and re-upload it.") from exc
    return path


def _normalise(img: Image.Image, name: str, cover: tuple[int, int]) -> Image.Image:
    stored_w, stored_h = img.size
    upright_w, upright_h = _upright_size(img)
    if min(upright_w, upright_h) < MIN_IMAGE_SIDE:
        raise InvalidInput(f"{name} is only {upright_w}x{upright_h} px.",
                           f"Use a photo at least {MIN_IMAGE_SIDE} px on each side "
                           "(720 px or more looks best).")
    scale = _target_scale(upright_w, upright_h, cover)
    target = (max(1, round(stored_w * scale)), max(1, round(stored_h * scale)))
    if scale < 1:
        img.draft("RGB", target)  # JPEG decodes at 1/2, 1/4 or 1/8 size; other formats ignore it
    if img.width * img.height > MAX_DECODE_PIXELS:
        raise InvalidInput(f"{name} is {stored_w * stored_h / 1e6:.0f} MP, too large to decode safely.",
                           "Save it as a JPEG or downscale it below 100 MP.")
    img.load()
    if scale < 1:
        img.thumbnail(target, Image.Resampling.LANCZOS)
    return _to_rgb(ImageOps.exif_transpose(img))


def _upright_size(img: Image.Image) -> tuple[int, int]:
    orientation = img.getexif().get(0x0112, 1)
    return (img.height, img.width) if orientation in (5, 6, 7, 8) else img.size


def _target_scale(width: int, height: int, cover: tuple[int, int]) -> float:
    """Shrink to just cover the canvas, and always inside the 10000 px / 40 MP bounds."""
    scale = min(1.0, max(cover[0] / width, cover[1] / height))
    if max(width, height) >= DOWNSCALE_SIDE or width * height > DOWNSCALE_PIXELS:
        scale = min(scale, BOUNDED_SIDE / max(width, height), math.sqrt(DOWNSCALE_PIXELS / (width * height)))
    return scale


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        pixels = np.asarray(img, dtype=np.float32)
        if pixels.max(initial=0) > 255:
            pixels = pixels * (255 / 65535)
        img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB") if img.mode != "RGB" else img


def local_file(value: str | None, kind: str) -> Path | None:
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        raise InvalidInput(f"Offline drafts need the {kind} as a file on this machine, not a link.",
                           f"Upload the {kind} instead of pasting its URL.")
    path = Path(value)
    if not path.is_file():
        raise InvalidInput(f"The {kind} file {path.name} does not exist.", f"Upload the {kind} again.")
    return path


def _default_aspect(image: Path | None, template: Template | None) -> str:
    """A template's aspect, else the supported aspect closest to the photo's, else 16:9."""
    if template:
        return template.aspect
    if image is None:
        return DEFAULT_ASPECT
    try:
        with Image.open(image) as img:
            width, height = _upright_size(img)
    except (OSError, SyntaxError, ValueError):
        return DEFAULT_ASPECT  # prepare_still reports the real problem
    ratio = math.log(width / height)
    return min(ASPECTS, key=lambda a: abs(math.log(int(a.split(":")[0]) / int(a.split(":")[1])) - ratio))


def _default_motion(operation: Operation, template: Template | None) -> str:
    if template:
        return template.motion
    return "medium" if operation == Operation.IMAGE_TO_VIDEO else "subtle"


def _duration(value: float | None, template: Template | None) -> float:
    seconds = float(value if value is not None else (template.duration if template else DEFAULT_DURATION))
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise InvalidInput(f"Offline drafts last {MIN_DURATION:g} to {MAX_DURATION:g} s, not {seconds:g} s.",
                           f"Pick a duration between {MIN_DURATION:g} and {MAX_DURATION:g} seconds.")
    return seconds


def _fps(value, template: Template | None) -> int:
    fps = int(value) if value else (template.fps if template else 30)
    if fps not in FRAME_RATES:
        raise InvalidInput(f"Offline drafts render at 24 or 30 fps, not {fps}.", "Choose 24 or 30 fps.")
    return fps


def _stable_seed(request: GenerationRequest) -> int:
    """Same request, same draft: a seed from the prompt and file names when none is given."""
    key = "|".join([request.prompt, Path(request.image or "").name, request.template or ""])
    return zlib.crc32(key.encode("utf-8"))

"""Turn a generic GenerationRequest into a vendor's flat input fields, as the catalog's `wire` says.

Rules, all data-driven (`ModelSpec.wire`):
- `size`: how the output size travels: `size_star` ("W*H", short side = the resolution),
  `resolution` ("720p"), `aspect_ratio` ("16:9"), `aspect_and_resolution` (both) or `none`.
  `wire.sizes[aspect][resolution]` overrides a computed "W*H" (vendor tables such as 832*480).
- `field_names` renames generic names (prompt, image, resolution, size ...) to the vendor's.
- `fixed` constant fields are set last and win.
Fields the request leaves unset are omitted, so the vendor's own defaults apply.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.contracts import GenerationRequest, ModelSpec
from core.errors import InvalidInput
from core.media.encoding import even

Uploader = Callable[[Path], str]

REQUEST_MEDIA = ("image", "audio", "video")
MEDIA_FIELDS = frozenset({*REQUEST_MEDIA, "face_image", "mask_image", "last_image", "left_audio", "right_audio"})
PASS_THROUGH_SCHEMES = ("https://", "http://", "data:")
NAMED_SHORT_SIDES = {"2k": 1440, "4k": 2160}
DEFAULT_ASPECT = "16:9"


def build_payload(model: ModelSpec, request: GenerationRequest, upload: Uploader) -> dict[str, Any]:
    """The vendor's input fields for `request` on `model`. Local files go through `upload`."""
    fields: dict[str, Any] = {}
    if request.prompt:
        fields["prompt"] = request.prompt
    if request.negative_prompt:
        fields["negative_prompt"] = request.negative_prompt
    for kind in REQUEST_MEDIA:
        value = getattr(request, kind)
        if value:
            fields[kind] = media_reference(kind, value, upload)
    fields.update(size_fields(model, request))
    if request.duration is not None and model.capabilities.duration_from == "request":
        fields["duration"] = int(round(request.duration))
    if request.seed is not None:
        fields["seed"] = request.seed
    if request.generate_audio is not None:
        fields["generate_audio"] = request.generate_audio
    for key, value in request.options.items():
        is_media = key in MEDIA_FIELDS and isinstance(value, str) and value
        fields[key] = media_reference(key, value, upload) if is_media else value
    payload = {model.wire.field_names.get(key, key): value for key, value in fields.items()}
    payload.update(model.wire.fixed)
    return payload


def media_reference(kind: str, value: str, upload: Uploader) -> str:
    """URLs and data URIs pass through; a local file is uploaded and replaced by its URL."""
    if value.startswith(PASS_THROUGH_SCHEMES):
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise InvalidInput(
            f"The {kind.replace('_', ' ')} file '{value}' does not exist.",
            hint="Pick the file again (it may have been moved or deleted).",
        )
    return upload(path)


def size_fields(model: ModelSpec, request: GenerationRequest) -> dict[str, str]:
    """The size-related vendor fields, by `model.wire.size`. Empty when the request sets no size."""
    mode = model.wire.size
    if mode == "none" or (request.resolution is None and request.aspect is None):
        return {}
    resolution = request.resolution or model.default_resolution
    aspect = request.aspect or model.default_aspect
    if mode == "size_star":
        if resolution is None:
            return {}
        return {"size": size_star(resolution, aspect or DEFAULT_ASPECT, model.wire.sizes)}
    fields: dict[str, str] = {}
    if mode in ("aspect_ratio", "aspect_and_resolution") and aspect:
        fields["aspect_ratio"] = aspect
    if mode in ("resolution", "aspect_and_resolution") and resolution:
        fields["resolution"] = resolution
    return fields


def size_star(resolution: str, aspect: str, table: dict[str, dict[str, str]] | None = None) -> str:
    """ "W*H" for a resolution class and an aspect: the table's entry, else even sizes with the
    resolution as the short side (720p 16:9 -> "1280*720", 720p 9:16 -> "720*1280")."""
    listed = (table or {}).get(aspect, {}).get(resolution)
    if listed:
        return listed
    width, height = output_size(resolution, aspect)
    return f"{width}*{height}"


def output_size(resolution: str, aspect: str) -> tuple[int, int]:
    """Even (width, height) whose short side is the resolution class."""
    short = short_side(resolution)
    ratio_w, ratio_h = parse_aspect(aspect)
    if ratio_w >= ratio_h:
        return even(short * ratio_w / ratio_h), even(short)
    return even(short), even(short * ratio_h / ratio_w)


def short_side(resolution: str) -> int:
    """Pixels of the short side for '480p', '720p', '1080p', '2k', '4k' ..."""
    key = resolution.strip().lower()
    if key in NAMED_SHORT_SIDES:
        return NAMED_SHORT_SIDES[key]
    digits = key.removesuffix("p")
    if not digits.isdigit():
        raise InvalidInput(
            f"'{resolution}' is not a resolution this studio knows.", hint="Use e.g. 720p or 1080p."
        )
    return int(digits)


def parse_aspect(aspect: str) -> tuple[float, float]:
    """('16:9') -> (16.0, 9.0)."""
    left, sep, right = aspect.partition(":")
    try:
        ratio = (float(left), float(right))
    except ValueError:
        ratio = (0.0, 0.0)
    if not sep or min(ratio) <= 0:
        raise InvalidInput(f"'{aspect}' is not an aspect ratio.", hint="Use the form W:H, e.g. 16:9 or 9:16.")
    return ratio

"""safe_zone_preview: one frame reframed for each platform, its UI areas shaded, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from core.errors import InvalidInput
from core.media.encoding import even
from core.media.ffmpeg import run_ffmpeg
from core.media.probe import probe
from core.platforms import PlatformSpec, load_platforms
from core.settings import FONTS_DIR
from core.social import reframe as rf
from core.social.filters import escape, num
from core.social.models import Reframe

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
SHADE = "red@0.45"
SAFE_EDGE = "yellow@0.9"
LABEL_STRIP = 40
GAP = 12


def safe_zone_preview(source: str | Path, platforms: Sequence[str | PlatformSpec], dest: str | Path, *,
                      at_s: float | None = None, reframe: Reframe = "crop",
                      focus: tuple[float, float] = (0.5, 0.5), panel_height: int = 480) -> Path:
    """Write a PNG: for each platform, the frame as it would be framed, UI margins shaded red,
    the safe area outlined, the platform's name below. `source` is a video or an image."""
    source, dest = Path(source), Path(dest)
    specs = _specs(platforms)
    width, height, seek = _frame_source(source, at_s)
    graph = preview_statements("0:v:0", "out", specs, (width, height), reframe, focus, panel_height)
    dest.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg([*seek, "-i", str(source), "-filter_complex", ";".join(graph), "-map", "[out]",
                "-frames:v", "1", "-update", "1", str(dest)], label="draw the safe-zone preview")
    return dest


def preview_statements(label_in: str, label_out: str, specs: Sequence[PlatformSpec], src: tuple[int, int],
                       reframe: Reframe = "crop", focus: tuple[float, float] = (0.5, 0.5),
                       panel_height: int = 480) -> list[str]:
    """Filtergraph statements drawing the preview of the frame on [label_in] to [label_out]
    (so another run, e.g. the thumbnails', can draw it from a frame it already decodes)."""
    focus, _ = rf.clamp_focus(focus)
    graph = [f"[{label_in}]split={len(specs)}" + "".join(f"[s{i}]" for i in range(len(specs)))]
    for i, spec in enumerate(specs):
        graph += _panel(i, spec, src, reframe, focus, panel_height)
    if len(specs) > 1:
        graph.append("".join(f"[panel{i}]" for i in range(len(specs))) + f"hstack=inputs={len(specs)}[{label_out}]")
    else:
        graph.append(f"[panel0]null[{label_out}]")
    return graph


def _specs(platforms: Sequence[str | PlatformSpec]) -> list[PlatformSpec]:
    known = load_platforms()
    specs = []
    for item in platforms:
        if isinstance(item, PlatformSpec):
            specs.append(item)
        elif item in known:
            specs.append(known[item])
        else:
            raise InvalidInput(f"Unknown platform: {item}.", f"Choose from: {', '.join(known)}.")
    if not specs:
        raise InvalidInput("No platform was chosen for the preview.", "Choose at least one platform.")
    return specs


def _frame_source(source: Path, at_s: float | None) -> tuple[int, int, list[str]]:
    """(width, height, seek arguments) for an image or a video frame."""
    if source.suffix.lower() in IMAGE_SUFFIXES:
        try:
            with Image.open(source) as image:
                return image.width, image.height, []
        except OSError as exc:
            raise InvalidInput(f"{source.name} is not a readable image.", "Choose a PNG or JPEG.") from exc
    info = probe(source)
    if not info.has_video:
        raise InvalidInput(f"{source.name} has no picture.", "Choose a video or an image.")
    t = info.duration_s / 2 if at_s is None else min(max(at_s, 0.0), max(info.duration_s - 0.05, 0.0))
    return info.width, info.height, ["-ss", num(t)]


def _panel(i: int, spec: PlatformSpec, src: tuple[int, int], reframe: Reframe,
           focus: tuple[float, float], panel_height: int) -> list[str]:
    size = (even(panel_height * spec.aspect_ratio), even(panel_height))
    if rf.same_shape(*src, spec.aspect_ratio):
        mode, window = "scale", src
    elif reframe == "pad_blur":
        mode, window = "pad_blur", src
    else:
        mode, window = "crop", rf.crop_window(*src, spec.aspect_ratio)
    return rf.reframe_statements(f"s{i}", f"panel{i}", mode=mode, src=src, window=window, out=size,
                                 tag=f"z{i}", focus=focus, after=_shading(spec, size))


def _shading(spec: PlatformSpec, size: tuple[int, int]) -> str:
    w, h = size
    safe = spec.safe_zone.scaled(w, h)
    middle = safe.y1 - safe.top
    boxes = [(0, 0, w, safe.top), (0, safe.y1, w, safe.bottom),
             (0, safe.top, safe.left, middle), (safe.x1, safe.top, safe.right, middle)]
    parts = [f"drawbox=x={x}:y={y}:w={bw}:h={bh}:color={SHADE}:t=fill"
             for x, y, bw, bh in boxes if bw > 0 and bh > 0]
    parts.append(f"drawbox=x={safe.x0}:y={safe.y0}:w={safe.x1 - safe.x0}:h={middle}:color={SAFE_EDGE}:t=2")
    font = escape(FONTS_DIR / "DejaVuSans-Bold.ttf")
    parts += [f"pad={w + GAP}:{h + LABEL_STRIP}:0:0:color=0x202020",
              f"drawtext=fontfile={font}:text={escape(spec.name)}:fontsize=20:fontcolor=white:"
              f"x=({w}-text_w)/2:y={h}+({LABEL_STRIP}-text_h)/2"]
    return ",".join(parts)

"""A split-frame before/after: the left half of the original beside the right half of the enhanced
version, in one browser-playable MP4 at the enhanced clip's size and frame rate."""

from __future__ import annotations

from pathlib import Path

from core.errors import InvalidInput
from core.media.encoding import BT709_FILTER, VideoEncoding, browser_mp4_args, bt709_conversion, even
from core.media.ffmpeg import ProgressFn, run_ffmpeg
from core.media.graph import escape_value, fps_expr, num
from core.media.normalise import source_prelude
from core.media.probe import MediaInfo, probe
from core.media.sources import usable_video
from core.media.text_style import fit_text, font_file

LABEL_SIZE = 0.05  # font height as a fraction of the frame height
LABEL_MARGIN = 0.03  # space between a label and the frame's edges, as a fraction of the height
DIVIDER_COLOR = "white@0.9"
DIVIDER_EDGE = "black@0.6"


def split_compare(original: Path, enhanced: Path, dest: Path, *, left_label: str = "Original",
                  right_label: str = "Enhanced", on_progress: ProgressFn | None = None) -> MediaInfo:
    """Render the comparison into `dest`; it lasts as long as the shorter clip and keeps the enhanced
    clip's sound. An empty label is left out. Raises InvalidInput when either file is not a usable video."""
    before, after = usable_video(original), usable_video(enhanced)
    width, height = even(after.width), even(after.height)
    fps = fps_expr(after.fps or before.fps or 25)
    left = width // 4 * 2  # both halves even, so the 4:2:0 chroma planes split cleanly
    duration = min(before.duration_s, after.duration_s)
    graph = [
        f"[0:v:0]{_fit(before, width, height, fps)},crop={left}:{height}:0:0[left]",
        f"[1:v:0]{_fit(after, width, height, fps)},crop={width - left}:{height}:{left}:0[right]",
        "[left][right]hstack=inputs=2:shortest=1,"
        + ",".join([_divider(left, width, height), *_labels(left_label, right_label, left, width, height),
                    "format=yuv420p", BT709_FILTER]) + "[v]",
    ]
    audio = ["-map", "1:a:0?"] if after.has_audio else []
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(["-i", str(before.path), "-i", str(after.path), "-filter_complex", ";".join(graph),
                "-map", "[v]", *audio, "-t", num(duration), "-map_metadata", "-1",
                *browser_mp4_args(VideoEncoding(), audio=after.has_audio), str(dest)],
               duration_s=duration, on_progress=on_progress, label="render the comparison")
    return probe(dest)


def _fit(info: MediaInfo, width: int, height: int, fps: str) -> str:
    """One input brought to the comparison's size, square pixels, frame rate and BT.709 colours."""
    return ",".join([*source_prelude(info), "setpts=PTS-STARTPTS",
                     f"scale={width}:{height}:flags=lanczos", "setsar=1", f"fps={fps}",
                     *bt709_conversion(info.color_matrix, info.height)])


def _divider(left: int, width: int, height: int) -> str:
    """A thin light line on a dark edge, so it shows on bright and dark pictures alike."""
    thick = max(2, even(width / 320))
    boxes = ((thick + 2, DIVIDER_EDGE), (thick, DIVIDER_COLOR))
    return ",".join(f"drawbox=x={left - w // 2}:y=0:w={w}:h={height}:color={colour}:t=fill"
                    for w, colour in boxes)


def _labels(left_label: str, right_label: str, left: int, width: int, height: int) -> list[str]:
    """drawtext filters: the left label at the top left, the right one at the top right."""
    margin = max(4, round(LABEL_MARGIN * height))
    px = max(10, round(LABEL_SIZE * height))
    room = (left - 2 * margin, height / 3)
    filters = []
    for text, x, align in ((left_label, f"{margin}", "L"), (right_label, f"{width - margin}-text_w", "R")):
        if not text.strip():
            continue
        try:
            lines, size = fit_text(text.strip(), "bold", px, *room)
        except InvalidInput:
            continue  # a frame too small for any legible label: show the picture alone
        filters.append(":".join([
            f"drawtext=fontfile={escape_value(font_file('bold'))}",
            f"text={escape_value(chr(10).join(lines))}", "expansion=none", f"fontsize={size}",
            "fontcolor=white", f"borderw={max(1, size // 12)}", "bordercolor=black",
            "box=1", "boxcolor=black@0.35", f"boxborderw={max(2, size // 4)}",
            f"text_align={align}", f"x={escape_value(x)}", f"y={margin}"]))
    return filters

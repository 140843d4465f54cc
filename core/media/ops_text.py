"""Text ops: a styled text overlay (drawtext) and burned-in captions (libass), both kept inside
a safe zone and drawn with the project's bundled fonts, so no installed fonts are needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from core.media.captions import CaptionStyle, check_cues, parse_srt
from core.media.graph import Graph, StreamState, escape_value, num
from core.media.op_base import BuildContext, Op, in_range, register, require
from core.media.regions import TextRegion
from core.media.text_style import POSITIONS, SafeZone, fit_text, font_file, parse_color, text_width
from core.settings import FONTS_DIR

LINE_GAP = 0.2  # extra space between lines, as a fraction of the font size


class TextLayout(NamedTuple):
    """A text overlay as drawn: wrapped lines, font px, outline and box padding (px), the safe
    zone (x0, y0, x1, y1), the padding kept inside it, and the text's own box (x0, y0, x1, y1)."""

    lines: list[str]
    px: int
    border: int
    box_pad: int
    zone: tuple[int, int, int, int]
    pad: int
    box: tuple[float, float, float, float]


def _safe_zone(op: Op) -> None:
    zone = op.safe_zone  # type: ignore[attr-defined]
    require(len(zone) == 4, "A safe zone has four margins (top, right, bottom, left).", "Give all four.")
    object.__setattr__(op, "safe_zone", SafeZone(*map(float, zone)).checked())


@register
@dataclass(frozen=True)
class TextOverlay(Op):
    """A title or label. `position` anchors it inside the safe zone (top-left .. bottom-right);
    `size` is the font height as a fraction of the frame height; long text wraps and shrinks
    to fit the zone. `outline` is the outline width as a fraction of the font size."""

    kind = "text"
    text: str
    position: str = "bottom"
    size: float = 0.07
    color: str = "white"
    outline: float = 0.08
    outline_color: str = "black"
    box: bool = False
    box_color: str = "black@0.5"
    start: float = 0.0
    end: float | None = None
    weight: str = "bold"
    safe_zone: SafeZone = SafeZone()

    def __post_init__(self) -> None:
        require(bool(self.text.strip()), "The text overlay is empty.", "Type some text.")
        require(self.position in POSITIONS, f"Unknown text position {self.position!r}.",
                f"Use one of: {', '.join(POSITIONS)}.")
        in_range("text size", self.size, 0.01, 0.5)
        in_range("outline", self.outline, 0.0, 0.3)
        require(self.start >= 0 and (self.end is None or self.end > self.start),
                "The text must end after it starts.", "Fix its start and end times.")
        for colour in (self.color, self.outline_color, self.box_color):
            parse_color(colour)
        font_file(self.weight)
        _safe_zone(self)

    def layout(self, state: StreamState) -> TextLayout:
        """Lines, font size and the box the text is drawn in, on a `state` picture."""
        px = max(8, round(self.size * state.height))
        border = round(self.outline * px)
        box_pad = max(2, round(0.25 * px)) if self.box else 0
        pad = border + box_pad
        x0, y0, x1, y1 = self.safe_zone.box(state.width, state.height)
        inner_w, inner_h = x1 - x0 - 2 * pad, y1 - y0 - 2 * pad
        require(inner_w > 8 and inner_h > 8, "The safe zone leaves no room for text.",
                "Make the safe-zone margins smaller.")
        lines, px = fit_text(self.text, self.weight, px, inner_w * 0.96, inner_h, LINE_GAP)
        vertical, _, horizontal = self._anchor()
        text_w = max(text_width(line, self.weight, px) for line in lines)
        text_h = len(lines) * px + (len(lines) - 1) * round(LINE_GAP * px)
        left = {"left": x0 + pad, "center": x0 + pad + (inner_w - text_w) / 2,
                "right": x1 - pad - text_w}[horizontal]
        top = {"top": y0 + pad, "middle": y0 + pad + (inner_h - text_h) / 2,
               "bottom": y1 - pad - text_h}[vertical]
        return TextLayout(lines, px, round(self.outline * px), box_pad, (x0, y0, x1, y1), pad,
                          (left, top, left + text_w, top + text_h))

    def text_regions(self, state: StreamState) -> list[TextRegion]:
        layout = self.layout(state)
        edge = layout.border + layout.box_pad  # the outline or box reaches past the glyphs
        x0, y0, x1, y1 = layout.box
        end = state.duration if self.end is None else min(self.end, state.duration)
        return [TextRegion(self.text, (x0 - edge) / state.width, (y0 - edge) / state.height,
                           (x1 + edge) / state.width, (y1 + edge) / state.height, self.start, end)]

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        layout = self.layout(state)
        px, pad, (x0, y0, x1, y1) = layout.px, layout.pad, layout.zone
        inner_w, inner_h = x1 - x0 - 2 * pad, y1 - y0 - 2 * pad
        vertical, _, horizontal = self._anchor()
        x = {"left": f"{x0 + pad}", "center": f"{x0 + pad}+({inner_w}-text_w)/2",
             "right": f"{x1 - pad}-text_w"}[horizontal]
        y = {"top": f"{y0 + pad}", "middle": f"{y0 + pad}+({inner_h}-text_h)/2",
             "bottom": f"{y1 - pad}-text_h"}[vertical]
        options = [
            f"fontfile={escape_value(font_file(self.weight))}",
            f"text={escape_value(chr(10).join(layout.lines))}", "expansion=none",
            f"fontsize={px}", f"fontcolor={parse_color(self.color).ffmpeg()}",
            f"line_spacing={round(LINE_GAP * px)}", f"text_align={horizontal[0].upper()}",
            f"x={escape_value(x)}", f"y={escape_value(y)}",
        ]
        if layout.border:
            options += [f"borderw={layout.border}", f"bordercolor={parse_color(self.outline_color).ffmpeg()}"]
        if self.box:
            options += ["box=1", f"boxcolor={parse_color(self.box_color).ffmpeg()}",
                        f"boxborderw={layout.box_pad}"]
        if self.start > 0 or self.end is not None:
            if self.end is None:
                window = f"gte(t,{num(self.start)})"
            else:
                window = f"between(t,{num(self.start)},{num(self.end)})"
            options.append(f"enable={escape_value(window)}")
        graph.vf("drawtext=" + ":".join(options))
        return state

    def _anchor(self) -> tuple[str, str, str]:
        """('top'|'middle'|'bottom', '-', 'left'|'center'|'right') for the position name."""
        vertical, _, horizontal = self.position.partition("-")
        if not horizontal:
            if vertical in ("left", "right"):
                return "middle", "-", vertical
            if vertical == "center":
                return "middle", "-", "center"
            return vertical, "-", "center"
        return vertical, "-", horizontal


@register
@dataclass(frozen=True)
class Captions(Op):
    """Burned-in captions from SRT text or (start, end, text) cues, wrapped by libass inside the
    safe zone at the bottom (or top). `size` is the font height as a fraction of frame height."""

    kind = "captions"
    srt: str = ""
    cues: tuple = ()
    size: float = 0.055
    color: str = "white"
    outline_color: str = "black"
    outline: float = 0.08
    box: bool = False
    position: str = "bottom"
    safe_zone: SafeZone = SafeZone()

    def __post_init__(self) -> None:
        require(bool(self.srt.strip()) != bool(self.cues), "Captions need either SRT text or a cue list.",
                "Give one of them.")
        self.timed_cues()
        require(self.position in ("bottom", "top"),
                f"Captions go at the bottom or top, not {self.position!r}.", "Use 'bottom' or 'top'.")
        in_range("caption size", self.size, 0.01, 0.3)
        in_range("outline", self.outline, 0.0, 0.3)
        parse_color(self.color)
        parse_color(self.outline_color)
        _safe_zone(self)

    def timed_cues(self) -> list[tuple[float, float, str]]:
        return check_cues(self.cues) if self.cues else parse_srt(self.srt)

    def style(self, state: StreamState) -> CaptionStyle:
        px = max(8, round(self.size * state.height))
        return CaptionStyle(
            font_px=px, color=parse_color(self.color), outline_color=parse_color(self.outline_color),
            outline_px=round(self.outline * px), box=self.box, top=self.position == "top",
        )

    def text_regions(self, state: StreamState) -> list[TextRegion]:
        style, w, h = self.style(state), state.width, state.height
        regions = []
        for start, end, text in self.timed_cues():
            x0, y0, x1, y1 = style.cue_box(text, w, h, self.safe_zone)
            regions.append(TextRegion(text, x0 / w, y0 / h, x1 / w, y1 / h, start, min(end, state.duration)))
        return [r for r in regions if r.end > r.start]

    def apply(self, graph: Graph, state: StreamState, ctx: BuildContext) -> StreamState:
        style = self.style(state)
        document = style.ass_document(self.timed_cues(), state.width, state.height, self.safe_zone)
        path = ctx.write_later(f"captions-{len(ctx.side_files) + 1}.ass", document)
        graph.vf(f"ass=filename={escape_value(path)}:fontsdir={escape_value(FONTS_DIR)}")
        return state

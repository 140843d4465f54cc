"""Where burned-in text sits: boxes in fractions of the frame, with the seconds they show.

Text ops say where they draw (laid out as the engine draws them); every op says how a box
already in the picture moves (a crop shifts it, a trim or speed change retimes it), so the
text of a whole edit history can be followed into any later frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class TextRegion:
    """Burned-in text: a box (x0, y0)-(x1, y1) in fractions of the frame (0..1; outside when a
    later crop cut it) and the time span it shows, in seconds of the timeline it is on."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    start: float
    end: float

    def retimed(self, start: float, end: float) -> TextRegion:
        return replace(self, start=start, end=end)

    def boxed(self, x0: float, y0: float, x1: float, y1: float) -> TextRegion:
        return replace(self, x0=x0, y0=y0, x1=x1, y1=y1)

    def within(self, start: float, end: float) -> TextRegion | None:
        """This region clipped to start..end (None when it does not show then)."""
        a, b = max(self.start, start), min(self.end, end)
        return self.retimed(a, b) if b > a else None

    def shifted(self, offset: float, scale: float = 1.0) -> TextRegion:
        """Times mapped t -> (t - offset) / scale."""
        return self.retimed((self.start - offset) / scale, (self.end - offset) / scale)

    def in_window(self, origin: tuple[float, float], size: tuple[float, float],
                  frame: tuple[float, float]) -> TextRegion:
        """The box seen through a window of `size` at `origin` (pixels of a `frame`-sized
        picture), in fractions of that window."""
        (ox, oy), (w, h), (fw, fh) = origin, size, frame
        return self.boxed((self.x0 * fw - ox) / w, (self.y0 * fh - oy) / h,
                          (self.x1 * fw - ox) / w, (self.y1 * fh - oy) / h)

    def placed(self, origin: tuple[float, float], size: tuple[float, float],
               canvas: tuple[float, float]) -> TextRegion:
        """The box after its whole picture is fitted at `origin` with `size` (pixels) on a
        `canvas`-sized frame, in fractions of that canvas."""
        (ox, oy), (w, h), (cw, ch) = origin, size, canvas
        return self.boxed((ox + self.x0 * w) / cw, (oy + self.y0 * h) / ch,
                          (ox + self.x1 * w) / cw, (oy + self.y1 * h) / ch)

    @property
    def visible(self) -> bool:
        """Some of the box is inside the frame."""
        return self.x1 > 0 and self.y1 > 0 and self.x0 < 1 and self.y0 < 1

    @property
    def cut(self) -> bool:
        """Part of the box is outside the frame (a crop cut through the text)."""
        return self.visible and (self.x0 < -0.005 or self.y0 < -0.005 or self.x1 > 1.005 or self.y1 > 1.005)


def clipped_to(regions: list[TextRegion], duration: float) -> list[TextRegion]:
    """Regions on a timeline that now ends at `duration`."""
    return [r for r in (region.within(0.0, duration) for region in regions) if r]

"""Text burned in by earlier edits, followed into each platform's frame and checked against the
areas that platform's buttons cover (and against the crop, which may cut through it)."""

from __future__ import annotations

from collections.abc import Sequence

from core.media.regions import TextRegion
from core.social import reframe as rf
from core.social.models import Check, PlatformPlan

TOLERANCE = 0.005  # of the frame: anti-aliased edges and layout estimates
SIDES = ("top", "bottom", "left", "right")
LABEL = "Text clear of the app's buttons"


def text_in_output(regions: Sequence[TextRegion], p: PlatformPlan, src: tuple[int, int], segment_start: float,
                   track: Sequence[tuple[float, float, float]] | None = None) -> list[TextRegion]:
    """Burned-in text (fractions of the source frame, source timeline) as it shows in the
    platform's file (fractions of the output frame, output timeline). With an auto-focus
    track, one box per crop position while the text shows."""
    shown = []
    for region in regions:
        region = region.shifted(segment_start).within(0.0, p.source_span_s)
        if region is None:
            continue
        if p.mode == "scale":
            shown.append(region)
        elif p.mode == "pad_blur":
            fw, fh = rf.fit_inside(src, (p.width, p.height))
            shown.append(region.placed(((p.width - fw) // 2, (p.height - fh) // 2), (fw, fh), (p.width, p.height)))
        else:
            for focus in _focus_points(region, p, track):
                shown.append(region.in_window(rf.crop_origin(src, p.crop, focus), p.crop, src))
    return [r for r in shown if r.visible]


def _focus_points(region: TextRegion, p: PlatformPlan, track) -> list[tuple[float, float]]:
    if not track:
        return [p.focus if p.focus != "auto" else (0.5, 0.5)]
    inside = [(x, y) for t, x, y in track if region.start <= t <= region.end]
    return [rf.focus_at(track, region.start), *inside, rf.focus_at(track, region.end)]


def covered_sides(region: TextRegion, p: PlatformPlan) -> list[str]:
    """The sides whose button areas the text reaches into."""
    safe = p.spec.safe_zone.scaled(p.width, p.height)
    reach = {"top": safe.top / p.height - region.y0, "bottom": region.y1 - safe.y1 / p.height,
             "left": safe.left / p.width - region.x0, "right": region.x1 - safe.x1 / p.width}
    return [side for side in SIDES if reach[side] > TOLERANCE]


def text_check(p: PlatformPlan, shown: Sequence[TextRegion]) -> Check | None:
    """Pass when every piece of burned-in text is clear of the platform's buttons and whole;
    None when the source has no burned-in text."""
    if not shown:
        return None
    problems = []
    for region in _distinct(shown):
        quoted = f"'{_short(region.text)}' ({region.start:.1f}-{region.end:.1f} s)"
        if region.cut:
            problems.append(f"the {p.spec.aspect} crop cuts through {quoted}")
        sides = covered_sides(region, p)
        if sides:
            problems.append(f"{quoted} sits under {possessive(p.spec.name)} buttons ({_covered(p, sides)})")
    safe = p.spec.safe_zone
    expected = (f"clear of the buttons (top {safe.top / 19.2:.0f}%, bottom {safe.bottom / 19.2:.0f}%, "
                f"left {safe.left / 10.8:.0f}%, right {safe.right / 10.8:.0f}% of the frame) and not cut by the crop")
    if not problems:
        return Check(name="burned-in text", label=LABEL, passed=True, expected=expected,
                     actual=f"{len(_distinct(shown))} piece(s) of text from earlier edits, all clear")
    reason = (f"Text from an Edit step: {'; '.join(problems)}. Move it in Edit, or remove it there and type "
              "it here as a caption: captions made here stay clear of each app's buttons.")
    return Check(name="burned-in text", label=LABEL, passed=False, expected=expected, actual="; ".join(problems),
                 reason=reason)


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _covered(p: PlatformPlan, sides: list[str]) -> str:
    safe = p.spec.safe_zone
    share = {"top": safe.top / 1920, "bottom": safe.bottom / 1920, "left": safe.left / 1080, "right": safe.right / 1080}
    return ", ".join(f"{side} {share[side]:.0%}" for side in sides) + " of the frame"


def _distinct(shown: Sequence[TextRegion]) -> list[TextRegion]:
    """One region per piece of text and time (a moving crop gives several boxes): the union."""
    merged: dict[tuple, TextRegion] = {}
    for r in shown:
        key = (r.text, r.start, r.end)
        m = merged.get(key)
        merged[key] = r if m is None else r.boxed(min(m.x0, r.x0), min(m.y0, r.y0), max(m.x1, r.x1), max(m.y1, r.y1))
    return list(merged.values())


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

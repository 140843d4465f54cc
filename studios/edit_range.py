"""Edit's timeline: the frame strip with a range over it (start/end handles that snap to frames),
kept in step with the Start and End controls, and the limits those controls take from the
selected version (values clamped with a note naming the field, never an out-of-range error)."""

from __future__ import annotations

import math
from html import escape

from studios.pack_view import file_url

CSS = """
.vs-strip {position:relative; user-select:none; touch-action:none; border-radius:6px; overflow:hidden;}
.vs-strip img {display:block; width:100%; height:80px; object-fit:fill; pointer-events:none;}
.vs-range {position:absolute; top:0; bottom:0; border:2px solid #f59e0b; background:rgba(245,158,11,.18);
  box-sizing:border-box;}
.vs-handle {position:absolute; top:0; bottom:0; width:12px; background:#f59e0b; cursor:ew-resize;}
.vs-handle-start {left:-6px;} .vs-handle-end {right:-6px;}
.vs-strip-empty {color:#6b7280; font-size:.9em; padding:8px 0;}
"""


def range_html(strip: str | None, duration: float, fps: float, start: float = 0.0, end: float = 0.0) -> str:
    """The strip picture with the selection drawn over it (a URL from studios.files.served)."""
    if not strip or duration <= 0:
        return "<div class='vs-strip-empty'>Pick a clip to see its frames.</div>"
    left, width = selection(duration, start, end)
    return (f"<div class='vs-strip' data-duration='{duration:.4f}' data-fps='{fps or 25:.4f}'>"
            f"<img alt='Frames of the clip' src='{escape(file_url(strip))}'>"
            f"<div class='vs-range' style='left:{left:.3f}%;width:{width:.3f}%'>"
            "<span class='vs-handle vs-handle-start' title='Drag to set the start'></span>"
            "<span class='vs-handle vs-handle-end' title='Drag to set the end'></span></div></div>")


def selection(duration: float, start: float, end: float) -> tuple[float, float]:
    """(left %, width %) of the range; end 0 means "to the end"."""
    stop = end if end and end > 0 else duration
    start = min(max(start or 0.0, 0.0), duration)
    stop = min(max(stop, start), duration)
    return start / duration * 100, (stop - start) / duration * 100


def limits(duration: float, fps: float, start: float, end: float) -> tuple[float, float, float, list[str]]:
    """(maximum, start, end, notes) for a version `duration` long: values beyond it are clamped and
    each clamp is said in words naming the field."""
    step = 1 / fps if fps and fps > 0 else 0.04
    maximum = math.floor(duration / step + 1e-6) * step
    notes = []
    new_start, new_end = min(start or 0.0, maximum), min(end or 0.0, maximum)
    if new_start >= maximum and maximum > 0:
        new_start = 0.0
    for name, old, new in (("Start", start or 0.0, new_start), ("End", end or 0.0, new_end)):
        if abs(old - new) > 1e-6:
            notes.append(f"**{name} is now {new:.2f} s** (it was {old:.2f} s; this version is {duration:.2f} s long).")
    return round(maximum, 4), round(new_start, 4), round(new_end, 4), notes


# Installed once on page load: dragging a handle moves the Start/End control to the nearest frame.
DRAG_JS = """
() => {
  if (window.__vsRange) return [];
  window.__vsRange = true;
  const setControl = (id, value) => {
    const box = document.querySelector('#' + id + ' input[type=number]');
    if (!box) return;
    box.value = value;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    box.dispatchEvent(new Event('change', {bubbles: true}));
    box.dispatchEvent(new Event('blur', {bubbles: true}));
  };
  let drag = null;
  document.addEventListener('pointerdown', (ev) => {
    const handle = ev.target.closest && ev.target.closest('#vs-edit-range .vs-handle');
    if (!handle) return;
    const strip = handle.closest('.vs-strip');
    drag = {strip, which: handle.classList.contains('vs-handle-start') ? 'start' : 'end'};
    ev.preventDefault();
  });
  document.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const {strip, which} = drag;
    const rect = strip.getBoundingClientRect();
    const dur = parseFloat(strip.dataset.duration), fps = parseFloat(strip.dataset.fps);
    const range = strip.querySelector('.vs-range');
    const left = parseFloat(range.style.left) / 100 * dur, right = left + parseFloat(range.style.width) / 100 * dur;
    let t = Math.round(Math.min(Math.max((ev.clientX - rect.left) / rect.width, 0), 1) * dur * fps) / fps;
    if (which === 'start') { t = Math.min(t, right - 1 / fps); range.style.left = (t / dur * 100) + '%';
                             range.style.width = ((right - t) / dur * 100) + '%'; }
    else { t = Math.max(t, left + 1 / fps); range.style.width = ((t - left) / dur * 100) + '%'; }
    drag.value = Math.max(0, +t.toFixed(4));
  });
  document.addEventListener('pointerup', () => {
    if (drag && drag.value !== undefined) setControl(drag.which === 'start' ? 'vs-edit-start' : 'vs-edit-end', drag.value);
    drag = null;
  });
  return [];
}
"""

# Start/End moved (typed, dragged or set by the server): redraw the selection on the strip.
FOLLOW_JS = """
(start, end) => {
  const strip = document.querySelector('#vs-edit-range .vs-strip');
  if (!strip) return [];
  const dur = parseFloat(strip.dataset.duration), range = strip.querySelector('.vs-range');
  const s = Math.min(Math.max(start || 0, 0), dur), e = Math.min(Math.max(end > 0 ? end : dur, s), dur);
  range.style.left = (s / dur * 100) + '%';
  range.style.width = ((e - s) / dur * 100) + '%';
  return [];
}
"""

"""Scripts the page runs once (placed in the page head): players show a poster instead of a black
box, and a typed number outside a control's limits is said in words instead of clamped silently."""

from __future__ import annotations

from studios.files import POSTER

# gr.Video has no poster setting: studios/files.py serves each video's poster beside it, and this
# gives every player whose file has one that picture until it plays (checked by loading it first).
POSTERS = """
(() => {
  if (window.__vsPosters) return; window.__vsPosters = true;
  const shown = new WeakMap();
  const give = (video) => {
    const src = video.getAttribute('src') || '';
    if (shown.get(video) === src) return;
    shown.set(video, src);
    video.removeAttribute('poster');
    if (!src.includes('/vs-')) return;
    const url = src.split('?')[0] + '__POSTER__';
    const still = new Image();
    still.onload = () => { if ((video.getAttribute('src') || '') === src) video.poster = url; };
    still.src = url;
  };
  const scan = () => document.querySelectorAll('video').forEach(give);
  new MutationObserver(scan).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
})();
""".replace("__POSTER__", POSTER)

# Number boxes (sliders' and gr.Number's) with limits: an out-of-range value never reaches Gradio
# (whose server would answer with a toast naming no field, and whose slider clamps silently). On
# leaving the box it is set to the nearest limit and a note under the control names the field, its
# limits and what was typed; the note stays until the creator's next action.
BOUNDS = """
(() => {
  if (window.__vsBounds) return; window.__vsBounds = true;
  const limits = (box) => {
    const lo = box.getAttribute('min'), hi = box.getAttribute('max');
    return [lo === null || lo === '' ? -Infinity : Number(lo), hi === null || hi === '' ? Infinity : Number(hi)];
  };
  const outside = (box) => {
    if (box.type !== 'number' || box.value === '') return false;
    const v = Number(box.value), [lo, hi] = limits(box);
    return Number.isFinite(v) && (v < lo || v > hi);
  };
  const fieldName = (box) => {
    const block = box.closest('.block');
    const info = block && block.querySelector('[data-testid="block-info"]');
    return (info ? info.textContent : box.getAttribute('aria-label') || 'This value').trim();
  };
  const clearNotes = () => document.querySelectorAll('.vs-bound-note').forEach((n) => n.remove());
  const fix = (box) => {
    const typed = Number(box.value), [lo, hi] = limits(box);
    const set = Math.min(Math.max(typed, lo), hi);
    const name = fieldName(box);
    const range = hi === Infinity ? 'at least ' + lo : lo === -Infinity ? 'at most ' + hi : 'from ' + lo + ' to ' + hi;
    const note = document.createElement('div');
    note.className = 'vs-bound-note';
    note.setAttribute('role', 'alert');
    note.textContent = name + ' takes values ' + range + ': ' + typed + ' is ' + (typed > hi ? 'too high' : 'too low') +
      ', so it was set to ' + set + '.';
    clearNotes();
    (box.closest('.block') || box.parentElement).appendChild(note);
    box.value = String(set);
    box.__vsFixing = true;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    box.dispatchEvent(new Event('change', {bubbles: true}));
    box.__vsFixing = false;
  };
  window.addEventListener('input', (ev) => {
    const box = ev.target;
    if (!box || box.__vsFixing) return;
    if (box.tagName === 'INPUT' || box.tagName === 'TEXTAREA') clearNotes();
    if (box.tagName === 'INPUT' && outside(box)) ev.stopImmediatePropagation();  // Gradio never sees it
  }, true);
  window.addEventListener('change', (ev) => {
    const box = ev.target;
    if (box && box.tagName === 'INPUT' && !box.__vsFixing && outside(box)) ev.stopImmediatePropagation();
  }, true);
  const settle = (ev) => { const box = ev.target; if (box && box.tagName === 'INPUT' && outside(box)) fix(box); };
  window.addEventListener('blur', settle, true);
  window.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') settle(ev); }, true);
  window.addEventListener('click', (ev) => { if (ev.target.closest && ev.target.closest('button')) clearNotes(); }, true);
})();
"""

CSS = """
.vs-bound-note {color:#b91c1c; font-size:0.9em; margin-top:6px;}
"""


def head() -> str:
    return f"<script>{POSTERS}</script><script>{BOUNDS}</script>"

"""HTML pieces of the Compare tab (pure functions of core dicts) and the player-sync script."""

from __future__ import annotations

from html import escape

from studios.widgets import STATUS_COLOURS, money

CSS = """
.vs-cmp {border:1px solid var(--border-color-primary); border-radius:10px; padding:12px 14px;}
.vs-cmp-table {width:100%; border-collapse:collapse; font-size:0.92em; border:none !important;}
.vs-cmp table, .vs-cmp thead, .vs-cmp tbody, .vs-cmp tr {border:none !important;}
.vs-cmp-table td, .vs-cmp-table th {padding:5px 6px; border:none !important;
  border-bottom:1px solid var(--border-color-primary) !important; text-align:left; vertical-align:top;}
.vs-cmp-table td.num, .vs-cmp-table th.num {text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap;}
.vs-cmp-out {opacity:0.55;}
.vs-cmp-total {font-size:1.5em; font-weight:700; margin:6px 0 2px;}
.vs-card {border:1px solid var(--border-color-primary); border-radius:10px; padding:8px 10px; font-size:0.9em;
  line-height:1.45;}
.vs-card .name {font-weight:700; font-size:1.05em;}
.vs-card .err {color:#b91c1c;}
.vs-badge {display:inline-block; padding:0 7px; border-radius:999px; font-size:0.8em; background:#e0e7ff;
  color:#3730a3; margin-left:4px;}
.vs-reveal {border:2px solid #15803d; border-radius:10px; padding:10px 12px; margin-top:6px;}
.vs-sync video {background:#000;}
"""

# Players inside an element with class `vs-sync` play, pause and scrub together. Media events do
# not bubble, so one capturing listener on the document sees them all. When the script moves a
# player, it notes the one event that move will cause, and that event is not mirrored back.
SYNC_SCRIPT = """<script>
(() => {
  if (window.__vsSync) return; window.__vsSync = true;
  const pending = new WeakMap();
  const note = (el, type, n) => { const m = pending.get(el) || {}; m[type] = Math.max(0, (m[type] || 0) + n);
    pending.set(el, m); };
  const mine = (el, type) => { const m = pending.get(el); if (m && m[type] > 0) { m[type]--; return true; }
    return false; };
  const peers = (v) => { const box = v.closest('.vs-sync');
    return box ? [...box.querySelectorAll('video')].filter((o) => o !== v) : []; };
  const align = (v, o) => { if (Math.abs(o.currentTime - v.currentTime) > 0.04) {
    note(o, 'seeked', 1); o.currentTime = v.currentTime; } };
  const acts = {
    play: (v, o) => { align(v, o); if (o.paused) { note(o, 'play', 1);
      o.play().catch(() => note(o, 'play', -1)); } },
    pause: (v, o) => { if (!o.paused) { note(o, 'pause', 1); o.pause(); } align(v, o); },
    seeked: align,
    ratechange: (v, o) => { if (o.playbackRate !== v.playbackRate) { note(o, 'ratechange', 1);
      o.playbackRate = v.playbackRate; } },
  };
  for (const [type, act] of Object.entries(acts)) {
    document.addEventListener(type, (e) => {
      const v = e.target;
      if (!(v instanceof HTMLVideoElement) || mine(v, type)) return;
      for (const o of peers(v)) act(v, o);
    }, true);
  }
})();
</script>"""


def _pill(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#6b7280")
    return f"<span class='vs-pill' style='background:{colour}'>{escape(status)}</span>"


def _usd(value: float | None) -> str:
    return "free" if value == 0 else money(value)


def price_table(answer: dict | None, prompt_missing: str = "") -> str:
    """Each chosen model's price for these exact settings, what it changes or why it is left out, the total."""
    if prompt_missing:
        return f"<div class='vs-cmp vs-note'>{escape(prompt_missing)}</div>"
    if not answer:
        return "<div class='vs-cmp vs-note'>Pick two to four models to see what the compare costs.</div>"
    rows = []
    for row in answer["per_model"]:
        if row["reused"]:
            cost, note = "free", "Re-used: this exact request ran before; nothing is sent."
        elif not row["allowed"]:
            cost, note = "-", row["reason"]
        else:
            cost = _usd(row["estimate_usd"])
            if row["max_usd"] > row["estimate_usd"] + 1e-9:
                cost += f" <span class='vs-note'>(up to {money(row['max_usd'])})</span>"
            note = row["reason"] or "Runs as asked."
        css = "" if row["allowed"] else " class='vs-cmp-out'"
        rows.append(f"<tr{css}><td><b>{escape(row['model_name'])}</b><div class='vs-note'>{escape(row['provider'])}"
                    f"</div></td><td class='num'>{cost}</td><td>{escape(note)}</td></tr>")
    total, bound = answer["total_usd"], answer["max_usd"]
    head = (f"<div class='vs-cmp-total'>{'Free' if bound == 0 else money(total)}</div>"
            + (f"<div class='vs-note'>at most {money(bound)} in all</div>" if bound > total + 1e-9 else "")
            + "<div class='vs-note'>for the whole compare, before anything is sent</div>")
    message = (f"<div class='vs-issue'>{escape(answer['message'])}</div>"
               if answer.get("message") and not answer.get("ok") else "")
    return (f"<div class='vs-cmp'>{head}<table class='vs-cmp-table'><tr><th>Model</th><th class='num'>Price</th>"
            f"<th>Runs as</th></tr>{''.join(rows)}</table>{message}</div>")


def title(row: dict) -> str:
    """An output's name: its model, its blind label, or both once a vote revealed it."""
    if row["model_name"] and row["label"] != row["model_name"]:
        return f"{row['label']}: {row['model_name']}"
    return row["model_name"] or row["label"]


def sweep_summary(answer: dict | None, problem: str = "") -> str:
    """How many runs a sweep makes, the most it may cost, and whether its ceiling covers that."""
    if problem:
        return f"<div class='vs-note'>{escape(problem)}</div>"
    if not answer:
        return "<div class='vs-note'>Every prompt runs with every seed on every chosen model.</div>"
    runs = sum(1 for r in answer["per_model"] if r["allowed"] and not r["reused"])
    reused = sum(1 for r in answer["per_model"] if r["reused"])
    out = sum(1 for r in answer["per_model"] if not r["allowed"])
    parts = [f"{answer['cells']} cells: {runs} to run" + (f", {reused} re-used" if reused else "")
             + (f", {out} left out" if out else ""),
             f"up to {money(answer['max_usd'])} (ceiling {money(answer['ceiling_usd'])})"]
    fits = answer["max_usd"] <= answer["ceiling_usd"] + 1e-9
    verdict = ("<div class='vs-note'>The ceiling covers it; it is also your confirmation.</div>" if fits else
               "<div class='vs-issue'>Above the ceiling: raise it, or take out prompts, seeds or models.</div>")
    message = f"<div class='vs-issue'>{escape(answer['message'])}</div>" if answer.get("message") and \
        not answer.get("ok") and fits else ""
    return f"<div class='vs-cmp'><b>{' &middot; '.join(parts)}</b>{verdict}{message}</div>"


def result_card(row: dict | None) -> str:
    """One output of the grid: model (or its blind label), cost estimate and actual, time, size, length, sound."""
    if row is None:
        return ""
    name = title(row)
    lines = [f"<div><span class='name'>{escape(name)}</span> {_pill(row['status'])}"
             + ("<span class='vs-badge'>re-used</span>" if row["reused"] else "") + "</div>"]
    if row["revealed"]:
        if row["reused"]:
            lines.append("<div>Cost: free (re-used)</div>")
        elif row["estimate_usd"] == 0 and row["actual_usd"] in (0, None):
            lines.append("<div>Cost: free (made on this computer)</div>")
        else:
            actual = "pending" if row["actual_usd"] is None else money(row["actual_usd"])
            lines.append(f"<div>Cost: {money(row['estimate_usd'])} estimated &middot; {actual} charged</div>")
        took = "-" if row["seconds"] is None else f"{row['seconds']:.1f} s"
        lines.append(f"<div>Time to result: {took}" + (" (the earlier run)" if row["reused"] else "") + "</div>")
    else:
        lines.append("<div class='vs-note'>Name, cost and time are hidden until you vote on this output.</div>")
    if row["width"]:
        sound = "sound" if row["has_audio"] else "silent"
        lines.append(f"<div>{row['width']}x{row['height']} &middot; {row['duration_s']:.1f} s &middot; {sound}</div>")
    if row.get("note"):
        lines.append(f"<div class='vs-note'>{escape(row['note'])}</div>")
    if row.get("error"):
        lines.append(f"<div class='err'>{escape(row['error'])}</div>")
    return f"<div class='vs-card'>{''.join(lines)}</div>"


def group_summary(view: dict | None) -> str:
    if not view:
        return "<div class='vs-note'>Run a compare to see the outputs side by side.</div>"
    finished = sum(1 for r in view["per_model"] if r["status"] in ("succeeded", "failed", "cancelled",
                                                                       "needs-attention"))
    state = "all done" if view["done"] else f"{finished} of {len(view['per_model'])} finished"
    blind = " &middot; <b>blind</b>: names show after your vote" if view["blind"] else ""
    spent = "" if view.get("actual_usd") is None else f" &middot; charged {_usd(view['actual_usd'])}"
    return (f"<div class='vs-note'>&ldquo;{escape(view['prompt'][:120])}&rdquo; &middot; {state}{blind}{spent}. "
            "The players play, pause and scrub together.</div>")


def reveal(vote: dict, rows: dict[str, dict]) -> str:
    """After a vote: which model each side was, with its cost and time."""
    parts = []
    for side in ("a", "b"):
        named = vote[side]
        row = rows.get(named["asset_id"], {})
        cost = _usd(row.get("actual_usd")) if row.get("actual_usd") is not None else "pending"
        took = "-" if row.get("seconds") is None else f"{row['seconds']:.1f} s"
        parts.append(f"<div><b>{side.upper()}</b> was <b>{escape(named['model_name'])}</b> "
                     f"({escape(named['provider'])}) &middot; {cost} &middot; {took} to result</div>")
    kind = ("a blind vote (names unseen when you voted)" if vote["blind"]
            else "a named vote (it counts, but not on a blind-only leaderboard)")
    return f"<div class='vs-reveal'>{''.join(parts)}<div class='vs-note'>Recorded as {kind}.</div></div>"


def leaderboard_table(board: dict) -> str:
    """Ranked rows (by the interval's lower end) and, apart, the models with too few votes."""
    def line(r: dict, ranked: bool) -> str:
        ci = f"{r['ci_low']:.0f} to {r['ci_high']:.0f}" if ranked else "-"
        per_s = "-" if r["usd_per_second"] is None else ("free" if r["usd_per_second"] == 0
                                                          else f"${r['usd_per_second']:.3f}")
        took = "-" if r["median_seconds"] is None else f"{r['median_seconds']:.1f} s"
        return (f"<tr><td class='num'>{r['rank'] or ''}</td><td><b>{escape(r['model_name'])}</b></td>"
                f"<td class='num'>{r['score']:.0f}</td><td class='num'>{ci}</td><td class='num'>{r['votes']}</td>"
                f"<td class='num'>{per_s}</td><td class='num'>{took}</td></tr>")

    head = ("<tr><th class='num'>#</th><th>Model</th><th class='num'>Score</th><th class='num'>95% interval</th>"
            "<th class='num'>Votes</th><th class='num'>Price / s</th><th class='num'>Median time</th></tr>")
    ranked = "".join(line(r, True) for r in board["rows"]) or (
        "<tr><td colspan='7' class='vs-note'>No model has enough votes yet.</td></tr>")
    apart = ""
    if board["few_votes"]:
        apart = (f"<h4>Fewer than {board['min_votes']} votes (not ranked yet)</h4><table class='vs-cmp-table'>{head}"
                 + "".join(line(r, False) for r in board["few_votes"]) + "</table>")
    count = f"{board['votes']} {'blind ' if board.get('blind_only') else ''}vote{'' if board['votes'] == 1 else 's'}"
    return (f"<div class='vs-cmp'><div class='vs-note'>{count}. {escape(board['method'])}"
            f"</div><table class='vs-cmp-table'>{head}{ranked}</table>{apart}</div>")

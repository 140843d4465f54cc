"""Shared view pieces: cost meter, job panel, provider banner. Pure HTML from core dicts."""

from __future__ import annotations

from html import escape

from core.money.pricing import format_usd as usd
from studios.edit_range import CSS as RANGE_CSS
from studios.labels import ago, short_title, until
from studios.meter import CSS as METER_CSS
from studios.meter import cost_meter  # noqa: F401  (tabs import the meter from here)

STATUS_COLOURS = {
    "queued": "#6b7280", "submitting": "#2563eb", "running": "#2563eb", "downloading": "#2563eb",
    "succeeded": "#15803d", "failed": "#b91c1c", "cancelled": "#6b7280", "needs-attention": "#b45309",
}

CSS = """
.vs-meter {border:1px solid var(--border-color-primary); border-radius:10px; padding:12px 14px;}
.vs-meter .total {font-size:1.6em; font-weight:700;}
.vs-meter .free {color:#15803d;}
.vs-meter table {width:100%; font-size:0.9em; margin-top:6px;}
.vs-meter td {padding:2px 4px;}
.vs-meter td:last-child {text-align:right; font-variant-numeric:tabular-nums;}
.vs-issue {color:#b91c1c; margin:4px 0;}
.vs-note {color:#6b7280; font-size:0.85em;}
.vs-reuse {color:#1d4ed8; font-size:0.9em; margin-top:4px;}
.vs-tag {display:inline-block; padding:0 8px; margin:1px 2px; border-radius:999px; background:var(--background-fill-secondary); border:1px solid var(--border-color-primary); font-size:0.85em;}
.vs-ai-tag {border-color:#7c3aed;} .vs-ai-tag sup {color:#7c3aed; margin-left:2px; font-size:0.7em;}
.vs-tree {list-style:none; padding-left:0; margin:4px 0;}
.vs-node {padding:2px 0; border-left:2px solid var(--border-color-primary); padding-left:6px;}
.vs-here {border-left-color:#2563eb; background:var(--background-fill-secondary);}
.vs-jobs {overflow-x:auto;}
.vs-jobs table {width:100%; font-size:0.9em; border-collapse:collapse;}
.vs-jobs td:last-child {max-width:260px; overflow-wrap:anywhere;}
.vs-jobs table.vs-job-table {table-layout:fixed;}
.vs-job-table td {vertical-align:top; overflow-wrap:break-word;}
.vs-job-table .vs-bar {min-width:0; margin:4px 0 2px;}
.vs-jobs td, .vs-jobs th {padding:4px 6px; border-bottom:1px solid var(--border-color-primary); text-align:left;}
.vs-bar {background:#e5e7eb; border-radius:4px; height:8px; width:100%; min-width:80px;}
.vs-bar > div {background:#2563eb; height:8px; border-radius:4px;}
.vs-pill {display:inline-block; padding:1px 8px; border-radius:999px; color:white; font-size:0.8em;}
.vs-banner {font-size:0.9em; padding:6px 10px; border-radius:8px; background:var(--background-fill-secondary);}
.vs-ok {color:#15803d;}
.vs-plan {list-style:none; margin:0; padding:0; font-size:0.9em;}
.vs-plan-row {padding:4px 0; border-bottom:1px solid var(--border-color-primary);}
.vs-pack {padding:8px 10px;}
.vs-pack-verdict {font-weight:600; margin:4px 0 8px;}
.vs-pack-players {display:flex; flex-wrap:wrap; gap:10px; align-items:flex-end;}
.vs-pack-player {margin:0; text-align:center; font-size:0.85em;}
.vs-pack-player video {height:220px; max-width:100%; background:#111; border-radius:6px; display:block;}
.vs-pack-table {width:100%; font-size:0.9em; border-collapse:collapse; margin-top:10px;}
.vs-pack-table td, .vs-pack-table th {padding:4px 6px; border-bottom:1px solid var(--border-color-primary);
  text-align:left; vertical-align:top;}
.vs-pack-table details summary {cursor:pointer;}
.vs-pack-table td:nth-child(n+3):nth-child(-n+5) {white-space:nowrap;}
.vs-checks {margin:4px 0 0 0; padding-left:16px;}
.vs-send-to button {min-width:0;}
.vs-thumbs {align-self:center;}
.vs-thumb {height:64px; max-width:114px; object-fit:cover; border-radius:6px; margin-right:4px; background:#111;}
.vs-thumb-empty {display:flex; align-items:center; justify-content:center; width:114px; color:#9ca3af;
  font-size:0.8em; background:var(--background-fill-secondary); border:1px dashed var(--border-color-primary);}
.vs-ids summary {cursor:pointer; color:#6b7280; font-size:0.85em;}
#vs-library-grid .caption-label {white-space:pre-line; max-width:calc(100% - 8px); box-sizing:content-box;
  max-height:6em; line-height:1.5em; overflow:hidden; text-overflow:clip; opacity:1;}
""" + METER_CSS + RANGE_CSS


def money(value: float | None) -> str:
    if value is None:
        return "-"
    return "free" if value == 0 else f"${value:,.2f}" if value >= 0.1 else f"${value:,.3f}"


def operation_words(operation: str | None) -> str:
    """'text-to-video' -> 'Text to video', 'social-pack' -> 'Social pack'."""
    words = (operation or "work").replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


JOB_COLUMNS = (("What", 50), ("Status", 24), ("Cost", 11), ("Started", 15))  # % of the table's width


def job_panel(jobs: list[dict]) -> str:
    """What each job makes (its title, kind and model by name, with its notes), status, progress, cost
    and when it started, in words; ids only in the details fold. Four columns of fixed share, so the
    table reads in Create's narrow right-hand column as well as across a whole tab."""
    if not jobs:
        return "<div class='vs-jobs vs-note'>No jobs yet.</div>"
    rows = []
    for job in jobs:
        colour = STATUS_COLOURS.get(job["status"], "#6b7280")
        pct = int(round((job.get("progress") or 0) * 100))
        eta = f" · ~{job['eta_s']:.0f} s left" if job.get("eta_s") and not job["terminal"] else ""
        cost = money(job["actual_usd"] if job.get("actual_usd") is not None else job.get("estimate_usd"))
        what = operation_words(job.get("operation"))
        title = short_title(job.get("title") or "") if job.get("title") else ""
        model = job.get("model_name") or job.get("model") or ""
        kind = " · ".join(x for x in ((what if title else ""), model) if x)
        ids = f"job <code>{escape(job['id'])}</code>" + (
            f", provider task <code>{escape(job['task_id'])}</code>" if job.get("task_id") else "")
        detail = escape(job.get("error") or job.get("message") or "")
        rows.append(
            f"<tr><td><b>{escape(title or what)}</b><div class='vs-note'>{escape(kind)}</div>"
            f"{f'<div>{detail}</div>' if detail else ''}"
            f"<details class='vs-ids'><summary>Details</summary>{ids}</details></td>"
            f"<td><span class='vs-pill' style='background:{colour}'>{escape(job['status'].replace('-', ' '))}</span>"
            f"<div class='vs-bar'><div style='width:{pct}%'></div></div>{pct}%{eta}</td>"
            f"<td>{cost}</td><td>{escape(ago(job.get('created_at')))}</td></tr>")
    return fixed_table(JOB_COLUMNS, "".join(rows))


def fixed_table(columns: tuple[tuple[str, int], ...], rows: str) -> str:
    """A table whose (header, % of width) columns keep their share whatever the cells hold."""
    cols = "".join(f"<col style='width:{share}%'>" for _, share in columns)
    heads = "".join(f"<th>{name}</th>" for name, _ in columns)
    return (f"<div class='vs-jobs'><table class='vs-job-table'><colgroup>{cols}</colgroup><tr>{heads}</tr>"
            f"{rows}</table></div>")


def provider_banner(rows: list[dict]) -> str:
    parts = []
    for row in rows:
        state = "ready" if row["configured"] else "not configured (no key)"
        kind = "free, offline" if row["free"] else "paid"
        parts.append(f"<b>{escape(row['provider'])}</b>: {state} ({kind}, {row['models']} models)")
    return "<div class='vs-banner'>Providers &middot; " + " &middot; ".join(parts) + "</div>"


def links_html(links: list[dict], base: str = "") -> str:
    """An asset's live share links: address, expiry and downloads so far."""
    if not links:
        return "<div class='vs-note'>No live links. A link downloads the file without login until it expires.</div>"
    rows = "".join(f"<tr><td><a href='{escape(link['url'])}' target='_blank'>{escape(base + link['url'][:24])}&hellip;</a>"
                   f"</td><td>until {escape(until(link['expires_at']))}</td>"
                   f"<td>{link['downloads']} download(s)</td></tr>" for link in links)
    return f"<div class='vs-jobs'><table><tr><th>Link</th><th>Expires</th><th>Used</th></tr>{rows}</table></div>"


def open_banner() -> str:
    return ("<div class='vs-banner' style='background:#fef3c7;color:#92400e'><b>Open to the network with no "
            "login.</b> Anyone who can reach this address can use this studio, its keys and its files "
            "(VIDEO_STUDIO_ALLOW_OPEN=1). For a team, set VIDEO_STUDIO_AUTH=password or hf.</div>")

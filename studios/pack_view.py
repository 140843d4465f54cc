"""What a creator reads of a Social pack: the plan beside the platform choice, and the results
(one row per platform, a player each, the checks folded away in plain words)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

FILE_ROUTE = "/gradio_api/file="  # Gradio serves files under the app's allowed paths here
PASS, FAIL = "&#10003;", "&#10007;"


def file_url(path: str) -> str:
    return FILE_ROUTE + quote(str(path))


def plan_html(rows: list[dict]) -> str:
    """Per chosen platform: the size it gets, how the frame is fitted (how much a crop keeps),
    and any warning, in a compact list right under the platform choice."""
    if not rows:
        return ""
    items = []
    for row in rows:
        name = f"<b>{escape(row['name'])}</b>"
        if row["error"]:
            items.append(f"<li class='vs-plan-row'>{name} <span class='vs-issue'>{FAIL} {escape(row['error'])}</span></li>")
            continue
        warnings = "".join(f"<div class='vs-issue'>{escape(w)}</div>" for w in row["warnings"])
        notes = " ".join(escape(n) for n in row["notes"])
        items.append(f"<li class='vs-plan-row'>{name}: {escape(row['size'])}, {row['duration_s']:g} s"
                     f"<div class='vs-note'>{notes}</div>{warnings}</li>")
    return f"<ul class='vs-plan'>{''.join(items)}</ul>"


def results_html(result: dict, files: dict[str, dict]) -> str:
    """The finished pack: a verdict, a player per platform, then one row per platform with its
    checks folded. `files` maps platform id -> its library asset (path, poster)."""
    entries = result.get("manifest", {}).get("platforms", [])
    if not entries:
        return ""
    failing = [e["name"] for e in entries if not e.get("passed")]
    verdict = (f"<p class='vs-pack-verdict vs-ok'>{PASS} Every file is ready to post.</p>" if not failing else
               f"<p class='vs-pack-verdict vs-issue'>{FAIL} {len(failing)} of {len(entries)} need attention: "
               f"{escape(', '.join(failing))}. The reasons are below.</p>")
    players = "".join(_player(e, files.get(e["platform"])) for e in entries if e.get("file"))
    rows = "".join(_row(e) for e in entries)
    return (f"<div class='vs-pack'>{verdict}<div class='vs-pack-players'>{players}</div>"
            "<table class='vs-pack-table'><tr><th></th><th>Platform</th><th>Size</th><th>Length</th>"
            f"<th>File</th><th>Checks</th></tr>{rows}</table></div>")


def _player(entry: dict, asset: dict | None) -> str:
    if not asset:
        return ""
    poster = f" poster='{file_url(asset['poster'])}'" if asset.get("poster") else ""
    mark = PASS if entry["passed"] else FAIL
    return (f"<figure class='vs-pack-player' data-platform='{escape(entry['platform'])}'>"
            f"<video controls preload='none'{poster} src='{file_url(asset['path'])}'></video>"
            f"<figcaption>{mark} {escape(entry['name'])}<br><span class='vs-note'>{entry['width']}x"
            f"{entry['height']}, {entry['duration_s']:.1f} s</span></figcaption></figure>")


def _row(entry: dict) -> str:
    name = escape(entry["name"])
    platform = escape(entry["platform"])
    if entry.get("error"):
        return (f"<tr class='vs-pack-row' data-platform='{platform}'><td class='vs-issue'>{FAIL}</td>"
                f"<td>{name}</td><td colspan=4 class='vs-issue'>{escape(entry['error'])}</td></tr>")
    checks = entry.get("checks", [])
    failed = [c for c in checks if not c["passed"]]
    mark = f"<td class='vs-ok'>{PASS}</td>" if entry["passed"] else f"<td class='vs-issue'>{FAIL}</td>"
    summary = (f"All {len(checks)} checks pass" if not failed else
               f"{len(failed)} of {len(checks)} checks fail: {escape(', '.join(_label(c) for c in failed))}")
    reasons = "".join(f"<div class='vs-issue'>{escape(c['reason'])}</div>" for c in failed)
    items = "".join(
        f"<li>{PASS if c['passed'] else FAIL} <b>{escape(_label(c))}</b>: {escape(c['actual'])} "
        f"<span class='vs-note'>(wanted: {escape(c['expected'])})</span></li>" for c in checks)
    details = f"<details><summary>{summary}</summary><ul class='vs-checks'>{items}</ul></details>"
    return (f"<tr class='vs-pack-row' data-platform='{platform}'>{mark}<td>{name}</td>"
            f"<td>{entry['width']}x{entry['height']}</td><td>{entry['duration_s']:.1f} s</td>"
            f"<td>{entry['size_bytes'] / 1e6:.1f} MB</td><td>{reasons}{details}</td></tr>")


def _label(check: dict) -> str:
    return check.get("label") or check["name"]

"""The Library tab's pictures in words: human dates, captions, an asset's details, its version tree,
disk use. Pure HTML/text from the core's dicts."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

from core.media.encoding import codec_label
from studios.labels import asset_facts, numbered, short_title
from studios.widgets import money, operation_words

NOTHING = ("**Nothing matches.** No asset has these words with these filters. Try fewer words, or "
           "clear the filters.")


def human_date(stamp: str, now: datetime | None = None) -> str:
    """'today 14:05', 'yesterday 09:12', '12 Nov', '12 Nov 2024' (UTC)."""
    when = datetime.fromisoformat(stamp)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    days = (now.date() - when.date()).days
    if days == 0:
        return f"today {when:%H:%M}"
    if days == 1:
        return f"yesterday {when:%H:%M}"
    return f"{when.day} {when:%b}" + ("" if when.year == now.year else f" {when.year}")


def captions(assets: list[dict], by_id: dict[str, dict], now: datetime | None = None) -> list[str]:
    """A grid tile's words, the picker's label over two lines: the title (its head cut, its tail such as
    "(edit) - TikTok" kept), then version, size, length, when and cost; look-alikes numbered (#2)."""
    return numbered([f"{short_title(a['title'])}\n" + " · ".join([*asset_facts(a, by_id, now), money(a["cost"])])
                     for a in assets])


def page_line(total: int, page: int, page_size: int) -> str:
    if total == 0:
        return NOTHING
    pages = max(1, -(-total // page_size))
    first, last = (page - 1) * page_size + 1, min(page * page_size, total)
    return f"{total} asset(s) · showing {first}-{last} · page {page} of {pages}"


def details_html(details: dict, usage: dict, lineage: list[dict]) -> str:
    """The opened asset: facts, prompt, tags, collections, versions, usage and lineage."""
    asset = details["asset"]
    facts = [("Size", f"{asset['width']}x{asset['height']}"), ("Duration", f"{asset['duration']:.1f} s"),
             ("Frame rate", f"{asset['fps']:g} fps"), ("Audio", "yes" if asset["has_audio"] else "no"),
             ("Made by", escape(" · ".join(x for x in (operation_words(asset["operation"]),
                                                       details.get("model_name")) if x))),
             ("Cost", money(asset["cost"]) + (f" (estimated {money(asset['estimate_usd'])})"
                                               if asset.get("estimate_usd") else "")),
             ("File", f"{Path(asset['path']).suffix.lstrip('.').upper()} ({codec_label(asset['codec'])}), "
                      f"{asset['size_bytes'] / 1e6:.2f} MB"),
             ("Created", escape(human_date(asset["created_at"])))]
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in facts)
    prompt = f"<p class='vs-note'>Prompt: {escape(asset['prompt'])}</p>" if asset.get("prompt") else ""
    ai = (asset.get("settings") or {}).get("ai_tags") or {}
    tags = " ".join(_tag_chip(t, t in ai.get("tags", [])) for t in asset.get("tags") or [])
    if ai.get("caption"):
        by = details.get("ai_model_name") or "a captioning model"
        tags += f"<p class='vs-note'>AI description ({escape(by)}): {escape(ai['caption'][:400])}</p>"
    boxes = ", ".join(escape(c["name"]) for c in details.get("collections") or [])
    made_from = " &larr; ".join(f"{escape(short_title(a['title']))} <span class='vs-note'>"
                                f"({escape(operation_words(a['operation']))})</span>" for a in lineage)
    children = details.get("children") or 0
    return (f"<div class='vs-meter vs-details'><b>{escape(asset['title'])}</b><table>{rows}</table>{prompt}"
            f"<p>{tags}</p>"
            f"<p class='vs-note'>Collections: {boxes or 'none'} &middot; versions made from it: {children}</p>"
            f"<p class='vs-usage'>{escape(usage['summary'])}</p>"
            f"<p class='vs-note'>Lineage: {made_from}</p></div>")


def _tag_chip(tag: str, by_ai: bool) -> str:
    """One tag; a tag that came from a captioning model is marked AI."""
    if by_ai:
        return f"<span class='vs-tag vs-ai-tag' title='AI tag'>{escape(tag)}<sup>AI</sup></span>"
    return f"<span class='vs-tag'>{escape(tag)}</span>"


def node_label(node: dict) -> str:
    """What one version did: its ops, or its model and main settings, and what it cost."""
    return f"{operation_words(node['operation'])}: {node_what(node)} · {money(node['cost_usd'])}"


def node_what(node: dict) -> str:
    if node.get("ops"):
        return "; ".join(_op(op) for op in node["ops"])[:140]
    settings = node.get("settings") or {}
    bits = [node.get("model_name") or node.get("model") or ""]
    for key, unit in (("duration", " s"), ("resolution", ""), ("aspect", ""), ("seed", "")):
        if settings.get(key) not in (None, ""):
            bits.append(f"{'seed ' if key == 'seed' else ''}{settings[key]}{unit}")
    return " · ".join(b for b in bits if b) or "imported"


def tree_html(tree: dict, selected: str | None) -> str:
    """The version tree from its root, indented by depth; the opened asset in bold."""
    items = []
    for node in tree["nodes"]:
        mark = " vs-here" if node["asset_id"] == selected else ""
        items.append(f"<li class='vs-node{mark}' style='margin-left:{node['depth'] * 18}px'>"
                     f"<b>{escape(node['title'] or node['asset_id'])}</b> "
                     f"<span class='vs-note'>{escape(node_label(node))} &middot; "
                     f"{escape(human_date(node['created_at']))}</span></li>")
    return f"<ul class='vs-tree'>{''.join(items)}</ul>"


def disk_html(use: dict, cache: dict | None = None) -> str:
    rows = "".join(f"<tr><td>{escape(op)}</td><td>{size / 1e6:,.1f} MB</td></tr>"
                   for op, size in use["by_operation"].items())
    cached = (f"<p class='vs-note'>Preview cache: {cache.get('bytes', 0) / 1e6:,.1f} MB (can be cleared; "
              "everything in it is made again when needed).</p>" if cache else "")
    return (f"<div class='vs-meter'><b>{use['bytes'] / 1e6:,.1f} MB</b> in {use['assets']} asset(s) "
            f"(files {use['file_bytes'] / 1e6:,.1f} MB, posters {use['poster_bytes'] / 1e6:,.1f} MB)"
            f"<table>{rows}</table>{cached}</div>")


def _op(op: dict) -> str:
    kind = op.get("kind", "?").replace("_", " ")
    params = [f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in op.items()
              if k not in ("kind", "cube", "srt") and v is not None and v is not False and v != ""
              and len(str(v)) <= 24]
    return f"{kind} ({', '.join(params)})" if params else kind

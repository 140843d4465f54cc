"""Human words for pickers and messages: an asset's label (title, version, size, length, when),
relative dates instead of ISO stamps, and the refusal of a picture where a video is needed."""

from __future__ import annotations

import logging
import mimetypes
from datetime import UTC, datetime
from pathlib import Path

from core.errors import StudioError, fault_words

log = logging.getLogger(__name__)

HEAD_CHARS = 42  # of a long prompt-title; what follows it ("(edit)", "- Instagram Reels") is kept whole


def ago(stamp: str | datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', 'yesterday', '4 days ago', '12 Mar 2026'."""
    if not stamp:
        return ""
    when = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 2 * 86400:
        return "yesterday"
    if seconds < 14 * 86400:
        return f"{int(seconds // 86400)} days ago"
    return f"{when.day} {when:%b %Y}"


def ago_dated(stamp: str | datetime | None, now: datetime | None = None) -> str:
    """'5 min ago' within the day; older with the date and time: '3 days ago, 24 Nov 14:05',
    '12 Mar 2026, 09:00'."""
    if not stamp:
        return ""
    when = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    words = ago(when, now)
    age = ((now or datetime.now(UTC)) - when).total_seconds()
    if age < 86400:
        return words
    if age < 14 * 86400:
        return f"{words}, {when.day} {when:%b %H:%M}"
    return f"{words}, {when:%H:%M}"


def until(stamp: str | datetime) -> str:
    """A moment to come, in words: '30 Nov 2026, 14:05 UTC'."""
    when = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    return f"{when.day} {when:%b %Y, %H:%M} UTC"


def short_title(title: str) -> str:
    """A long title cut in its first part only, so "(edit)" and "- Instagram Reels" stay readable."""
    title = " ".join((title or "Untitled").split())
    cut = min([i for i in (title.find(" ("), title.find(" - ")) if i > 0], default=len(title))
    head, tail = title[:cut], title[cut:]
    if len(head) > HEAD_CHARS:
        head = head[:HEAD_CHARS].rstrip() + "…"
    return head + tail


def version_of(asset: dict, by_id: dict[str, dict]) -> int:
    """1 for an original, 2 for what was made from it, ... (followed through the listed assets)."""
    depth, seen, parent = 1, set(), asset.get("parent_id")
    while parent and parent in by_id and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = by_id[parent].get("parent_id")
    return depth


def asset_facts(asset: dict, by_id: dict[str, dict], now: datetime | None = None) -> list[str]:
    """What tells look-alike assets apart after the title: ['v2', '1080x1920', '3.0 s', '5 min ago']."""
    parts = []
    version = version_of(asset, by_id)
    if version > 1:
        parts.append(f"v{version}")
    if asset.get("width"):
        parts.append(f"{asset['width']}x{asset['height']}")
    if asset.get("duration"):
        parts.append(f"{asset['duration']:.1f} s")
    when = ago(asset.get("created_at"), now)
    if when:
        parts.append(when)
    return parts


def asset_label(asset: dict, by_id: dict[str, dict], now: datetime | None = None) -> str:
    """'A paper boat… (edit) · v2 · 1080x1920 · 3.0 s · 5 min ago'."""
    return " · ".join([short_title(asset.get("title") or ""), *asset_facts(asset, by_id, now)])


def numbered(labels: list[str]) -> list[str]:
    """Labels that would read the same numbered in order (' · #2', ' · #3'), never by id."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} · #{seen[label]}")
    return out


def choice_labels(assets: list[dict], now: datetime | None = None) -> list[tuple[str, str]]:
    """(label, id) pairs; labels that would read the same are numbered (#2, #3), never by id."""
    by_id = {a["id"]: a for a in assets}
    labels = numbered([asset_label(asset, by_id, now) for asset in assets])
    return [(label, asset["id"]) for label, asset in zip(labels, assets)]


def not_a_video(path: str | None, field: str) -> str:
    """A message that stays on the page when a picture (or other non-video) is given as a video."""
    if not path:
        return ""
    kind = (mimetypes.guess_type(str(path))[0] or "").split("/")[0]
    if kind == "video" or (not kind and Path(str(path)).suffix.lower() in {".mkv", ".m4v", ".mts"}):
        return ""
    name = Path(str(path)).name
    what = "a picture" if kind == "image" else "not a video file"
    hint = (" To make a video from a photo, use **Create → Image to video**." if kind == "image"
            else " Pick an MP4, MOV or WebM video.")
    return f"**{field}:** {name} is {what}, so it cannot be edited as a video.{hint}"


def said(exc: BaseException) -> str:
    """What a person reads about a failure: a StudioError's own words (written for people); anything
    else in plain words, its class and trace going to the log."""
    if isinstance(exc, StudioError):
        return str(exc)
    log.error("unexpected fault shown as a message", exc_info=exc)
    return f"Something went wrong: {fault_words(exc)}."

"""An asset's usage and export history, read from the audit log's events about it.

Counts what happened to the file (downloads, share links, social packs, uses as the input of
other runs, collection exports) and says it in one line: "used in 3 packs, downloaded 5
times, shared until 30 Nov". Pure: the caller hands in the events (as `event_view` gives them)
and the asset's live links.
"""

from __future__ import annotations

from datetime import datetime

PACK_OPERATIONS = {"social-pack"}


def usage_summary(events: list[dict], live_links: list[dict]) -> dict:
    """{downloads, shared, packs, inputs, exports, shared_until, summary} for one asset."""
    downloads = sum(1 for e in events if e["action"] == "downloaded")
    shared = sum(1 for e in events if e["action"] == "shared")
    exports = sum(1 for e in events if e["action"] == "exported")
    uses = [e for e in events if e["action"] == "used-as-input"]
    packs = len({e.get("job_id") or e["id"] for e in uses if e["detail"].get("operation") in PACK_OPERATIONS})
    inputs = len({e.get("job_id") or e["id"] for e in uses if e["detail"].get("operation") not in PACK_OPERATIONS})
    until = max((link["expires_at"] for link in live_links), default=None)
    return {"downloads": downloads, "shared": shared, "packs": packs, "inputs": inputs, "exports": exports,
            "shared_until": until, "summary": sentence(downloads, packs, inputs, exports, until)}


def sentence(downloads: int, packs: int, inputs: int, exports: int, shared_until: str | None) -> str:
    parts = []
    if packs:
        parts.append(f"used in {_times(packs, 'pack', 'packs')}")
    if inputs:
        parts.append(f"used as the input of {_times(inputs, 'run', 'runs')}")
    if downloads:
        parts.append(f"downloaded {_count(downloads)}")
    if exports:
        parts.append(f"exported {_count(exports)}")
    if shared_until:
        parts.append(f"shared until {_day(shared_until)}")
    text = ", ".join(parts) or "not used, downloaded or shared yet"
    return text[0].upper() + text[1:]


def _times(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


def _count(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _day(stamp: str) -> str:
    when = datetime.fromisoformat(stamp)
    return f"{when.day} {when:%b}"

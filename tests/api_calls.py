"""Raw calls to a launched app's Gradio API (any JSON text, NaN included), as a hostile client sends them."""

from __future__ import annotations

import json
from typing import Any

import httpx


def call_raw(base: str, name: str, body: str, timeout: float = 60) -> tuple[str, Any]:
    """POST `body` (the whole {"data": [...]} text) to /gradio_api/call/<name>; return (event, data).

    event is "complete" or "error" (the SSE event that ended the call), or "http <status>"."""
    posted = httpx.post(f"{base}/gradio_api/call/{name}", content=body,
                        headers={"content-type": "application/json"}, timeout=timeout)
    if posted.status_code != 200:
        return f"http {posted.status_code}", posted.text
    event_id = posted.json()["event_id"]
    text = httpx.get(f"{base}/gradio_api/call/{name}/{event_id}", timeout=timeout).text
    event, data = "", None
    for line in text.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            raw = line.split(":", 1)[1].strip()
            try:
                data = json.loads(raw)
            except ValueError:
                data = raw
    return event, data


def call(base: str, name: str, *args: Any) -> tuple[str, Any]:
    """Like call_raw, with the arguments written as JSON (NaN and Infinity as JSON5-ish tokens)."""
    return call_raw(base, name, json.dumps({"data": list(args)}, allow_nan=True))


def answer(base: str, name: str, *args: Any) -> Any:
    """The first output of a call that must complete."""
    event, data = call(base, name, *args)
    assert event == "complete", (event, data)
    return data[0]


def error_message(data: Any) -> str:
    """The message a client sees for an error event."""
    if isinstance(data, dict):
        return str(data.get("error") or "")
    return str(data or "")

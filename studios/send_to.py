"""One path through the studios: "Edit this", "Enhance this", "Package for social" and "Open in
Library" under every result open that tab with the asset selected.

Tabs register what receives an asset (`receive`) and where a result offers the actions
(`buttons`) while they are built; `finish(tabs)` wires every button once all tabs exist. The
registry lives for one app build (`begin` starts it), so nothing leaks between Blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr

from studios.session import owner_of

ACTIONS = {"edit": "Edit this", "enhance": "Enhance this", "social": "Package for social",
           "library": "Open in Library"}


@dataclass
class Receiver:
    outputs: list
    fill: Callable[[str, str], list]  # (asset id, owner) -> updates for `outputs`


@dataclass
class Registry:
    receivers: dict[str, Receiver] = field(default_factory=dict)
    senders: list[tuple[str, gr.Button, gr.State | gr.Dropdown]] = field(default_factory=list)


_current: Registry | None = None


def begin() -> Registry:
    global _current
    _current = Registry()
    return _current


def receive(tab_id: str, outputs: list, fill: Callable[[str, str], list]) -> None:
    """`tab_id` shows an asset sent to it by updating `outputs` with `fill(asset_id, owner)`."""
    if _current is not None:
        _current.receivers[tab_id] = Receiver(outputs, fill)


def buttons(asset: gr.State | gr.Dropdown, skip: str = "") -> None:
    """A row of the send-to actions for the asset held by `asset` (all but `skip`, the own tab)."""
    if _current is None:
        return
    with gr.Row(elem_classes="vs-send-to"):
        for tab_id, words in ACTIONS.items():
            if tab_id != skip:
                button = gr.Button(words, size="sm", variant="secondary", elem_classes=f"vs-send-{tab_id}")
                _current.senders.append((tab_id, button, asset))


def finish(tabs: gr.Tabs) -> None:
    """Wire every registered button to its tab (buttons for a tab that was not built are hidden)."""
    global _current
    registry, _current = _current, None
    if registry is None:
        return
    for tab_id, button, asset in registry.senders:
        receiver = registry.receivers.get(tab_id)
        if receiver is None:
            button.visible = False
            continue
        button.click(_sender(tab_id, receiver), asset, [tabs, *receiver.outputs], api_visibility="private",
                     show_progress="hidden")


def _sender(tab_id: str, receiver: Receiver):
    def send(asset_id, request: gr.Request):
        if not asset_id:
            return [gr.update()] * (1 + len(receiver.outputs))
        return [gr.Tabs(selected=tab_id), *receiver.fill(asset_id, owner_of(request))]
    return send

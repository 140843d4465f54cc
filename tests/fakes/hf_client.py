"""A fake huggingface_hub.InferenceClient: records calls, returns video bytes or raises."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import httpx2
from huggingface_hub.errors import HfHubHTTPError


def hf_http_error(
    status: int, message: str = "error", headers: dict[str, str] | None = None
) -> HfHubHTTPError:
    """An HfHubHTTPError as InferenceClient raises it for an HTTP `status`."""
    request = httpx2.Request("POST", "https://router.huggingface.co/fal-ai/fake")
    response = httpx2.Response(status, headers=headers or {}, request=request)
    return HfHubHTTPError(f"{status} {message}", response=response, server_message=message)


@dataclass
class FakeHub:
    """What the fake clients share: the result (bytes or an exception), a gate, and the calls."""

    video: bytes = b""
    error: BaseException | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    clients: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()

    def factory(self, **kwargs: Any) -> FakeInferenceClient:
        """Use as HuggingFaceProvider(client_factory=hub.factory)."""
        self.clients.append(kwargs)
        return FakeInferenceClient(self)


class FakeInferenceClient:
    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub

    def text_to_video(self, prompt: str, **kwargs: Any) -> bytes:
        return self._answer("text_to_video", {"prompt": prompt, **kwargs})

    def image_to_video(self, image: Any, **kwargs: Any) -> bytes:
        return self._answer("image_to_video", {"image": image, **kwargs})

    def _answer(self, method: str, kwargs: dict[str, Any]) -> bytes:
        self.hub.calls.append((method, kwargs))
        self.hub.gate.wait(timeout=10)
        if self.hub.error is not None:
            raise self.hub.error
        return self.hub.video

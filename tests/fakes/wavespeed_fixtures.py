"""Shared fixtures and helpers for the WaveSpeed adapter tests.

Import the `*_fixture` functions into a test module; tests ask for them by their fixture
names: `video`, `vendor`, `sleeps`, `provider`.
"""

from __future__ import annotations

import httpx
import pytest

from core.contracts import GenerationRequest
from providers.wavespeed import WaveSpeedProvider
from tests.fakes import model_spec, tiny_mp4_bytes
from tests.fakes.wavespeed_vendor import FakeWaveSpeed

T2V = "alibaba/wan-2.5/text-to-video"


@pytest.fixture(name="video", scope="module")
def video_fixture() -> bytes:
    return tiny_mp4_bytes()


@pytest.fixture(name="vendor")
def vendor_fixture(video: bytes) -> FakeWaveSpeed:
    return FakeWaveSpeed(video)


@pytest.fixture(name="sleeps")
def sleeps_fixture() -> list[float]:
    """The back-off delays the provider asked for (nothing really sleeps)."""
    return []


def make_provider(handler, sleeps: list[float], **kwargs) -> WaveSpeedProvider:
    """A provider talking to `handler` through httpx.MockTransport."""
    return WaveSpeedProvider(
        kwargs.pop("api_key", "test-key"),
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        **kwargs,
    )


@pytest.fixture(name="provider")
def provider_fixture(vendor: FakeWaveSpeed, sleeps: list[float]) -> WaveSpeedProvider:
    return make_provider(vendor, sleeps)


MODEL = model_spec(T2V, wire={"size": "size_star"})
REQUEST = GenerationRequest(prompt="a lighthouse at dusk", resolution="720p", aspect="9:16", duration=5)


def run_to_end(provider: WaveSpeedProvider, task_id: str, limit: int = 10):
    """Poll until the task leaves queued/running; returns every state seen."""
    states = []
    for _ in range(limit):
        states.append(provider.poll(MODEL, task_id))
        if states[-1].status not in ("queued", "running"):
            break
    return states

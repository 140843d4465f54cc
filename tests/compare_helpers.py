"""Fixtures and helpers shared by the Compare tests: a fake vendor on loopback and a paid studio."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.fakes.wavespeed_vendor import FakeWaveSpeed, start_fake_wavespeed
from tests.test_app_api import connect, free_port, launch, stop

PAID = ["wan-2.5-t2v", "hunyuan-1.5-t2v", "ltx-2-fast-t2v"]
WIRE = {"wan-2.5-t2v": "alibaba/wan-2.5/text-to-video",
        "hunyuan-1.5-t2v": "wavespeed-ai/hunyuan-video-1.5/text-to-video",
        "ltx-2-fast-t2v": "lightricks/ltx-2-fast/text-to-video"}


@pytest.fixture
def compare_studio(vendor, studio_factory):
    """A started studio with a WaveSpeed key against the fake vendor (conftest), short polls, a $0.50 threshold."""
    return studio_factory(vendor[0], VIDEO_STUDIO_MIN_POLL_S="0.05", VIDEO_STUDIO_MAX_POLL_S="0.1",
                          VIDEO_STUDIO_CONFIRM_ABOVE_USD="0.50")


def wait_done(studio, group_id: str, timeout: float = 90, owner: str = "local") -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = studio.compare.result({"group_id": group_id}, owner=owner)
        if view["done"]:
            return view
        time.sleep(0.1)
    raise AssertionError(f"the compare did not finish: {view}")


def by_model(view: dict) -> dict:
    return {row["model"]: row for row in view["per_model"]}




@contextmanager
def launched_with_vendor(home, clip) -> Iterator[tuple[int, object, FakeWaveSpeed]]:
    """The app launched on `home` against a fake WaveSpeed on loopback serving `clip`: (port, client, vendor)."""
    base_url, fake, stop_vendor = start_fake_wavespeed(clip.read_bytes())
    port = free_port()
    proc = launch(home, port, {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url,
                               "VIDEO_STUDIO_MIN_POLL_S": "0.05", "VIDEO_STUDIO_MAX_POLL_S": "0.1"})
    try:
        yield port, connect(port, proc), fake
    finally:
        stop(proc)
        stop_vendor()

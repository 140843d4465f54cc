"""Files an API client is handed are links it can download, never the server's own paths: previews,
split views and social-pack ZIPs come back as the caller's served copy (`file_url`, `zip_url`)."""

from __future__ import annotations

import time

import httpx
import pytest
from gradio_client import handle_file

from tests.test_app_api import connect, free_port, launch, stop

pytestmark = pytest.mark.ui


def test_previews_split_frames_and_pack_zips_reach_the_client_as_links(tmp_path, clip_factory):
    home = tmp_path / "home"
    port = free_port()
    proc = launch(home, port)
    try:
        client = connect(port, proc)
        base = client.src.rstrip("/")
        clip = clip_factory("mine.mp4", seconds=2, size="320x180")
        source = client.predict(handle_file(str(clip)), "mine", api_name="/import")
        ops = [{"kind": "color_grade", "preset": "warm"}]
        inside = str(home.resolve())

        preview = client.predict({"asset_id": source["id"], "ops": ops}, api_name="/preview")
        assert not preview["file_path"].startswith(inside)
        got = httpx.get(base + preview["file_url"])
        assert got.status_code == 200 and got.content[4:8] == b"ftyp"

        job = client.predict({"asset_id": source["id"], "ops": ops}, api_name="/edit")["job_id"]
        deadline = time.monotonic() + 90
        while not (view := client.predict(job, api_name="/job"))["terminal"] and time.monotonic() < deadline:
            time.sleep(0.3)
        frame = client.predict({"original_id": source["id"], "enhanced_id": view["asset_id"]}, api_name="/compare")
        assert not frame["file_path"].startswith(inside)
        got = httpx.get(base + frame["file_url"])
        assert got.status_code == 200 and got.content[4:8] == b"ftyp"  # the split view is a short clip

        pack = client.predict({"asset_id": source["id"], "platforms": ["x"]}, api_name="/social_pack")["job_id"]
        deadline = time.monotonic() + 120
        while not (view := client.predict(pack, api_name="/job"))["terminal"] and time.monotonic() < deadline:
            time.sleep(0.3)
        result = client.predict(pack, api_name="/social_result")
        assert not result["zip"].startswith(inside)
        got = httpx.get(base + result["zip_url"])
        assert got.status_code == 200 and got.content[:2] == b"PK"
    finally:
        stop(proc)

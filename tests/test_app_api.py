"""The app as a user's client sees it: launched for real, driven through gradio_client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gradio_client import Client

from core.media.probe import probe
from tests.fakes.wavespeed_vendor import start_fake_wavespeed

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.ui


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(home: Path, port: int, extra_env: dict | None = None,
           command: tuple[str, ...] = ("app.py",)) -> subprocess.Popen:
    env = {**os.environ, "VIDEO_STUDIO_HOME": str(home), "GRADIO_SERVER_PORT": str(port),
           "GRADIO_SERVER_NAME": "127.0.0.1", **(extra_env or {})}
    env.pop("PYTEST_CURRENT_TEST", None)
    env["VIDEO_STUDIO_TEST_MODE"] = "1"  # the app may only reach loopback hosts
    return subprocess.Popen([sys.executable, *command], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def connect(port: int, proc: subprocess.Popen, timeout: float = 90) -> Client:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the app exited during start-up"
        try:
            return Client(f"http://127.0.0.1:{port}/", verbose=False)
        except Exception:
            time.sleep(0.5)
    raise AssertionError("the app did not start")


def wait_job(client: Client, job_id: str, until, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = client.predict(job_id, api_name="/job")
        if until(view):
            return view
        time.sleep(0.3)
    raise AssertionError(f"job never reached the state: {view}")


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)


def test_offline_draft_through_the_api(tmp_path):
    port = free_port()
    proc = launch(tmp_path / "home", port)
    try:
        client = connect(port, proc)
        request = {"operation": "text-to-video", "prompt": "Neon rain over a night market",
                   "aspect": "9:16", "resolution": "1080p", "duration": 5, "quality": "draft",
                   "template": "social-short", "motion": "medium"}
        est = client.predict(request, api_name="/estimate")
        assert est["allowed"] and est["total_usd"] == 0 and est["provider"] == "local"
        run = client.predict(request, api_name="/create")
        assert run["ok"] and len(run["job_ids"]) == 1
        job = wait_job(client, run["job_ids"][0], lambda v: v["terminal"])
        assert job["status"] == "succeeded", job["error"]
        assets = client.predict({}, api_name="/assets")["items"]
        assert [a["id"] for a in assets] == [job["asset_id"]]
        asset = assets[0]
        assert (asset["width"], asset["height"]) == (1080, 1920)
        assert asset["duration"] == pytest.approx(5.0, abs=0.1) and asset["cost"] == 0
        info = probe(asset["file_path"])
        assert info.video_codec == "h264" and info.faststart and info.pix_fmt == "yuv420p"
        refused = client.predict({"prompt": ""}, api_name="/create")
        assert not refused["ok"] and refused["issues"][0]["field"] == "prompt"
        media_studios_through_the_api(client, tmp_path)
    finally:
        stop(proc)


def media_studios_through_the_api(client: Client, tmp_path: Path) -> None:
    """Import a clip, edit it, package it: every step by API name, results probed."""
    from gradio_client import handle_file

    from tests.conftest import make_clip

    clip = make_clip(tmp_path / "mine.mp4", seconds=3, size="640x360", rate=30)
    source = client.predict(handle_file(str(clip)), "mine", api_name="/import")
    assert (source["width"], source["height"]) == (640, 360) and source["operation"] == "upload"
    ops = [{"kind": "trim", "start": 0.5, "end": 2.5}, {"kind": "reframe", "aspect": "9:16", "mode": "pad_blur"},
           {"kind": "color_grade", "preset": "cool"}]
    summary = client.predict({"asset_id": source["id"], "ops": ops}, api_name="/outcome")["summary"]
    assert "-> " in summary and "2.0 s" in summary
    started = client.predict({"asset_id": source["id"], "ops": ops, "operation": "transform"}, api_name="/edit")
    job = wait_job(client, started["job_id"], lambda v: v["terminal"])
    assert job["status"] == "succeeded", job["error"]
    version = [a for a in client.predict({}, api_name="/assets")["items"] if a["id"] == job["asset_id"]][0]
    assert version["parent_id"] == source["id"]
    info = probe(version["file_path"])
    assert info.width * 16 == info.height * 9 and info.duration_s == pytest.approx(2.0, abs=0.1)

    pack = client.predict({"asset_id": source["id"], "platforms": ["tiktok", "x"], "captions_text": "Hi"},
                          api_name="/social_pack")
    job = wait_job(client, pack["job_id"], lambda v: v["terminal"], timeout=180)
    assert job["status"] == "succeeded", job["error"]
    result = client.predict(pack["job_id"], api_name="/social_result")
    assert result["all_passed"] and Path(result["zip"]).exists()
    assert {p["platform"] for p in result["manifest"]["platforms"]} == {"tiktok", "x"}


def test_killed_app_resumes_paid_job_without_second_submit(tmp_path, clip_factory):
    clip = clip_factory("vendor.mp4", seconds=1)
    steps = ["created"] + ["processing"] * 6 + ["completed"]
    base_url, vendor, stop_vendor = start_fake_wavespeed(clip.read_bytes())
    vendor.behave("alibaba/wan-2.5/text-to-video", steps=steps)
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url}
    home = tmp_path / "home"
    port = free_port()
    proc = launch(home, port, env)
    try:
        client = connect(port, proc)
        run = client.predict({"prompt": "a kite", "model": "wan-2.5-t2v", "aspect": "16:9",
                              "resolution": "720p", "duration": 5}, api_name="/create")
        assert run["ok"], run["issues"]
        job_id = run["job_ids"][0]
        running = wait_job(client, job_id, lambda v: v["status"] == "running" and v["task_id"])
        stop(proc, signal.SIGKILL)  # no clean shutdown: the process is simply gone
        assert vendor.submits["alibaba/wan-2.5/text-to-video"] == 1

        port = free_port()
        proc = launch(home, port, env)
        client = connect(port, proc)
        done = wait_job(client, job_id, lambda v: v["terminal"])
        assert done["status"] == "succeeded", done["error"]
        assert done["task_id"] == running["task_id"]
        assert vendor.submits["alibaba/wan-2.5/text-to-video"] == 1, "the paid submit was sent again"
        assert done["actual_usd"] == done["estimate_usd"] == 0.5
    finally:
        stop(proc)
        stop_vendor()

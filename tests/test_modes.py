"""The three modes of VIDEO_STUDIO_AUTH as a person starts them: solo refuses the network unless
told, password is covered by test_team.py, hf signs in with Gradio's own OAuth mocking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from gradio_client import Client

from tests.test_app_api import ROOT, connect, free_port, launch, stop

pytestmark = pytest.mark.ui


def start(home, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "VIDEO_STUDIO_HOME": str(home), "GRADIO_SERVER_PORT": str(free_port()), **env}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=60)


def test_no_login_on_the_network_is_refused_naming_both_settings(tmp_path):
    ran = start(tmp_path / "home", GRADIO_SERVER_NAME="0.0.0.0", VIDEO_STUDIO_AUTH="none")
    assert ran.returncode != 0
    assert "VIDEO_STUDIO_AUTH" in ran.stderr and "VIDEO_STUDIO_ALLOW_OPEN" in ran.stderr
    assert not (tmp_path / "home" / "studio.db").exists()  # refused before anything started


def test_an_unknown_mode_is_refused_by_name(tmp_path):
    ran = start(tmp_path / "home", VIDEO_STUDIO_AUTH="ldap")
    assert ran.returncode != 0 and "VIDEO_STUDIO_AUTH" in ran.stderr and "Traceback" not in ran.stderr


def test_open_on_purpose_starts_with_a_warning_banner(tmp_path):
    port = free_port()
    proc = launch(tmp_path / "home", port, {"GRADIO_SERVER_NAME": "0.0.0.0", "VIDEO_STUDIO_ALLOW_OPEN": "1"})
    try:
        client = connect(port, proc)  # solo mode: no login needed
        assert client.predict({}, api_name="/assets")["items"] == []
        assert "Open to the network with no login" in httpx.get(f"http://127.0.0.1:{port}/config").text
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"ok": True}
    finally:
        stop(proc)


class FakeHub(BaseHTTPRequestHandler):
    """The one Hub call Gradio's OAuth mocking makes: whoami for the machine's token."""

    def do_GET(self):  # noqa: N802
        body = json.dumps({"type": "user", "name": "hf-alice", "fullname": "Alice A.",
                           "avatarUrl": "https://example.invalid/a.png", "orgs": []}).encode()
        self.send_response(200 if self.path.startswith("/api/whoami") else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def hub(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token = tmp_path / "hf-token"
    token.write_text("hf_machine_token_for_the_mock")
    yield {"HF_ENDPOINT": f"http://127.0.0.1:{server.server_port}", "HF_TOKEN_PATH": str(token)}
    server.shutdown()


def sign_in(base: str) -> str:
    """Gradio's mocked 'Sign in with Hugging Face': returns the session cookie it sets."""
    with httpx.Client(base_url=base) as http:
        to_callback = http.get("/login/huggingface")
        assert to_callback.status_code in (302, 307), to_callback.text
        back = http.get(to_callback.headers["location"])
        assert back.status_code in (302, 307)
        cookie = back.cookies.get("session") or http.cookies.get("session")
    assert cookie
    return cookie


@pytest.mark.parametrize("org", [None, "acme"])
def test_hf_mode_signs_in_with_the_oauth_profile(tmp_path, hub, org):
    port = free_port()
    env = {"VIDEO_STUDIO_AUTH": "hf", **hub, **({"VIDEO_STUDIO_HF_ORG": org} if org else {})}
    proc = launch(tmp_path / "home", port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        anonymous = connect(port, proc)
        config = httpx.get(base + "/config").json()
        buttons = [c["props"].get("value") for c in config["components"] if c.get("type") == "button"]
        assert "Sign in with Hugging Face" in buttons  # gr.LoginButton
        assert "not signed in" in str(pytest.raises(Exception, anonymous.predict, {}, api_name="/assets").value)
        signed = Client(base + "/", headers={"Cookie": f"session={sign_in(base)}"}, verbose=False)
        if org:  # the mocked profile belongs to no organisation
            error = pytest.raises(Exception, signed.predict, {}, api_name="/assets").value
            assert "members of the acme organisation" in str(error)
            return
        assert signed.predict({}, api_name="/assets")["items"] == []
        link_refusal = pytest.raises(Exception, signed.predict, {"asset_id": "0123456789abcdef"},
                                     api_name="/unshare").value
        assert "not found" in str(link_refusal)
        listed = subprocess.run([sys.executable, "app.py", "users", "list"], cwd=ROOT, capture_output=True,
                                text=True, env={**os.environ, "VIDEO_STUDIO_HOME": str(tmp_path / "home")})
        assert "hf-alice" in listed.stdout and " hf" in listed.stdout  # made on first sign-in
    finally:
        stop(proc)


def test_an_upload_over_the_cap_is_cut_off_and_nothing_is_kept(tmp_path):
    from gradio_client import handle_file

    temp = tmp_path / "gradio"
    port = free_port()
    proc = launch(tmp_path / "home", port, {"VIDEO_STUDIO_MAX_IMPORT_MB": "1", "GRADIO_TEMP_DIR": str(temp)})
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 3_000_000)
    try:
        client = connect(port, proc)
        error = pytest.raises(Exception, client.predict, handle_file(str(big)), "", api_name="/import").value
        assert "size" in str(error).lower() or "large" in str(error).lower(), error
        assert client.predict({}, api_name="/assets")["items"] == []
        kept = [p for root in (temp, tmp_path / "home") for p in root.rglob("*") if p.is_file()
                and p.stat().st_size >= 1_000_000]
        assert kept == []
    finally:
        stop(proc)

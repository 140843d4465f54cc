"""A studio for a team, launched for real: accounts made with the CLI, alice and bob over
gradio_client (`auth=`) and plain HTTP. Nobody reaches anyone else's work or files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file

from tests.conftest import make_clip
from tests.test_app_api import ROOT, free_port, launch, stop

pytestmark = pytest.mark.ui
SECRET = "team-test-secret"
MISSING = "0123456789abcdef"


def users(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "VIDEO_STUDIO_HOME": str(home)}
    return subprocess.run([sys.executable, "app.py", "users", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def login(port: int, proc, name: str, password: str, timeout: float = 90) -> Client:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, "the app exited during start-up"
        try:
            return Client(f"http://127.0.0.1:{port}/", auth=(name, password), verbose=False)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def refused(client: Client, *args, api_name: str) -> str:
    with pytest.raises(Exception) as info:
        client.predict(*args, api_name=api_name)
    return str(info.value)


def wait_job(client: Client, job_id: str) -> dict:
    for _ in range(300):
        view = client.predict(job_id, api_name="/job")
        if view["terminal"]:
            return view
        time.sleep(0.3)
    raise AssertionError(view)


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A password-mode studio with alice (admin) and bob, made with `python app.py users add`."""
    tmp = tmp_path_factory.mktemp("team")
    home, temp = tmp / "home", tmp / "gradio"
    assert users(home, "add", "alice", "--admin", "--budget", "5", stdin="alice-password\n").returncode == 0
    assert users(home, "add", "bob", "--plan", "free", stdin="bob-password\n").returncode == 0
    port = free_port()
    proc = launch(home, port, {"VIDEO_STUDIO_AUTH": "password", "VIDEO_STUDIO_LINK_SECRET": SECRET,
                               "GRADIO_TEMP_DIR": str(temp)})
    try:
        alice = login(port, proc, "alice", "alice-password")
        bob = login(port, proc, "bob", "bob-password")
        clip = make_clip(tmp / "alice.mp4", seconds=1, size="160x120")
        asset = alice.predict(handle_file(str(clip)), "alice's clip", api_name="/import")
        job = wait_job(alice, alice.predict({"asset_id": asset["id"], "ops": [{"kind": "trim", "start": 0,
                                                                            "end": 0.5}]}, api_name="/edit")["job_id"])
        assert job["status"] == "succeeded", job["error"]
        yield {"port": port, "home": home, "temp": temp, "alice": alice, "bob": bob, "asset": asset,
               "job": job, "url": f"http://127.0.0.1:{port}"}
    finally:
        stop(proc)


def test_the_cli_manages_accounts_and_prints_a_token_alone(team):
    listed = users(team["home"], "list").stdout
    assert "alice" in listed and "bob" in listed and "free" in listed
    made = users(team["home"], "token", "bob")
    assert made.returncode == 0 and len(made.stdout.splitlines()) == 1 and made.stdout.startswith("vs_")
    assert users(team["home"], "add", "bob", stdin="whatever-pass\n").returncode == 1
    assert users(team["home"], "passwd", "nobody", stdin="whatever-pass\n").returncode == 1
    revoked = users(team["home"], "revoke", "bob")
    assert revoked.returncode == 0 and revoked.stdout == "" and "Revoked 1 token(s) of bob" in revoked.stderr


def test_wrong_passwords_and_no_login_get_nothing(team):
    with pytest.raises(Exception):
        Client(team["url"] + "/", auth=("alice", "not-her-password"), verbose=False)
    page = httpx.get(team["url"] + "/config")
    assert page.status_code == 401


def test_other_peoples_ids_answer_like_missing_ones(team):
    alice, bob, asset, job = team["alice"], team["bob"], team["asset"]["id"], team["job"]["id"]
    by_asset = [("/describe", lambda a: a), ("/outcome", lambda a: {"asset_id": a, "ops": []}),
                ("/preview", lambda a: {"asset_id": a, "ops": [{"kind": "trim", "start": 0, "end": 0.5}]}),
                ("/compare", lambda a: {"original_id": a, "enhanced_id": a}),
                ("/edit", lambda a: {"asset_id": a, "ops": [{"kind": "trim", "start": 0, "end": 0.5}]}),
                ("/batch", lambda a: {"asset_ids": [a], "ops": [{"kind": "trim", "start": 0, "end": 0.5}]}),
                ("/ai_edit", lambda a: {"asset_id": a, "operation": "upscale"}),
                ("/social_pack", lambda a: {"asset_id": a, "platforms": ["tiktok"]}),
                ("/share", lambda a: {"asset_id": a, "expires_in_s": 60}),
                ("/unshare", lambda a: {"asset_id": a})]
    for name, shape in by_asset:
        assert refused(bob, shape(asset), api_name=name) == refused(bob, shape(MISSING), api_name=name) \
            .replace(MISSING, asset), name
    for name in ("/job", "/cancel", "/social_result"):
        assert refused(bob, job, api_name=name) == refused(bob, MISSING, api_name=name).replace(MISSING, job), name
    bob_clip = bob.predict(handle_file(str(make_clip(Path(team["home"]).parent / "bob.mp4", seconds=1,
                                                     size="160x120"))), "", api_name="/import")
    assert refused(bob, {"asset_ids": [bob_clip["id"], asset]}, api_name="/join") == \
        refused(bob, {"asset_ids": [bob_clip["id"], MISSING]}, api_name="/join").replace(MISSING, asset)
    answer = bob.predict({"operation": "image-to-video", "image": asset}, api_name="/create")
    assert not answer["ok"] and answer["issues"][0]["field"] == "image"
    assert [a["id"] for a in bob.predict({}, api_name="/assets")["items"]] == [bob_clip["id"]]
    assert asset not in {a["id"] for a in bob.predict({"query": "alice"}, api_name="/assets")["items"]}
    assert "`user` is not a field" in refused(bob, {"user": "alice"}, api_name="/assets")
    assert alice.predict(asset, api_name="/describe")["asset_id"] == asset  # still hers


def test_server_paths_are_refused_by_import_and_every_media_field(team):
    bob = team["bob"]
    before = bob.predict({}, api_name="/assets")
    http = httpx.Client(base_url=team["url"], cookies=bob.cookies)
    paths = ("/dev/zero", "/etc/passwd", "/no/such/file", str(team["home"] / "studio.db"), team["asset"]["file_path"])
    for shape in (lambda p: p, lambda p: {"path": p, "meta": {"_type": "gradio.FileData"}}):
        answers = set()
        for path in paths:
            event = http.post("/gradio_api/call/import", json={"data": [shape(path), ""]}).json()["event_id"]
            stream = http.get(f"/gradio_api/call/import/{event}", timeout=20).text
            assert "event: error" in stream, (path, stream)
            answers.add(stream.replace(path, "PATH"))
        assert len(answers) == 1, answers  # the same refusal whether the file exists or not
    assert bob.predict({}, api_name="/assets") == before  # nothing was imported
    message = {bob.predict({"operation": "image-to-video", field: path}, api_name="/estimate")["issues"][0]["message"]
               for field in ("image", "audio", "video") for path in ("/etc/passwd", "/no/such/file.png")}
    assert len({m.replace("image", "X").replace("audio", "X").replace("video", "X") for m in message}) == 1
    mine = bob.predict({}, api_name="/assets")["items"][0]["id"]
    for op in ({"kind": "lut", "path": "/etc/passwd"}, {"kind": "join", "clips": ["/etc/passwd"]}):
        assert "passwd" not in refused(bob, {"asset_id": mine, "ops": [op]}, api_name="/outcome").replace(
            "/etc/passwd was not found", "")


def test_nobody_fetches_someone_elses_file_by_path_id_or_cache_url(team, monkeypatch):
    from studios import files

    alice, bob = team["alice"], team["bob"]
    path = team["asset"]["file_path"]
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(team["temp"]))
    files.bind(SECRET)
    shown = files.served(path, "alice")  # the copy alice's browser is given when the Library shows it
    as_alice = httpx.Client(base_url=team["url"], cookies=alice.cookies)
    as_bob = httpx.Client(base_url=team["url"], cookies=bob.cookies)
    anonymous = httpx.Client(base_url=team["url"])
    assert as_alice.get(f"/gradio_api/file={shown}").content == Path(path).read_bytes()
    for client in (as_bob, anonymous):
        assert client.get(f"/gradio_api/file={shown}").status_code == 404
    for client in (as_alice, as_bob, anonymous):  # library files are never served by their path
        assert client.get(f"/gradio_api/file={path}").status_code in (403, 404)
        assert client.get(f"/gradio_api/file={team['home'] / 'studio.db'}").status_code in (403, 404)


def test_a_share_link_downloads_until_revoked_and_is_audited(team):
    alice, asset = team["alice"], team["asset"]
    link = alice.predict({"asset_id": asset["id"], "expires_in_s": 3600}, api_name="/share")
    assert link["url"].startswith("/share/") and asset["id"] not in link["url"] and "/" not in link["url"][7:]
    anonymous = httpx.Client(base_url=team["url"])
    got = anonymous.get(link["url"])
    assert got.status_code == 200 and got.content == Path(asset["file_path"]).read_bytes()
    assert anonymous.get(link["url"][:-3] + "abc").status_code == 403  # tampered
    assert anonymous.get("/share/" + "x" * 40).status_code == 403  # forged
    short = alice.predict({"asset_id": asset["id"], "expires_in_s": 1}, api_name="/share")
    time.sleep(1.5)
    assert anonymous.get(short["url"]).status_code == 410
    assert alice.predict({"asset_id": asset["id"]}, api_name="/unshare")["revoked"] == 1
    assert anonymous.get(link["url"]).status_code == 403
    from core.accounts import AuditLog
    from core.db import Database

    db = Database(f"sqlite:///{team['home'] / 'studio.db'}")
    events = [(e.action, e.detail.get("via")) for e in AuditLog(db).for_asset(asset["id"])]
    db.dispose()
    assert events.count(("downloaded", "share-link")) == 1 and ("shared", None) in events
    assert events[0][0] == "unshared"

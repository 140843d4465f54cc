"""The REST API beside the UI, launched for real: API tokens, alice and bob, JSON errors with the
right status, and file downloads that only their owner gets."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio_client import handle_file

from tests.conftest import make_clip
from tests.fakes.wavespeed_vendor import start_fake_wavespeed
from tests.helpers import wait_for_job
from tests.test_app_api import free_port, launch, stop
from tests.test_team import login, users

pytestmark = pytest.mark.ui
API = "/api/video-studio"
MISSING = "0123456789abcdef"
PAID = {"operation": "text-to-video", "prompt": "a kite over dunes", "model": "wan-2.5-t2v", "duration": 5,
        "resolution": "720p", "aspect": "16:9"}


@pytest.fixture(scope="module")
def rest(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rest")
    home = tmp / "home"
    users(home, "add", "alice", "--admin", stdin="alice-password\n")
    users(home, "add", "bob", "--budget", "0.1", stdin="bob-password\n")
    tokens = {name: users(home, "token", name).stdout.strip() for name in ("alice", "bob")}
    clip = make_clip(tmp / "alice.mp4", seconds=1, size="160x120")
    base_url, _vendor, stop_vendor = start_fake_wavespeed(clip.read_bytes())
    port = free_port()
    proc = launch(home, port, {"VIDEO_STUDIO_AUTH": "password", "WAVESPEED_API_KEY": "test-key",
                               "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_CONFIRM_ABOVE_USD": "0.01"})
    try:
        alice_ui = login(port, proc, "alice", "alice-password")
        asset = alice_ui.predict(handle_file(str(clip)), "alice's clip", api_name="/import")
        job = alice_ui.predict({"asset_id": asset["id"], "ops": [{"kind": "trim", "start": 0, "end": 0.5}]},
                               api_name="/edit")["job_id"]
        clients = {name: httpx.Client(base_url=f"http://127.0.0.1:{port}{API}", timeout=30,
                                      headers={"Authorization": f"Bearer {token}"}) for name, token in tokens.items()}
        wait_for_job(clients["alice"], job, timeout=40)
        yield {"alice": clients["alice"], "bob": clients["bob"], "asset": asset, "job": job, "clip": clip,
               "anonymous": httpx.Client(base_url=f"http://127.0.0.1:{port}{API}"), "home": home}
    finally:
        stop(proc)
        stop_vendor()


def test_tokens_are_required_and_checked(rest):
    for client, header in ((rest["anonymous"], {}), (rest["anonymous"], {"Authorization": "Bearer vs_nope"})):
        answer = client.get("/assets", headers=header)
        assert answer.status_code == 401 and answer.json()["field"] is None and "token" in answer.json()["message"]
    assert rest["alice"].get("/providers").status_code == 200
    assert {t["id"] for t in rest["alice"].get("/templates").json()} >= {"social-short"}
    docs = rest["anonymous"].get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    paths = rest["anonymous"].get("/openapi.json").json()["paths"]
    assert {"/estimate-cost", "/create", "/jobs/{job_id}", "/assets", "/assets/search", "/assets/{asset_id}",
            "/assets/{asset_id}/file", "/providers", "/templates"} <= set(paths)


def test_someone_elses_ids_answer_like_missing_ones(rest):
    alice, bob, asset, job = rest["alice"], rest["bob"], rest["asset"]["id"], rest["job"]
    for method, path in (("GET", "/assets/{}"), ("GET", "/assets/{}/file"), ("DELETE", "/assets/{}"),
                         ("GET", "/jobs/{}")):
        real = job if "jobs" in path else asset
        theirs = bob.request(method, path.format(real))
        missing = bob.request(method, path.format(MISSING))
        assert theirs.status_code == missing.status_code == 404, path
        assert theirs.json()["message"].replace(real, "ID") == missing.json()["message"].replace(MISSING, "ID")
        assert theirs.json()["field"] is None
    assert [a["id"] for a in bob.get("/assets").json()] == []
    assert bob.post("/assets/search", json={}).json()["items"] == []
    assert alice.get(f"/assets/{asset}").json()["id"] == asset  # still hers


def test_files_download_for_their_owner_and_are_audited(rest):
    alice, asset = rest["alice"], rest["asset"]
    listed = alice.get("/assets").json()
    assert all("path" not in a and "poster" not in a and a["file_url"].startswith(API) for a in listed)
    got = alice.get(f"/assets/{asset['id']}/file")
    assert got.status_code == 200 and got.content == Path(asset["file_path"]).read_bytes()
    assert rest["bob"].get(f"/assets/{asset['id']}/file").status_code == 404
    from core.accounts import AuditLog
    from core.db import Database

    db = Database(f"sqlite:///{rest['home'] / 'studio.db'}")
    vias = [e.detail.get("via") for e in AuditLog(db).for_asset(asset["id"]) if e.action == "downloaded"]
    db.dispose()
    assert vias == ["rest"]


def test_errors_are_json_with_the_field_and_a_status_that_says_what_kind(rest):
    alice, bob = rest["alice"], rest["bob"]
    bad = alice.post("/estimate-cost", json={"prompt": "x", "duration": "long"})
    assert bad.status_code == 400 and "duration" in bad.json()["message"], bad.text
    over_plan = alice.post("/estimate-cost", json={**PAID, "duration": 6})  # readable, but not allowed
    assert over_plan.status_code == 200 and not over_plan.json()["allowed"]
    shape = alice.post("/create", json=["not", "an", "object"])
    assert shape.status_code == 400 and shape.json()["field"] is None
    for body in ({"prompt": ""}, {"prompt": "x", "aspect": "7:3"}):
        refused = alice.post("/create", json=body)
        assert refused.status_code == 400 and refused.json()["field"] in ("prompt", "aspect"), refused.text
    assert alice.post("/create", json={**PAID, "confirm": "yes"}).status_code == 400
    needs = alice.post("/create", json=PAID)
    assert needs.status_code == 409 and needs.json()["field"] in ("confirm", "confirm_usd"), needs.text
    over = bob.post("/create", json={**PAID, "confirm_usd": 0.5})
    assert over.status_code == 402 and over.json()["field"] in ("budget", "runs"), over.text
    assert alice.get("/no-such-endpoint").status_code == 404
    assert alice.delete(f"/assets/{MISSING}").json() == bob.delete(f"/assets/{MISSING}").json()


def test_a_draft_is_created_and_deleted_over_rest(rest):
    alice = rest["alice"]
    made = alice.post("/create", json={"prompt": "paper boats", "quality": "draft", "duration": 2,
                                       "resolution": "480p", "aspect": "1:1"})
    assert made.status_code == 200 and made.json()["ok"], made.text
    view = wait_for_job(alice, made.json()["job_ids"][0], timeout=60)
    assert view["status"] == "succeeded", view
    assert alice.delete(f"/assets/{view['asset_id']}").json()["deleted"] is True
    assert alice.get(f"/assets/{view['asset_id']}").status_code == 404


def test_the_library_over_rest_and_never_paying_twice(rest):
    import io
    import json
    import zipfile

    alice, bob, asset = rest["alice"], rest["bob"], rest["asset"]["id"]
    tagged = alice.post(f"/assets/{asset}/tags", json={"add": ["Harbour"]})
    assert tagged.status_code == 200 and "harbour" in tagged.json()["tags"] and "file_path" not in tagged.json()
    assert bob.post(f"/assets/{asset}/tags", json={"add": ["x"]}).status_code == 404
    tree = alice.get(f"/assets/{asset}/versions").json()
    assert tree["root_id"] == asset and len(tree["nodes"]) == 2 and tree["nodes"][1]["ops"][0]["kind"] == "trim"
    assert bob.get(f"/assets/{asset}/versions").status_code == 404
    box = alice.post("/collections", json={"action": "create", "name": "Harbour cuts"}).json()
    alice.post("/collections", json={"action": "add", "collection_id": box["id"], "asset_ids": [asset]})
    assert [c["count"] for c in alice.post("/collections", json={"action": "list"}).json()] == [1]
    zipped = alice.get(f"/collections/{box['id']}/export")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        assert [e["asset_id"] for e in json.loads(zf.read("manifest.json"))["assets"]] == [asset]
    assert bob.get(f"/collections/{box['id']}/export").status_code == 404
    assert alice.get(f"/assets/{asset}/usage").json()["exports"] == 1
    rename = alice.post("/collections", json={"action": "rename", "collection_id": box["id"]})
    assert rename.status_code == 400 and rename.json()["field"] == "name"

    paid = {**PAID, "seed": 3, "confirm_usd": 0.5}
    assert alice.post("/reuse", json={"request": paid}).json() is None
    view = wait_for_job(alice, alice.post("/create", json=paid).json()["job_ids"][0], timeout=60)
    assert view["status"] == "succeeded", view
    assert alice.post("/reuse", json={"request": paid}).json()["asset_id"] == view["asset_id"]
    again = alice.post("/create", json=paid)
    assert again.status_code == 409 and again.json()["field"] == "run_again", again.text
    assert again.json()["answer"]["reuse"]["asset_id"] == view["asset_id"]
    rows = alice.get("/analytics", params={"group_by": "model"}).json()["rows"]
    assert {r["model"]: r["runs"] for r in rows}["wan-2.5-t2v"] == 1
    assert alice.get("/analytics", params={"group_by": "week"}).status_code == 400

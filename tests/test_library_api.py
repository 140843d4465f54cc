"""The Asset Library through a launched app's API, as a gradio_client sees it: /assets, /tag,
/collections, /versions, /reuse, /analytics, and never paying twice against a fake WaveSpeed on loopback."""

from __future__ import annotations

import io
import json
import re
import zipfile
from types import SimpleNamespace

import httpx
import pytest
from gradio_client import handle_file

from tests.api_calls import answer, call, error_message
from tests.conftest import make_clip
from tests.fakes.wavespeed_vendor import start_fake_wavespeed
from tests.test_app_api import connect, free_port, launch, stop, wait_job

pytestmark = pytest.mark.ui
PAID = {"prompt": "a paper boat on a rainy street", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "720p",
        "duration": 5, "seed": 21}  # $0.50: below the confirmation threshold


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("library-app")
    vendor_clip = make_clip(root / "vendor.mp4", seconds=1, size="160x90")
    base_vendor, vendor, stop_vendor = start_fake_wavespeed(vendor_clip.read_bytes())
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_vendor, "VIDEO_STUDIO_MIN_POLL_S": "0.05",
           "VIDEO_STUDIO_MAX_POLL_S": "0.1"}
    port = free_port()
    proc = launch(root / "home", port, env)
    try:
        client = connect(port, proc)
        clips = {}
        for name, size in (("harbour", "320x180"), ("portrait", "180x320")):
            path = make_clip(root / f"{name}.mp4", seconds=1, size=size)
            clips[name] = client.predict(handle_file(str(path)), f"{name} at dawn", api_name="/import")["id"]
        yield SimpleNamespace(base=f"http://127.0.0.1:{port}", client=client, vendor=vendor, clips=clips)
    finally:
        stop(proc)
        stop_vendor()


def refused(app, name: str, body) -> str:
    event, data = call(app.base, name, body)
    assert event == "error", data
    return error_message(data)


def test_assets_are_found_by_words_and_filters_in_pages(app):
    found = app.client.predict({"query": "harbour", "aspect": "16:9"}, api_name="/assets")
    assert found["total"] == 1 and [a["id"] for a in found["items"]] == [app.clips["harbour"]]
    item = found["items"][0]
    assert {"id", "title", "file_path", "duration", "width", "height", "operation", "model", "cost", "tags",
            "created_at"} <= set(item) and "16:9" in item["tags"]
    first = app.client.predict({"operation": "upload", "sort": "oldest", "page": 1, "page_size": 1}, api_name="/assets")
    second = app.client.predict({"operation": "upload", "sort": "oldest", "page": 2, "page_size": 1}, api_name="/assets")
    assert first["total"] == second["total"] >= 2
    assert first["items"][0]["id"] == app.clips["harbour"] and second["items"][0]["id"] == app.clips["portrait"]
    assert app.client.predict({"min_duration": 5}, api_name="/assets") == {"items": [], "total": 0, "page": 1,
                                                                           "page_size": 24}
    assert "page" in refused(app, "assets", {"page": 0})
    assert "sort must be one of: relevance, newest, oldest, cost, duration" in refused(app, "assets", {"sort": "x"})
    assert "`user` is not a field" in refused(app, "assets", {"user": "bob"})


def test_tags_are_added_removed_and_searched(app):
    asset = app.client.predict({"asset_id": app.clips["portrait"], "add": ["Spring Launch", "b-roll"],
                                "remove": ["vertical"]}, api_name="/tag")
    assert asset["id"] == app.clips["portrait"]
    assert {"spring launch", "b-roll"} <= set(asset["tags"]) and "vertical" not in asset["tags"]
    found = app.client.predict({"tags": ["spring launch"]}, api_name="/assets")
    assert [a["id"] for a in found["items"]] == [app.clips["portrait"]]
    assert "asset_id" in refused(app, "tag", {"asset_id": "../../etc/passwd", "add": ["x"]})
    assert "not found" in refused(app, "tag", {"asset_id": "nosuchasset", "add": ["x"]}).lower()


def test_collections_are_made_filled_renamed_listed_and_exported_as_a_zip(app):
    made = app.client.predict({"action": "create", "name": "Spring campaign"}, api_name="/collections")
    cid = made["id"]
    assert made["collection_id"] == cid and made["count"] == 0
    filled = app.client.predict({"action": "add", "collection_id": cid, "asset_ids": list(app.clips.values())},
                                api_name="/collections")
    assert filled["asset_ids"] == list(app.clips.values())
    renamed = app.client.predict({"action": "rename", "collection_id": cid, "name": "Spring 2026"},
                                 api_name="/collections")
    assert renamed["name"] == "Spring 2026"
    listed = app.client.predict({"action": "list"}, api_name="/collections")
    assert [c["name"] for c in listed] == ["Spring 2026"]
    inside = app.client.predict({"collection_id": cid}, api_name="/assets")
    assert inside["total"] == 2

    exported = app.client.predict({"action": "export", "collection_id": cid}, api_name="/collections")
    assert exported["files"] == 2 and "/vs-" in exported["file_path"], exported
    zipped = httpx.get(f"{app.base}/gradio_api/file={exported['file_path']}", timeout=30)
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert {e["asset_id"] for e in manifest["assets"]} == set(app.clips.values())
        assert all(zf.getinfo(e["file"]).file_size > 0 for e in manifest["assets"])

    usage = app.client.predict({"asset_id": app.clips["portrait"]}, api_name="/usage")
    assert usage["exports"] == 1 and usage["summary"] == "Exported once" and usage["events"][0]["action"] == "exported"

    removed = app.client.predict({"action": "remove", "collection_id": cid, "asset_ids": [app.clips["harbour"]]},
                                 api_name="/collections")
    assert removed["asset_ids"] == [app.clips["portrait"]]
    assert "name is required to rename" in refused(app, "collections", {"action": "rename", "collection_id": cid})
    assert "action must be one of: create, rename, add, remove, list, export" in refused(
        app, "collections", {"action": "delete"})


def test_the_version_tree_holds_each_edit_with_what_it_did(app):
    source = app.clips["harbour"]
    job_id = app.client.predict({"asset_id": source, "ops": [{"kind": "trim", "start": 0, "end": 0.5}],
                                 "operation": "edit", "title": "trimmed"}, api_name="/edit")["job_id"]
    child = wait_job(app.client, job_id, lambda v: v["terminal"])
    assert child["status"] == "succeeded", child["error"]
    tree = app.client.predict({"asset_id": child["asset_id"]}, api_name="/versions")
    assert tree["root_id"] == source
    nodes = {n["asset_id"]: n for n in tree["nodes"]}
    assert nodes[source]["parent_id"] is None and nodes[source]["operation"] == "upload"
    edit = nodes[child["asset_id"]]
    assert edit["parent_id"] == source and edit["operation"] == "edit" and edit["cost_usd"] == 0
    assert edit["ops"] == [{"kind": "trim", "start": 0, "end": 0.5}] and "settings" in edit
    assert "not found" in refused(app, "versions", {"asset_id": "nosuchasset"}).lower()


def test_a_repeated_paid_request_is_offered_the_earlier_asset_and_nothing_is_sent(app):
    submits = lambda: sum(app.vendor.submits.values())  # noqa: E731
    assert app.client.predict({"request": PAID}, api_name="/reuse") is None
    run = app.client.predict(PAID, api_name="/create")
    assert run["ok"], run["issues"]
    done = wait_job(app.client, run["job_ids"][0], lambda v: v["terminal"])
    assert done["status"] == "succeeded", done["error"]
    sent = submits()
    spend = app.client.predict({"group_by": "model"}, api_name="/analytics")["totals"]

    earlier = app.client.predict({"request": PAID}, api_name="/reuse")
    assert earlier["asset_id"] == done["asset_id"] and earlier["cost_usd"] == pytest.approx(0.5)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", earlier["created_at"])
    again = app.client.predict(PAID, api_name="/create")
    assert again["ok"] is False and again["job_ids"] == []
    assert {k: again["reuse"][k] for k in ("asset_id", "created_at", "cost_usd")} == {
        k: earlier[k] for k in ("asset_id", "created_at", "cost_usd")}
    assert again["message"].startswith("You made this on ") and "run again for $0.50?" in again["message"]
    assert submits() == sent
    assert app.client.predict({"group_by": "model"}, api_name="/analytics")["totals"] == spend  # nothing charged

    rerun = app.client.predict({**PAID, "run_again": True}, api_name="/create")
    assert rerun["ok"] and len(rerun["job_ids"]) == 1
    assert wait_job(app.client, rerun["job_ids"][0], lambda v: v["terminal"])["status"] == "succeeded"
    assert submits() == sent + 1
    assert "run_again must be true or false" in answer(app.base, "create", {**PAID, "run_again": 1})["message"]

    rows = app.client.predict({"group_by": "day"}, api_name="/analytics")["rows"]
    assert sum(r["spend_usd"] for r in rows) == pytest.approx(1.0)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["day"]) for r in rows)
    by_model = {r["model"]: r for r in app.client.predict({"group_by": "model"}, api_name="/analytics")["rows"]}
    wan = by_model["wan-2.5-t2v"]
    assert wan["runs"] == 2 and wan["spend_usd"] == pytest.approx(1.0) and wan["estimate_usd"] == pytest.approx(1.0)
    assert wan["success_rate"] == 1 and wan["p50_s"] is not None and wan["p90_s"] >= wan["p50_s"]
    users = app.client.predict({"group_by": "user"}, api_name="/analytics")["rows"]
    assert [r["user"] for r in users] == ["local"]  # solo mode: the one owner runs the machine
    csv = app.client.predict({}, api_name="/analytics_csv")
    assert csv["rows"] >= 3 and "/vs-" in csv["file_path"]
    assert "group_by must be one of: day, model, studio, user" in refused(app, "analytics", {"group_by": "week"})

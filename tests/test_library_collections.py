"""Collections and their ZIP export, version trees, deleting with care, disk use."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from core.errors import InvalidInput, NotFound
from tests.test_library_search import BASE, record
from tests.helpers import OWNER


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def version_of(studio, parent_id: str, operation: str, **fields) -> str:
    """A real file made 'from' `parent_id` (a copy is enough: the library records, it does not judge)."""
    parent = studio.library.get(parent_id, OWNER)
    dest = studio.store.new_path("local", ".mp4", operation)
    shutil.copyfile(parent.path, dest)
    return studio.library.add(dest, owner="local", operation=operation, parent_id=parent_id, **fields).id


@pytest.fixture
def clips(studio, clip_factory):
    first = studio.import_media(clip_factory("first.mp4", seconds=1), title="First take", owner=OWNER)
    second = studio.import_media(clip_factory("second.mp4", seconds=1, size="240x320"), title="Second take", owner=OWNER)
    return first["id"], second["id"]


def test_collection_lifecycle(studio, clips):
    first, second = clips
    made = studio.create_collection("  Spring   campaign ", owner="local")
    assert made["name"] == "Spring campaign" and made["count"] == 0
    cid = made["id"]
    assert studio.rename_collection(cid, "Spring launch", owner="local")["name"] == "Spring launch"
    filled = studio.add_to_collection(cid, [first, second, first], owner="local")
    assert filled["asset_ids"] == [first, second] and filled["count"] == 2 and filled["bytes"] > 0
    assert studio.remove_from_collection(cid, [first], owner="local")["asset_ids"] == [second]
    assert [c["id"] for c in studio.collections(owner="local")] == [cid]
    assert studio.collections(owner="bob") == []
    listed = studio.search_assets({"collection_id": cid}, owner="local")
    assert [a["id"] for a in listed["items"]] == [second]

    with pytest.raises(InvalidInput, match="name"):
        studio.create_collection("   ", owner="local")
    with pytest.raises(InvalidInput, match="asset_ids"):
        studio.add_to_collection(cid, "not-a-list", owner="local")
    with pytest.raises(NotFound):
        studio.rename_collection(cid, "Taken", owner="bob")
    bobs = record(studio, owner="bob", prompt="bob's clip")
    with pytest.raises(NotFound) as theirs:
        studio.add_to_collection(cid, [bobs], owner="local")
    with pytest.raises(NotFound) as missing:
        studio.add_to_collection(cid, ["nosuchasset00000"], owner="local")
    assert str(theirs.value).replace(bobs, "ID") == str(missing.value).replace("nosuchasset00000", "ID")


def test_collection_zip_holds_every_file_with_its_manifest(studio, clips):
    first, second = clips
    child = version_of(studio, first, "edit", settings={"ops": [{"kind": "trim", "start": 0, "end": 0.5}]},
                       title="First take (edit)", prompt="first take")
    cid = studio.create_collection("Export me", owner="local")["id"]
    with pytest.raises(InvalidInput, match="empty"):
        studio.export_collection(cid, owner="local")
    studio.add_to_collection(cid, [first, second, child], owner="local")

    exported = studio.export_collection(cid, owner="local")
    assert exported["files"] == 3 and Path(exported["path"]).suffix == ".zip"
    with zipfile.ZipFile(exported["path"]) as zf:
        assert zf.testzip() is None
        manifest = json.loads(zf.read("manifest.json"))
        entries = {e["asset_id"]: e for e in manifest["assets"]}
        assert set(entries) == {first, second, child}
        assert sorted(zf.namelist()) == sorted([e["file"] for e in entries.values()] + ["manifest.json"])
        for asset_id, entry in entries.items():
            asset = studio.asset(asset_id, owner=OWNER)
            assert hashlib.sha256(zf.read(entry["file"])).hexdigest() == sha(asset["path"])
            for key in ("title", "prompt", "model", "settings", "operation"):
                assert entry[key] == asset[key]
            assert entry["cost_usd"] == asset["cost"]
    assert manifest["collection"] == {"id": cid, "name": "Export me"}
    assert entries[child]["lineage"] == [{"asset_id": first, "operation": "upload", "model": "",
                                          "title": "First take"}]
    assert entries[child]["settings"]["ops"][0]["kind"] == "trim"
    with pytest.raises(NotFound):
        studio.export_collection(cid, owner="bob")


def test_version_tree_from_the_root(studio):
    root = record(studio, prompt="a beach", title="Beach", actual_usd=0.5)
    edit = record(studio, operation="edit", model="ffmpeg", provider="local", parent_id=root, title="Beach (edit)",
                  settings={"ops": [{"kind": "speed", "factor": 2}]}, created_at=BASE + timedelta(hours=1))
    pack = record(studio, operation="social-pack", model="ffmpeg", parent_id=root, title="Beach - TikTok",
                  settings={"platform": "tiktok"}, created_at=BASE + timedelta(hours=2))
    upscale = record(studio, operation="upscale", model="seedvr2-upscale", parent_id=edit, title="Beach 4K",
                     settings={"resolution": "4k", "seed": 1}, actual_usd=0.2, created_at=BASE + timedelta(hours=3))
    record(studio, prompt="unrelated")

    for start in (root, edit, pack, upscale):
        tree = studio.versions(start, owner="local")
        assert tree["root_id"] == root and tree["asset_id"] == start
        assert [n["asset_id"] for n in tree["nodes"]] == [root, edit, upscale, pack]
    nodes = {n["asset_id"]: n for n in studio.versions(upscale, owner="local")["nodes"]}
    assert nodes[root]["parent_id"] is None and nodes[upscale]["parent_id"] == edit
    assert nodes[edit]["ops"] == [{"kind": "speed", "factor": 2}] and nodes[edit]["operation"] == "edit"
    assert nodes[upscale]["model"] == "seedvr2-upscale" and nodes[upscale]["settings"]["resolution"] == "4k"
    assert nodes[root]["model_name"] == studio.catalog.display_name("wan-2.5-t2v") != "wan-2.5-t2v"
    assert nodes[upscale]["cost_usd"] == 0.2 and nodes[root]["cost_usd"] == 0.5
    assert [nodes[i]["depth"] for i in (root, edit, upscale, pack)] == [0, 1, 2, 1]
    with pytest.raises(NotFound):
        studio.versions(edit, owner="bob")


def test_delete_with_care_and_disk_use(studio, clips):
    first, second = clips
    child = version_of(studio, first, "edit", settings={"ops": []})
    cid = studio.create_collection("Keep", owner="local")["id"]
    studio.add_to_collection(cid, [first], owner="local")
    before = studio.disk_use(owner="local")
    files = {a: (studio.asset(a, owner=OWNER)["path"], studio.asset(a, owner=OWNER)["poster"]) for a in (first, second, child)}
    assert before["assets"] == 3
    assert before["file_bytes"] == sum(Path(p).stat().st_size for p, _ in files.values())
    assert before["bytes"] == before["file_bytes"] + sum(Path(p).stat().st_size for _, p in files.values())

    asked = studio.delete_asset(first, owner="local")
    assert asked["deleted"] is False and asked["needs_confirmation"] is True
    assert asked["children"] == 1 and asked["collections"] == ["Keep"]
    assert "1 version" in asked["message"] and "Keep" in asked["message"]
    assert all(Path(p).exists() for p in files[first])
    with pytest.raises(InvalidInput, match="confirm"):
        studio.delete_asset(first, owner="local", confirm="yes")
    with pytest.raises(NotFound):
        studio.delete_asset(first, owner="bob", confirm=True)

    size = sum(Path(p).stat().st_size for p in files[first])
    done = studio.delete_asset(first, owner="local", confirm=True)
    assert done["deleted"] is True and done["freed_bytes"] == size
    assert not any(Path(p).exists() for p in files[first])
    with pytest.raises(NotFound):
        studio.asset(first, owner=OWNER)
    assert studio.asset(child, owner=OWNER)["parent_id"] is None
    assert studio.collections(owner="local")[0]["asset_ids"] == []
    assert studio.versions(child, owner="local")["root_id"] == child

    plain = studio.delete_asset(second, owner="local")
    assert plain["deleted"] is True and not any(Path(p).exists() for p in files[second])
    after = studio.disk_use(owner="local")
    assert after["assets"] == 1 and after["file_bytes"] == Path(files[child][0]).stat().st_size

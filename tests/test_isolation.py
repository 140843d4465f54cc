"""Every facade call belongs to its owner: someone else's id answers exactly like a missing one,
media are named by the owner's asset ids (never a server path), and imports are bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.errors import InvalidInput, NotFound, StudioError
from tests.helpers import (ai_edit, edit_apply, edit_batch, edit_compare, edit_join, edit_outcome, edit_preview,
                           social_pack, wait_for_job)

MISSING_ASSET, MISSING_JOB = "0123456789abcdef", "fedcba9876543210"
TRIM = [{"kind": "trim", "start": 0, "end": 0.5}]
CUBE = "LUT_3D_SIZE 2\n" + "".join(f"{r} {g} {b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1))


@pytest.fixture
def alice(studio, clip_factory):
    """Alice's clip and a finished edit job of hers."""
    clip = studio.import_media(clip_factory("a.mp4", seconds=1, size="160x120"), owner="alice", title="alice's")
    job = wait_for_job_of(studio, edit_apply(studio, clip["id"], TRIM, owner="alice"), "alice")
    return {"asset": clip["id"], "job": job["id"], "made": job["asset_id"]}


def wait_for_job_of(studio, job_id, owner):
    class As:  # the helper polls studio.job(id, owner="local"): ask as the job's owner
        def job(self, i, owner=None):
            return studio.job(i, owner=owner_)

    owner_ = owner
    return wait_for_job(As(), job_id)


def refusal(call, *ids: str) -> tuple[type, str]:
    """The error's type and message, with the id it names written as ID."""
    with pytest.raises(StudioError) as info:
        call()
    message = str(info.value)
    for value in ids:
        message = message.replace(value, "ID")
    return type(info.value), message


def calls_on(studio, asset: str, job: str, owner: str) -> dict:
    """Every facade call that names an asset or a job, as `owner`."""
    e, soc = studio.edit, studio.social
    return {
        "asset": lambda: studio.asset(asset, owner=owner),
        "lineage": lambda: studio.lineage(asset, owner=owner),
        "describe": lambda: e.describe(asset, owner=owner),
        "outcome": lambda: edit_outcome(studio, asset, TRIM, owner=owner),
        "preview": lambda: edit_preview(studio, asset, TRIM, owner=owner),
        "strip": lambda: e.strip(asset, owner=owner),
        "compare": lambda: edit_compare(studio, asset, asset, owner=owner),
        "edit": lambda: edit_apply(studio, asset, TRIM, owner=owner),
        "batch": lambda: edit_batch(studio, [asset], TRIM, owner=owner),
        "ai_estimate": lambda: ai_edit(studio, asset, "upscale", owner=owner, estimate=True),
        "ai_edit": lambda: ai_edit(studio, asset, "upscale", owner=owner),
        "social_plan": lambda: soc.plan(asset, {"platforms": ["tiktok"]}, owner=owner),
        "safe_zones": lambda: soc.safe_zones(asset, ["tiktok"], owner=owner),
        "social_pack": lambda: social_pack(studio, asset, {"platforms": ["tiktok"]}, owner=owner),
        "share": lambda: studio.share({"asset_id": asset, "expires_in_s": 3600}, owner=owner),
        "unshare": lambda: studio.unshare(asset, owner=owner),
        "links": lambda: studio.live_links(asset, owner=owner),
        "history": lambda: studio.asset_history(asset, owner=owner),
        "download": lambda: studio.download(asset, owner=owner, via="test"),
        "delete": lambda: studio.delete_asset(asset, owner=owner),
        "job": lambda: studio.job(job, owner=owner),
        "cancel": lambda: studio.cancel(job, owner=owner),
        "retry": lambda: studio.retry(job, owner=owner),
        "social_result": lambda: soc.result(job, owner=owner),
    }


def test_someone_elses_ids_answer_exactly_like_missing_ones(studio, alice):
    theirs = calls_on(studio, alice["asset"], alice["job"], "bob")
    missing = calls_on(studio, MISSING_ASSET, MISSING_JOB, "bob")
    for name in theirs:
        seen = refusal(theirs[name], alice["asset"], alice["job"])
        assert seen[0] is NotFound, (name, seen)
        assert seen == refusal(missing[name], MISSING_ASSET, MISSING_JOB), name
    assert studio.assets(owner="bob") == [] and studio.job_list(owner="bob") == []
    assert studio.asset(alice["asset"], owner="alice")["id"] == alice["asset"]  # alice's own still works


def test_joins_and_requests_name_only_the_owners_assets(studio, alice, clip_factory):
    bob = studio.import_media(clip_factory("b.mp4", seconds=1, size="160x120"), owner="bob")
    for clips in ([alice["asset"]], [alice["made"]], [MISSING_ASSET]):
        with pytest.raises(NotFound):
            edit_apply(studio, bob["id"], [{"kind": "join", "clips": clips}], owner="bob")
        with pytest.raises(NotFound):
            edit_join(studio, [bob["id"], *clips], owner="bob")
    answer = studio.create({"operation": "image-to-video", "image": alice["asset"]}, owner="bob")
    assert not answer["ok"] and answer["issues"][0]["field"] == "image"
    assert "not found" in answer["issues"][0]["message"]
    assert studio.job_list(owner="bob") == []


@pytest.mark.parametrize("field", ["image", "audio", "video"])
def test_server_paths_are_refused_without_saying_whether_they_exist(studio, tmp_path, field):
    real = tmp_path / "real.png"
    Image.new("RGB", (256, 256)).save(real)
    answers = [studio.estimate({"operation": "image-to-video", field: path}, owner="bob")
               for path in (str(real), str(tmp_path / "missing.png"), "/etc/passwd", "../studio.db")]
    messages = {a["issues"][0]["message"] for a in answers}
    assert len(messages) == 1 and "asset id" in messages.pop()
    assert {a["issues"][0]["field"] for a in answers} == {field}


def test_ops_name_clips_by_id_and_luts_by_content(studio, alice, tmp_path):
    cube = tmp_path / "look.cube"
    cube.write_text(CUBE)
    for op in ({"kind": "join", "clips": [str(Path(studio.asset(alice["asset"], owner="alice")["path"]))]},
               {"kind": "lut", "path": str(cube)}):
        with pytest.raises(StudioError) as refused:
            edit_outcome(studio, alice["asset"], [op], owner="alice")
        assert str(cube) not in str(refused.value)
    summary = edit_outcome(studio, alice["asset"], [{"kind": "lut", "cube": CUBE}], owner="alice")
    assert summary.startswith("120p (160x120)")
    job = wait_for_job_of(studio, edit_apply(studio, alice["asset"], [{"kind": "lut", "cube": CUBE}],
                                                    owner="alice"), "alice")
    assert job["status"] == "succeeded", job["error"]
    stored = studio.asset(job["asset_id"], owner="alice")["settings"]["ops"]
    assert stored[0]["kind"] == "lut" and "path" not in stored[0] and "cube" not in stored[0]


def test_imports_are_bounded_and_leave_nothing_behind(studio, tmp_path):
    studio.settings.max_import_mb = 1
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 1_500_000)
    for source, message in ((Path("/dev/zero"), "Only an uploaded file"), (big, "larger than the 1 MB limit")):
        with pytest.raises(InvalidInput, match=message):
            studio.import_media(source, owner="alice")
    assert not [p for p in studio.settings.media_dir.rglob("*") if p.is_file()]
    assert not [p for p in studio.settings.work_dir.glob("*") if p.is_file()]


def test_deleting_an_asset_removes_its_file_and_links(studio, alice):
    path = Path(studio.asset(alice["made"], owner="alice")["path"])
    studio.share({"asset_id": alice["made"], "expires_in_s": 3600}, owner="alice")
    answer = studio.delete_asset(alice["made"], owner="alice")
    assert answer["deleted"] and answer["asset_id"] == alice["made"] and answer["links_revoked"] == 1
    assert not path.exists()
    with pytest.raises(NotFound):
        studio.asset(alice["made"], owner="alice")
    actions = [e["action"] for e in studio.asset_history(alice["asset"], owner="alice")]
    assert actions[-1] == "imported" and "used-as-input" in actions
    assert [e.action for e in studio.audit.for_asset(alice["made"])][:3] == ["deleted", "shared", "created"]

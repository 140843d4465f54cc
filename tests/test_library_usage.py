"""Usage and export history per asset, read from the audit log: downloads, links, packs, inputs, exports."""

from __future__ import annotations

from datetime import datetime

from tests.helpers import OWNER, edit_apply, social_pack, wait_for_job


def test_an_assets_details_say_how_it_was_used(studio, clip_factory):
    clip = studio.import_media(clip_factory("river.mp4", seconds=1, size="320x180"), owner=OWNER)["id"]
    fresh = studio.asset_usage(clip, owner=OWNER)
    assert fresh["summary"] == "Not used, downloaded or shared yet" and fresh["downloads"] == 0

    for _ in range(5):
        studio.download(clip, owner=OWNER, via="rest")
    link = studio.share({"asset_id": clip, "expires_in_s": 3 * 86400}, owner=OWNER)
    for _ in range(3):
        pack = social_pack(studio, clip, {"platforms": ["tiktok"]})
        assert wait_for_job(studio, pack)["status"] == "succeeded"
    edit = edit_apply(studio, clip, [{"kind": "trim", "start": 0, "end": 0.5}])
    assert wait_for_job(studio, edit)["status"] == "succeeded"
    box = studio.create_collection("River", owner=OWNER)["id"]
    studio.add_to_collection(box, [clip], owner=OWNER)
    studio.export_collection(box, owner=OWNER)

    used = studio.asset_usage(clip, owner=OWNER)
    until = datetime.fromisoformat(link["expires_at"])
    assert (used["downloads"], used["shared"], used["packs"], used["inputs"], used["exports"]) == (5, 1, 3, 1, 1)
    assert used["shared_until"] == link["expires_at"]
    assert used["summary"] == (f"Used in 3 packs, used as the input of 1 run, downloaded 5 times, exported once, "
                               f"shared until {until.day} {until:%b}")
    assert [e["action"] for e in used["events"]][:1] == ["exported"]  # newest first

    studio.unshare(clip, owner=OWNER)
    assert "shared until" not in studio.asset_usage(clip, owner=OWNER)["summary"]


def test_the_details_of_a_half_second_clip_open_even_without_a_frame_strip(studio, clip_factory):
    clip = studio.import_media(clip_factory("c.mp4", seconds=1), owner=OWNER)["id"]
    job = wait_for_job(studio, edit_apply(studio, clip, [{"kind": "trim", "start": 0, "end": 0.5}]))
    assert job["status"] == "succeeded", job["error"]
    details = studio.asset_details(job["asset_id"], owner=OWNER)
    assert details["asset"]["id"] == job["asset_id"] and details["facts"]["duration_s"] > 0
    assert details["poster"]

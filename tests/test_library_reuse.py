"""Never pay twice: a stable key of the exact request (files by content), found again per owner."""

from __future__ import annotations

import shutil

from PIL import Image

from core.library.fingerprint import file_sha256
from core.library.reuse import request_fingerprint, reuse_key
from tests.helpers import OWNER, wait_for_job


def key(request: dict, model: str = "wan-2.5-i2v") -> str:
    return reuse_key(request_fingerprint(request, file_sha256), model)


def photo(path, colour=(200, 40, 40)):
    Image.new("RGB", (640, 480), colour).save(path)
    return str(path)


def test_key_is_stable_across_key_order_and_written_forms(tmp_path):
    image = photo(tmp_path / "a.png")
    base = {"operation": "image-to-video", "prompt": "a slow pan", "image": image, "duration": 5,
            "resolution": "720p", "aspect": "16:9", "seed": 42, "options": {"camera": "pan", "shot": "wide"}}
    reordered = dict(reversed(list(base.items())))
    reordered["options"] = {"shot": "wide", "camera": "pan"}
    written_otherwise = {**base, "duration": 5.0, "prompt": "a slow pan  ", "negative_prompt": "",
                         "audio": None, "variations": 3, "quality": "premium", "model": "auto"}
    copy = tmp_path / "copy-of-a.png"
    shutil.copyfile(image, copy)
    moved = {**base, "image": str(copy)}
    assert key(base) == key(reordered) == key(written_otherwise) == key(moved)


def test_key_changes_with_seed_settings_model_and_input_content(tmp_path):
    image = tmp_path / "a.png"
    base = {"operation": "image-to-video", "prompt": "a slow pan", "image": photo(image), "duration": 5,
            "seed": 42}
    first = key(base)
    assert key({**base, "seed": 43}) != first
    assert key({k: v for k, v in base.items() if k != "seed"}) != first
    assert key({**base, "duration": 8}) != first
    assert key({**base, "prompt": "a slow pan left"}) != first
    assert key(base, model="hunyuan-1.5-i2v") != first
    photo(image, colour=(40, 200, 40))  # same path, new bytes
    assert key(base) != first


def test_an_identical_request_is_offered_the_earlier_asset(studio, tmp_path):
    image = studio.import_media(photo(tmp_path / "portrait.png"), owner=OWNER)["id"]
    request = {"operation": "image-to-video", "image": image, "prompt": "gentle breeze", "aspect": "16:9",
               "resolution": "480p", "duration": 2, "seed": 11}
    assert studio.find_reuse(request, owner=OWNER) is None
    answer = studio.create(request, owner=OWNER)
    job = wait_for_job(studio, answer["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    asset = studio.asset(job["asset_id"], owner=OWNER)

    same_picture_elsewhere = tmp_path / "renamed.png"
    shutil.copyfile(tmp_path / "portrait.png", same_picture_elsewhere)
    again = studio.import_media(same_picture_elsewhere, owner=OWNER)["id"]  # another asset, same bytes
    offered = studio.find_reuse({**request, "image": again, "quality": "standard"}, owner=OWNER)
    assert offered == {"asset_id": asset["id"], "created_at": asset["created_at"], "cost_usd": asset["cost"],
                       "title": asset["title"], "model": asset["model"]}
    assert studio.find_reuse({**request, "seed": 12}, owner=OWNER) is None
    assert studio.find_reuse({**request, "prompt": "strong wind"}, owner=OWNER) is None
    bobs = studio.import_media(same_picture_elsewhere, owner="bob")["id"]
    assert studio.find_reuse({**request, "image": bobs}, owner="bob") is None
    other = studio.import_media(photo(tmp_path / "blue.png", colour=(10, 10, 200)), owner=OWNER)["id"]
    assert studio.find_reuse({**request, "image": other}, owner=OWNER) is None
    assert studio.find_reuse(request, owner=OWNER)["asset_id"] == asset["id"]
    studio.delete_asset(asset["id"], owner=OWNER)
    assert studio.find_reuse(request, owner=OWNER) is None


PAID_050 = {"prompt": "a red kite over the dunes", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "720p",
            "duration": 5, "seed": 7}


def test_a_repeated_paid_request_is_offered_the_earlier_asset_and_nothing_is_sent(paid_studio, vendor):
    _base, fake = vendor
    first = paid_studio.create(PAID_050, owner=OWNER)
    job = wait_for_job(paid_studio, first["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    made = paid_studio.asset(job["asset_id"], owner=OWNER)
    sent, spent = sum(fake.submits.values()), paid_studio.ledger.month_spend(OWNER)
    entries = len(paid_studio.ledger.entries(OWNER))

    estimate = paid_studio.estimate({**PAID_050, "prompt": "a red kite over the dunes  "}, owner=OWNER)
    assert estimate["reuse"]["asset_id"] == made["id"]  # the meter can say so before anything is asked
    again = paid_studio.create({**PAID_050, "confirm_usd": 0.5}, owner=OWNER)
    assert again["ok"] is False and again["job_ids"] == []
    assert {k: again["reuse"][k] for k in ("asset_id", "created_at", "cost_usd")} == {
        "asset_id": made["id"], "created_at": made["created_at"], "cost_usd": made["cost"]}
    day = made["created_at"][8:10].lstrip("0")
    assert again["message"].startswith(f"You made this on {day} ") and "run again for $0.50?" in again["message"]
    assert sum(fake.submits.values()) == sent and paid_studio.ledger.month_spend(OWNER) == spent
    assert len(paid_studio.ledger.entries(OWNER)) == entries
    assert paid_studio.job_list(owner=OWNER)[0]["id"] == job["id"]  # no job was even queued

    other_seed = paid_studio.estimate({**PAID_050, "seed": 8}, owner=OWNER)
    assert other_seed["reuse"] is None
    refused = paid_studio.create({**PAID_050, "run_again": "yes"}, owner=OWNER)
    assert refused["ok"] is False and refused["issues"][0]["field"] == "run_again"
    rerun = paid_studio.create({**PAID_050, "run_again": True}, owner=OWNER)
    assert rerun["ok"] is True and len(rerun["job_ids"]) == 1
    assert wait_for_job(paid_studio, rerun["job_ids"][0])["status"] == "succeeded"
    assert sum(fake.submits.values()) == sent + 1

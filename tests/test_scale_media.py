"""Media in an S3 bucket (moto's server): outputs are uploaded once probed, no process keeps the
media it made, file_path answers are presigned URLs a client fetches, inputs are read from
local copies. Three of the suite's own tests run again with VIDEO_STUDIO_MEDIA_URL set."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from core.media.probe import probe
from tests.helpers import OWNER, edit_apply, wait_for_job
from tests.test_library_collections import clips, test_collection_zip_holds_every_file_with_its_manifest  # noqa: F401
from tests.test_media_studios import source, test_edit_chain_makes_a_new_version_with_parent  # noqa: F401
from tests.test_studio import test_offline_vertical_draft_lands_in_library  # noqa: F401

pytestmark = pytest.mark.scale
PREFIX = "team/media"


@pytest.fixture(autouse=True)
def in_a_bucket(s3_bucket, monkeypatch):
    server, bucket = s3_bucket
    monkeypatch.setenv("VIDEO_STUDIO_MEDIA_URL", f"s3://{bucket}/{PREFIX}")
    return server, bucket


def media_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_local_edit_and_an_offline_draft_end_up_in_the_bucket(studio, clip_factory, in_a_bucket, tmp_path):
    from studios import files
    from studios.api_tools import json_safe

    server, bucket = in_a_bucket
    assert studio.store.remote
    clip = clip_factory("holiday.mp4", seconds=2, size="320x180")
    source = studio.import_media(clip, title="holiday", owner=OWNER)
    edit = wait_for_job(studio, edit_apply(studio, source["id"], [{"kind": "trim", "start": 0.5, "end": 1.5}],
                                           owner=OWNER))
    draft = wait_for_job(studio, studio.create({"operation": "text-to-video", "prompt": "a kite over dunes",
                                                "duration": 2, "resolution": "480p"}, owner=OWNER)["job_ids"][0])
    assert edit["status"] == draft["status"] == "succeeded", (edit["error"], draft["error"])

    keys = server.keys(bucket)
    media = studio.settings.media_dir
    made = {}
    for job in (edit, draft):
        row = studio.library.get(job["asset_id"], OWNER)  # a local copy is fetched for readers
        made[job["asset_id"]] = row
        key = f"{PREFIX}/{Path(row.path).relative_to(media).as_posix()}"
        assert key in keys and f"{PREFIX}/{Path(row.poster_path).relative_to(media).as_posix()}" in keys
    assert probe(made[edit["asset_id"]].path).duration_s == pytest.approx(1.0, abs=0.08)

    # What an API client is given: each asset's file_path fetches the object (a presigned URL).
    files.bind("test-secret", studio.store.local, studio.store.location)
    try:
        listed = json_safe(studio.search_assets({}, owner=OWNER))["items"]
    finally:
        files.bind("test-secret")
    assert {item["id"] for item in listed} == {source["id"], edit["asset_id"], draft["asset_id"]}
    for item in listed:
        answer = httpx.get(item["file_path"], timeout=30)
        assert answer.status_code == 200 and len(answer.content) == item["size_bytes"]
        fetched = tmp_path / f"{item['id']}.mp4"
        fetched.write_bytes(answer.content)
        assert probe(fetched).video_codec == "h264"

    assert media_files(studio.settings.work_dir) == []  # the scratch copies are gone


def test_a_process_keeps_none_of_the_media_it_makes(studio, clip_factory):
    clip = clip_factory("beach.mp4", seconds=1, size="320x180")
    draft = wait_for_job(studio, studio.create({"operation": "text-to-video", "prompt": "waves at night",
                                                "duration": 2, "resolution": "480p"}, owner=OWNER)["job_ids"][0])
    assert draft["status"] == "succeeded", draft["error"]
    studio.import_media(clip, title="beach", owner=OWNER)
    assert media_files(studio.settings.media_dir) == []
    assert media_files(studio.settings.work_dir) == []


def test_a_deleted_asset_leaves_the_bucket(studio, clip_factory, in_a_bucket):
    server, bucket = in_a_bucket
    asset = studio.import_media(clip_factory("gone.mp4", seconds=1, size="320x180"), title="gone", owner=OWNER)
    assert len(server.keys(bucket)) == 2  # the file and its poster
    studio.delete_asset(asset["id"], owner=OWNER)
    assert server.keys(bucket) == []


def test_a_file_another_process_stored_is_served_and_read_from_the_bucket(in_a_bucket, tmp_path):
    """Each process may have its own home: a path a worker recorded under its home names the same
    object for a web process (a presigned URL) and is read into the reader's own home."""
    from core.storage_s3 import S3MediaStore

    server, bucket = in_a_bucket
    url = f"s3://{bucket}/{PREFIX}"
    worker = S3MediaStore(tmp_path / "worker" / "media", tmp_path / "worker" / "work", url)
    web = S3MediaStore(tmp_path / "web" / "media", tmp_path / "web" / "work", url)
    made = worker.new_path("ana", ".mp4", "kite")
    made.write_bytes(b"made by the worker")
    worker.publish(made)
    assert not made.exists()
    assert web.contains(made) and web.key(made) == worker.key(made)
    fetched = httpx.get(web.location(str(made)), timeout=30)
    assert fetched.status_code == 200 and fetched.content == b"made by the worker"
    copy = web.local(made)
    assert copy.is_relative_to(tmp_path / "web" / "media") and copy.read_bytes() == b"made by the worker"
    assert not made.exists(), "nothing is written into the other process's home"
    web.remove(made)
    assert worker.key(made) not in server.keys(bucket)
    assert not web.contains(tmp_path / "upload.mp4"), "a path outside any media folder is no stored file"

"""Compare Studio through the launched app's API, as a gradio_client user calls it."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pytest

from tests.compare_helpers import launched_with_vendor

pytestmark = pytest.mark.ui


def wait_result(client, group_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = client.predict({"group_id": group_id}, api_name="/compare_result")
        if view["done"]:
            return view
        time.sleep(0.3)
    raise AssertionError(f"the compare did not finish: {view}")


def test_compare_vote_leaderboard_and_export_through_the_api(tmp_path, clip_factory):
    clip = clip_factory("vendor.mp4", seconds=1, size="320x180")
    with launched_with_vendor(tmp_path / "home", clip) as (_, client, fake):
        body = {"prompt": "a lantern festival over a river", "operation": "text-to-video",
                "models": ["wan-2.5-t2v", "hunyuan-1.5-t2v", "local-draft-t2v"], "blind": True,
                "settings": {"duration": 5, "resolution": "480p"}}
        estimate = client.predict({**body, "estimate_only": True}, api_name="/compare_models")
        assert estimate["group_id"] is None and estimate["job_ids"] == []
        assert {"model", "estimate_usd", "allowed", "reason", "reused"} <= set(estimate["per_model"][0])
        assert estimate["total_usd"] == pytest.approx(sum(r["estimate_usd"] for r in estimate["per_model"]))

        with pytest.raises(Exception, match="confirm"):
            client.predict({**body, "confirm": "yes"}, api_name="/compare_models")
        with pytest.raises(Exception, match="blind"):
            client.predict({**body, "blind": "false"}, api_name="/compare_models")
        assert sum(fake.submits.values()) == 0

        run = client.predict({**body, "confirm_usd": estimate["max_usd"]}, api_name="/compare_models")
        assert run["ok"] and len(run["job_ids"]) == 3
        view = wait_result(client, run["group_id"])
        assert all(r["model"] is None and r["status"] == "succeeded" for r in view["per_model"])
        home = str((tmp_path / "home").resolve())
        for row in view["per_model"]:  # a downloadable URL of the caller's own copy, never a library path
            assert row["file_url"].startswith("/gradio_api/file=") and not row["file_path"].startswith(home)
            assert "blind-" in row["file_url"] and not any(m in row["file_url"] for m in body["models"])
            got = httpx.get(f"{client.src.rstrip('/')}{row['file_url']}")
            assert got.status_code == 200 and got.content[4:8] == b"ftyp"
        pair = view["next_pair"]
        voted = client.predict({"group_id": run["group_id"], "a_asset_id": pair["a_asset_id"],
                                "b_asset_id": pair["b_asset_id"], "winner": "a", "criterion": None},
                               api_name="/vote")
        assert voted["blind"] and voted["a"]["model"] and voted["recorded"] == 1

        board = client.predict({"operation": "text-to-video", "audio": None}, api_name="/leaderboard")
        assert board["votes"] == 1 and board["rows"] == [] and len(board["few_votes"]) == 2
        assert all(r["ci_low"] is None for r in board["few_votes"])

        votes_csv = client.predict({"what": "votes", "format": "csv"}, api_name="/compare_export")
        assert votes_csv["file_url"].startswith("/gradio_api/file=") and not votes_csv["file_path"].startswith(home)
        assert httpx.get(f"{client.src.rstrip('/')}{votes_csv['file_url']}").text == votes_csv["content"]
        [row] = list(csv.DictReader(io.StringIO(votes_csv["content"])))
        assert row["voter"] == "local" and row["winner"] == "a" and row["blind"] == "True"
        assert {row["a_asset_id"], row["b_asset_id"]} == {pair["a_asset_id"], pair["b_asset_id"]}
        results = client.predict({"what": "results", "format": "jsonl"}, api_name="/compare_export")
        lines = [json.loads(line) for line in results["content"].splitlines()]
        assert len(lines) == 3 and sum(1 for line in lines if line["model"]) == 2  # one output still unnamed
        prompts = client.predict({"what": "prompts", "format": "jsonl"}, api_name="/compare_export")
        assert json.loads(prompts["content"])["prompt"] == body["prompt"]

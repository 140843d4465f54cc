"""Blind mode names no model until a vote; votes are records; only blind votes rank models."""

from __future__ import annotations

import os
import random

import pytest

from core.compare.blind import identity_words
from core.compare.models import CompareVote
from core.errors import InvalidInput, NotFound
from tests.compare_helpers import WIRE, compare_studio, wait_done  # noqa: F401

MODELS = ["wan-2.5-t2v", "hunyuan-1.5-t2v", "local-draft-t2v"]


def words(studio, models=MODELS) -> list[str]:
    return [w.lower() for m in models for w in identity_words(studio.catalog.get(m))]


def leaks(studio, value, path: str = "") -> list[str]:
    """Every place in `value` (outside file_path) that names one of the models."""
    if isinstance(value, dict):
        return [hit for k, v in value.items() if k != "file_path" for hit in leaks(studio, v, f"{path}.{k}")]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in leaks(studio, v, f"{path}[{i}]")]
    text = str(value).lower()
    return [f"{path}={value}" for w in words(studio) if w in text]


def blind_compare(studio, **extra) -> dict:
    run = studio.compare.compare({"prompt": "a paper boat on a rainy street", "models": MODELS, "blind": True,
                                  "settings": {"duration": 5, "resolution": "480p"}, "confirm_usd": 2.0, **extra},
                                 owner="local")
    assert run["ok"], run["message"]
    return run


def test_blind_result_names_no_model_until_a_vote_on_that_pair(compare_studio, vendor):
    _, fake = vendor
    fake.behave(WIRE["hunyuan-1.5-t2v"], steps=["created", "failed"],
                error="wavespeed-ai/hunyuan-video-1.5 rejected the prompt (HunyuanVideo 1.5 safety filter)")
    run = blind_compare(compare_studio)
    assert all(row["job_id"] is None and row["asset_id"] is None for row in run["per_model"])
    view = wait_done(compare_studio, run["group_id"])
    assert leaks(compare_studio, view) == []
    for row in view["per_model"]:
        assert row["label"].startswith("Output ") and not row["revealed"]
        assert row["model"] is row["model_name"] is row["provider"] is row["job_id"] is None
        assert row["estimate_usd"] is None and row["actual_usd"] is None and row["seconds"] is None
        if row["file_path"]:
            name = os.path.basename(row["file_path"]).lower()
            assert not any(w in name for w in words(compare_studio)), name
            assert os.path.samefile(row["file_path"], compare_studio.asset(row["asset_id"], owner="local")["path"])
    failed = [r for r in view["per_model"] if r["status"] == "failed"]
    assert len(failed) == 1 and "the model rejected the prompt" in failed[0]["error"]

    pair = view["next_pair"]
    vote = compare_studio.compare.vote({"group_id": run["group_id"], **{k: pair[k] for k in ("a_asset_id", "b_asset_id")},
                                     "winner": "a", "criteria": {"motion": "b"}}, owner="local")
    assert vote["recorded"] == 2 and vote["blind"]
    assert {vote["a"]["model"], vote["b"]["model"]} == {"wan-2.5-t2v", "local-draft-t2v"}
    after = {r["asset_id"]: r for r in wait_done(compare_studio, run["group_id"])["per_model"] if r["asset_id"]}
    assert after[pair["a_asset_id"]]["model"] == vote["a"]["model"] and after[pair["a_asset_id"]]["revealed"]
    assert after[pair["a_asset_id"]]["estimate_usd"] is not None and after[pair["b_asset_id"]]["revealed"]


def test_votes_record_who_when_which_and_later_votes_on_revealed_outputs_are_named(compare_studio, vendor):
    run = blind_compare(compare_studio)
    view = wait_done(compare_studio, run["group_id"])
    pairs = view["pairs"]
    assert len(pairs) == 3 and not any(p["voted"] for p in pairs)
    first = compare_studio.compare.vote({"group_id": run["group_id"], "a_asset_id": pairs[0]["a_asset_id"],
                                      "b_asset_id": pairs[0]["b_asset_id"], "winner": "tie"}, owner="local")
    again = compare_studio.compare.vote({"group_id": run["group_id"], "a_asset_id": pairs[0]["a_asset_id"],
                                      "b_asset_id": pairs[0]["b_asset_id"], "winner": "both_bad"}, owner="local")
    assert first["blind"] and not again["blind"]  # the names were shown after the first vote
    with compare_studio.db.session() as s:
        records = s.query(CompareVote).all()
    assert len(records) == 2  # every vote is its own record
    assert {r.owner for r in records} == {"local"} and all(r.created_at for r in records)
    assert {(r.a_asset_id, r.b_asset_id) for r in records} == {(pairs[0]["a_asset_id"], pairs[0]["b_asset_id"])}
    board = compare_studio.compare.leaderboard({"operation": "text-to-video"})
    assert board["votes"] == 2  # every vote counts, no de-duplication
    assert compare_studio.compare.leaderboard({"operation": "text-to-video", "blind_only": True})["votes"] == 1
    assert compare_studio.compare.result(run["group_id"], owner="local")["pairs"][-1]["voted"]


def test_someone_elses_group_reads_as_missing_and_bad_votes_say_which_field(compare_studio, vendor):
    run = blind_compare(compare_studio)
    view = wait_done(compare_studio, run["group_id"])
    pair = {k: view["next_pair"][k] for k in ("a_asset_id", "b_asset_id")}
    with pytest.raises(NotFound) as theirs:
        compare_studio.compare.result({"group_id": run["group_id"]}, owner="bob")
    with pytest.raises(NotFound) as missing:
        compare_studio.compare.result({"group_id": "0" * 16}, owner="bob")
    assert str(theirs.value).replace(run["group_id"], "X") == str(missing.value).replace("0" * 16, "X")
    with pytest.raises(NotFound):
        compare_studio.compare.vote({"group_id": run["group_id"], "a_asset_id": pair["a_asset_id"],
                                  "b_asset_id": pair["b_asset_id"], "winner": "a"}, owner="bob")
    for body, field in [({"winner": "left"}, "winner"), ({"winner": "a", "user": "bob"}, "user"),
                        ({"winner": "a", "criterion": "colour"}, "criterion"),
                        ({"winner": "a", "b_asset_id": pair["a_asset_id"]}, "b_asset_id")]:
        with pytest.raises(InvalidInput) as bad:
            compare_studio.compare.vote({"group_id": run["group_id"], **pair, **body}, owner="local")
        assert bad.value.field == field, str(bad.value)


# -- the leaderboard from synthetic votes ------------------------------------------------------
TRUE = {"veo-3.1-t2v": 1.5, "wan-2.5-t2v": 0.5, "hunyuan-1.5-t2v": -0.5, "local-draft-t2v": -1.5}


def add_votes(studio, count: int, seed: int, truth=TRUE, blind: bool = True, audio: bool | None = False) -> None:
    import math

    rng, names, votes = random.Random(seed), sorted(truth), []
    for _ in range(count):
        a, b = rng.sample(names, 2)
        p_a = 1 / (1 + math.exp(truth[b] - truth[a]))
        votes.append(CompareVote(owner="local", group_id="g" * 16, a_asset_id="a" * 16, b_asset_id="b" * 16,
                                 a_model=a, b_model=b, winner="a" if rng.random() < p_a else "b", blind=blind,
                                 operation="text-to-video", audio=audio))
    with studio.db.session() as s:
        s.add_all(votes)


def test_200_votes_rank_the_known_order_and_other_pools_or_named_votes_on_a_blind_board_do_not_count(studio):
    add_votes(studio, 200, seed=5)
    reversed_truth = {m: -v for m, v in TRUE.items()}
    add_votes(studio, 300, seed=7, truth=reversed_truth, audio=True)  # another sound pool
    silent = studio.compare.leaderboard({"operation": "text-to-video", "audio": False})
    assert [r["model"] for r in silent["rows"]] == ["veo-3.1-t2v", "wan-2.5-t2v", "hunyuan-1.5-t2v", "local-draft-t2v"]
    assert silent["votes"] == 200 and sum(r["votes"] for r in silent["rows"]) == 400
    lows = [r["ci_low"] for r in silent["rows"]]
    assert lows == sorted(lows, reverse=True)
    assert set(silent["rows"][0]) >= {"model", "score", "ci_low", "ci_high", "votes", "usd_per_second", "median_seconds"}
    sound = studio.compare.leaderboard({"operation": "text-to-video", "audio": True})
    assert [r["model"] for r in sound["rows"]][0] == "local-draft-t2v"
    assert studio.compare.leaderboard({"operation": "avatar"})["rows"] == []
    width = lambda board: sum(r["ci_high"] - r["ci_low"] for r in board["rows"])  # noqa: E731
    add_votes(studio, 300, seed=6, truth=reversed_truth, blind=False)  # named votes: on the board, not a blind one
    blind_only = studio.compare.leaderboard({"operation": "text-to-video", "audio": False, "blind_only": True})
    assert blind_only["votes"] == 200 and [r["model"] for r in blind_only["rows"]] == [r["model"] for r in silent["rows"]]
    assert studio.compare.leaderboard({"operation": "text-to-video", "audio": False})["votes"] == 500
    add_votes(studio, 600, seed=8)
    assert width(studio.compare.leaderboard({"operation": "text-to-video", "audio": False, "blind_only": True})) < width(silent)

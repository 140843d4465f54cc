"""The Bradley-Terry leaderboard: known orderings come back, intervals shrink with votes, ties count half."""

from __future__ import annotations

import math
import random

import pytest

from core.compare.leaderboard import MIN_VOTES, Battle, fit
from tests.compare_helpers import compare_studio  # noqa: F401

# True strengths (natural log): each model beats the next about 73 % of the time.
TRUE = {"veo": 1.5, "wan": 0.5, "hunyuan": -0.5, "draft": -1.5}


def synthetic(count: int, seed: int, truth: dict[str, float] = TRUE, tie_rate: float = 0.1) -> list[Battle]:
    """`count` votes between random pairs, sides random, the winner drawn from the true strengths."""
    rng = random.Random(seed)
    names = sorted(truth)
    out = []
    for _ in range(count):
        a, b = rng.sample(names, 2)
        roll = rng.random()
        if roll < tie_rate:
            out.append(Battle(a, b, rng.choice(["tie", "both_bad"])))
            continue
        p_a = 1.0 / (1.0 + math.exp(truth[b] - truth[a]))
        out.append(Battle(a, b, "a" if rng.random() < p_a else "b"))
    return out


def width(board, model: str) -> float:
    row = next(r for r in board.rows if r.model == model)
    return row.ci_high - row.ci_low


def test_200_votes_give_the_known_order_ranked_by_lower_bound():
    board = fit(synthetic(200, seed=7))
    assert [r.model for r in board.rows] == ["veo", "wan", "hunyuan", "draft"]
    assert [r.rank for r in board.rows] == [1, 2, 3, 4]
    lows = [r.ci_low for r in board.rows]
    assert lows == sorted(lows, reverse=True)
    for row in board.rows:
        assert row.ci_low <= row.score <= row.ci_high
    assert sum(r.votes for r in board.rows) == 2 * 200  # each vote counts for both of its models
    assert board.few_votes == []


def test_intervals_shrink_as_votes_grow():
    small, large = fit(synthetic(50, seed=3)), fit(synthetic(800, seed=3))
    for model in TRUE:
        small_row = next(r for r in small.rows + small.few_votes if r.model == model)
        if small_row.ci_low is None:
            continue  # too few votes for an interval at 50
        assert width(large, model) < width(small, model)
    mid = fit(synthetic(200, seed=3))
    mean = lambda b: sum(width(b, m) for m in TRUE) / len(TRUE)  # noqa: E731
    assert mean(large) < mean(mid)


def test_models_with_few_votes_are_listed_apart_without_interval():
    battles = synthetic(200, seed=1, truth={k: v for k, v in TRUE.items() if k != "draft"})
    battles += [Battle("draft", "veo", "b")] * (MIN_VOTES - 1)
    board = fit(battles)
    assert "draft" not in [r.model for r in board.rows]
    [apart] = board.few_votes
    assert apart.model == "draft" and apart.votes == MIN_VOTES - 1
    assert apart.ci_low is None and apart.ci_high is None


def test_ties_and_both_bad_count_half_a_win_each_way():
    even = [Battle("x", "y", "tie")] * 15 + [Battle("x", "y", "both_bad")] * 15
    board = fit(even)
    x, y = sorted(board.rows, key=lambda r: r.model)
    assert x.score == pytest.approx(y.score, abs=0.1)
    assert x.to_dict()["win_rate"] == 0.5 and x.votes == 30
    one_sided = fit([Battle("x", "y", "a")] * 30)
    top = one_sided.rows[0]
    assert top.model == "x" and math.isfinite(top.score) and top.ci_low > 1000


def test_same_votes_same_board():
    votes = synthetic(120, seed=11)
    first, second = fit(votes), fit(list(votes))
    assert [r.to_dict() for r in first.rows] == [r.to_dict() for r in second.rows]


def test_200_votes_through_vote_give_the_known_order_with_intervals_shrinking(compare_studio):
    """The held-out check end to end: one compare of three paid models and the draft, 200 votes through
    /vote drawn from known strengths (every vote a record, repeated pairs included), then /leaderboard."""
    from tests.compare_helpers import PAID, wait_done

    truth = {PAID[0]: 1.5, PAID[1]: 0.5, PAID[2]: -0.5, "local-draft-t2v": -1.5}
    run = compare_studio.compare.compare({"prompt": "a paper boat on a puddle", "models": list(truth),
                                          "settings": {"duration": 5, "resolution": "480p"}, "blind": True,
                                          "confirm_usd": 10.0}, owner="local")
    assert run["ok"], run["message"]
    view = wait_done(compare_studio, run["group_id"])
    model_of = {r["asset_id"]: compare_studio.asset(r["asset_id"], owner="local")["model"] for r in view["per_model"]}
    pairs = view["pairs"]
    assert len(pairs) == 6
    rng = random.Random(11)
    widths = []
    for n in range(200):
        pair = rng.choice(pairs)
        a, b = model_of[pair["a_asset_id"]], model_of[pair["b_asset_id"]]
        winner = "a" if rng.random() < 1.0 / (1.0 + math.exp(truth[b] - truth[a])) else "b"
        compare_studio.compare.vote({"group_id": run["group_id"], "a_asset_id": pair["a_asset_id"],
                                     "b_asset_id": pair["b_asset_id"], "winner": winner}, owner="local")
        if n + 1 in (60, 200):
            board = compare_studio.compare.leaderboard({"operation": "text-to-video", "audio": None})
            widths.append({r["model"]: r["ci_high"] - r["ci_low"] for r in board["rows"]})
    assert board["votes"] == 200 and board["few_votes"] == []
    assert [r["model"] for r in board["rows"]] == sorted(truth, key=truth.get, reverse=True)
    lows = [r["ci_low"] for r in board["rows"]]
    assert lows == sorted(lows, reverse=True) and sum(r["votes"] for r in board["rows"]) == 400
    assert all(set(r) >= {"model", "score", "ci_low", "ci_high", "votes", "usd_per_second", "median_seconds"}
               for r in board["rows"])
    assert all(widths[1][m] < widths[0][m] for m in widths[0])

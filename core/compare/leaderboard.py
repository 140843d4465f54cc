"""A Bradley-Terry leaderboard over blind votes, with bootstrap intervals, ranked by the lower bound.

How a vote counts (the GenAI-Arena convention): "a" or "b" is one win for that side; "tie" and
"both_bad" are half a win each way (neither output was preferred, so they say nothing about
which model is better; they still count as votes the two models appeared in). The strengths
are fitted with choix's ILSR on the matrix of (fractional) wins, lightly regularised toward
the mean so a model that never lost still gets a finite score, and shown on an Elo-like
scale: 1000 + 400 * log10(strength), centred on the pool's mean. The 95 % interval comes from
refitting on resampled votes (a bootstrap); rows are ranked by its lower end, `ci_low`, so a
model rises only when the votes are sure of it. Models with fewer than `MIN_VOTES` votes are
listed apart, with their score but no interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import choix
import numpy as np

MIN_VOTES = 20
ROUNDS = 200
ALPHA = 0.1  # choix's regularisation: transition rates start at alpha (a tenth of a win each way)
BASE = 1000.0
SCALE = 400.0 / math.log(10.0)  # natural-log strengths -> Elo points
WINNERS = ("a", "b", "tie", "both_bad")


@dataclass(frozen=True)
class Battle:
    """One vote between two models: `winner` is "a", "b", "tie" or "both_bad"."""

    a: str
    b: str
    winner: str


@dataclass
class Row:
    model: str
    score: float
    ci_low: float | None
    ci_high: float | None
    votes: int
    wins: float
    rank: int | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"rank": self.rank, "model": self.model, "score": self.score, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "votes": self.votes, "win_rate": _rate(self.wins, self.votes),
                **self.extra}


@dataclass
class Board:
    """Ranked rows (enough votes, with an interval) and the models listed apart (too few votes)."""

    rows: list[Row]
    few_votes: list[Row]
    battles: int


def fit(battles: Sequence[Battle], *, rounds: int = ROUNDS, seed: int = 0, min_votes: int = MIN_VOTES) -> Board:
    """The leaderboard of `battles`. Deterministic for the same votes (the bootstrap is seeded)."""
    battles = [b for b in battles if b.a != b.b and b.winner in WINNERS]
    models = sorted({m for b in battles for m in (b.a, b.b)})
    if not models:
        return Board(rows=[], few_votes=[], battles=0)
    index = {m: i for i, m in enumerate(models)}
    pairs = np.array([(index[b.a], index[b.b]) for b in battles], dtype=int)
    credit = np.array([_credit(b.winner) for b in battles], dtype=float)  # a's share of the win
    scores = _scores(_matrix(len(models), pairs, credit))
    votes = np.zeros(len(models), dtype=int)
    np.add.at(votes, pairs[:, 0], 1)
    np.add.at(votes, pairs[:, 1], 1)
    wins = np.zeros(len(models))
    np.add.at(wins, pairs[:, 0], credit)
    np.add.at(wins, pairs[:, 1], 1.0 - credit)
    low, high = _bootstrap(len(models), pairs, credit, rounds, seed)
    ranked, apart = [], []
    for i, model in enumerate(models):
        if votes[i] >= min_votes:
            ranked.append(Row(model, _pts(scores[i]), _pts(low[i]), _pts(high[i]), int(votes[i]), float(wins[i])))
        else:
            apart.append(Row(model, _pts(scores[i]), None, None, int(votes[i]), float(wins[i])))
    ranked.sort(key=lambda r: (-r.ci_low, -r.score, r.model))
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    apart.sort(key=lambda r: (-r.votes, -r.score, r.model))
    return Board(rows=ranked, few_votes=apart, battles=len(battles))


def battles_of(records: Iterable[dict]) -> list[Battle]:
    """Votes as dicts with a_model, b_model and winner -> battles."""
    return [Battle(r["a_model"], r["b_model"], r["winner"]) for r in records]


def _credit(winner: str) -> float:
    return {"a": 1.0, "b": 0.0}.get(winner, 0.5)


def _matrix(n: int, pairs: np.ndarray, credit: np.ndarray) -> np.ndarray:
    """wins[i, j]: how often i beat j (ties count half each way)."""
    wins = np.zeros((n, n))
    np.add.at(wins, (pairs[:, 0], pairs[:, 1]), credit)
    np.add.at(wins, (pairs[:, 1], pairs[:, 0]), 1.0 - credit)
    return wins


def _scores(wins: np.ndarray) -> np.ndarray:
    """Mean-centred natural-log strengths."""
    try:
        params = choix.ilsr_pairwise_dense(wins, alpha=ALPHA, max_iter=1000)
    except RuntimeError:  # did not converge within max_iter: the plain spectral estimate is close
        params = choix.lsr_pairwise_dense(wins, alpha=ALPHA)
    return params - params.mean()


def _bootstrap(n: int, pairs: np.ndarray, credit: np.ndarray, rounds: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """2.5th and 97.5th percentiles of each strength over `rounds` refits on resampled votes."""
    rng = np.random.default_rng(seed)
    samples = np.empty((rounds, n))
    for r in range(rounds):
        pick = rng.integers(0, len(pairs), len(pairs))
        samples[r] = _scores(_matrix(n, pairs[pick], credit[pick]))
    return np.percentile(samples, 2.5, axis=0), np.percentile(samples, 97.5, axis=0)


def _pts(strength: float) -> float:
    return round(BASE + SCALE * float(strength), 1)


def _rate(wins: float, votes: int) -> float | None:
    return round(wins / votes, 3) if votes else None

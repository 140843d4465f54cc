"""Compare Studio: the price of a 4-model compare, and the leaderboard's fit with its intervals.

1. A compare estimate prices 4 models (nearest settings + the Create preflight each, re-use
   lookup) against the floor of doing the same work by hand: 4 /estimate calls of the facade.
2. The leaderboard (Bradley-Terry with 200 bootstrap refits) against its floor: 201 single fits
   of choix on the same data (the bootstrap cannot cost less than its refits).

    python bench/bench_compare.py            # 100 estimates; 200 to 20,000 votes over 4 to 12 models
    python bench/bench_compare.py --smoke    # 20 estimates, 200 and 2,000 votes
    python bench/bench_compare.py --smoke --target compare_p95_ms=0.001   # impossible: must exit 1

Targets (full size and smoke alike): a compare estimate p95 <= 250 ms (`compare_p95_ms`); a
leaderboard of 2,000 votes over 8 models <= 2 s (`board_2000_s`). A missed target exits 1.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from core.compare import leaderboard  # noqa: E402

TARGETS = {"compare_p95_ms": Target(250.0, unit=" ms"), "board_2000_s": Target(2.0, unit=" s")}
MODELS = ["wan-2.5-t2v", "hunyuan-1.5-t2v", "ltx-2-fast-t2v", "local-draft-t2v"]


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, math.ceil(0.95 * len(samples)) - 1)]


def bench_estimates(count: int) -> float:
    home = tempfile.mkdtemp(prefix="bench-compare-")
    os.environ["VIDEO_STUDIO_HOME"] = home
    os.environ["WAVESPEED_API_KEY"] = "bench-key"  # configured, never called: estimates send nothing
    os.environ["WAVESPEED_BASE_URL"] = "http://127.0.0.1:9"
    from app import build_studio

    studio = build_studio()
    rng = random.Random(3)
    compare_ms, floor_ms = [], []
    try:
        for n in range(count):
            settings = {"duration": rng.choice([5, 6, 8, 10]), "resolution": rng.choice(["480p", "720p", "1080p"]),
                        "aspect": rng.choice(["16:9", "9:16"]), "seed": n}
            body = {"prompt": f"a kite over dunes, take {n}", "models": MODELS, "settings": settings,
                    "estimate_only": True}
            start = time.perf_counter()
            answer = studio.compare.compare(body, owner="bench")
            compare_ms.append((time.perf_counter() - start) * 1000)
            assert answer["per_model"] and answer["group_id"] is None
            start = time.perf_counter()
            for model in MODELS:
                studio.estimate({"operation": "text-to-video", "prompt": body["prompt"], "model": model,
                                 **settings}, owner="bench")
            floor_ms.append((time.perf_counter() - start) * 1000)
    finally:
        studio.stop()
        shutil.rmtree(home, ignore_errors=True)
    worst = p95(compare_ms)
    print(f"compare estimate, 4 models: p50 {statistics.median(compare_ms):.1f} ms, p95 {worst:.1f} ms; "
          f"4 x /estimate by hand: p50 {statistics.median(floor_ms):.1f} ms, p95 {p95(floor_ms):.1f} ms; "
          f"ratio {statistics.median(compare_ms) / statistics.median(floor_ms):.2f}")
    return worst


def votes(count: int, models: int, seed: int = 5) -> list[leaderboard.Battle]:
    rng = random.Random(seed)
    truth = {f"model-{i}": rng.gauss(0, 1) for i in range(models)}
    names = sorted(truth)
    out = []
    for _ in range(count):
        a, b = rng.sample(names, 2)
        p = 1 / (1 + math.exp(truth[b] - truth[a]))
        out.append(leaderboard.Battle(a, b, "tie" if rng.random() < 0.1 else ("a" if rng.random() < p else "b")))
    return out


def bench_board(count: int, models: int) -> float:
    battles = votes(count, models)
    start = time.perf_counter()
    board = leaderboard.fit(battles)
    took = time.perf_counter() - start
    import numpy as np

    index = {m: i for i, m in enumerate(sorted({m for b in battles for m in (b.a, b.b)}))}
    pairs = np.array([(index[b.a], index[b.b]) for b in battles])
    credit = np.array([{"a": 1.0, "b": 0.0}.get(b.winner, 0.5) for b in battles])
    start = time.perf_counter()
    for _ in range(leaderboard.ROUNDS + 1):
        leaderboard._scores(leaderboard._matrix(len(index), pairs, credit))
    floor = time.perf_counter() - start
    print(f"leaderboard, {count:>6} votes over {models:>2} models: {took * 1000:7.0f} ms "
          f"({len(board.rows)} ranked); 201 bare fits: {floor * 1000:7.0f} ms; ratio {took / floor:.2f}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(TARGETS, args.target)
    worst = bench_estimates(20 if args.smoke else 100)
    sizes = [(200, 4), (2000, 8)] if args.smoke else [(200, 4), (2000, 8), (20000, 12)]
    boards = {size: bench_board(*size) for size in sizes}
    missed = judge({"compare_p95_ms": worst, "board_2000_s": boards[(2000, 8)]}, targets)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Latency of estimate(), of capability check + routing, and of the studio's whole preflight.

The last row is what the cost meter and /estimate really run: Studio.estimate() with the
SQLite ledger (month-to-date spend and runs over a year of history), platform presets, prompt
and image checks (a real 12 MP photo, prepared once and then cached), routing and pricing.

    python bench/bench_estimate.py            # 5000 varied requests
    python bench/bench_estimate.py --smoke    # 500 requests
    python bench/bench_estimate.py --smoke --target studio=0.001   # impossible: must exit 1

Targets (p95, ms): estimate <= 20, preflight (guard + routing over the catalog) <= 50, the
studio's whole preflight <= 50. Exits 1 when one is missed, in either mode.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.targets import Target, add_target_option, resolve  # noqa: E402

from core.capability import check, resolve_defaults  # noqa: E402
from core.catalog import load_catalog  # noqa: E402
from core.contracts import GenerationRequest, Quality  # noqa: E402
from core.money.pricing import estimate  # noqa: E402
from core.routing import candidates  # noqa: E402

TARGETS_MS = {"estimate": Target(20.0, unit=" ms"), "preflight": Target(50.0, unit=" ms"),
              "studio": Target(50.0, unit=" ms")}
FILES = {"image": "in.png", "audio": "in.wav", "video": "in.mp4"}
RESOLUTIONS = [None, "480p", "720p", "1080p", "2k", "4k"]
ASPECTS = [None, "auto", "16:9", "9:16", "1:1", "4:5", "21:9"]
PROVIDER_SETS = [set(), {"wavespeed"}, {"huggingface"}, {"wavespeed", "huggingface"}]


def varied_requests(count: int, seed: int = 7) -> list[GenerationRequest]:
    """Requests over every model's operation: mostly within a model's range, some not, some pinned."""
    rng = random.Random(seed)
    models = list(load_catalog())

    def pick(valid: list, wild: list):
        return rng.choice(valid) if valid and rng.random() < 0.8 else rng.choice(wild)

    out = []
    for _ in range(count):
        model = rng.choice(models)
        caps = model.capabilities
        fields = {k: v for k, v in FILES.items() if k in caps.inputs_required or rng.random() < 0.05}
        options = {n: rng.choice(caps.options[n] or ["x"]) for n in caps.inputs_required if n in caps.options}
        durations = [None, *caps.durations] if caps.duration_from == "request" else [None]
        out.append(
            GenerationRequest(
                operation=model.operation,
                prompt=rng.choice(["", "a whale", "a long prompt " * rng.randint(1, 300)]),
                duration=pick(durations, [3, 5, 6, 8, 10, 12.5, 30]),
                input_duration=rng.choice([None, 2.0, 7.3, 45.0, 700.0]),
                resolution=pick([None, *caps.resolutions], RESOLUTIONS),
                aspect=pick([None, "auto", *caps.aspects], ASPECTS),
                quality=rng.choice(list(Quality)),
                model=model.id if rng.random() < 0.2 else "auto",
                seed=rng.choice([None, 42]) if caps.seed else None,
                variations=rng.randint(1, 4),
                generate_audio=rng.choice([None, True, False]) if caps.audio_toggle else None,
                options=options,
                **fields,
            )
        )
    return out


def timed(fn, items) -> list[float]:
    """Milliseconds per call."""
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100.0 * (len(ordered) - 1))))]


def run(count: int) -> dict[str, list[float]]:
    catalog = load_catalog()
    requests = varied_requests(count)
    rng = random.Random(11)
    models = list(catalog)

    def one_estimate(request: GenerationRequest) -> None:
        model = rng.choice(models)
        estimate(resolve_defaults(request, model), model)

    def one_preflight(request: GenerationRequest) -> None:
        chain = candidates(request, catalog, rng.choice(PROVIDER_SETS))
        if chain:
            check(resolve_defaults(request, chain[0]), chain[0])

    timed(one_preflight, requests[:50])  # warm caches and imports
    routed = sum(1 for r in requests if candidates(r, catalog, PROVIDER_SETS[-1]))
    print(f"{count} varied requests over {len(catalog)} models; {routed / count:.0%} find a model")
    return {"estimate": timed(one_estimate, requests), "preflight": timed(one_preflight, requests),
            "studio": studio_estimates(max(count // 10, 100))}


def studio_estimates(count: int) -> list[float]:
    """Studio.estimate() end to end on a studio home with 2,000 ledger rows."""
    import os
    import tempfile

    from PIL import Image

    home = tempfile.mkdtemp(prefix="bench-estimate-")
    os.environ.update({"VIDEO_STUDIO_HOME": home, "VIDEO_STUDIO_TEST_MODE": "1"})
    from app import build_studio
    from core.library.models import LedgerEntry

    studio = build_studio()
    for index in range(2000):
        studio.ledger.reserve([LedgerEntry(job_id=f"old{index}", owner="local", provider="wavespeed",
                                           model="wan-2.5-t2v", month="", estimate_usd=0.01)], [])
    photo = Path(home) / "photo.jpg"
    Image.new("RGB", (4000, 3000), (90, 140, 200)).save(photo, quality=90)
    photo_id = studio.import_media(photo, owner="local")["id"]
    rng = random.Random(5)
    shapes = [
        {"operation": "text-to-video", "prompt": "a fox in snow", "platform": "tiktok", "duration": 5},
        {"operation": "text-to-video", "prompt": "city at night", "aspect": "16:9", "resolution": "1080p",
         "duration": 8, "variations": 3, "quality": "premium"},
        {"operation": "image-to-video", "image": photo_id, "aspect": "9:16", "resolution": "720p", "duration": 5},
    ]
    requests = [dict(rng.choice(shapes), seed=i) for i in range(count)]
    def one(request):
        return studio.estimate(request, owner="local")

    timed(one, requests[:10])
    samples = timed(one, requests)
    studio.stop()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="fewer iterations; exit 1 when a target is missed"
    )
    parser.add_argument("-n", type=int, default=None, help="number of requests")
    add_target_option(parser, TARGETS_MS)
    args = parser.parse_args(argv)
    targets = resolve(TARGETS_MS, args.target)
    count = args.n or (500 if args.smoke else 5000)
    results = run(count)
    missed = []
    for name, samples in results.items():
        p50, p95, target = percentile(samples, 50), percentile(samples, 95), targets[name]
        ok = target.met(p95)
        missed += [] if ok else [name]
        print(
            f"{name:<10} p50 {p50:7.3f} ms  p95 {p95:7.3f} ms  mean {statistics.fmean(samples):7.3f} ms  "
            f"target p95 {target.text()}  ({target.limit / max(p95, 1e-9):.0f}x headroom)  "
            f"{'OK' if ok else 'MISSED'}"
        )
    print(f"TARGETS MISSED: {', '.join(missed)}" if missed else "targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

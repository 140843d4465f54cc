"""Speed of the offline voice (eSpeak NG from the espeakng-loader wheel) and of the offline
avatar draft, as real-time factors (wall time / seconds of output; below 1 is faster than
real time).

    python bench/bench_voice.py            # a ~4-minute script, a 60 s avatar draft at 720p
    python bench/bench_voice.py --smoke    # a short script, a 10 s draft at 480p
    python bench/bench_voice.py --smoke --target synthesize=0.0001   # impossible: must exit 1

Rows: the engine alone (library call in the child process), synthesize() end to end (child
process start, engine, word timings, AAC + word-track encode), the avatar draft render.
Targets: synthesize RTF <= 0.25, avatar draft RTF <= 1.5 (a draft is quicker than watching it);
exits 1 when one is missed, in either mode.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402

from providers.local_avatar import render_avatar_draft  # noqa: E402
from providers.local_voice import WORKER, synthesize  # noqa: E402

SENTENCE = ("Welcome to Video Studio. Today I will show you how one photo and a short script become a "
            "talking presenter, with captions timed to the voice and the price known before anything is sent. ")
TARGETS = {"synthesize": Target(0.25), "avatar draft": Target(1.5)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(TARGETS, args.target)
    script = SENTENCE * (2 if args.smoke else 20)
    draft_s, size = (10.0, (854, 480)) if args.smoke else (60.0, (1280, 720))
    rows: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as folder:
        scratch = Path(folder)
        job = json.dumps({"text": script, "voice": "en-us", "rate": 175, "wav": str(scratch / "raw.wav")})
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(WORKER)], input=job, capture_output=True, text=True, check=True)
        engine = time.perf_counter() - started
        result = json.loads(done.stdout)
        seconds = result["samples"] / result["sample_rate"]
        rows["engine (incl. process start)"] = engine / seconds
        started = time.perf_counter()
        speech = synthesize(script, scratch / "voice.m4a")
        rows["synthesize"] = (time.perf_counter() - started) / speech.duration_s
        print(f"script: {len(script):,} characters -> {speech.duration_s:.1f} s of speech "
              f"({len(script) / speech.duration_s:.1f} characters/s)")
        long_voice = synthesize(SENTENCE * 40, scratch / "long.m4a")
        Image.new("RGB", (1200, 1600), (120, 110, 100)).save(scratch / "photo.jpg")
        started = time.perf_counter()
        render_avatar_draft(scratch / "photo.jpg", long_voice.path, scratch / "draft.mp4", size, duration_s=draft_s)
        rows["avatar draft"] = (time.perf_counter() - started) / draft_s
        print(f"avatar draft: {draft_s:g} s at {size[0]}x{size[1]}")
    for name, rtf in rows.items():
        print(f"{name:32s} RTF {rtf:8.4f}  ({1 / rtf:7.1f}x real time)")
    return 1 if judge(rows, targets) else 0


if __name__ == "__main__":
    sys.exit(main())

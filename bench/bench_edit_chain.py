"""Edit-chain benchmark: trim + speed + colour + caption on a 10 s 1080p clip, three ways.

(a) the engine (core.media.render: one ffmpeg pass),
(b) one hand-written ffmpeg command doing the same work with the same encoder settings
    (the physical limit),
(c) MoviePy 2 as its users write it: the whole chain composited (subclip, speed, a per-frame
    colour function, text clips over it) and written once with write_videofile.

Prints wall and CPU times and the wall-time ratios engine/hand and moviepy/engine; CPU-time
ratios are printed too, as they resist machine load. Exits non-zero when a target is missed:
full size engine/hand <= 1.10 and moviepy/engine >= 2.5; --smoke (a 2 s 320x240 clip, where
start-up dominates) engine/hand <= 1.5 and moviepy/engine >= 1.0.
Run:  .venv/bin/python bench/bench_edit_chain.py [--smoke] [--repeat N] [--no-moviepy]
      [--target engine/hand=0.01]   # a deliberately impossible target: must exit 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from core.media.encoding import BT709_TAGS  # noqa: E402
from core.media.ffmpeg import run_ffmpeg  # noqa: E402
from core.media.ops import Captions, ColorGrade, Speed, Trim  # noqa: E402
from core.media.probe import probe  # noqa: E402
from core.media.render import render  # noqa: E402
from core.media.sources import lavfi_clip_args  # noqa: E402
from core.settings import FONTS_DIR  # noqa: E402

OUT = ROOT / "bench" / "out"
TRIM = (1.0, 9.0)
SPEED = 1.25
WARM = "lutyuv=u=val-4:v=val+4"
CUES = ((0.0, 2.5, "Trim, speed, colour and captions"), (2.5, 6.4, "rendered in a single ffmpeg pass"))
TARGETS = {"engine/hand": Target(1.10), "moviepy/engine": Target(2.5, at_most=False)}
SMOKE_TARGETS = {"engine/hand": Target(1.5), "moviepy/engine": Target(1.0, at_most=False)}
ENCODE = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-profile:v", "high",
          *BT709_TAGS, "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart"]


def make_source(smoke: bool) -> Path:
    """The cached synthetic source clip (moving test pattern and a tone, camera-like bitrate)."""
    seconds, size = (2.0, "320x240") if smoke else (10.0, "1920x1080")
    path = OUT / f"edit_source_{size}_{seconds:g}s_v2.mp4"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        run_ffmpeg([*lavfi_clip_args(seconds, size, 25),
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", str(path)], label="make the source clip")
    return path


def trim_span(smoke: bool) -> tuple[float, float]:
    return (0.2, 1.8) if smoke else TRIM


def engine(src: Path, dest: Path, smoke: bool) -> None:
    chain = [Trim(*trim_span(smoke)), Speed(SPEED), ColorGrade("warm", contrast=1.05, saturation=1.1),
             Captions(cues=CUES, size=0.055)]
    render(src, chain, dest)


def hand_written(src: Path, dest: Path, smoke: bool) -> None:
    """What an expert would type: one command, the same filters and encoder settings."""
    info = probe(src)
    ass = OUT / "hand.ass"
    font_px = round(0.055 * info.height)
    events = "\n".join(f"Dialogue: 0,0:00:{s:05.2f},0:00:{e:05.2f},Default,,0,0,0,,{t}" for s, e, t in CUES)
    ass.write_text(
        f"[Script Info]\nScriptType: v4.00+\nPlayResX: {info.width}\nPlayResY: {info.height}\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, OutlineColour, Bold, BorderStyle, "
        "Outline, Shadow, Alignment, MarginL, MarginR, MarginV\n"
        f"Style: Default,DejaVu Sans,{font_px},&H00FFFFFF,&H00000000,-1,1,{round(font_px * 0.08)},0,2,"
        f"{info.width // 20},{info.width // 20},{info.height // 10}\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        f"{events}\n"
    )
    start, end = trim_span(smoke)
    # fps right after the speed change: the same 25 fps output as the engine, with the fewest frames filtered
    graph = (f"[0:v]setpts=PTS/{SPEED},fps={info.fps:g},{WARM},eq=contrast=1.05:saturation=1.1,"
             f"ass={ass}:fontsdir={FONTS_DIR},format=yuv420p[v];[0:a]atempo={SPEED}[a]")
    run_ffmpeg(["-ss", str(start), "-t", str(end - start), "-i", str(src), "-filter_complex", graph,
                "-map", "[v]", "-map", "[a]", *ENCODE, str(dest)], label="hand-written render")


def moviepy_chain(src: Path, dest: Path, smoke: bool) -> None:
    """The same chain as a MoviePy user writes it: effects composed on one clip, text clips
    composited over it, one write_videofile (frames pass through numpy once)."""
    import numpy as np
    from moviepy import CompositeVideoClip, TextClip, VideoFileClip

    def warm(frame):
        out = frame.astype(np.float32)
        out = (out - 128) * 1.05 + 128  # contrast
        grey = out.mean(axis=2, keepdims=True)
        out = grey + (out - grey) * 1.1  # saturation
        out[..., 0] *= 1.06
        out[..., 2] *= 0.94  # warm: more red, less blue
        return np.clip(out, 0, 255).astype(np.uint8)

    with VideoFileClip(str(src)) as clip:
        edited = clip.subclipped(*trim_span(smoke)).with_speed_scaled(SPEED).image_transform(warm)
        font_px = round(0.055 * edited.h)
        font = str(FONTS_DIR / "DejaVuSans-Bold.ttf")
        texts = [TextClip(font=font, text=t, font_size=font_px, color="white",
                          stroke_color="black", stroke_width=max(1, round(font_px * 0.08)))
                 .with_start(s).with_duration(min(e, edited.duration) - s)
                 .with_position(("center", edited.h * 0.9 - font_px * 1.3))
                 for s, e, t in CUES if s < edited.duration]
        CompositeVideoClip([edited, *texts]).write_videofile(
            str(dest), codec="libx264", preset="veryfast", audio_codec="aac", audio_bitrate="160k",
            ffmpeg_params=["-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart"], logger=None)


def timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its finished children)."""
    before, started = os.times(), time.perf_counter()
    fn(*args)
    wall, after = time.perf_counter() - started, os.times()
    cpu = sum(after[i] - before[i] for i in range(4))  # user, system, children user, children system
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny clip, one run each (CI)")
    parser.add_argument("--repeat", type=int, default=None, help="runs of (a) and (b) (median is used)")
    parser.add_argument("--no-moviepy", action="store_true", help="skip the MoviePy baseline")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(SMOKE_TARGETS if args.smoke else TARGETS, args.target)
    repeat = args.repeat or (1 if args.smoke else 3)
    src = make_source(args.smoke)
    info = probe(src)
    print(f"source: {info.summary()}  ({src.relative_to(ROOT)})")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    engine_runs, hand_runs = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine state
        engine_runs.append(timed(engine, src, OUT / "chain_engine.mp4", args.smoke))
        hand_runs.append(timed(hand_written, src, OUT / "chain_hand.mp4", args.smoke))
    t_engine = tuple(statistics.median(run[i] for run in engine_runs) for i in (0, 1))
    t_hand = tuple(statistics.median(run[i] for run in hand_runs) for i in (0, 1))
    rows = [("(a) engine", t_engine, "chain_engine.mp4"), ("(b) hand-written ffmpeg", t_hand, "chain_hand.mp4")]
    figures = {"engine/hand": t_engine[0] / t_hand[0]}
    if not args.no_moviepy:
        moviepy = timed(moviepy_chain, src, OUT / "chain_moviepy.mp4", args.smoke)
        rows.append(("(c) MoviePy, one composite", moviepy, "chain_moviepy.mp4"))
        figures["moviepy/engine"] = moviepy[0] / t_engine[0]
    print(f"{'':30s} {'wall':>8s} {'CPU':>8s}")
    for name, (wall, cpu), file in rows:
        print(f"{name:30s} {wall:7.2f}s {cpu:7.2f}s  -> {probe(OUT / file).summary()}")
    print(f"load average after: {os.getloadavg()[0]:.1f} (wall times on a busy machine are noisy)")
    print(f"CPU ratio engine / hand = {t_engine[1] / t_hand[1]:.2f}"
          + (f", moviepy / engine = {rows[2][1][1] / t_engine[1]:.2f}" if len(rows) > 2 else ""))
    return 1 if judge(figures, targets) else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Social pack benchmark: Reels, TikTok, Shorts, LinkedIn 16:9 and X with thumbnails from a
10 s 1080p source, three ways.

(a) the engine: core.social plan_pack + render_pack (one decode, a split, one encoder per distinct
    file - Reels and TikTok come out identical here, so they share one - a sampled-frame tap;
    then a thumbnail pass and the compliance probes; --no-share encodes all five),
(b) one hand-written multi-output ffmpeg command doing the same reframes and encodes with the
    same encoder settings, plus five thumbnails of one fixed frame (the physical limit),
(c) the naive way: MoviePy 2, one platform at a time (decode, crop, resize, write_videofile,
    save_frame).

Prints wall times, the ratios engine/hand (target <= 1.15) and naive/engine (target >= 2.5),
and the engine's peak memory: RSS of this process plus its ffmpeg children, sampled from /proc
(target < 500 MB).

Run:  .venv/bin/python bench/bench_social_pack.py [--smoke] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.media.encoding import BT709_FILTER, BT709_TAGS  # noqa: E402
from core.media.ffmpeg import run_ffmpeg  # noqa: E402
from core.media.probe import probe  # noqa: E402
from core.social import PackRequest, plan_pack, render_pack  # noqa: E402
from core.social import render as social_render  # noqa: E402
from core.social.command import B_FRAMES, encoder_threads, lookahead_frames  # noqa: E402
from core.social.models import PlatformPlan  # noqa: E402

OUT = ROOT / "bench" / "out" / "social"
PLATFORMS = ["instagram_reels", "tiktok", "youtube_shorts", "linkedin_landscape", "x"]
PRESET, CRF = "veryfast", 20
GRAIN = 3
TARGETS = {"engine/hand": 1.15, "naive/engine": 2.5, "peak_mb": 500.0}


def make_source(smoke: bool) -> Path:
    """A cached synthetic camera-like clip: moving pattern with light grain (about 8 Mbps once
    re-encoded at 1080p, like phone footage), stereo sound, 1 s GOPs."""
    seconds, size = (2.0, "640x360") if smoke else (10.0, "1920x1080")
    path = OUT / f"source_{size}_{seconds:g}s_grain{GRAIN}.mp4"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        run_ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
                    "-f", "lavfi", "-i", f"aevalsrc=0.3*sin(2*PI*440*t)+0.05*random(0)|"
                                         f"0.3*sin(2*PI*554*t)+0.05*random(1):s=48000:d={seconds}",
                    "-vf", f"noise=alls={GRAIN}:allf=t",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "30", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "192k", "-shortest", str(path)],
                   label="make the source clip")
    return path


class PeakMemory:
    """Peak of (RSS of this process + all its descendants) from /proc: RSS read every 50 ms,
    the process tree rescanned every 250 ms (a full /proc scan costs CPU the renders need)."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me, family, rescan_at = os.getpid(), [], 0.0
        while not self._stop.is_set():
            if time.monotonic() >= rescan_at:
                family, rescan_at = _family(me), time.monotonic() + 0.25
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in family))
            self._stop.wait(0.05)


def _family(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        family += frontier
    return family


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_engine(source: Path, out: Path) -> tuple[float, list, float]:
    """(seconds, outputs, peak MB) for the engine's pack."""
    shutil.rmtree(out, ignore_errors=True)
    request = PackRequest(source=source, platforms=PLATFORMS, preset=PRESET, crf=CRF, safe_zone_preview=False)
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = render_pack(plan_pack(request, probe(source)), out)
        elapsed = time.perf_counter() - started
    return elapsed, result.outputs, memory.peak_kb / 1024


def hand_written_args(source: Path, plans: list[PlatformPlan], out: Path, thumb_frame: int) -> list[str]:
    """The same five reframes and encodes, and five thumbnails, written out by hand. Encoder
    settings (rate control, GOP, threads, lookahead, decoder threads) are the engine's."""
    src = probe(source)
    threads = str(encoder_threads(len(plans)))
    x264 = (f"rc-lookahead={lookahead_frames(PRESET, [(p.width, p.height) for p in plans])}:"
            f"bframes={B_FRAMES}")
    graph = [f"[0:v]split={len(plans) + 1}" + "".join(f"[v{i}]" for i in range(len(plans))) + "[vt]",
             f"[0:a]asplit={len(plans)}" + "".join(f"[a{i}]" for i in range(len(plans))),
             f"[vt]select='eq(n,{thumb_frame})',split={len(plans)}"
             + "".join(f"[t{i}]" for i in range(len(plans)))]
    outputs: list[str] = []
    for i, p in enumerate(plans):
        crop = _centre_crop(src.width, src.height, p.width / p.height)
        graph.append(f"[v{i}]{crop},scale={p.width}:{p.height},setsar=1,format=yuv420p,{BT709_FILTER}[o{i}]")
        tw, th = p.spec.thumbnail.width, p.spec.thumbnail.height
        graph.append(f"[t{i}]{_centre_crop(src.width, src.height, tw / th)},scale={tw}:{th}[th{i}]")
        g = str(p.gop_frames)
        outputs += ["-map", f"[o{i}]", "-map", f"[a{i}]",
                    "-c:v", "libx264", "-preset", PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p",
                    "-profile:v", "high", *BT709_TAGS,
                    "-maxrate", f"{p.video_kbps_cap}k", "-bufsize", f"{p.video_kbps_cap * 2}k",
                    "-g", g, "-keyint_min", g, "-sc_threshold", "0", "-flags", "+cgop",
                    "-threads", threads, "-x264-params", x264,
                    "-c:a", "aac", "-b:a", f"{p.spec.audio_kbps}k", "-ar", "48000", "-ac", "2",
                    "-movflags", "+faststart", str(out / f"{p.id}.mp4")]
        outputs += ["-map", f"[th{i}]", "-frames:v", "1", "-q:v", "3", "-update", "1",
                    str(out / f"{p.id}.jpg")]
    return ["-threads", "1", "-i", str(source), "-filter_complex", ";".join(graph), *outputs]


def _centre_crop(width: int, height: int, aspect: float) -> str:
    if width / height > aspect:
        w = int(height * aspect) // 2 * 2
        return f"crop={w}:{height}:{(width - w) // 2}:0"
    h = int(width / aspect) // 2 * 2
    return f"crop={width}:{h}:0:{(height - h) // 2}"


def run_hand(source: Path, plans: list[PlatformPlan], out: Path) -> tuple[float, float]:
    """(seconds, peak MB), measured the same way as the engine."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    info = probe(source)
    args = hand_written_args(source, plans, out, thumb_frame=int(info.fps * info.duration_s / 2))
    with PeakMemory() as memory:
        started = time.perf_counter()
        run_ffmpeg(args, label="run the hand-written pack")
        elapsed = time.perf_counter() - started
    return elapsed, memory.peak_kb / 1024


def run_naive(source: Path, plans: list[PlatformPlan], out: Path) -> float:
    """MoviePy 2, one platform at a time, each decoding the source again."""
    from moviepy import VideoFileClip

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    for p in plans:
        with VideoFileClip(str(source)) as clip:
            w, h = clip.size
            cw, ch = (int(h * p.width / p.height) // 2 * 2, h) if w / h > p.width / p.height else (w, h)
            framed = clip.cropped(x_center=w / 2, y_center=h / 2, width=cw, height=ch).resized(
                new_size=(p.width, p.height))
            g = str(p.gop_frames)
            framed.write_videofile(
                str(out / f"{p.id}.mp4"), fps=clip.fps, codec="libx264", preset=PRESET, audio_codec="aac",
                audio_fps=48000, audio_bitrate=f"{p.spec.audio_kbps}k", logger=None,
                ffmpeg_params=["-crf", str(CRF), "-pix_fmt", "yuv420p", "-profile:v", "high", *BT709_TAGS,
                               "-maxrate", f"{p.video_kbps_cap}k", "-bufsize", f"{p.video_kbps_cap * 2}k",
                               "-g", g, "-keyint_min", g, "-sc_threshold", "0", "-flags", "+cgop",
                               "-movflags", "+faststart"])
            tw, th = p.spec.thumbnail.width, p.spec.thumbnail.height
            framed.resized(new_size=(tw, th)).save_frame(str(out / f"{p.id}.jpg"), t=clip.duration / 2)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="2 s 640x360 source; checks that it runs, does not enforce the targets")
    parser.add_argument("--repeat", type=int, default=2, help="engine and hand-written runs (best is kept)")
    parser.add_argument("--no-share", action="store_true",
                        help="encode every platform even when two would get identical files")
    args = parser.parse_args()
    social_render.SHARE_IDENTICAL = not args.no_share
    source = make_source(args.smoke)
    plans = plan_pack(PackRequest(source=source, platforms=PLATFORMS, preset=PRESET, crf=CRF),
                      probe(source)).platforms
    engine_times, hand_times, peaks, hand_peaks = [], [], [], []
    for _ in range(max(1, args.repeat)):  # alternate, so both see the same machine state
        seconds, outputs, peak = run_engine(source, OUT / "engine")
        engine_times.append(seconds)
        peaks.append(peak)
        seconds, peak = run_hand(source, plans, OUT / "hand")
        hand_times.append(seconds)
        hand_peaks.append(peak)
    failed = [o.platform for o in outputs if not o.passed]
    naive = run_naive(source, plans, OUT / "naive")
    engine, hand = min(engine_times), min(hand_times)
    figures = {"engine/hand": engine / hand, "naive/engine": naive / engine, "peak_mb": max(peaks)}
    print(f"source: {probe(source).summary()}")
    print(f"platforms: {', '.join(PLATFORMS)} (+ thumbnails); outputs failing their spec: {failed or 'none'}")
    shared = "on (identical files are encoded once)" if social_render.SHARE_IDENTICAL else "off"
    print(f"engine sharing of identical encodes: {shared}")
    print(f"engine      {engine:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in engine_times)})")
    print(f"hand-written{hand:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in hand_times)})")
    print(f"naive       {naive:6.2f} s   (MoviePy, one output at a time)")
    print(f"ratio engine/hand  = {figures['engine/hand']:.3f}  (target <= {TARGETS['engine/hand']})")
    print(f"ratio naive/engine = {figures['naive/engine']:.2f}  (target >= {TARGETS['naive/engine']})")
    print(f"engine peak memory = {figures['peak_mb']:.0f} MB "
          f"(self + ffmpeg children; target < {TARGETS['peak_mb']:g}); "
          f"hand-written: {max(hand_peaks):.0f} MB")
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    met = (figures["engine/hand"] <= TARGETS["engine/hand"]
           and figures["naive/engine"] >= TARGETS["naive/engine"]
           and figures["peak_mb"] < TARGETS["peak_mb"] and not failed)
    if args.smoke:
        print("smoke mode: targets are reported, not enforced")
        return 1 if failed else 0
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Social pack benchmark: Reels, TikTok, Shorts, LinkedIn 16:9 and X from a 10 s 1080p source at
each platform's size (1080x1920, 1920x1080, 1280x720), with thumbnails, three ways.

(a) the studio: from the /social_pack facade call to its job's success, everything included (the
    plan, one decode with one encoder per distinct file - Reels, TikTok and Shorts share one -,
    thumbnails, the safe-zone picture, the compliance checks, the library rows and the ZIP),
(b) one hand-written ffmpeg command doing the same reframes and encodes at the same sizes and
    settings, each distinct rendition encoded once (as the engine does), plus a thumbnail per
    platform: the physical limit,
(c) the naive way: MoviePy 2, one platform at a time (decode, crop, resize, write_videofile,
    save_frame).

Prints wall and CPU times, the ratios studio/hand and naive/studio, and the studio's peak memory
(its ffmpeg children's RSS plus this process's growth during the pack, as the transcode memory
benchmark counts it). Exits non-zero when a target is missed
(full size: studio/hand <= 1.10, naive/studio >= 2.5, peak <= 500 MB; --smoke packs a 3.2 s
640x360 clip at the source's detail, where fixed costs dominate, so its ratio targets are looser)
or a file fails its platform's checks.

Run:  .venv/bin/python bench/bench_social_pack.py [--smoke] [--repeat N] [--no-naive]
      [--target studio/hand=0.01]   # a deliberately impossible target: must exit 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.targets import Target, add_target_option, judge, resolve  # noqa: E402
from core.media.encoding import BT709_FILTER, BT709_TAGS  # noqa: E402
from core.media.ffmpeg import run_ffmpeg  # noqa: E402
from core.media.probe import probe  # noqa: E402
from core.social import PackRequest, plan_pack  # noqa: E402
from core.social.command import B_FRAMES, encoder_threads, lookahead_frames  # noqa: E402
from core.social.models import PlatformPlan  # noqa: E402
from core.social.reframe import crop_origin, scale_exact  # noqa: E402

OUT = ROOT / "bench" / "out" / "social"
PLATFORMS = ["instagram_reels", "tiktok", "youtube_shorts", "linkedin_landscape", "x"]
PRESET, CRF = "veryfast", 20
GRAIN = 3
TARGETS = {"studio/hand": Target(1.10), "naive/studio": Target(2.5, at_most=False),
           "peak_mb": Target(500.0, unit=" MB")}
SMOKE_TARGETS = {**TARGETS, "studio/hand": Target(3.0), "naive/studio": Target(1.0, at_most=False)}
POLL_S = 0.5  # how often the bench asks whether the job is done (the time is read from the job row)


def make_source(smoke: bool) -> Path:
    """A cached synthetic camera-like clip: moving pattern with light grain (about 8 Mbps once
    re-encoded at 1080p, like phone footage), stereo sound, 1 s GOPs."""
    seconds, size = (3.2, "640x360") if smoke else (10.0, "1920x1080")
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
    """The work's memory, measured as bench_transcode_memory.py does: the peak of the ffmpeg
    children's summed RSS plus what this process grew by over its RSS before the work (the
    interpreter and its imports are there before and after, and are not the work's). RSS is
    read every 50 ms, the process tree rescanned every 250 ms (a /proc scan costs CPU)."""

    def __init__(self) -> None:
        self.children_peak_kb = 0
        self.self_peak_kb = self.self_before_kb = _rss_kb(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def peak_kb(self) -> int:
        return self.children_peak_kb + max(0, self.self_peak_kb - self.self_before_kb)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me, children, rescan_at = os.getpid(), [], 0.0
        while not self._stop.is_set():
            if time.monotonic() >= rescan_at:
                children, rescan_at = _family(me)[1:], time.monotonic() + 0.25
            self.children_peak_kb = max(self.children_peak_kb, sum(_rss_kb(pid) for pid in children))
            self.self_peak_kb = max(self.self_peak_kb, _rss_kb(me))
            self._stop.wait(0.05)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


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


class StudioUnderTest:
    """A studio on a scratch home with the source in its library (imported before any timing)."""

    def __init__(self, source: Path, size: str) -> None:
        from core.settings import Settings
        from core.studio import Studio
        from providers.local import LocalProvider

        self.home = Path(tempfile.mkdtemp(prefix="studio-", dir=OUT))
        settings = Settings(VIDEO_STUDIO_HOME=self.home)
        # the core as app.py wires it, with the offline provider only (a pack needs no other),
        # and without the web layer: its memory is not the pack's
        self.studio = Studio(settings, {"local": LocalProvider(settings.work_dir / "local")}).start()
        self.owner = settings.default_user  # solo mode's one owner
        self.asset_id = self.studio.import_media(source, title="bench source", owner=self.owner)["id"]
        self.size = size

    def pack(self) -> tuple[float, float, dict, float]:
        """(seconds from the /social_pack call to the job's success, CPU seconds, the result, peak MB)."""
        options = {"platforms": PLATFORMS, "preset": PRESET, "crf": CRF, "size": self.size}
        with PeakMemory() as memory:
            started, cpu = datetime.now(UTC), cpu_seconds()
            job_id = self.studio.social.pack({"asset_id": self.asset_id, **options}, owner=self.owner)
            while not (view := self.studio.job(job_id, owner=self.owner))["terminal"]:
                time.sleep(POLL_S)
            cpu = cpu_seconds() - cpu
        if view["status"] != "succeeded":
            raise SystemExit(f"the pack failed: {view['error']}")
        # to the moment the job was marked succeeded (the row's own clock), not to when this loop saw it
        finished = self.studio.jobs.get(job_id).finished_at
        elapsed = (finished.replace(tzinfo=finished.tzinfo or UTC) - started).total_seconds()
        return elapsed, cpu, self.studio.social.result(job_id, owner=self.owner), memory.peak_kb / 1024

    def close(self) -> None:
        self.studio.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def distinct(plans: list[PlatformPlan]) -> list[PlatformPlan]:
    """One plan per file the platforms get (platforms sharing a file share its encode)."""
    firsts: list[PlatformPlan] = []
    for p in plans:
        if not any(p.id in f.shares_with for f in firsts):
            firsts.append(p)
    return firsts


def hand_written_args(source: Path, plans: list[PlatformPlan], out: Path, thumb_frame: int) -> list[str]:
    """Every distinct rendition encoded once and a thumbnail per platform, written out by hand at
    the same sizes (Lanczos when enlarging) with the engine's encoder settings (rate control,
    GOP, threads, lookahead, decoder threads)."""
    src = probe(source)
    renditions = distinct(plans)
    threads = str(encoder_threads(len(renditions)))
    x264 = (f"rc-lookahead={lookahead_frames(PRESET, [(p.width, p.height) for p in renditions])}:"
            f"bframes={B_FRAMES}")
    n, t = len(renditions), len(plans)
    graph = [f"[0:v]split={n + 1}" + "".join(f"[v{i}]" for i in range(n)) + "[vt]",
             f"[0:a]asplit={n}" + "".join(f"[a{i}]" for i in range(n)),
             f"[vt]select='eq(n,{thumb_frame})',split={t}" + "".join(f"[t{i}]" for i in range(t))]
    outputs: list[str] = []
    for i, p in enumerate(renditions):
        graph.append(f"[v{i}]{_centre_crop(src.width, src.height, p)},format=yuv420p,{BT709_FILTER}[o{i}]")
        g = str(p.gop_frames)
        rate = ["-maxrate", f"{p.video_kbps_cap}k", "-bufsize", f"{p.video_kbps_cap * 2}k"] if p.video_kbps_cap else []
        outputs += ["-map", f"[o{i}]", "-map", f"[a{i}]",
                    "-c:v", "libx264", "-preset", PRESET, "-crf", str(CRF), "-pix_fmt", "yuv420p",
                    "-profile:v", "high", *BT709_TAGS, *rate,
                    "-g", g, "-keyint_min", g, "-sc_threshold", "0", "-flags", "+cgop",
                    "-threads", threads, "-x264-params", x264,
                    "-c:a", "aac", "-b:a", f"{p.audio_kbps}k", "-ar", "48000", "-ac", "2",
                    "-movflags", "+faststart", str(out / f"{p.id}.mp4")]
    for i, p in enumerate(plans):
        size = (p.spec.thumbnail.width, p.spec.thumbnail.height)
        graph.append(f"[t{i}]{_centre_crop(src.width, src.height, p, size)}[th{i}]")
        outputs += ["-map", f"[th{i}]", "-frames:v", "1", "-q:v", "3", "-update", "1", str(out / f"{p.id}.jpg")]
    return ["-threads", "1", "-i", str(source), "-filter_complex", ";".join(graph), *outputs]


def _centre_crop(width: int, height: int, p: PlatformPlan, size: tuple[int, int] | None = None) -> str:
    """Crop the centre to the output's shape, then scale to it."""
    out = size or (p.width, p.height)
    aspect = out[0] / out[1]
    window = ((int(height * aspect) // 2 * 2, height) if width / height > aspect
              else (width, int(width / aspect) // 2 * 2))
    x, y = crop_origin((width, height), window, (0.5, 0.5))
    return f"crop={window[0]}:{window[1]}:{x}:{y},{scale_exact(out, window)}"


def run_hand(source: Path, plans: list[PlatformPlan], out: Path) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak MB), measured the same way as the studio."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    info = probe(source)
    args = hand_written_args(source, plans, out, thumb_frame=int(info.fps * info.duration_s / 2))
    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), cpu_seconds()
        run_ffmpeg(args, label="run the hand-written pack")
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return elapsed, cpu, memory.peak_kb / 1024


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
            rate = ["-maxrate", f"{p.video_kbps_cap}k", "-bufsize", f"{p.video_kbps_cap * 2}k"] if p.video_kbps_cap else []
            framed.write_videofile(
                str(out / f"{p.id}.mp4"), fps=clip.fps, codec="libx264", preset=PRESET, audio_codec="aac",
                audio_fps=48000, audio_bitrate=f"{p.audio_kbps}k", logger=None,
                ffmpeg_params=["-crf", str(CRF), "-pix_fmt", "yuv420p", "-profile:v", "high", *BT709_TAGS, *rate,
                               "-g", g, "-keyint_min", g, "-sc_threshold", "0", "-flags", "+cgop",
                               "-movflags", "+faststart"])
            tw, th = p.spec.thumbnail.width, p.spec.thumbnail.height
            framed.resized(new_size=(tw, th)).save_frame(str(out / f"{p.id}.jpg"), t=clip.duration / 2)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="3.2 s 640x360 source packed at the source's detail (CI)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="studio and hand-written runs, alternated (best is kept); 3 full, 1 smoke")
    parser.add_argument("--no-naive", action="store_true", help="skip the MoviePy baseline")
    add_target_option(parser, TARGETS)
    args = parser.parse_args()
    targets = resolve(SMOKE_TARGETS if args.smoke else TARGETS, args.target)
    source = make_source(args.smoke)
    size = "source" if args.smoke else "platform"  # smoke: small files, the same code path
    plans = plan_pack(PackRequest(source=source, platforms=PLATFORMS, preset=PRESET, crf=CRF, size=size),
                      probe(source)).platforms
    bench = StudioUnderTest(source, size)
    studio_times, hand_times, studio_cpu, hand_cpu, peaks, hand_peaks = [], [], [], [], [], []
    try:
        for _ in range(max(1, args.repeat or (1 if args.smoke else 3))):  # alternate: same machine state
            seconds, cpu, result, peak = bench.pack()
            studio_times.append(seconds)
            studio_cpu.append(cpu)
            peaks.append(peak)
            seconds, cpu, peak = run_hand(source, plans, OUT / "hand")
            hand_times.append(seconds)
            hand_cpu.append(cpu)
            hand_peaks.append(peak)
    finally:
        bench.close()
    entries = result["manifest"]["platforms"]
    failed = [e["platform"] for e in entries if not e["passed"]]
    ours, hand = min(studio_times), min(hand_times)
    figures = {"studio/hand": ours / hand, "peak_mb": max(peaks)}
    print(f"source: {probe(source).summary()}")
    print("files: " + ", ".join(f"{e['platform']} {e['width']}x{e['height']}" for e in entries)
          + f"; failing their checks: {failed or 'none'}")
    print(f"distinct encodes: {len(distinct(plans))} (shared: "
          + ", ".join("+".join([p.id, *p.shares_with]) for p in distinct(plans) if p.shares_with) + ")")
    print(f"studio      {ours:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in studio_times)}; "
          "/social_pack call to job success: plan, renders, thumbnails, safe zones, checks, library, ZIP)")
    print(f"hand-written{hand:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in hand_times)}; "
          "one command: each distinct file once + a thumbnail per platform)")
    if not args.no_naive:
        naive = run_naive(source, plans, OUT / "naive")
        figures["naive/studio"] = naive / ours
        print(f"naive       {naive:6.2f} s   (MoviePy, one output at a time)")
    print(f"CPU seconds (this process and its ffmpeg children): studio {min(studio_cpu):.2f}, "
          f"hand-written {min(hand_cpu):.2f}, ratio {min(studio_cpu) / min(hand_cpu):.3f} "
          "(wall times swing with other load, CPU much less)")
    print(f"peak memory (ffmpeg children + this process's growth): studio {max(peaks):.0f} MB, "
          f"hand-written {max(hand_peaks):.0f} MB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    missed = judge(figures, targets)
    return 1 if missed or failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Still images from a video: a frame strip for the trim timeline, a single frame, a poster."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from core.media.ffmpeg import run_ffmpeg
from core.media.graph import num
from core.media.normalise import prelude_prefix, source_prelude
from core.media.op_base import in_range, require
from core.media.probe import MediaInfo
from core.media.sources import usable_video
from core.settings import Settings

POSTER_SAMPLE_FRAMES = 60


def frame_strip(path: Path, count: int = 8, height: int = 90, *, dest: Path | None = None) -> Path:
    """One PNG with `count` evenly spaced frames side by side, each `height` px tall.

    One ffmpeg call: each frame is its own fast keyframe seek (then decoded exactly to its
    time), so a long video costs `count` short decodes, not a full decode."""
    in_range("frame count", count, 1, 40)
    in_range("strip height", height, 16, 720)
    info = usable_video(path)
    out = dest or _cached(info, f"strip-{count}x{height}", ".png")
    if out.exists():
        return out
    step = info.duration_s / count
    inputs: list[str] = []
    chains: list[str] = []
    prelude = prelude_prefix(info)
    for i in range(count):
        inputs += ["-ss", num(round((i + 0.5) * step, 3)), "-i", str(path)]
        chains.append(f"[{i}:v:0]{prelude}scale=-2:{height},setsar=1,trim=end_frame=1[f{i}]")
    pads = "".join(f"[f{i}]" for i in range(count))
    if count == 1:
        graph = chains[0].replace("[f0]", "[strip]")
    else:
        graph = ";".join(chains) + f";{pads}hstack=inputs={count}[strip]"
    _write_image(["-filter_complex", graph, "-map", "[strip]"], inputs, out, "make the frame strip")
    return out


def extract_frame(path: Path, t: float, *, dest: Path | None = None) -> Path:
    """The frame shown at `t` seconds, as PNG."""
    info = usable_video(path)
    require(0 <= t < info.duration_s, f"{t:g} s is outside the clip (0 to {info.duration_s:.2f} s).",
            "Pick a time inside the clip.")
    out = dest or _cached(info, f"frame-{t:.3f}", ".png")
    prelude = source_prelude(info)
    picture = ["-vf", ",".join(prelude)] if prelude else []
    _write_image([*picture, "-map", "0:v:0"], ["-ss", num(t), "-i", str(path)], out, "extract the frame")
    return out


def poster(path: Path, *, dest: Path | None = None) -> Path:
    """A representative frame as JPEG: the `thumbnail` filter's pick from a stretch of frames
    taken a little way in (past fades from black)."""
    info = usable_video(path)
    out = dest or _cached(info, "poster", ".jpg")
    start = info.duration_s * 0.1 if info.duration_s > 2 else 0.0
    args = ["-vf", f"{prelude_prefix(info)}thumbnail=n={POSTER_SAMPLE_FRAMES},setsar=1", "-map", "0:v:0", "-q:v", "3"]
    _write_image(args, ["-ss", num(start), "-i", str(path)], out, "make the poster")
    return out


def _cached(info: MediaInfo, name: str, suffix: str) -> Path:
    """A cache path unique to this file version (path, size, mtime) and the request."""
    stat = os.stat(info.path)
    identity = f"{Path(info.path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    key = hashlib.sha1(identity.encode()).hexdigest()[:16]
    folder = Settings().cache_dir / "frames"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}-{name}{suffix}"


def _write_image(output_args: list[str], inputs: list[str], out: Path, label: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.partial{out.suffix}")
    try:
        run_ffmpeg([*inputs, *output_args, "-frames:v", "1", "-update", "1", str(partial)], label=label)
        require(partial.exists() and partial.stat().st_size > 0, f"No frame could be read for {out.name}.",
                "The video may be damaged near that time; try another time.")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)

"""compliance: probe a finished file and check it against its platform spec, with reasons."""

from __future__ import annotations

import struct
from pathlib import Path

import av
from PIL import Image

from core.errors import InvalidInput
from core.media.probe import MediaInfo, probe
from core.platforms import PlatformSpec
from core.social.models import Check

ASPECT_TOLERANCE = 0.01
MP4_CONTAINERS = ("moov", "trak", "edts", "mdia", "minf", "stbl")
BT709_CODE = 1  # ITU-T H.273 code point for BT.709 primaries, transfer and matrix


def compliance(path: str | Path, spec: PlatformSpec, thumbnail: str | Path | None = None,
               known: tuple[MediaInfo, dict] | None = None) -> list[Check]:
    """Every spec check for one video (and its thumbnail, when given). `known`: the file's probe
    and stream facts when already read (platforms sharing one file are read once)."""
    try:
        info, facts = known or (probe(path), None)
    except InvalidInput as exc:
        return [_check("readable", False, "a readable MP4", "unreadable", exc.message)]
    if not info.has_video:
        return [_check("video", False, "a picture", "none", "The file has no picture.")]
    facts = facts or stream_facts(path)
    checks = [
        _container(path, info), _codec(info, facts, spec), _pix_fmt(info, spec), _aspect(info, facts, spec),
        _resolution(info, spec), _fps(info, spec), _duration(info, spec), _file_size(info, spec),
        _colour(facts), _faststart(info), _edit_lists(facts), _keyframes(facts, info, spec),
        _bitrate(facts, info, spec),
        _audio(info, spec),
    ]
    if thumbnail is not None:
        checks.append(_thumbnail(Path(thumbnail), spec))
    return checks


def stream_facts(path: str | Path) -> dict:
    """What probe() does not say: profile, pixel aspect, keyframe spacing, video bitrate, edit lists."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        cc = stream.codec_context
        keyframes, total_bytes = [], 0
        for packet in container.demux(stream):
            if packet.size:
                total_bytes += packet.size
                if packet.is_keyframe and packet.pts is not None:
                    keyframes.append(float(packet.pts * stream.time_base))
        duration = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if keyframes:
            keyframes.append(duration)  # the last GOP runs to the end of the stream
        sar = stream.sample_aspect_ratio or cc.sample_aspect_ratio
        facts = {
            "profile": cc.profile or "",
            "sar": float(sar) if sar else 1.0,
            "max_keyframe_gap": max((b - a for a, b in zip(keyframes, keyframes[1:])), default=0.0),
            "video_kbps": total_bytes * 8 / duration / 1000 if duration else 0.0,
            "bt709": cc.color_primaries == cc.color_trc == cc.colorspace == BT709_CODE,
        }
    facts["edit_lists"] = count_edit_lists(path)
    return facts


def count_edit_lists(path: str | Path) -> int:
    """Number of 'elst' boxes in an MP4's moov (0 for other files)."""
    try:
        with open(path, "rb") as fh:
            return _count_boxes(fh, "elst", 0, Path(path).stat().st_size, top=True)
    except (OSError, struct.error):
        return 0


def _count_boxes(fh, wanted: str, start: int, end: int, top: bool = False) -> int:
    count, offset = 0, start
    while offset + 8 <= end:
        fh.seek(offset)
        size, kind = struct.unpack(">I4s", fh.read(8))
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", fh.read(8))[0], 16
        elif size == 0:
            size = end - offset
        if size < header:
            break
        name = kind.decode("latin-1")
        if name == wanted:
            count += 1
        elif name in MP4_CONTAINERS:
            count += _count_boxes(fh, wanted, offset + header, offset + size)
        offset += size
    return count


LABELS = {
    "readable": "Opens as a video", "video": "Has a picture", "container": "File type",
    "codec": "Video format", "pixel format": "Colour sampling", "aspect": "Shape", "resolution": "Size",
    "fps": "Frame rate", "duration": "Length", "file size": "File size", "colour": "Colour tags",
    "faststart": "Plays while downloading", "edit lists": "Timing", "keyframes": "Seeking",
    "bitrate": "Bitrate", "audio": "Sound", "thumbnail": "Cover image",
}
CODECS = {"h264": "H.264", "hevc": "H.265", "aac": "AAC"}
BRANDS = {"qt  ": "MOV (QuickTime)"}  # any other ISO brand (isom, mp42, ...) is an MP4


def _check(name: str, passed: bool, expected: str, actual: str, reason: str) -> Check:
    return Check(name=name, label=LABELS.get(name, name), passed=passed, expected=expected, actual=actual,
                 reason="" if passed else reason)


def _seconds(value: float) -> str:
    """'45 s', '3 min', '2 min 20 s', '4 h'."""
    if value < 60:
        return f"{value:g} s"
    if value >= 3600 and value % 3600 == 0:
        return f"{value / 3600:g} h"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min" + (f" {seconds} s" if seconds else "")


def _container(path: str | Path, info: MediaInfo) -> Check:
    with open(path, "rb") as fh:
        head = fh.read(12)
    is_iso = head[4:8] == b"ftyp"
    actual = BRANDS.get(head[8:12].decode("latin-1"), "MP4") if is_iso else info.container.split(",")[0].upper()
    return _check("container", actual == "MP4", "MP4", actual, "Not an MP4 file.")


def _codec(info: MediaInfo, facts: dict, spec: PlatformSpec) -> Check:
    name = CODECS.get(info.video_codec, info.video_codec.upper())
    actual = f"{name}, {facts['profile']} profile" if facts["profile"] else name
    ok = info.video_codec == spec.video_codec and facts["profile"].lower() == spec.video_profile.lower()
    return _check("codec", ok, f"{CODECS.get(spec.video_codec, spec.video_codec)}, {spec.video_profile} profile",
                  actual, f"{spec.name} expects {spec.video_codec.upper()} video, {spec.video_profile} profile.")


def _pix_fmt(info: MediaInfo, spec: PlatformSpec) -> Check:
    def plain(fmt: str) -> str:
        return "standard (4:2:0)" if fmt == spec.pix_fmt else f"other ({fmt})"

    return _check("pixel format", info.pix_fmt == spec.pix_fmt, plain(spec.pix_fmt), plain(info.pix_fmt),
                  "Platforms expect standard 4:2:0 colour sampling.")


def _aspect(info: MediaInfo, facts: dict, spec: PlatformSpec) -> Check:
    ratio = info.width / info.height
    square_pixels = abs(facts["sar"] - 1) < 0.01
    ok = abs(ratio - spec.aspect_ratio) <= ASPECT_TOLERANCE * spec.aspect_ratio and square_pixels
    actual = spec.aspect if ok else f"{info.width}:{info.height}" + ("" if square_pixels else ", stretched pixels")
    return _check("aspect", ok, spec.aspect, actual, f"The frame is not {spec.aspect} with square pixels.")


def _resolution(info: MediaInfo, spec: PlatformSpec) -> Check:
    max_w, max_h = spec.largest
    ok = spec.min_width <= info.width <= max_w and spec.min_height <= info.height <= max_h
    return _check("resolution", ok, f"{spec.width}x{spec.height} recommended "
                  f"(accepted {spec.min_width}x{spec.min_height} to {max_w}x{max_h})",
                  f"{info.width}x{info.height}", "The size is outside what the platform accepts.")


def _fps(info: MediaInfo, spec: PlatformSpec) -> Check:
    ok = spec.fps_min - 0.01 <= info.fps <= spec.fps_max + 0.01 and not info.variable_fps
    actual = f"{info.fps:g} fps" + (", uneven" if info.variable_fps else "")
    low = f"{spec.fps_min:g}-" if spec.fps_min else "up to "
    return _check("fps", ok, f"{low}{spec.fps_max:g} fps, steady", actual,
                  "The frame rate is outside the platform's range or not steady.")


def _duration(info: MediaInfo, spec: PlatformSpec) -> Check:
    ok = spec.min_duration_s <= info.duration_s <= spec.max_duration_s
    low = f"{_seconds(spec.min_duration_s)} to " if spec.min_duration_s else "up to "
    return _check("duration", ok, f"{low}{_seconds(spec.max_duration_s)}", f"{info.duration_s:.1f} s",
                  "The length is outside what the platform accepts.")


def _file_size(info: MediaInfo, spec: PlatformSpec) -> Check:
    cap = f"up to {spec.max_file_mb / 1000:g} GB" if spec.max_file_mb >= 1000 else f"up to {spec.max_file_mb:g} MB"
    return _check("file size", info.size_bytes <= spec.max_file_bytes, cap,
                  f"{info.size_bytes / 1e6:.1f} MB", "The file is over the platform's size cap.")


def _colour(facts: dict) -> Check:
    actual = "standard HD colour (BT.709)" if facts["bt709"] else "not tagged"
    return _check("colour", facts["bt709"], "standard HD colour (BT.709)", actual,
                  "Without colour tags players may guess the colours wrong.")


def _faststart(info: MediaInfo) -> Check:
    return _check("faststart", info.faststart is True, "yes", "yes" if info.faststart else "no",
                  "The file's index is at its end: playback waits for the whole download.")


def _edit_lists(facts: dict) -> Check:
    count = facts["edit_lists"]
    return _check("edit lists", count == 0, "plays as encoded",
                  "plays as encoded" if count == 0 else f"{count} timing edit(s) inside the file",
                  "Timing edits inside the file can make platforms cut or shift the video.")


def _keyframes(facts: dict, info: MediaInfo, spec: PlatformSpec) -> Check:
    limit = spec.gop_seconds + 1.5 / max(info.fps, 1)
    gap = facts["max_keyframe_gap"]
    return _check("keyframes", gap <= limit, f"a full picture at least every {spec.gop_seconds:g} s",
                  f"every {gap:.2f} s at most", "Full pictures are further apart than the platform asks.")


def _bitrate(facts: dict, info: MediaInfo, spec: PlatformSpec) -> Check:
    """Only a documented cap can fail; the recommended figure is shown as guidance."""
    advice = f"about {spec.video_kbps_for(info.fps) / 1000:g} Mbps recommended"
    cap = spec.video_kbps_max
    expected = f"at most {cap / 1000:g} Mbps ({advice})" if cap else f"no limit ({advice})"
    return _check("bitrate", not cap or facts["video_kbps"] <= cap, expected,
                  f"{facts['video_kbps'] / 1000:.1f} Mbps", "The video bitrate is above the platform's cap.")


def _audio(info: MediaInfo, spec: PlatformSpec) -> Check:
    wanted = f"{CODECS.get(spec.audio_codec, spec.audio_codec)} {spec.audio_sample_rate // 1000} kHz"
    if not info.has_audio:
        return _check("audio", not spec.audio_required, wanted if spec.audio_required else "optional",
                      "none", f"{spec.name} expects a sound track.")
    ok = (info.audio_codec == spec.audio_codec and info.sample_rate == spec.audio_sample_rate
          and 1 <= info.channels <= 2)
    channels = {1: "mono", 2: "stereo"}.get(info.channels, f"{info.channels} channels")
    return _check("audio", ok, f"{wanted}, mono or stereo",
                  f"{CODECS.get(info.audio_codec, info.audio_codec)} {info.sample_rate / 1000:g} kHz, {channels}",
                  "The sound is not AAC at 48 kHz in mono or stereo.")


def _thumbnail(path: Path, spec: PlatformSpec) -> Check:
    want = spec.thumbnail
    expected = f"{want.width}x{want.height}" + (f", up to {want.max_kb:,} KB" if want.max_kb else "")
    if not path.exists():
        return _check("thumbnail", False, expected, "missing", "No cover image was made.")
    with Image.open(path) as image:
        size = image.size
    kb = path.stat().st_size / 1000
    ok = size == (want.width, want.height) and (not want.max_kb or kb <= want.max_kb)
    return _check("thumbnail", ok, expected, f"{size[0]}x{size[1]}, {kb:.0f} KB",
                  "The cover image's size or weight is off.")

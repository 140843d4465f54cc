"""plan_pack: decide every platform's output from the request and the probed source (pure).

A platform that cannot be made gets an `error` and the others go on; what was adjusted on the
way (trimmed, held, upscaled, silent audio, compressed) is said in `notes` and `warnings`.
"""

from __future__ import annotations

from core.errors import InvalidInput
from core.media.probe import MediaInfo
from core.platforms import PlatformSpec, load_platforms
from core.social import captions as cap
from core.social import reframe as rf
from core.social.clearance import text_check, text_in_output
from core.social.models import PackPlan, PackRequest, PlatformPlan

END_MARGIN_S = 0.1  # stay this far under a maximum duration (AAC frames round up)
MIN_MARGIN_S = 0.05  # and this far over a minimum
SIZE_HEADROOM = 0.95  # aim two-pass renders at 95% of the cap (container overhead)
MIN_BITS_PER_PIXEL = 0.01  # below this a size-capped render would be unwatchable
EXPECTED_BITS_PER_PIXEL = 0.08  # what constant quality typically spends; under it, go two-pass
MAX_BITS_PER_PIXEL = 0.4  # about the most constant quality spends (grainy footage); a size budget above it never binds
MIN_VIDEO_KBPS = 100
VBV_BUFFER_S = 2  # VideoEncoding's buffer holds two seconds at the max rate
STANDARD_RATES = (24.0, 25.0, 30.0, 50.0, 60.0)
DEFAULT_FPS = 30.0


def plan_pack(request: PackRequest, source: MediaInfo,
              specs: dict[str, PlatformSpec] | None = None) -> PackPlan:
    """Plan every requested platform. Raises InvalidInput only for what spoils all of them."""
    specs = specs if specs is not None else load_platforms()
    _check_request(request, source, specs)
    notes: list[str] = []
    focus = request.focus
    if isinstance(focus, tuple):
        focus, moved = rf.clamp_focus(focus)
        if moved:
            notes.append(f"The focus point {request.focus} is outside the frame; "
                         f"it was moved to the nearest edge, ({focus[0]:.2f}, {focus[1]:.2f}).")
    srt_cues = cap.parse_srt(request.srt) if request.srt and not request.captions_text else None
    plans = share_files([_plan_platform(request, source, specs[pid], focus, srt_cues)
                         for pid in request.platforms])
    plans = [p.model_copy(update={"warnings": [*p.warnings, *notes]}) if p.mode == "crop" else p
             for p in plans]  # the moved focus point matters where the frame is cropped
    plans = [_text_warnings(request, source, p) for p in plans]
    return PackPlan(request=request, source=source, platforms=plans, notes=notes)


def share_files(plans: list[PlatformPlan]) -> list[PlatformPlan]:
    """Platforms that would get the same picture and sound get one file that each accepts: the
    strictest documented bitrate cap of the group, the highest recommended audio bitrate.
    Files held under a size cap are not shared (their budget counts their own audio)."""
    groups: dict[tuple, list[PlatformPlan]] = {}
    for p in plans:
        if p.ok and p.size_budget_kbps is None:
            groups.setdefault(_picture_key(p), []).append(p)
    shared: dict[str, PlatformPlan] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        cap = min((m.video_kbps_cap for m in members if m.video_kbps_cap), default=0)
        audio = max(m.audio_kbps for m in members)
        for m in members:
            others = [o for o in members if o is not m]
            shared[m.id] = m.model_copy(update={
                "video_kbps_cap": cap, "audio_kbps": audio, "shares_with": [o.id for o in others],
                "notes": [*m.notes, f"Same file as {_names(others)} (each accepts it): encoded once."]})
    return [shared.get(p.id, p) for p in plans]


def _picture_key(p: PlatformPlan) -> tuple:
    """What shapes a file apart from bitrate guidance (captions are laid out per safe zone)."""
    captions = (tuple(p.cues), p.spec.safe_zone) if p.cues else ()
    return (p.width, p.height, p.fps, p.duration_s, p.source_span_s, p.hold_s, p.mode, p.crop, p.focus,
            p.audio, p.gop_frames, captions)


def _names(plans: list[PlatformPlan]) -> str:
    names = [p.spec.name for p in plans]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _text_warnings(request: PackRequest, source: MediaInfo, p: PlatformPlan) -> PlatformPlan:
    """Warn where text burned in by an earlier edit meets this platform's buttons or its crop."""
    if not request.burned_text or not p.ok:
        return p
    if p.focus == "auto":
        return p.model_copy(update={"notes": [*p.notes, "Text from earlier edits is checked against the "
                                               "buttons once the crop's path is known (after the render)."]})
    shown = text_in_output(request.burned_text, p, (source.width, source.height), request.segment_start)
    check = text_check(p, shown)
    if check is None or check.passed:
        return p
    return p.model_copy(update={"warnings": [*p.warnings, check.reason]})


def _check_request(request: PackRequest, source: MediaInfo, specs: dict[str, PlatformSpec]) -> None:
    unknown = [p for p in request.platforms if p not in specs]
    if unknown:
        raise InvalidInput(f"Unknown platform: {', '.join(unknown)}.", f"Choose from: {', '.join(specs)}.")
    if len(set(request.platforms)) != len(request.platforms):
        raise InvalidInput("A platform is listed twice.", "Choose each platform once.")
    if not source.has_video or source.width < 2 or source.height < 2:
        raise InvalidInput(f"{source.path} has no picture to reframe.", "Choose a video file.")
    if source.duration_s <= 0:
        raise InvalidInput("The source's duration cannot be read.", "Re-export the video and try again.")
    if request.segment_start >= source.duration_s:
        raise InvalidInput(
            f"The segment starts at {request.segment_start:.1f} s but the video is only "
            f"{source.duration_s:.1f} s long.", "Choose a start inside the video.")
    if request.captions_text and request.srt:
        raise InvalidInput("Both typed captions and an SRT file were given.", "Use one of them.")


def _plan_platform(request: PackRequest, source: MediaInfo, spec: PlatformSpec, focus,
                   srt_cues) -> PlatformPlan:
    notes: list[str] = []
    warnings: list[str] = []
    available = source.duration_s - request.segment_start
    span, duration, hold = _timing(available, spec, notes, warnings)
    fps = choose_fps(source.fps, spec)
    if abs(fps - (source.fps or fps)) > 0.01:
        notes.append(f"Frame rate {source.fps:g} -> {fps:g} fps ({spec.name} takes "
                     f"{spec.fps_min:g}-{spec.fps_max:g} fps).")
    geometry = _geometry(request, source, spec, focus, notes, warnings)
    audio = _audio(source, spec, notes)
    rates = _size_fit(spec, duration, geometry["width"], geometry["height"], fps,
                      spec.audio_kbps if audio != "none" else 0, notes)
    cues = cap.cues_for_output(request.captions_text, srt_cues, request.segment_start, span, duration)
    return PlatformPlan(
        spec=spec, fps=fps, duration_s=duration, source_span_s=span, hold_s=hold, audio=audio,
        audio_kbps=spec.audio_kbps, gop_frames=max(1, round(fps * spec.gop_seconds)), cues=cues,
        notes=notes, warnings=warnings,
        **geometry, **rates,
    )


def _timing(available: float, spec: PlatformSpec, notes: list[str], warnings: list[str]):
    """(source span used, output duration, seconds of last frame held)."""
    longest = spec.max_duration_s - END_MARGIN_S
    if available > longest:
        notes.append(f"Trimmed to {longest:.1f} s ({spec.name} allows up to {spec.max_duration_s:g} s).")
        return longest, longest, 0.0
    if available < spec.min_duration_s:
        duration = spec.min_duration_s + MIN_MARGIN_S
        warnings.append(f"The source is {available:.1f} s but {spec.name} needs at least "
                        f"{spec.min_duration_s:g} s: the last frame is held for "
                        f"{duration - available:.1f} s.")
        return available, duration, duration - available
    return available, available, 0.0


def choose_fps(source_fps: float, spec: PlatformSpec) -> float:
    """The source's rate when the platform takes it, else the nearest clean rate it takes."""
    fps = source_fps if source_fps > 0 else DEFAULT_FPS
    if spec.fps_min <= fps <= spec.fps_max:
        return round(fps, 3)
    if fps > spec.fps_max:
        for divisor in (2, 3, 4):
            if spec.fps_min <= fps / divisor <= spec.fps_max:
                return round(fps / divisor, 3)
        fitting = [r for r in STANDARD_RATES if spec.fps_min <= r <= spec.fps_max]
        return fitting[-1] if fitting else spec.fps_max
    fitting = [r for r in STANDARD_RATES if spec.fps_min <= r <= spec.fps_max]
    return fitting[0] if fitting else spec.fps_min


def _geometry(request: PackRequest, source: MediaInfo, spec: PlatformSpec, focus,
              notes: list[str], warnings: list[str]) -> dict:
    src = (source.width, source.height)
    target, minimum = (spec.width, spec.height), (spec.min_width, spec.min_height)
    if rf.same_shape(*src, spec.aspect_ratio):
        mode, window, detail = "scale", src, src
    elif request.reframe == "pad_blur":
        mode, window, detail = "pad_blur", src, src
        notes.append(f"Whole frame kept, padded to {spec.aspect} with a blurred fill.")
    else:
        mode = "crop"
        window = detail = rf.crop_window(*src, spec.aspect_ratio)
        kept = window[0] * window[1] / (src[0] * src[1])
        how = "following the action" if focus == "auto" else (
            "centred" if focus == "center" else f"around ({focus[0]:.2f}, {focus[1]:.2f})")
        notes.append(f"Cropped to {spec.aspect} {how}, keeping {kept:.0%} of the frame.")
    if request.size == "platform":
        width, height = target
        if min(width / detail[0], height / detail[1]) > 1.0:  # the picture shown is enlarged
            notes.append(f"{width}x{height}, upscaled from {detail[0]}x{detail[1]} (high-quality Lanczos "
                         "scaler; softer than a native picture of that size).")
    else:
        width, height, upscaled = rf.output_size(target, minimum, detail)
        if upscaled:
            warnings.append(f"The source has less detail than the {spec.name} minimum of "
                            f"{spec.min_width}x{spec.min_height}: {width}x{height}, upscaled from "
                            f"{detail[0]}x{detail[1]}; it may look soft.")
        elif (width, height) != target:
            notes.append(f"Rendered at {width}x{height} to keep the source's detail (smaller files); "
                         f"{spec.name} recommends {spec.width}x{spec.height}.")
    point = (0.5, 0.5) if focus == "center" else focus
    return {"width": width, "height": height, "mode": mode, "crop": window, "focus": point}


def _audio(source: MediaInfo, spec: PlatformSpec, notes: list[str]) -> str:
    if source.has_audio:
        return "source"
    if spec.audio_required:
        notes.append("The source has no audio: a silent track was added.")
        return "silent"
    notes.append("No audio track (the source has none).")
    return "none"


def _size_fit(spec: PlatformSpec, duration: float, width: int, height: int, fps: float,
              audio_kbps: int, notes: list[str]) -> dict:
    """Rate settings that keep the file within what the platform documents: its bitrate cap (when
    it has one) and its file-size cap. Constant quality otherwise (a recommended bitrate is
    guidance, not a limit). A lower ceiling when that is enough for the size cap, two-pass at
    the budget when constant quality would clearly overshoot it."""
    cap = average_safe_ceiling(spec.video_kbps_max, duration) if spec.video_kbps_max else 0
    budget = spec.max_file_bytes * 8 * SIZE_HEADROOM / duration / 1000 - audio_kbps
    if budget >= (spec.video_kbps_max or width * height * fps * MAX_BITS_PER_PIXEL / 1000):
        return {"video_kbps_cap": cap}
    floor = max(MIN_VIDEO_KBPS, width * height * fps * MIN_BITS_PER_PIXEL / 1000)
    if budget < floor:
        return {"video_kbps_cap": cap, "error": (
            f"{spec.name} caps files at {spec.max_file_mb:g} MB: {duration:.1f} s would need "
            f"{max(budget, 0):.0f} kbps of video, below the {floor:.0f} kbps this size needs "
            "to stay watchable. Choose a shorter segment.")}
    budget_kbps = int(budget)
    if budget < width * height * fps * EXPECTED_BITS_PER_PIXEL / 1000:
        notes.append(f"Compressed (two-pass, {budget_kbps} kbps) to fit the {spec.name} "
                     f"cap of {spec.max_file_mb:g} MB.")
        return {"video_kbps_cap": cap, "size_budget_kbps": budget_kbps, "fit_video_kbps": budget_kbps}
    notes.append(f"Bitrate held under {budget_kbps} kbps to stay within the {spec.name} "
                 f"cap of {spec.max_file_mb:g} MB.")
    return {"video_kbps_cap": average_safe_ceiling(budget_kbps, duration), "size_budget_kbps": budget_kbps}


def average_safe_ceiling(average_kbps: float, duration: float) -> int:
    """VBV max rate whose worst case (rate x time + one full buffer) averages to `average_kbps`."""
    return max(1, int(average_kbps * duration / (duration + VBV_BUFFER_S)))

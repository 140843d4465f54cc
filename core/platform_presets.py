"""Create Studio's platform presets: a platform fills in aspect, resolution and duration limits."""

from __future__ import annotations

from core.capability import Issue
from core.contracts import GenerationRequest
from core.platforms import load_platforms

CREATE_PLATFORMS = ("instagram_reels", "tiktok", "youtube_shorts", "linkedin_square", "linkedin_portrait",
                    "linkedin_landscape", "x", "youtube", "facebook_reels")
RESOLUTIONS = {480: "480p", 720: "720p", 1080: "1080p"}


def _resolution(width: int, height: int) -> str:
    short = min(width, height)
    return RESOLUTIONS.get(short, "1080p" if short > 1080 else "720p")


def create_platforms(details: bool = False) -> list:
    """(label, id) pairs for the picker; with details, (id, preset dict) pairs."""
    specs = load_platforms()
    out = []
    for pid in CREATE_PLATFORMS:
        spec = specs.get(pid)
        if spec is None:
            continue
        preset = {"aspect": spec.aspect, "resolution": _resolution(spec.width, spec.height),
                  "min_duration": max(spec.min_duration_s, 1), "max_duration": spec.max_duration_s}
        label = spec.name if spec.aspect in spec.name else f"{spec.name} ({spec.aspect})"
        out.append((pid, preset) if details else (label, pid))
    return out


def apply_platform(request: GenerationRequest) -> tuple[GenerationRequest, list[Issue]]:
    """Fill aspect and resolution from the platform when unset; flag values it does not accept."""
    if not request.platform:
        return request, []
    presets = dict(create_platforms(details=True))
    preset = presets.get(request.platform)
    if preset is None:
        return request, [Issue(field="platform", message=f"Unknown platform '{request.platform}'.",
                               allowed=list(presets))]
    issues = []
    updates = {}
    if request.aspect in (None, "auto"):
        updates["aspect"] = preset["aspect"]
    elif request.aspect != preset["aspect"]:
        issues.append(Issue(field="aspect", message=f"{request.platform} videos are {preset['aspect']}; "
                            f"the request asks for {request.aspect}.", allowed=[preset["aspect"]]))
    if not request.resolution:
        updates["resolution"] = preset["resolution"]
    if request.duration and not preset["min_duration"] <= request.duration <= preset["max_duration"]:
        issues.append(Issue(field="duration", message=f"{request.platform} takes {preset['min_duration']:g}-"
                            f"{preset['max_duration']:g} s; the request asks for {request.duration:g} s.",
                            allowed=[f"{preset['min_duration']:g}-{preset['max_duration']:g}"]))
    return request.model_copy(update=updates), issues

"""The offline prompt enhancer: deterministic template rules, not an AI model.

It keeps the creator's words first, then adds the template's (or a default) framing, camera,
lighting and motion cues only for the kinds of cue the prompt does not already have, and stays
under a length cap. The result says where it came from: "offline template".
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from core.errors import InvalidInput
from core.templates import get_template

SOURCE = "offline template"
MAX_CHARS = 600
BASE_NEGATIVE = "blurry, low quality, distorted, watermark, garbled text"
PHOTO_SUBJECT = "the scene in the photo"

# Words that show a prompt already has a kind of cue. A phrase's kind is the first that matches,
# so "close-up facing the camera" is framing and "slow turntable camera move" is camera.
CUE_WORDS: dict[str, tuple[str, ...]] = {
    "framing": ("shot", "close-up", "closeup", "close up", "wide", "overhead", "top-down",
                "aerial", "framing", "angle", "pov", "portrait", "macro", "establishing"),
    "camera": ("camera", "dolly", "pan", "panning", "tilt", "zoom", "zooms", "tracking", "drone",
               "handheld", "push-in", "push in", "pull-out", "crane", "orbit", "orbiting",
               "turntable", "locked-off", "steadicam", "gimbal", "fpv"),
    "lighting": ("light", "lighting", "lit", "sunlight", "sunlit", "golden hour", "sunset",
                 "sunrise", "neon", "backlit", "backlight", "shadows", "glow", "glowing",
                 "moonlight", "candlelight", "softbox", "high-key", "low-key", "illuminated"),
    "motion": ("motion", "moving", "moves", "movement", "drift", "drifting", "flowing", "walking",
               "running", "spinning", "rotating", "swaying", "dancing", "gestures", "flying",
               "falling", "rushing", "slow-motion", "timelapse", "time-lapse"),
}

DEFAULT_CUES: dict[str, tuple[str, ...]] = {
    "text-to-video": ("cinematic medium shot", "natural soft lighting", "steady smooth camera",
                      "fluid natural motion", "sharp detail"),
    "image-to-video": ("gentle camera movement", "natural fluid motion",
                       "keep the subject and composition faithful to the photo"),
}


class EnhancedPrompt(BaseModel):
    """A prompt after the offline enhancer, with what it did in plain words."""

    text: str
    negative_prompt: str
    source: str = SOURCE
    template_id: str | None = None
    notes: list[str] = []


def enhance_offline(
    prompt: str,
    template_id: str | None = None,
    operation: str = "text-to-video",
    *,
    negative_prompt: str = "",
    max_chars: int = MAX_CHARS,
) -> EnhancedPrompt:
    """Fill a template scaffold (or default cues) around the prompt; same input, same output."""
    operation = str(operation)
    subject = _clean(prompt)
    notes: list[str] = []
    if not subject:
        if operation != "image-to-video":
            raise InvalidInput("The prompt is empty.",
                               "Describe the scene you want, e.g. 'a red kite over a windy beach'.")
        subject = PHOTO_SUBJECT
        notes.append(f"No prompt given: used '{PHOTO_SUBJECT}' as the subject.")
    template = get_template(template_id) if template_id else None
    if template:
        cues, negatives = template.cues, [template.negative_prompt]
        notes.append(f"Filled the '{template.name}' template scaffold "
                     "(an offline template, not an AI model).")
    else:
        cues, negatives = list(DEFAULT_CUES.get(operation, ())), []
        notes.append("Added default cues (an offline template, not an AI model)."
                     if cues else f"No cues are added for {operation}; the prompt was only tidied.")
    if len(subject) > max_chars:
        subject = _cut_at_word(subject, max_chars)
        notes.append(f"The prompt was longer than {max_chars} characters and was cut at a word boundary.")
    text = _add_missing_cues(subject, cues, max_chars, notes)
    return EnhancedPrompt(
        text=text,
        negative_prompt=_merge_phrases([negative_prompt, *negatives, BASE_NEGATIVE]),
        template_id=template.id if template else None,
        notes=notes,
    )


def cue_kinds(text: str) -> set[str]:
    """The kinds of cue (camera, lighting, framing, motion) a text already has."""
    lowered = text.lower()
    return {kind for kind, words in CUE_WORDS.items() if any(_has_word(lowered, w) for w in words)}


def cue_kind(phrase: str) -> str:
    """The first kind of cue a phrase belongs to, or 'style'."""
    lowered = phrase.lower()
    for kind, words in CUE_WORDS.items():
        if any(_has_word(lowered, w) for w in words):
            return kind
    return "style"


def _add_missing_cues(subject: str, cues: list[str], max_chars: int, notes: list[str]) -> str:
    present = cue_kinds(subject)
    text = subject
    for cue in cues:
        kind = cue_kind(cue)
        if cue.lower() in text.lower() or (kind != "style" and kind in present):
            notes.append(f"Kept your own {kind} wording; skipped '{cue}'.")
            continue
        if len(text) + 2 + len(cue) > max_chars:
            notes.append(f"Skipped '{cue}' to stay under {max_chars} characters.")
            continue
        text = f"{text}, {cue}"
        notes.append(f"Added {kind} cue: '{cue}'.")
    return text


def _clean(prompt: str) -> str:
    """Collapse whitespace and drop trailing separators so cues join cleanly."""
    text = re.sub(r"\s+", " ", prompt or "").strip()
    return text.rstrip(" ,;:.")


def _cut_at_word(text: str, limit: int) -> str:
    cut = text[:limit]
    if " " in cut and not text[limit:limit + 1].isspace():
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.")


def _merge_phrases(parts: list[str]) -> str:
    """Join comma-separated phrase lists, keeping the first spelling of each phrase."""
    seen: dict[str, str] = {}
    for part in parts:
        for phrase in (p.strip() for p in (part or "").split(",")):
            if phrase and phrase.lower() not in seen:
                seen[phrase.lower()] = phrase
    return ", ".join(seen.values())


def _has_word(lowered: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered) is not None

"""Edit operations: small immutable values that compose into a chain and serialise to JSON.

    chain = [Trim(1, 6), Speed(1.5), ColorGrade("warm"), Captions(srt=...), FormatSpec()]
    render(source, chain, dest)                     # one ffmpeg pass
    chain_from_json(chain_to_json(chain)) == chain  # for the job queue

Each op validates its own settings when it is made (InvalidInput with a hint) and checks
itself against the stream (e.g. a trim inside the clip) when the render is planned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from core.errors import InvalidInput
from core.media.op_base import Op, OutputOp, op_from_dict, registered_kinds
from core.media.ops_audio import AudioCleanup, Soundtrack
from core.media.ops_color import ColorEnhance, ColorGrade, Denoise, Lut, Sharpen
from core.media.ops_geometry import Reframe, Scale, Upscale
from core.media.ops_join import TRANSITIONS, Join
from core.media.ops_motion import FrameRate, Interpolate, Stabilize
from core.media.ops_output import Compress, FormatSpec
from core.media.ops_text import Captions, TextOverlay
from core.media.ops_time import CutOut, FastTrim, Speed, Trim
from core.media.text_style import SafeZone

__all__ = [
    "AudioCleanup", "Captions", "ColorEnhance", "ColorGrade", "Compress", "CutOut", "Denoise",
    "FastTrim", "FormatSpec", "FrameRate", "Interpolate", "Join", "Lut", "Op", "OutputOp",
    "Reframe", "SafeZone", "Scale", "Sharpen", "Soundtrack", "Speed", "Stabilize", "TRANSITIONS", "TextOverlay",
    "Trim", "Upscale", "chain_from_dicts", "chain_from_json", "chain_to_dicts", "chain_to_json",
    "op_from_dict", "registered_kinds",
]


def chain_to_dicts(ops: Iterable[Op]) -> list[dict]:
    return [op.to_dict() for op in ops]


def chain_from_dicts(items: Iterable[dict]) -> list[Op]:
    return [op_from_dict(item) for item in items]


def chain_to_json(ops: Iterable[Op]) -> str:
    return json.dumps(chain_to_dicts(ops))


def chain_from_json(text: str) -> list[Op]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"The saved edit is not valid JSON ({exc.msg}).", "Build the edit again.") from exc
    if not isinstance(items, list):
        raise InvalidInput("The saved edit is not a list of operations.", "Build the edit again.")
    return chain_from_dicts(items)

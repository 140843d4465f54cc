"""Filters every source needs before any edit, so ops see a plain SDR picture with square pixels.
Renders, Social packs, stills and comparisons all start with them. (A BT.601 picture is
re-expressed in BT.709 at the end of a chain instead, with encoding.bt709_conversion: the
`colorspace` filter needs the even sizes only the end of a chain guarantees.)"""

from __future__ import annotations

from core.media.encoding import hdr_to_sdr
from core.media.probe import MediaInfo


def source_prelude(info: MediaInfo) -> list[str]:
    """HDR (PQ/HLG) tone-mapped to SDR BT.709, and anamorphic pixels made square at the size
    the picture is meant to be seen (`info.width` x `info.height`); [] for a plain source."""
    filters = hdr_to_sdr(info.color_transfer)
    if abs(info.pixel_aspect - 1.0) > 0.01:
        filters += [f"scale={info.width}:{info.height}", "setsar=1"]
    return filters


def prelude_prefix(info: MediaInfo) -> str:
    """source_prelude as the start of a filter chain ('a,b,' or '')."""
    return "".join(f"{f}," for f in source_prelude(info))

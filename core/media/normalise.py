"""Filters every source needs before any edit, so ops see a plain SDR picture with square pixels."""

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

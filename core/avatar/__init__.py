"""Avatar Studio's pure rules: how long a talk is, as the provider measures and bills it.

Rendering the offline draft lives with the offline provider (providers/local_avatar.py);
scripts, voices and captions live in core/voice.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import InvalidInput

MULTI_ORDERS = ("meanwhile", "left_right", "right_left")


def talk_length(durations: Sequence[float], order: str = "meanwhile") -> float:
    """Output length of a two-voice talk: both voices at once last as long as the longer one;
    one after the other (left_right, right_left) last their sum. One voice: its own length.

    WaveSpeed does not publish its rule for InfiniteTalk multi; this is how another host of the
    same model bills it, and it is never shorter than the output, so estimates stay upper bounds.
    """
    if order not in MULTI_ORDERS:
        raise InvalidInput(f"'{order}' is not a speaking order.", f"Use one of: {', '.join(MULTI_ORDERS)}.")
    lengths = [float(d) for d in durations]
    if not lengths or any(not d > 0 for d in lengths):
        raise InvalidInput("Every voice track needs a length above 0 s.", "Use audio files with sound in them.")
    return max(lengths) if order == "meanwhile" else sum(lengths)

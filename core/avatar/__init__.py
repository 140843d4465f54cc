"""Avatar Studio's rules: how long a talk is, as the provider measures and bills it, and the
joining of rendered scenes into one video.

Rendering the offline draft lives with the offline provider (providers/local_avatar.py);
scripts, voices and captions live in core/voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.errors import InvalidInput
from core.media.ffmpeg import CancelFn, ProgressFn
from core.media.ops_join import Join
from core.media.probe import MediaInfo
from core.media.render import render

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


def join_scenes(clips: Sequence[Path | str], dest: Path, *, on_progress: ProgressFn | None = None,
                should_cancel: CancelFn | None = None) -> MediaInfo:
    """Join rendered scenes in order with hard cuts (the media engine's Join), sound kept, and
    return the probed result. A single scene is re-encoded alone, so the output is always new."""
    paths = [Path(clip) for clip in clips]
    if not paths:
        raise InvalidInput("There are no scenes to join.", "Render at least one scene first.")
    ops = [Join(clips=tuple(str(p) for p in paths[1:]), transition="cut")] if len(paths) > 1 else []
    return render(paths[0], ops, Path(dest), on_progress=on_progress, should_cancel=should_cancel)

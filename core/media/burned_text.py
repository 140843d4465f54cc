"""burned_text: where the text an edit chain burns in ends up, as the engine draws it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.media.graph import Graph, StreamState
from core.media.op_base import BuildContext, Op
from core.media.ops_time import FastTrim
from core.media.regions import TextRegion


def burned_text(state: StreamState, ops: Sequence[Op],
                inherited: Sequence[TextRegion] = ()) -> list[TextRegion]:
    """The text in the picture after `ops` render a `state` stream that already shows
    `inherited` text: each op moves what is there (crop, trim, speed) and adds its own.
    Pure: the chain is planned, nothing runs. Raises InvalidInput when the chain no longer
    fits the stream (as planning it would)."""
    graph = Graph(audio="0:a:0" if state.has_audio else None)
    ctx = BuildContext(workdir=Path("."))  # side files (captions) stay in memory
    regions = list(inherited)
    for op in ops:
        after = op.timeline(state) if isinstance(op, FastTrim) else op.apply(graph, state, ctx)
        regions = [*op.carry_regions(regions, state, after), *op.text_regions(state)]
        state = after
    return regions

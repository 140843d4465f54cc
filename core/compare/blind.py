"""Blind mode: neutral labels, randomised pairs and sides, and nothing that names a model.

Everything random derives from the group's `shuffle_seed`, so a group shows the same labels
and sides on every read. A hidden output is shown as "Output N" with no model id, name, maker
or provider anywhere, its error text scrubbed of them, and its file under a neutral name (a
hard link, so no copy of the video is made).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from core.contracts import ModelSpec, Operation
from core.storage import MediaStore

HIDDEN = "the model"
_GENERIC = {op.value for op in Operation} | {"video", "image", "audio", "text", "fast", "pro", "ai"}


@dataclass(frozen=True)
class Pair:
    """Two outputs to vote on, in the order shown (a on the left)."""

    a_asset_id: str
    b_asset_id: str
    voted: bool

    def to_dict(self) -> dict:
        return {"a_asset_id": self.a_asset_id, "b_asset_id": self.b_asset_id, "voted": self.voted}


def _draw(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def labels(seed: int, run_ids: list[str]) -> dict[str, str]:
    """run id -> "Output N", numbered in a shuffled order (not the order the models were picked in)."""
    shuffled = sorted(run_ids, key=lambda rid: _draw(seed, "label:" + rid))
    return {rid: f"Output {n}" for n, rid in enumerate(shuffled, start=1)}


def shuffled(seed: int, items: list, key) -> list:
    """`items` in the group's random order (stable for the group)."""
    return sorted(items, key=lambda item: _draw(seed, "order:" + key(item)))


def pairs(seed: int, asset_ids: list[str], voted: set[frozenset[str]], revealed: set[str]) -> list[Pair]:
    """Every pair of finished outputs, sides randomised. Pairs still to vote on come first, those of
    two hidden outputs before the rest (a vote there is still blind), then the voted ones."""
    out = []
    for first, second in combinations(sorted(asset_ids), 2):
        key = f"{first}|{second}"
        a, b = (first, second) if _draw(seed, "side:" + key) % 2 == 0 else (second, first)
        out.append((_draw(seed, "pair:" + key), Pair(a, b, frozenset((a, b)) in voted)))
    out.sort(key=lambda item: (item[1].voted, bool({item[1].a_asset_id, item[1].b_asset_id} & revealed), item[0]))
    return [pair for _, pair in out]


def identity_words(model: ModelSpec) -> list[str]:
    """Words that would name the model: its id, name, provider, and the maker and family of its wire name."""
    words = {model.id, model.name, model.provider, model.provider_model}
    words |= {part for part in model.provider_model.split("/")[:2] if part.lower() not in _GENERIC}
    return sorted((w for w in words if w), key=len, reverse=True)


def scrub(text: str, words: list[str]) -> str:
    """`text` with every identifying word replaced by "the model" (case-insensitive)."""
    for word in words:
        text = re.sub(re.escape(word), HIDDEN, text, flags=re.IGNORECASE)
    return text


def names_any(text: str, words: list[str]) -> bool:
    low = text.lower()
    return any(word.lower() in low for word in words)


def neutral_link(store: MediaStore, source: str | Path, owner: str) -> Path:
    """A second name for `source` that says nothing of its model: a hard link (a copy on another
    filesystem) in the owner's media folder."""
    source = store.local(source)
    dest = store.new_path(owner, source.suffix.lower(), "blind")
    try:
        os.link(source, dest)
    except OSError:
        tmp = store.scratch(source.suffix.lower())
        shutil.copyfile(source, tmp)
        store.commit(tmp, dest)
    return dest

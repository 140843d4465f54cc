"""Tags: normalised manual tags, and automatic ones from what the studio knows about an asset.

An asset's tags live in `asset_tag` (one row each, filterable) and, as a sorted list, in the
asset's `tags` column (shown and searched). This module is the only writer of both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session, col, delete, select

from core.errors import InvalidInput
from core.library.models import Asset, AssetTag

MAX_TAG_CHARS = 40
MAX_TAGS = 40
ASPECTS = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0, "4:5": 4 / 5, "5:4": 5 / 4, "4:3": 4 / 3,
           "3:4": 3 / 4, "3:2": 3 / 2, "2:3": 2 / 3, "21:9": 21 / 9}
ASPECT_TOLERANCE = 0.02
_ALLOWED = re.compile(r"^[\w][\w .:+#&'/-]*$", re.UNICODE)
_SPACES = re.compile(r"[\s_]+")


def normalise_tag(raw: object) -> str:
    """'  Has_Sound ' -> 'has sound'. Refuses (InvalidInput) what cannot be a tag."""
    if not isinstance(raw, str):
        raise InvalidInput("tags: each tag must be a text.", "Send tags as a list of words, e.g. [\"travel\"].")
    tag = _SPACES.sub(" ", raw).strip().lower()
    if not tag:
        raise InvalidInput("tags: a tag is empty.", "Leave out empty tags.")
    if len(tag) > MAX_TAG_CHARS:
        raise InvalidInput(f"tags: '{tag[:20]}...' is longer than {MAX_TAG_CHARS} characters.",
                           "Use a shorter tag.")
    if not _ALLOWED.match(tag):
        raise InvalidInput(f"tags: '{tag}' has characters a tag cannot hold.",
                           "Use letters, digits, spaces and - : . + # & ' /, starting with a letter or digit.")
    return tag


def normalise_tags(raw: Iterable[object] | None) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str) or not isinstance(raw, (list, tuple, set)):
        raise InvalidInput("tags: send a list of tags.", "For example [\"travel\", \"drone\"].")
    return sorted({normalise_tag(t) for t in raw})


def aspect_label(width: int, height: int) -> str:
    """The common name of a frame shape ('9:16'), or '' when it is none of the usual ones."""
    if width <= 0 or height <= 0:
        return ""
    ratio = width / height
    name, value = min(ASPECTS.items(), key=lambda item: abs(item[1] - ratio))
    return name if abs(value - ratio) / value <= ASPECT_TOLERANCE else ""


def auto_tags(asset: Asset, *, offline: bool = False) -> list[str]:
    """Tags the studio can state as facts: shape, platform, template, motion, model, operation,
    sound, and whether it is a free offline draft."""
    settings = asset.settings or {}
    found = [asset.aspect, asset.platform, asset.template, settings.get("motion"), asset.model, asset.operation]
    if asset.width and asset.height:
        found.append("vertical" if asset.height > asset.width else
                     "horizontal" if asset.width > asset.height else "square")
    if asset.has_audio:
        found.append("has sound")
    if offline:
        found.append("offline draft")
    tags = set()
    for value in found:
        if isinstance(value, str) and value.strip():
            try:
                tags.add(normalise_tag(value))
            except InvalidInput:
                continue  # a fact that cannot be a tag (odd characters) is simply not one
    return sorted(tags)


def write_tags(session: Session, asset: Asset, add: Iterable[str] = (), remove: Iterable[str] = (),
               *, auto: bool = False) -> list[str]:
    """Add and remove (already normalised) tags on `asset` inside `session`; returns the new list."""
    remove, add = set(remove), set(add)
    if remove:
        session.execute(delete(AssetTag).where(AssetTag.asset_id == asset.id, col(AssetTag.tag).in_(remove)))
    present = set(session.exec(select(AssetTag.tag).where(AssetTag.asset_id == asset.id)))
    new = add - present
    if len(present | new) > MAX_TAGS:
        raise InvalidInput(f"tags: an asset can have at most {MAX_TAGS} tags.", "Remove some tags first.")
    session.add_all(AssetTag(asset_id=asset.id, tag=t, auto=auto) for t in sorted(new))
    asset.tags = sorted(present | new)
    session.add(asset)
    return asset.tags

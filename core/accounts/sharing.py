"""Governed share links on assets: make, revoke, list and open them, each step in the audit log.

A link downloads one file without login until it expires; only its owner makes or revokes it, and
a forged, revoked or expired link (or one whose file was deleted) opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.accounts.links import ShareLinks
from core.boundary import parse, parse_value
from core.boundary.library import ASSET_ID, ShareRequest
from core.errors import Gone, NotFound
from core.library.models import Asset

SHARE_PATH = "/share/"
ANONYMOUS = "(anonymous)"  # the audit actor of a download through a share link


@dataclass
class SharingDeps:
    get_asset: Callable[[str, str], Asset]  # (asset_id, owner) -> the owner's asset, else NotFound
    links: ShareLinks
    audit: Callable[..., object]  # AuditLog.record


class Sharing:
    def __init__(self, deps: SharingDeps) -> None:
        self.d = deps

    def share(self, request: dict | ShareRequest, *, owner: str) -> dict:
        """{asset_id, expires_in_s} -> a link under the app that downloads the file until it expires."""
        parsed = parse(ShareRequest, request)
        asset = self.d.get_asset(parsed.asset_id, owner)
        link, token = self.d.links.create(asset.id, owner, parsed.expires_in_s)
        self.d.audit(owner, "shared", asset_id=asset.id, link_id=link.id,
                     expires_at=link.expires_at.isoformat(timespec="seconds"))
        return link_view(link, token)

    def unshare(self, asset_id: str, *, owner: str) -> dict:
        """Revoke every link of the asset."""
        asset = self.d.get_asset(parse_value(ASSET_ID, asset_id, "asset_id"), owner)
        revoked = self.d.links.revoke_all(asset.id, owner)
        self.d.audit(owner, "unshared", asset_id=asset.id, links_revoked=revoked)
        return {"asset_id": asset.id, "revoked": revoked}

    def live(self, asset_id: str, *, owner: str) -> list[dict]:
        asset = self.d.get_asset(asset_id, owner)
        return [link_view(link, self.d.links.token_for(link)) for link in self.d.links.live(asset.id, owner)]

    def open(self, token: str, client: str = "") -> Asset:
        """The file a share link grants (no login): Forbidden when forged or revoked, Gone when
        expired or deleted. Each download is counted on the link and in the audit log."""
        link = self.d.links.resolve(token)
        try:
            asset = self.d.get_asset(link.asset_id, link.owner)
        except NotFound:
            raise Gone("The shared file was deleted.", "Ask the owner for a new link.") from None
        if not Path(asset.path).is_file():
            raise Gone("The shared file was deleted.", "Ask the owner for a new link.")
        self.d.links.counted(link.id)
        self.d.audit(ANONYMOUS, "downloaded", asset_id=asset.id, via="share-link", link_id=link.id,
                     owner=link.owner, client=client)
        return asset


def link_view(link, token: str) -> dict:
    return {"url": SHARE_PATH + token, "link_id": link.id, "asset_id": link.asset_id,
            "expires_at": link.expires_at.isoformat(timespec="seconds"), "downloads": link.downloads}

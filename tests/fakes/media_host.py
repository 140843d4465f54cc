"""A fake public media host for link inputs: https://media.test/<name> serves files from a folder.

`fetcher(folder)` is the studio's real SafeFetcher, with only the network swapped: requests go to
an httpx.MockTransport and the host "resolves" to a public address. Production code never gets
a way to reach loopback or private hosts.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from providers.fetch import SafeFetcher

HOST = "media.test"
PUBLIC_ADDRESS = "93.184.216.34"


def fetcher(folder: Path) -> SafeFetcher:
    folder = Path(folder)

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.host != HOST:
            raise httpx.ConnectError("unreachable host", request=request)
        path = folder / request.url.path.lstrip("/")
        if not path.is_file():
            return httpx.Response(404)
        return httpx.Response(200, content=path.read_bytes())

    def resolve(host: str, port: int) -> list[str]:
        if host != HOST:
            from core.errors import ProviderUnavailable

            raise ProviderUnavailable(f"The link's host {host} could not be found.")
        return [PUBLIC_ADDRESS]

    return SafeFetcher(transport=httpx.MockTransport(serve), resolve=resolve)


def url(name: str) -> str:
    return f"https://{HOST}/{name}"

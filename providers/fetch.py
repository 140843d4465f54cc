"""Fetch a client's https link safely: public addresses only, size-capped, written atomically.

The studio fetches media named by URL so it can measure them before pricing. A link is
refused unless it is https, every address its host resolves to is public (no loopback,
private, link-local or reserved ranges: a link must never reach this machine or its network),
and the peer actually connected to is public too. Redirects are followed (at most 3), each
checked the same way. Tests inject `transport` and `resolve` to serve media from a fake host;
production never allows a non-public address.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path

import httpx

from core.errors import InvalidInput, ProviderUnavailable, fault_words
from providers.http import CHUNK_BYTES, GuardedTransport, part_file

MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(30.0, connect=5.0, pool=5.0)
Resolve = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ProviderUnavailable(f"The link's host {host} could not be found.",
                                  "Check the link, or upload the file instead.") from exc
    return sorted({info[4][0] for info in infos})


def is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class SafeFetcher:
    """Implements core.contracts.MediaFetcher over httpx."""

    def __init__(self, transport: httpx.BaseTransport | None = None, resolve: Resolve = resolve_host) -> None:
        self._client = httpx.Client(transport=transport or GuardedTransport(), timeout=TIMEOUT,
                                    follow_redirects=False)
        self._resolve = resolve

    def fetch(self, url: str, dest: Path, max_bytes: int) -> Path:
        """Download `url` to `dest`; InvalidInput for a refused link, ProviderUnavailable when it
        cannot be reached now."""
        for _ in range(MAX_REDIRECTS + 1):
            target = self._check(url)
            try:
                with self._client.stream("GET", target) as response:
                    _check_peer(response)
                    if response.is_redirect and response.headers.get("location"):
                        url = str(target.join(response.headers["location"]))
                        continue
                    if response.status_code >= 400:
                        raise ProviderUnavailable(f"The link answered HTTP {response.status_code}.",
                                                  "Check that the link opens in a browser, or upload the file.")
                    return _save(response, Path(dest), max_bytes)
            except httpx.TransportError as exc:
                raise ProviderUnavailable(f"The link could not be fetched ({fault_words(exc)}).",
                                          "Try again, or upload the file instead.") from exc
        raise InvalidInput("The link redirects too many times.", "Give the file's direct link.")

    def close(self) -> None:
        self._client.close()

    def _check(self, url: str) -> httpx.URL:
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise InvalidInput("The link is not a valid URL.", "Give an https:// link.") from exc
        if target.scheme != "https" or not target.host:
            raise InvalidInput("Only https:// links are fetched.", "Give an https:// link, or upload the file.")
        addresses = self._resolve(target.host, target.port or 443)
        if not addresses or not all(is_public(a) for a in addresses):
            raise InvalidInput("The link points to a private or local address; only public links are fetched.",
                               "Upload the file instead.")
        return target


def _check_peer(response: httpx.Response) -> None:
    """The address really connected to must be public too (a host may resolve differently twice)."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and not is_public(str(peer[0])):
        raise InvalidInput("The link points to a private or local address; only public links are fetched.",
                           "Upload the file instead.")


def _save(response: httpx.Response, dest: Path, max_bytes: int) -> Path:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_file(dest)
    try:
        written = 0
        with part.open("wb") as handle:
            for chunk in response.iter_bytes(CHUNK_BYTES):
                written += len(chunk)
                if written > max_bytes:
                    raise _too_large(max_bytes)
                handle.write(chunk)
        if written == 0:
            raise InvalidInput("The link gave an empty file.", "Check the link, or upload the file.")
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def _too_large(max_bytes: int) -> InvalidInput:
    return InvalidInput(f"The file at the link is larger than {max_bytes / 1e6:.0f} MB.",
                        "Use a smaller file, or trim it first.")

"""Shared HTTP helpers for provider adapters: the test-mode guard, retries and safe downloads.

The guard: when `VIDEO_STUDIO_TEST_MODE=1` is set, or while pytest runs a test
(`PYTEST_CURRENT_TEST` is set), the real network transport refuses every host that is not
loopback. Tests therefore reach either an injected `httpx.MockTransport` or a fake vendor
on 127.0.0.1, never a real (paid) API.
"""

from __future__ import annotations

import email.utils
import ipaddress
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.errors import NotConfigured, ProviderFailed, ProviderUnavailable, fault_words

TEST_MODE_ENV = "VIDEO_STUDIO_TEST_MODE"
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0, pool=10.0)
CHUNK_BYTES = 1 << 20


class NetworkBlocked(NotConfigured):
    """Raised instead of sending a request to a real host while tests run."""

    code = "network_blocked"


def in_test_mode() -> bool:
    """True in the test suite (or when VIDEO_STUDIO_TEST_MODE=1): only loopback hosts are reachable."""
    return os.environ.get(TEST_MODE_ENV) == "1" or "PYTEST_CURRENT_TEST" in os.environ


def is_loopback(host: str) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1 addresses."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class GuardedTransport(httpx.BaseTransport):
    """The real network transport, which in test mode refuses every non-loopback host."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if in_test_mode() and not is_loopback(request.url.host):
            raise NetworkBlocked(
                f"Refused to send {request.method} {request.url.host}{request.url.path} in test mode.",
                hint="Tests must use a fake vendor (httpx.MockTransport or a loopback server).",
            )
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def make_client(
    transport: httpx.BaseTransport | None, timeout: httpx.Timeout = DEFAULT_TIMEOUT
) -> httpx.Client:
    """An httpx client over `transport`, or over the guarded real network when none is given."""
    return httpx.Client(transport=transport or GuardedTransport(), timeout=timeout)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header as seconds (numeric or HTTP-date form), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return min(max(0.0, seconds), 3600.0) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class RetryPolicy:
    """Bounded linear back-off for calls that are safe to repeat (never a paid submit)."""

    attempts: int = 5
    base_s: float = 1.0
    max_wait_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def wait(self, attempt: int, retry_after: float | None = None) -> None:
        """Sleep before retry number `attempt` (0-based), honouring the server's Retry-After."""
        delay = retry_after if retry_after is not None else self.base_s * (attempt + 1)
        self.sleep(min(delay, self.max_wait_s))


def send_with_retries(
    send: Callable[[], httpx.Response],
    policy: RetryPolicy,
    label: str,
    is_transient: Callable[[httpx.Response], bool] | None = None,
) -> httpx.Response:
    """Call `send` until it gives a non-transient answer; raise ProviderUnavailable after
    `policy.attempts` transient failures (429, 5xx, connection errors and timeouts)."""
    transient = is_transient or (lambda response: response.status_code in TRANSIENT_STATUSES)
    problem = ""
    for attempt in range(policy.attempts):
        retry_after = None
        try:
            response = send()
        except httpx.TransportError as exc:
            problem = fault_words(exc)
        else:
            if not transient(response):
                return response
            problem = f"HTTP {response.status_code}" + _said(response)
            retry_after = retry_after_seconds(response)
            response.close()
        if attempt + 1 < policy.attempts:
            policy.wait(attempt, retry_after)
    raise ProviderUnavailable(
        f"{label} failed {policy.attempts} times in a row ({problem}).",
        hint="The provider or the network is having trouble; the job can be resumed later.",
    )


def _said(response: httpx.Response) -> str:
    """A short excerpt of the body, for the error message."""
    text = response.text[:120].strip()
    return f": {text}" if text else ""


class DownloadTooLarge(ProviderFailed):
    """The file is larger than the configured download cap."""


def download(
    client: httpx.Client,
    url: str,
    dest: Path,
    *,
    max_bytes: int,
    policy: RetryPolicy,
    label: str = "Download",
    timeout: httpx.Timeout | None = None,
) -> Path:
    """Stream `url` into a temp file beside `dest`, then rename it into place atomically.

    Transient failures (429, 5xx, dropped connections) restart the download; a file over
    `max_bytes` is refused and its partial copy deleted.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    problem = ""
    for attempt in range(policy.attempts):
        retry_after = None
        try:
            with client.stream("GET", url, **({"timeout": timeout} if timeout else {})) as response:
                if response.status_code in TRANSIENT_STATUSES:
                    problem = f"HTTP {response.status_code}"
                    retry_after = retry_after_seconds(response)
                else:
                    _raise_for_download_status(response, label)
                    _stream_to(response, dest, max_bytes, label)
                    return dest
        except httpx.TransportError as exc:
            problem = fault_words(exc)
        if attempt + 1 < policy.attempts:
            policy.wait(attempt, retry_after)
    raise ProviderUnavailable(
        f"{label} failed {policy.attempts} times in a row ({problem}).",
        hint="Try the download again later; the result stays on the provider for a while.",
    )


def write_atomic(data: bytes, dest: Path) -> Path:
    """Write `data` to a temp file beside `dest`, then rename it into place."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_file(dest)
    try:
        with part.open("wb") as handle:
            handle.write(data)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def part_file(dest: Path) -> Path:
    """A new, empty temp file beside `dest` (same filesystem, so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def _raise_for_download_status(response: httpx.Response, label: str) -> None:
    if response.status_code >= 400:
        raise ProviderFailed(
            f"{label} was refused with HTTP {response.status_code}.",
            hint="The output link may have expired; results must be downloaded soon after they finish.",
        )


def _stream_to(response: httpx.Response, dest: Path, max_bytes: int, label: str) -> None:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(label, int(declared), max_bytes)
    part = part_file(dest)
    try:
        with part.open("wb") as handle:
            written = 0
            for chunk in response.iter_bytes(CHUNK_BYTES):
                written += len(chunk)
                if written > max_bytes:
                    raise _too_large(label, written, max_bytes)
                handle.write(chunk)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def _too_large(label: str, size: int, max_bytes: int) -> DownloadTooLarge:
    return DownloadTooLarge(
        f"{label} stopped: the file is over the {max_bytes / 1e6:.0f} MB cap (at least {size / 1e6:.1f} MB).",
        hint="Raise VIDEO_STUDIO_MAX_DOWNLOAD_MB if this output is expected to be that large.",
    )

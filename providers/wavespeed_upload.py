"""Upload local media to WaveSpeed and get back a URL that model inputs can use.

Current flow: `POST /api/v3/media/uploads` {filename, size, content_type} returns a ticket
(`data.upload` = {method, url, headers}) and `data.download_url`; the file's raw bytes are
then streamed to the ticket URL with exactly the ticket's headers. When the ticket endpoint
answers 404, the documented multipart `POST /api/v3/media/upload/binary` is used instead.
Uploads are free, so every step retries transient failures. The API key is never sent to the
ticket's storage URL.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx

from core.errors import ProviderFailed
from providers.http import send_with_retries
from providers.wavespeed_api import TIMEOUTS, WaveSpeedApi, envelope_data, is_transient

TICKET_PATH = "media/uploads"
BINARY_PATH = "media/upload/binary"
CHUNK_BYTES = 1 << 20


class FileChunks:
    """An open file as 1 MiB chunks that still tells httpx its length (so no chunked encoding)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def fileno(self) -> int:
        return self._handle.fileno()

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self._handle.read(CHUNK_BYTES):
            yield chunk


class Uploader:
    """Uploads files once per (path, size, mtime) and remembers their URLs."""

    def __init__(self, api: WaveSpeedApi) -> None:
        self.api = api
        self._known: dict[tuple[str, int, int], str] = {}

    def __call__(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            self._known[key] = self._upload_with_ticket(path) or self._upload_binary(path)
        return self._known[key]

    def _upload_with_ticket(self, path: Path) -> str | None:
        body = {"filename": path.name, "size": path.stat().st_size, "content_type": content_type(path)}
        response = self.api.post(TICKET_PATH, body, "upload", f"Uploading {path.name}")
        if response.status_code == 404:
            return None
        data = envelope_data(response, "upload")
        ticket = data.get("upload")
        download_url = data.get("download_url")
        if not isinstance(ticket, dict) or not ticket.get("url") or not download_url:
            raise ProviderFailed(
                f"WaveSpeed's upload ticket for {path.name} is incomplete.", hint="Try again later."
            )
        method = str(ticket.get("method") or "PUT").upper()
        headers = {str(k): str(v) for k, v in (ticket.get("headers") or {}).items()}
        response = send_with_retries(
            lambda: self._send_file(method, str(ticket["url"]), headers, path),
            self.api.retry,
            f"Uploading {path.name}",
        )
        if not response.is_success:
            raise ProviderFailed(
                f"Uploading {path.name} to WaveSpeed storage failed with HTTP {response.status_code}.",
                hint="Try again; if it keeps failing, the file type or size may not be accepted.",
            )
        return str(download_url)

    def _send_file(self, method: str, url: str, headers: dict[str, str], path: Path) -> httpx.Response:
        with path.open("rb") as handle:
            return self.api.client.request(method, url, content=FileChunks(handle), headers=headers,
                                           timeout=TIMEOUTS["upload"])

    def _upload_binary(self, path: Path) -> str:
        headers = self.api.headers()

        def send() -> httpx.Response:
            with path.open("rb") as handle:
                files = {"file": (path.name, handle, content_type(path))}
                return self.api.client.post(self.api.url(BINARY_PATH), files=files, headers=headers,
                                            timeout=TIMEOUTS["upload"])

        response = send_with_retries(send, self.api.retry, f"Uploading {path.name}", is_transient)
        data = envelope_data(response, "upload")
        if not data.get("download_url"):
            raise ProviderFailed(
                f"WaveSpeed accepted {path.name} but returned no URL.", hint="Try again later."
            )
        return str(data["download_url"])


def content_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"

"""WaveSpeed REST v3 adapter: submit (once), poll, upload, fetch, price quote and balance.

Only `submit` can spend money and it is never retried; everything else retries transient
failures with bounded back-off (the `sleep` is injectable so tests run instantly). In tests
the real network refuses non-loopback hosts (see providers.http.in_test_mode).
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from core.contracts import GenerationRequest, ModelSpec, TaskState
from core.errors import ProviderFailed, SubmitOutcomeUnknown
from providers.http import RetryPolicy, download, make_client, write_atomic
from providers.wavespeed_api import TIMEOUTS, UNKNOWN_HINT, WaveSpeedApi, envelope_data
from providers.wavespeed_upload import Uploader
from providers.wire import build_payload

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.wavespeed.ai"
DEFAULT_MAX_DOWNLOAD_BYTES = 2048 * 1024 * 1024
TEXT_MAX_BYTES = 1024 * 1024
QUOTE_POLICY = RetryPolicy(attempts=1)
URL_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
STATUS_NAMES = {
    "created": "queued",
    "queued": "queued",
    "pending": "queued",
    "processing": "running",
    "running": "running",
    "completed": "completed",
    "succeeded": "completed",
    "failed": "failed",
    "timeout": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "deleted": "failed",
}
# Final statuses of WaveSpeed's own SDK: failed, cancelled, timeout, deleted. Anything unknown is
# read as still running; the job's deadline still ends the wait.
REFUND_NOTE = "WaveSpeed refunds failed runs automatically (within about 3 hours)."


class WaveSpeedProvider:
    """The WaveSpeed adapter of the Provider port."""

    name = "wavespeed"
    title = "WaveSpeed"
    key_env = "WAVESPEED_API_KEY"
    free = False
    accepts_urls = True  # models read https links themselves

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        retry_attempts: int = 5,
    ) -> None:
        self._client = make_client(transport)
        self.retry = RetryPolicy(attempts=retry_attempts, sleep=sleep, max_wait_s=10.0)
        self.api = WaveSpeedApi(api_key, base_url, self._client, self.retry)
        self.upload = Uploader(self.api)
        self.max_download_bytes = max_download_bytes
        self.base_host = httpx.URL(self.api.base_url).host

    def configured(self) -> bool:
        return self.api.api_key is not None

    def build_payload(
        self, model: ModelSpec, request: GenerationRequest, upload: Callable[[Path], str] | None = None
    ) -> dict[str, Any]:
        """The model's flat input fields; local files are uploaded through `upload` (default: WaveSpeed)."""
        return build_payload(model, request, upload or self.upload)

    def submit(self, model: ModelSpec, request: GenerationRequest) -> str:
        """Upload inputs, then send the paid task exactly once. Returns WaveSpeed's task id."""
        self.api.headers()  # NotConfigured before any upload happens
        payload = self.build_payload(model, request)
        data = self.api.post_once(model.provider_model, payload)
        task_id = data.get("id")
        if not isinstance(task_id, str) or not task_id:
            raise SubmitOutcomeUnknown(
                "WaveSpeed accepted the submission but sent no task id.", hint=UNKNOWN_HINT
            )
        return task_id

    def poll(self, model: ModelSpec, task_id: str) -> TaskState:
        """The task's state; transient failures are retried, then ProviderUnavailable."""
        data = self.api.get_once(f"predictions/{task_id}/result", "poll", "Checking the WaveSpeed task")
        return task_state(data)

    def fetch(self, output: str, dest: Path) -> Path:
        """Download an output URL to `dest` atomically (size-capped); a text output is written as text."""
        dest = Path(dest)
        if not is_url(output):
            return write_atomic(output.encode("utf-8"), dest)
        self._check_download_allowed(output)
        return download(
            self._client,
            output,
            dest,
            max_bytes=self.max_download_bytes,
            policy=self.retry,
            label="Downloading the WaveSpeed result",
            timeout=TIMEOUTS["upload"],
        )

    def fetch_text(self, output: str) -> str:
        """A text output (e.g. the prompt optimizer's): the text itself, or the text its URL holds."""
        if not is_url(output):
            return output
        self._check_download_allowed(output)
        with tempfile.TemporaryDirectory(prefix="wavespeed-text-") as folder:
            path = download(
                self._client,
                output,
                Path(folder) / "output.txt",
                max_bytes=TEXT_MAX_BYTES,
                policy=self.retry,
                label="Downloading the WaveSpeed text result",
            )
            return path.read_text(encoding="utf-8", errors="replace").strip()

    def quote(self, model: ModelSpec, request: GenerationRequest) -> float | None:
        """WaveSpeed's live price for these inputs (local files are uploaded, which is free and
        reused by submit). None on any problem: pricing never breaks a run."""
        if not self.configured():
            return None
        try:
            body = {"model_id": model.provider_model, "inputs": self.build_payload(model, request)}
            response = self.api.post("model/price", body, "account", "Price quote", QUOTE_POLICY)
            return _number(envelope_data(response, "account").get("price"))
        except Exception as exc:  # noqa: BLE001 - a quote must never raise
            log.info("WaveSpeed price quote unavailable: %s", exc)
            return None

    def balance(self) -> float | None:
        """The account balance in USD, or None when it cannot be read."""
        if not self.configured():
            return None
        try:
            return _number(self.api.get("balance", "account", "Balance check", QUOTE_POLICY).get("balance"))
        except Exception as exc:  # noqa: BLE001 - a balance check must never raise
            log.info("WaveSpeed balance unavailable: %s", exc)
            return None

    def close(self) -> None:
        self._client.close()

    def _check_download_allowed(self, url: str) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.host == self.base_host):
            return
        raise ProviderFailed(
            f"Refusing to download '{url[:200]}': only https links, or links on "
            f"{self.base_host}, are fetched.",
            hint="This output link looks wrong; run the job again or report it.",
        )


def task_state(data: dict[str, Any]) -> TaskState:
    """Turn a prediction's `data` into a TaskState."""
    raw = str(data.get("status") or "").lower()
    status = STATUS_NAMES.get(raw, "running")
    vendor_error = str(data.get("error") or "").strip()
    if status == "completed":
        outputs = [url for url in (output_text(item) for item in data.get("outputs") or []) if url]
        if not outputs:
            return TaskState(
                status="failed", error=f"WaveSpeed finished the task but returned no output. {REFUND_NOTE}"
            )
        return TaskState(status="completed", progress=1.0, outputs=outputs)
    if status == "failed" and raw == "deleted":
        return TaskState(status="failed", refunded=False,
                         error="WaveSpeed reports the task was deleted; it may have run (and been billed) first")
    if status == "failed":
        reason = "it ran out of time" if raw == "timeout" else "it failed"
        detail = f": {vendor_error}" if vendor_error else " (no reason given)"
        return TaskState(status="failed", error=f"WaveSpeed reports {reason}{detail}. {REFUND_NOTE}")
    if status == "cancelled":
        return TaskState(status="cancelled", error=vendor_error or "The task was cancelled on WaveSpeed.")
    return TaskState(status=status)


def output_text(item: Any) -> str:
    """An output as a string: a URL string, {"url": ...} / {"uri": ...} objects, or text."""
    if isinstance(item, dict):
        for key in ("url", "uri", "download_url", "text"):
            if isinstance(item.get(key), str):
                return item[key]
        return ""
    return item if isinstance(item, str) else ""


def is_url(output: str) -> bool:
    return bool(URL_PATTERN.fullmatch(output.strip()))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None

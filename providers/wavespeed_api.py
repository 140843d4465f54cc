"""WaveSpeed REST v3 plumbing: authenticated calls, the `{code, message, data}` envelope, and the
mapping of vendor answers onto the studio's error tree."""

from __future__ import annotations

from typing import Any, Literal

import httpx

from core.errors import (
    AuthFailed,
    InsufficientBalance,
    InvalidInput,
    NotConfigured,
    NotFound,
    ProviderFailed,
    ProviderUnavailable,
    RateLimited,
    StudioError,
    SubmitOutcomeUnknown,
    fault_words,
)
from providers.http import TRANSIENT_STATUSES, RetryPolicy, retry_after_seconds, send_with_retries

Phase = Literal["submit", "poll", "upload", "account"]
# Read timeouts per call, as WaveSpeed's own SDK sets them (wavespeed 2.0.5).
TIMEOUTS = {phase: httpx.Timeout(seconds, connect=10.0, pool=10.0)
            for phase, seconds in (("poll", 30.0), ("submit", 60.0), ("upload", 120.0), ("account", 30.0))}

KEY_HINT = "Check WAVESPEED_API_KEY (https://wavespeed.ai/accesskey); a key works only after a first top-up."
BALANCE_WORDS = ("insufficient", "credit", "balance")
UNKNOWN_HINT = (
    "The task may exist and may be billed, so it was not sent again. Check your WaveSpeed "
    "history before running it again."
)


class WaveSpeedApi:
    """Authenticated JSON calls to one WaveSpeed base URL. Safe calls retry; `post_once` never does."""

    def __init__(self, api_key: str | None, base_url: str, client: httpx.Client, retry: RetryPolicy) -> None:
        self.api_key = api_key or None
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.retry = retry

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v3/{path.lstrip('/')}"

    def headers(self) -> dict[str, str]:
        """Auth headers for API calls; NotConfigured when there is no key."""
        if not self.api_key:
            raise NotConfigured(
                "WaveSpeed is not set up: WAVESPEED_API_KEY is empty.",
                hint="Add your WaveSpeed key to the environment or .env, or use the free local draft models.",
            )
        return {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}

    def get(self, path: str, phase: Phase, label: str, policy: RetryPolicy | None = None) -> dict[str, Any]:
        """GET with retries on transient answers; returns the envelope's `data`."""
        headers = self.headers()
        response = send_with_retries(
            lambda: self.client.get(self.url(path), headers=headers, timeout=TIMEOUTS[phase]),
            policy or self.retry,
            label,
            is_transient,
        )
        return envelope_data(response, phase)

    def get_once(self, path: str, phase: Phase, label: str) -> dict[str, Any]:
        """One GET, no retries (the job's scheduler retries later, so no worker sleeps here).
        A transient answer raises ProviderUnavailable or RateLimited (with the server's Retry-After)."""
        headers = self.headers()
        try:
            response = self.client.get(self.url(path), headers=headers, timeout=TIMEOUTS[phase])
        except httpx.TransportError as exc:
            raise ProviderUnavailable(f"{label}: no answer from WaveSpeed ({fault_words(exc)}).",
                                      hint="It is checked again shortly.") from exc
        return envelope_data(response, phase)

    def post(
        self, path: str, body: dict[str, Any], phase: Phase, label: str, policy: RetryPolicy | None = None
    ) -> httpx.Response:
        """POST JSON for a call that is free and safe to repeat (uploads, quotes)."""
        headers = self.headers()
        return send_with_retries(
            lambda: self.client.post(self.url(path), json=body, headers=headers, timeout=TIMEOUTS[phase]),
            policy or self.retry,
            label,
            is_transient,
        )

    def post_once(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a paid submission exactly once; returns the envelope's `data`.

        A refused connection means nothing was sent (ProviderUnavailable). A timeout or a
        dropped connection after sending means the task may exist (SubmitOutcomeUnknown).
        """
        headers = self.headers()
        try:
            response = self.client.post(self.url(path), json=body, headers=headers, timeout=TIMEOUTS["submit"])
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ProviderUnavailable(
                f"Could not connect to WaveSpeed ({fault_words(exc)}); nothing was submitted.",
                hint="Check the network, then run it again.",
            ) from exc
        except httpx.TransportError as exc:
            raise SubmitOutcomeUnknown(
                f"The connection to WaveSpeed broke after the request was sent ({fault_words(exc)}).",
                hint=UNKNOWN_HINT,
            ) from exc
        return envelope_data(response, "submit")


def is_transient(response: httpx.Response) -> bool:
    """429/5xx, or HTTP 200 whose envelope code is one of those."""
    return response.status_code in TRANSIENT_STATUSES or envelope_code(response) in TRANSIENT_STATUSES


def envelope_code(response: httpx.Response) -> int | None:
    body = read_json(response)
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


def read_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def envelope_data(response: httpx.Response, phase: Phase) -> dict[str, Any]:
    """The `data` object of a successful envelope; otherwise raise the mapped StudioError."""
    body = read_json(response)
    code = body.get("code") if isinstance(body, dict) else None
    status = response.status_code
    if status < 300 and isinstance(body, dict) and code in (None, 200) and isinstance(body.get("data"), dict):
        return body["data"]
    message = vendor_message(body, response)
    if status < 300:
        if isinstance(code, int) and code != 200:
            status = code
        else:
            raise _unreadable(phase, message)
    raise error_for(status, message, phase, retry_after_seconds(response))


def vendor_message(body: Any, response: httpx.Response) -> str:
    """The vendor's own words: `message`, else `data.error`, else the start of the body."""
    if isinstance(body, dict):
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        for value in (body.get("message"), body.get("error"), data.get("error")):
            if isinstance(value, str) and value.strip():
                return value.strip()
    return response.text[:300].strip() or f"HTTP {response.status_code}"


def error_for(status: int, message: str, phase: Phase, retry_after: float | None = None) -> StudioError:
    """Map a vendor status (HTTP or envelope code) and message to the studio's error tree."""
    said = f"WaveSpeed said: {message}"
    if status == 402 or (status < 500 and any(word in message.lower() for word in BALANCE_WORDS)):
        return InsufficientBalance(
            f"Your WaveSpeed balance is too low for this run. {said}",
            hint="Top up at https://wavespeed.ai, or pick a cheaper or local model.",
        )
    if status in (401, 403):
        return AuthFailed(f"WaveSpeed rejected the API key. {said}", hint=KEY_HINT)
    if status == 429:
        wait = f" Try again in {retry_after:.0f} s." if retry_after is not None else " Try again in a minute."
        return RateLimited(
            f"WaveSpeed is rate-limiting this account. {said}",
            hint=f"Your account level limits runs per minute.{wait}",
            retry_after=retry_after,
        )
    if status in (400, 422):
        return InvalidInput(
            f"WaveSpeed refused the inputs. {said}", hint="Change the settings named above and try again."
        )
    if status == 404:
        return NotFound(
            f"WaveSpeed does not know this {'model' if phase == 'submit' else 'item'}. {said}",
            hint="The model may have been renamed or retired, or the task has expired.",
        )
    if status >= 500 and phase == "submit":
        return SubmitOutcomeUnknown(
            f"WaveSpeed answered the submission with error {status}. {said}", hint=UNKNOWN_HINT
        )
    if status >= 500 or status in TRANSIENT_STATUSES:
        return ProviderUnavailable(
            f"WaveSpeed is having trouble (error {status}). {said}", hint="Try again later."
        )
    return ProviderFailed(
        f"WaveSpeed answered with error {status}. {said}", hint="Try again, or pick another model."
    )


def _unreadable(phase: Phase, message: str) -> StudioError:
    if phase == "submit":
        return SubmitOutcomeUnknown(
            f"WaveSpeed's answer to the submission could not be read: {message}", hint=UNKNOWN_HINT
        )
    return ProviderUnavailable(f"WaveSpeed's answer could not be read: {message}", hint="Try again later.")

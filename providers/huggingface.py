"""Hugging Face inference providers adapter (text-to-video and image-to-video).

`InferenceClient.text_to_video` / `image_to_video` block until the video bytes arrive, so
`submit` runs the call on a background thread and returns a local task id; `poll` reports
running / completed / failed; `fetch` writes the bytes. Tasks live in this process only: after
a restart `poll` reports the task as lost (it is never re-sent automatically).

Catalog conventions: `provider_model` is the Hub model id; `wire.fixed["inference_provider"]`
picks the HF inference provider (default "auto") and is not sent as an input. Other fields are
built by providers.wire, and vendor-native ones travel in `extra_body` / `**kwargs`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from huggingface_hub.errors import HfHubHTTPError

from core.contracts import GenerationRequest, ModelSpec, Operation, TaskState
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
from providers.http import NetworkBlocked, in_test_mode, write_atomic
from providers.wire import build_payload

log = logging.getLogger(__name__)

OUTPUT_SCHEME = "hf-task://"
TOKEN_HINT = (
    "Check HF_TOKEN (https://huggingface.co/settings/tokens) and that it may call Inference Providers."
)
HF_NAMED_ARGS = ("seed", "num_frames", "num_inference_steps", "guidance_scale")
ClientFactory = Callable[..., Any]


class HuggingFaceProvider:
    """The Hugging Face adapter of the Provider port."""

    name = "huggingface"
    title = "Hugging Face"
    key_env = "HF_TOKEN"
    free = False

    def __init__(
        self,
        token: str | None,
        *,
        client_factory: ClientFactory | None = None,
        max_workers: int = 2,
        timeout_s: float = 900.0,
    ) -> None:
        self.token = token or None
        self._client_factory = client_factory
        self._timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(max_workers)
        self._tasks: dict[str, Future[bytes]] = {}
        self._lock = threading.Lock()

    def configured(self) -> bool:
        return self.token is not None

    def submit(self, model: ModelSpec, request: GenerationRequest) -> str:
        """Start the (paid) call on a worker thread, once. Returns a local task id."""
        if not self.token:
            raise NotConfigured(
                "Hugging Face is not set up: HF_TOKEN is empty.",
                hint="Add a Hugging Face token to the environment or .env, or use the free local drafts.",
            )
        call = self._prepare(model, request)
        task_id = f"hf-{uuid.uuid4().hex}"
        with self._lock:
            self._tasks[task_id] = self._start(call)
        return task_id

    def poll(self, model: ModelSpec, task_id: str) -> TaskState:
        future = self._future(task_id)
        if future is None:
            return TaskState(
                status="failed",
                error="This Hugging Face run belonged to an earlier session of the studio and its "
                "result is lost. Run it again.",
                refunded=False,
            )
        if future.cancelled():
            return TaskState(status="cancelled", error="The run was dropped before it started.")
        if not future.done():
            return TaskState(status="running" if future.running() else "queued")
        error = self.error_of(task_id)
        if error is not None:
            billed_maybe = isinstance(error, (ProviderUnavailable, SubmitOutcomeUnknown))
            return TaskState(status="failed", error=str(error), refunded=not billed_maybe)
        return TaskState(status="completed", progress=1.0, outputs=[f"{OUTPUT_SCHEME}{task_id}"])

    def error_of(self, task_id: str) -> StudioError | None:
        """The typed error of a finished, failed task (None while running or after success)."""
        future = self._future(task_id)
        if future is None or not future.done() or future.cancelled() or future.exception() is None:
            return None
        return hf_error(future.exception())

    def fetch(self, output: str, dest: Path) -> Path:
        """Write a finished task's video bytes to `dest` atomically, then release them."""
        task_id = output.removeprefix(OUTPUT_SCHEME)
        future = self._future(task_id)
        if not output.startswith(OUTPUT_SCHEME) or future is None or not future.done() or future.cancelled():
            raise NotFound(f"There is no finished Hugging Face result '{output}'.", hint="Run the job again.")
        error = self.error_of(task_id)
        if error is not None:
            raise error
        video = future.result()
        if not video:
            raise ProviderFailed(
                "Hugging Face returned an empty video.", hint="Try again or pick another model."
            )
        write_atomic(video, Path(dest))
        with self._lock:
            self._tasks.pop(task_id, None)
        return Path(dest)

    def quote(self, model: ModelSpec, request: GenerationRequest) -> float | None:
        """Hugging Face has no price-quote API: the catalog's estimate is used instead."""
        return None

    def balance(self) -> float | None:
        return None

    def close(self) -> None:
        """Drop calls that have not started yet (a call already sent cannot be taken back)."""
        with self._lock:
            for future in self._tasks.values():
                future.cancel()

    def _start(self, call: Callable[[], bytes]) -> Future[bytes]:
        """Run `call` on a daemon thread (so a long call never blocks the app's exit), at most
        `max_workers` at once; later ones wait their turn as 'queued'."""
        future: Future[bytes] = Future()

        def run() -> None:
            with self._slots:
                if not future.set_running_or_notify_cancel():
                    return
                try:
                    future.set_result(call())
                except BaseException as exc:  # noqa: BLE001 - handed to poll() through the future
                    future.set_exception(exc)

        threading.Thread(target=run, name="hf-video", daemon=True).start()
        return future

    def _future(self, task_id: str) -> Future[bytes] | None:
        with self._lock:
            return self._tasks.get(task_id)

    def _prepare(self, model: ModelSpec, request: GenerationRequest) -> Callable[[], bytes]:
        """Check and build everything before any money is spent; returns the blocking call."""
        payload = build_payload(model, request, upload=str)
        inference_provider = payload.pop("inference_provider", "auto")
        named = {key: payload.pop(key) for key in HF_NAMED_ARGS if key in payload}
        prompt = payload.pop("prompt", "")
        negative = payload.pop("negative_prompt", None)
        client = self._client(inference_provider)
        if model.operation == Operation.TEXT_TO_VIDEO:
            negatives = [negative] if negative else None
            return lambda: client.text_to_video(
                prompt,
                model=model.provider_model,
                negative_prompt=negatives,
                extra_body=payload or None,
                **named,
            )
        if model.operation == Operation.IMAGE_TO_VIDEO:
            image = payload.pop("image", None)
            if not image:
                raise InvalidInput("Image-to-video needs an image.", hint="Add a start image and try again.")
            return lambda: client.image_to_video(
                image,
                model=model.provider_model,
                prompt=prompt or None,
                negative_prompt=negative,
                **named,
                **payload,
            )
        raise InvalidInput(
            f"The Hugging Face adapter cannot run '{model.operation}'.",
            hint="Pick a text-to-video or image-to-video model for this provider.",
        )

    def _client(self, inference_provider: str) -> Any:
        if self._client_factory is None:
            if in_test_mode():
                raise NetworkBlocked(
                    "Refused to create a real Hugging Face client in test mode.",
                    hint="Pass client_factory with a fake client in tests.",
                )
            from huggingface_hub import InferenceClient

            self._client_factory = InferenceClient
        return self._client_factory(provider=inference_provider, api_key=self.token, timeout=self._timeout_s)


def hf_error(exc: BaseException) -> StudioError:
    """Map an exception raised by InferenceClient onto the studio's error tree."""
    if isinstance(exc, StudioError):
        return exc
    if isinstance(exc, HfHubHTTPError):
        return _http_error(exc.response.status_code, exc.server_message or str(exc), exc.response.headers)
    name = type(exc).__name__
    if isinstance(exc, TimeoutError) or "Timeout" in name:
        return ProviderUnavailable(
            "Hugging Face did not finish in time; the run may still have been billed.",
            hint="Try again later, or pick a faster model.",
        )
    if name in ("ConnectError", "ConnectTimeout"):
        return ProviderUnavailable("Could not reach Hugging Face.", hint="Check the network, then try again.")
    if isinstance(exc, ValueError):
        return InvalidInput(
            f"Hugging Face cannot run this request: {exc}", hint="Pick another model or provider."
        )
    log.error("Hugging Face call failed", exc_info=exc)
    return ProviderFailed(f"Hugging Face failed ({fault_words(exc)}).", hint="Try again, or pick another model.")


def _http_error(status: int, message: str, headers: Any) -> StudioError:
    said = f"Hugging Face said: {message[:300]}"
    if status in (401, 403):
        return AuthFailed(f"Hugging Face rejected the token. {said}", hint=TOKEN_HINT)
    if status == 402:
        return InsufficientBalance(
            f"Your Hugging Face credits are used up. {said}",
            hint="Add credits at https://huggingface.co/settings/billing, or use a local model.",
        )
    if status == 429:
        retry_after = _seconds(headers.get("retry-after"))
        return RateLimited(
            f"Hugging Face is rate-limiting this token. {said}",
            hint="Wait a minute.",
            retry_after=retry_after,
        )
    if status in (400, 422):
        return InvalidInput(
            f"Hugging Face refused the inputs. {said}", hint="Change the settings and try again."
        )
    if status == 404:
        return NotFound(f"No inference provider serves this model now. {said}", hint="Pick another model.")
    if status >= 500:
        return ProviderUnavailable(
            f"Hugging Face is having trouble (error {status}). {said}", hint="Try again later."
        )
    return ProviderFailed(f"Hugging Face answered with error {status}. {said}", hint="Try again later.")


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None

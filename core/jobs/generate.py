"""Provider generation jobs: submit once, persist the task id, poll, download, settle the ledger.

Money rules live here. A submit is sent only from QUEUED; the task id is written the moment it
exists; polls and downloads are retried, submits are not; a submit with an unknown outcome (or
an app stop in the middle of one) becomes needs-attention instead of being sent again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from core.contracts import GenerationRequest, ModelSpec, Provider, TaskState
from core.errors import (
    AuthFailed,
    InsufficientBalance,
    InvalidInput,
    NotConfigured,
    ProviderFailed,
    ProviderUnavailable,
    RateLimited,
    StudioError,
    SubmitOutcomeUnknown,
)
from core.jobs.runner import JobContext
from core.library.models import Job, JobStatus, utcnow
from core.library.repository import Library
from core.library.reuse import reuse_key
from core.storage import MediaStore
from core.usage import Ledger

DEFINITELY_NOT_SUBMITTED = (NotConfigured, ProviderUnavailable, AuthFailed, InsufficientBalance, InvalidInput)
MAX_SUBMIT_RATE_LIMITS = 5
OUTPUT_SUFFIXES = {".mp4", ".mov", ".webm", ".mp3", ".wav", ".m4a", ".png", ".jpg", ".gif"}


@dataclass
class GenerateDeps:
    """What the handler needs from the rest of the core."""

    providers: dict[str, Provider]
    get_model: callable
    actual_cost: callable  # (request, model, output_duration_s) -> float
    library: Library
    store: MediaStore
    ledger: Ledger
    min_poll_s: float = 1.0
    max_poll_s: float = 10.0
    max_backoff_s: float = 60.0
    _errors: dict[str, int] = field(default_factory=dict)


class GenerateHandler:
    """Drives one provider job through submitting -> running -> downloading -> succeeded."""

    lane = "io"

    def __init__(self, deps: GenerateDeps) -> None:
        self.d = deps

    # -- lifecycle -------------------------------------------------------------------------
    def on_restart(self, job: Job, ctx: JobContext) -> bool:
        provider = self.d.providers.get(job.provider)
        free = bool(provider and provider.free)
        status = JobStatus(job.status)
        if free and status != JobStatus.QUEUED:
            ctx.update(status=JobStatus.QUEUED, task_id=None, progress=0.0,
                       message="Restarted after the app stopped (free draft, rendering again).")
            return True
        if status == JobStatus.SUBMITTING and not job.task_id:
            ctx.fail(SubmitOutcomeUnknown(
                "The app stopped while this job was being sent, so the provider may have created "
                "and billed it.",
                "Check the provider's dashboard before running it again; it was not re-sent."),
                status=JobStatus.NEEDS_ATTENTION)
            self.d.ledger.flag(job.id)
            return False
        if status == JobStatus.DOWNLOADING:
            ctx.update(status=JobStatus.RUNNING, message="Resuming after restart: fetching the result again.")
        return True

    def step(self, job: Job, ctx: JobContext) -> float | None:
        if job.cancel_requested:
            return self._cancel(job, ctx)
        if job.status == JobStatus.QUEUED:
            return self._submit(job, ctx)
        if job.status == JobStatus.SUBMITTING and not job.task_id:
            return 0.0 if self.on_restart(job, ctx) else None
        return self._poll(job, ctx)

    # -- submit ------------------------------------------------------------------------------
    def _submit(self, job: Job, ctx: JobContext) -> float | None:
        model: ModelSpec = self.d.get_model(job.model)
        provider = self.d.providers.get(model.provider)
        request = GenerationRequest.model_validate(job.payload["request"])
        if provider is None or not provider.configured():
            return self._fall_back(job, ctx, model, NotConfigured(
                f"{model.name} needs the {model.provider} provider, which is not configured.",
                "Add its API key in the environment, or pick another model."))
        if not ctx.store.claim(job.id, JobStatus.QUEUED, status=JobStatus.SUBMITTING,
                               attempts=job.attempts + 1, message=f"Sending to {model.name}"):
            return None  # another worker (or a cancel) moved this job on: never submit twice
        try:
            task_id = provider.submit(model, request)
        except SubmitOutcomeUnknown as exc:
            ctx.fail(exc, status=JobStatus.NEEDS_ATTENTION)
            self.d.ledger.flag(job.id)
            return None
        except RateLimited as exc:
            limited = job.payload.get("rate_limited", 0) + 1
            if limited <= MAX_SUBMIT_RATE_LIMITS:
                ctx.update(status=JobStatus.QUEUED, payload={**job.payload, "rate_limited": limited},
                           message=f"The provider is busy; sending again in {exc.retry_after or 10:.0f} s.")
                return exc.retry_after or 10.0
            return self._fall_back(job, ctx, model, exc)
        except DEFINITELY_NOT_SUBMITTED as exc:
            return self._fall_back(job, ctx, model, exc)
        ctx.update(task_id=task_id, submitted_at=utcnow(), status=JobStatus.RUNNING,
                   message=f"{model.name} is working on it")
        return self._poll_interval(job, model)

    def _fall_back(self, job: Job, ctx: JobContext, model: ModelSpec, error: StudioError) -> float | None:
        """Move to the next model of the ladder (never dearer than what was confirmed)."""
        ladder = [m for m in job.payload.get("ladder", []) if m != model.id]
        for candidate_id in ladder:
            candidate = self.d.get_model(candidate_id)
            provider = self.d.providers.get(candidate.provider)
            if provider and provider.configured():
                ctx.update(status=JobStatus.QUEUED, model=candidate.id, provider=candidate.provider,
                           payload={**job.payload, "ladder": ladder[ladder.index(candidate_id) + 1:]},
                           message=f"{model.name}: {error.message} Trying {candidate.name} instead.")
                self.d.ledger.switch_model(job.id, candidate.provider, candidate.id,
                                           job.payload.get("ladder_estimates", {}).get(candidate.id))
                return 0.0
        self.d.ledger.release(job.id, "not-submitted")
        ctx.fail(error)
        return None

    # -- poll and download -------------------------------------------------------------------
    def _poll(self, job: Job, ctx: JobContext) -> float | None:
        model: ModelSpec = self.d.get_model(job.model)
        provider = self.d.providers[model.provider]
        try:
            state = provider.poll(model, job.task_id)
        except RateLimited as exc:
            return exc.retry_after or self._backoff(job)
        except (ProviderUnavailable, AuthFailed, NotConfigured) as exc:
            ctx.update(message=f"Waiting for the provider: {exc.message}")
            return self._backoff(job)
        self.d._errors.pop(job.id, None)
        if state.status in ("queued", "running"):
            self._report(job, ctx, model, state)
            return self._poll_interval(job, model)
        if state.status == "completed":
            return self._download(job, ctx, model, provider, state)
        verb = "was cancelled by the provider" if state.status == "cancelled" else "failed"
        if state.refunded:
            self.d.ledger.release(job.id, "refunded")
            hint = "Nothing is charged for a failed task. Adjust the prompt or try another model."
        else:
            self.d.ledger.flag(job.id)
            hint = "The provider may still have billed this run; check your account before running it again."
        ctx.fail(ProviderFailed(f"{model.name} {verb}: {state.error or 'no reason given'}.", hint))
        return None

    def _report(self, job: Job, ctx: JobContext, model: ModelSpec, state: TaskState) -> None:
        expected = self._expected_s(job, model)
        elapsed = (utcnow() - (job.submitted_at or utcnow())).total_seconds()
        if state.progress is not None:
            fraction, eta = state.progress, state.eta_s
        else:  # the model's latency class: an honest estimate from elapsed time
            fraction, eta = min(elapsed / expected, 0.95), max(expected - elapsed, 0.0)
        label = "queued at the provider" if state.status == "queued" else "rendering"
        ctx.progress(fraction, f"{model.name}: {label}", eta)

    def _download(self, job, ctx, model, provider, state: TaskState) -> float | None:
        ctx.update(status=JobStatus.DOWNLOADING, message="Downloading the result", progress=0.97)
        request = GenerationRequest.model_validate(job.payload["request"])
        assets = []
        try:
            for index, output in enumerate(state.outputs or []):
                tmp = self.d.store.scratch(_suffix(output))
                provider.fetch(output, tmp)
                dest = self.d.store.new_path(job.owner, _suffix(output), f"{model.id}-{index}")
                self.d.store.commit(tmp, dest)
                assets.append(self.d.library.add(
                    dest, owner=job.owner, operation=model.operation.value, provider=model.provider,
                    model=model.id, settings=job.payload["request"], prompt=request.prompt,
                    parent_id=job.payload.get("parent_id"), job_id=job.id,
                    estimate_usd=job.estimate_usd, title=job.payload.get("title", ""),
                    reuse_key=_reuse_key(job, model)))
        except StudioError as exc:
            ctx.update(status=JobStatus.NEEDS_ATTENTION, error=str(exc), error_code=exc.code,
                       message="The result is ready at the provider but could not be downloaded. "
                               "Retry fetches it again without a new (paid) run.")
            return None
        if not assets:
            self.d.ledger.release(job.id, "refunded")
            ctx.fail(ProviderFailed(f"{model.name} finished but returned no output.", "Try again."))
            return None
        actual = self.d.actual_cost(request, model, assets[0].duration_s)
        for asset in assets:
            self.d.library.set_cost(asset.id, actual / len(assets))
        self.d.ledger.settle(job.id, actual)
        ctx.update(status=JobStatus.SUCCEEDED, asset_ids=[a.id for a in assets], actual_usd=actual,
                   progress=1.0, eta_s=0.0, message="Done", error="")
        return None

    def _cancel(self, job: Job, ctx: JobContext) -> None:
        if job.task_id:
            self.d.ledger.settle(job.id, job.estimate_usd)
            ctx.update(status=JobStatus.CANCELLED, eta_s=None,
                       message="Stopped waiting. The provider may still finish and bill this run.")
        else:
            self.d.ledger.release(job.id, "cancelled")
            ctx.update(status=JobStatus.CANCELLED, eta_s=None, message="Cancelled before anything was sent.")
        return None

    # -- timing ------------------------------------------------------------------------------
    def _expected_s(self, job: Job, model: ModelSpec) -> float:
        request = job.payload.get("request", {})
        seconds = request.get("duration") or request.get("input_duration") or model.default_duration or 5
        return max(model.latency.base_s + model.latency.per_output_s * float(seconds), 1.0)

    def _poll_interval(self, job: Job, model: ModelSpec) -> float:
        return min(max(self._expected_s(job, model) / 30, self.d.min_poll_s), self.d.max_poll_s)

    def _backoff(self, job: Job) -> float:
        count = self.d._errors.get(job.id, 0) + 1
        self.d._errors[job.id] = count
        return min(self.d.min_poll_s * 2 ** count, self.d.max_backoff_s)


def _reuse_key(job: Job, model: ModelSpec) -> str | None:
    """The never-pay-twice key of this run: its request's fingerprint (taken when it was queued,
    while its inputs were at hand) with the model that really ran."""
    fingerprint = job.payload.get("reuse_fingerprint")
    return reuse_key(fingerprint, model.id) if fingerprint else None


def _suffix(output: str) -> str:
    suffix = Path(urlparse(output).path).suffix.lower()
    return suffix if suffix in OUTPUT_SUFFIXES else ".mp4"

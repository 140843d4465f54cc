"""Provider generation jobs: re-check the price, submit once, poll, download, settle the ledger.

Money rules live here. Right before sending, the job prices its current rung again (the
provider's live quote when there is one) and refuses to send above `confirm_usd`; it reads
the provider balance (never cached) and refuses, naming the missing amount, when it is short.
A submit is sent only from QUEUED; the task id is written the moment it exists; polls and
downloads are retried, submits never; a submit with an unknown outcome (or an app stop in the
middle of one) becomes needs-attention instead of being sent again. Every ending settles the
ledger (charged, refunded, released or unknown), and every job has a deadline from its model's
latency class, so none is polled forever.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.contracts import GenerationRequest, ModelSpec, Provider, TaskState
from core.errors import (
    AuthFailed,
    InsufficientBalance,
    NotConfigured,
    NotFound,
    ProviderFailed,
    ProviderUnavailable,
    RateLimited,
    StudioError,
    SubmitOutcomeUnknown,
    fault_words,
)
from core.jobs.pending import Waiting, has_pending
from core.jobs.pending import resolve as resolve_pending
from core.jobs.results import NotMedia, keep_outputs, read_text
from core.jobs.runner import JobContext, bounded_delay
from core.jobs.timing import deadline, duration_words, expected_s, finite, is_finite, started, when
from core.library.models import Job, JobStatus, utcnow
from core.library.repository import Library
from core.library.reuse import reuse_key
from core.money.budgets import Limit
from core.money.ledger import Ledger
from core.money.presend import price_before_send
from core.money.pricing import CostEstimate
from core.money.quotes import Quotes
from core.storage import MediaStore

log = logging.getLogger(__name__)
MAX_SUBMIT_RATE_LIMITS = 5
PROGRESS_STEP = 0.02  # a poll writes progress when it moved this much (or its words changed)
EPSILON_USD = 1e-6
WAIT_S = 1.0  # how often a job waiting for another job's output looks again
ACCOUNT_ERRORS = (AuthFailed, InsufficientBalance, NotConfigured)


@dataclass
class GenerateDeps:
    """What the handler needs from the rest of the core."""

    providers: dict[str, Provider]
    get_model: Callable[[str], ModelSpec]
    price: Callable[[GenerationRequest, ModelSpec], CostEstimate]  # core.money.pricing.estimate
    library: Library
    store: MediaStore
    ledger: Ledger
    limits_for: Callable[[str], list[Limit]] = lambda owner: []
    quotes: Quotes | None = None
    output: Literal["media", "text"] = "media"
    keep_text: Callable[[Job, str], dict] | None = None  # a text output's use (AI tags); joins the job's result
    # A request's never-pay-twice fingerprint; an input another job made (pending) is keyed once it exists.
    fingerprint: Callable[[dict], str | None] | None = None
    min_poll_s: float = 1.0
    max_poll_s: float = 10.0
    max_backoff_s: float = 60.0
    auth_grace_s: float = 45.0  # a poll refused as unauthorised for this long ends the job
    deadline_factor: float = 2.0  # the deadline is factor x the slowest documented time, plus the margin
    deadline_margin_s: float = 600.0
    # On the shared queue a free draft renders start to end in one step: its task lives in the
    # worker that rendered it, and the next step could run on another machine.
    inline_free: bool = False
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
            self._stranded_submit(job, ctx)
            return False
        if status == JobStatus.DOWNLOADING:
            ctx.update(status=JobStatus.RUNNING, message="Resuming after restart: fetching the result again.")
        return True

    def lane_for(self, job: Job) -> str:
        """The shared queue's lane: free drafts are local renders; everything else provider traffic."""
        return "render" if self._free(job) and self.d.inline_free else self.lane

    def _free(self, job: Job) -> bool:
        provider = self.d.providers.get(job.provider)
        return bool(provider and provider.free)

    def step(self, job: Job, ctx: JobContext) -> float | None:
        delay = self._step(job, ctx)
        while self.d.inline_free and delay is not None and self._free(job):
            time.sleep(bounded_delay(delay))
            job = ctx.store.get(job.id)
            delay = None if JobStatus(job.status).terminal else self._step(job, ctx)
        return delay

    def _step(self, job: Job, ctx: JobContext) -> float | None:
        try:
            if job.cancel_requested:
                return self._cancel(job, ctx)
            if job.status == JobStatus.QUEUED:
                return self._submit(job, ctx)
            if job.status == JobStatus.SUBMITTING and not job.task_id:
                self._stranded_submit(job, ctx)
                return None
            return self._poll(job, ctx)
        except Exception:  # a bug must still leave the job and the ledger in a true state
            log.exception("generate job %s crashed", job.id)
            current = ctx.store.get(job.id)
            sent = bool(current.task_id) or current.status == JobStatus.SUBMITTING
            (self.d.ledger.flag if sent else self.d.ledger.release)(job.id, "The job stopped on an internal fault.")
            ctx.fail(ProviderFailed("The studio hit an internal fault on this job (it was logged).",
                                    "It was not sent again. " + ("Check the provider's site before running it "
                                                                 "again." if sent else "Nothing was charged.")),
                     status=JobStatus.NEEDS_ATTENTION if sent else JobStatus.FAILED)
            return None

    def _stranded_submit(self, job: Job, ctx: JobContext) -> None:
        ctx.fail(SubmitOutcomeUnknown(
            "The app stopped while this job was being sent, so the provider may have created and billed it.",
            "Check the provider's dashboard before running it again; it was not re-sent."),
            status=JobStatus.NEEDS_ATTENTION)
        self.d.ledger.flag(job.id, "The app stopped in the middle of the submit.")

    # -- submit ------------------------------------------------------------------------------
    def _submit(self, job: Job, ctx: JobContext) -> float | None:
        if has_pending(job):  # an input another job makes (a voice from a script): wait, then use it
            ready = resolve_pending(job, ctx.store, self.d.library)
            if isinstance(ready, Waiting):
                ctx.update(message=ready.message)
                return WAIT_S
            if isinstance(ready, StudioError):
                self.d.ledger.release(job.id, ready.message)
                ctx.fail(ready)
                return None
            if self.d.fingerprint is not None:  # the avatar of a spoken script is keyed by the voice it got
                ready = {**ready, "reuse_fingerprint": self.d.fingerprint(ready["request"])}
            job = ctx.update(payload=ready)
        model: ModelSpec = self.d.get_model(job.model)
        provider = self.d.providers.get(model.provider)
        request = GenerationRequest.model_validate(job.payload["request"])
        if provider is None or not provider.configured():
            return self._next_rung(job, ctx, model, NotConfigured(
                f"{model.name} needs the {model.provider} provider, which is not configured.",
                "Add its API key in the environment, or pick another model."))
        checked = price_before_send(job, model, request, price=self.d.price, quotes=self.d.quotes,
                                    ledger=self.d.ledger, limits=lambda: self.d.limits_for(job.owner))
        if isinstance(checked, StudioError):
            return self._next_rung(job, ctx, model, checked)
        price, basis = checked
        payload = {**job.payload, "price_usd": price, "price_basis": basis}
        if not ctx.store.claim(job.id, JobStatus.QUEUED, status=JobStatus.SUBMITTING, attempts=job.attempts + 1,
                               payload=payload, message=f"Sending to {model.name}"):
            return None  # another worker (or a cancel) moved this job on: never submit twice
        try:
            task_id = provider.submit(model, request)
        except SubmitOutcomeUnknown as exc:
            ctx.fail(exc, status=JobStatus.NEEDS_ATTENTION)
            self.d.ledger.flag(job.id, exc.message)
            return None
        except RateLimited as exc:
            limited = job.payload.get("rate_limited", 0) + 1
            if limited <= MAX_SUBMIT_RATE_LIMITS:
                wait = finite(exc.retry_after, 10.0, 120.0)
                ctx.update(status=JobStatus.QUEUED, payload={**payload, "rate_limited": limited},
                           message=f"The provider is busy; sending again in {wait:.0f} s.")
                return wait
            return self._next_rung(ctx.store.get(job.id), ctx, model, exc)
        except StudioError as exc:  # the provider refused, or the request never left: nothing exists
            return self._next_rung(ctx.store.get(job.id), ctx, model, exc)
        except Exception as exc:  # a fault mid-submit: it may have been sent, so never send it again
            log.exception("submit of job %s failed unexpectedly", job.id)
            unknown = SubmitOutcomeUnknown(f"Sending to {model.name} stopped on an internal fault "
                                           f"({fault_words(exc)}); it may have reached the provider.",
                                           "It was not sent again. Check the provider's site before a new run.")
            ctx.fail(unknown, status=JobStatus.NEEDS_ATTENTION)
            self.d.ledger.flag(job.id, unknown.message)
            return None
        ctx.update(task_id=task_id, submitted_at=utcnow(), status=JobStatus.RUNNING,
                   message=job.payload.get("fallback_note") or f"{model.name} is working on it")
        if not model.offline:
            self.d.ledger.sent(job.id)
        return self._poll_interval(job, model)

    def _next_rung(self, job: Job, ctx: JobContext, model: ModelSpec, error: StudioError) -> float | None:
        """Move to the next rung that can still keep its word, or end the job (nothing was sent)."""
        ladder = job.payload.get("ladder") or []
        ceiling = float(job.payload.get("confirm_usd", job.estimate_usd))
        for index in range(int(job.payload.get("rung", 0)) + 1, len(ladder)):
            rung = ladder[index]
            candidate = self.d.get_model(rung["model"])
            provider = self.d.providers.get(candidate.provider)
            if provider is None or not provider.configured():
                continue
            if isinstance(error, ACCOUNT_ERRORS) and candidate.provider == model.provider:
                continue  # the same account refuses every model
            if not candidate.offline and float(rung.get("max_usd", math.inf)) > ceiling + EPSILON_USD:
                continue
            note = _fallback_note(model, candidate, error)
            if candidate.offline:
                self.d.ledger.release(job.id, note)
            else:
                self.d.ledger.switch_model(job.id, candidate.provider, candidate.id)
            ctx.update(status=JobStatus.QUEUED, model=candidate.id, provider=candidate.provider,
                       estimate_usd=0.0 if candidate.offline else job.estimate_usd,
                       payload={**job.payload, "request": rung["request"], "rung": index, "fallback_note": note},
                       message=note)
            return 0.0
        self.d.ledger.release(job.id, error.message)
        ctx.fail(error)
        return None

    # -- poll and download -------------------------------------------------------------------
    def _poll(self, job: Job, ctx: JobContext) -> float | None:
        model: ModelSpec = self.d.get_model(job.model)
        provider = self.d.providers[model.provider]
        if utcnow() > self._deadline(job, model):
            return self._overdue(job, ctx, model)
        try:
            state = provider.poll(model, job.task_id)
        except RateLimited as exc:
            return finite(exc.retry_after, self._backoff(job), self.d.max_backoff_s)
        except AuthFailed as exc:
            return self._unauthorised(job, ctx, exc)
        except (ProviderUnavailable, NotConfigured) as exc:
            ctx.update(message=f"Waiting for the provider: {exc.message}")
            return self._backoff(job)
        except NotFound as exc:
            self.d.ledger.flag(job.id, exc.message)
            ctx.fail(ProviderFailed(f"{model.name}: the provider no longer knows this task. {exc.message}",
                                    "It may still have been billed; check the provider's site."),
                     status=JobStatus.NEEDS_ATTENTION)
            return None
        except StudioError as exc:  # an error answer about the task (e.g. HTTP 200 with code 400)
            return self._failed(job, ctx, model, TaskState(status="failed", error=exc.message))
        self.d._errors.pop(job.id, None)
        if job.payload.get("auth_since"):
            ctx.update(payload={k: v for k, v in job.payload.items() if k != "auth_since"})
        if state.status in ("queued", "running"):
            self._report(job, ctx, model, state)
            return self._poll_interval(job, model)
        if state.status == "completed":
            return self._download(job, ctx, model, provider, state)
        return self._failed(job, ctx, model, state)

    def _failed(self, job: Job, ctx: JobContext, model: ModelSpec, state: TaskState) -> None:
        verb = "was cancelled by the provider" if state.status == "cancelled" else "failed"
        reason = (state.error or "no reason given").rstrip(".")
        if state.refunded:
            self.d.ledger.refund(job.id, reason)
            hint = "Nothing is charged for a failed task. Adjust the prompt or try another model."
        else:
            self.d.ledger.flag(job.id, reason)
            hint = "The provider may still have billed this run; check your account before running it again."
        ctx.fail(ProviderFailed(f"{model.name} {verb}: {reason}.", hint))
        return None

    def _unauthorised(self, job: Job, ctx: JobContext, exc: AuthFailed) -> float | None:
        now = utcnow()
        since = when(job.payload.get("auth_since")) or now
        if (now - since).total_seconds() >= self.d.auth_grace_s:
            self.d.ledger.flag(job.id, exc.message)
            ctx.fail(AuthFailed(f"{exc.message} The task may still finish at the provider.",
                                f"{exc.hint} Then use 'Fetch the result again' (no new run, no new charge)."),
                     status=JobStatus.NEEDS_ATTENTION)
            return None
        ctx.update(payload={**job.payload, "auth_since": since.isoformat()},
                   message=f"The provider refuses the key while checking the task: {exc.message}")
        return min(self._backoff(job), 10.0)

    def _overdue(self, job: Job, ctx: JobContext, model: ModelSpec) -> None:
        waited = (utcnow() - self._started(job)).total_seconds()
        self.d.ledger.flag(job.id, "No result before the job's deadline.")
        ctx.fail(ProviderFailed(
            f"{model.name} gave no result within {duration_words(waited)} (it usually needs about "
            f"{duration_words(self._expected_s(job, model))}). The task may still finish at the provider.",
            "Use 'Fetch the result again' to check once more (no new run, no new charge)."),
            status=JobStatus.NEEDS_ATTENTION)
        return None

    def _report(self, job: Job, ctx: JobContext, model: ModelSpec, state: TaskState) -> None:
        expected = self._expected_s(job, model)
        elapsed = (utcnow() - self._started(job)).total_seconds()
        if state.progress is not None and math.isfinite(state.progress):
            fraction, eta = state.progress, state.eta_s if is_finite(state.eta_s) else None
        else:  # the model's latency class: an honest estimate from elapsed time
            fraction, eta = min(elapsed / expected, 0.95), max(expected - elapsed, 0.0)
        label = "queued at the provider" if state.status == "queued" else "rendering"
        message = job.payload.get("fallback_note") or f"{model.name}: {label}"
        if message == job.message and abs(fraction - (job.progress or 0.0)) < PROGRESS_STEP:
            return  # nothing a person would see has moved: no row write for this poll
        ctx.progress(fraction, message, eta)

    def _download(self, job: Job, ctx: JobContext, model: ModelSpec, provider: Provider,
                  state: TaskState) -> float | None:
        ctx.update(status=JobStatus.DOWNLOADING, message="Downloading the result", progress=0.97)
        request = GenerationRequest.model_validate(job.payload["request"])
        try:
            if self.d.output == "text":
                text = read_text(provider, state.outputs[0], self.d.store) if state.outputs else ""
                result, assets = {"prompt": text, "source": model.name}, []
                if text and self.d.keep_text is not None:
                    result.update(self.d.keep_text(job, text))
            else:
                fingerprint = job.payload.get("reuse_fingerprint")
                assets = keep_outputs(job, model, provider, state.outputs or [], store=self.d.store,
                                      library=self.d.library, prompt=request.prompt,
                                      reuse=reuse_key(fingerprint, model.id) if fingerprint else None)
                result = None
        except NotMedia as exc:
            self.d.ledger.flag(job.id, exc.message)
            ctx.update(status=JobStatus.NEEDS_ATTENTION, error=str(exc), error_code=exc.code, eta_s=None,
                       message="The provider's result was not playable media and was discarded.")
            return None
        except StudioError as exc:
            self.d.ledger.flag(job.id, exc.message)
            ctx.update(status=JobStatus.NEEDS_ATTENTION, error=str(exc), error_code=exc.code, eta_s=None,
                       message="The result is ready at the provider but could not be downloaded. "
                               "'Fetch the result again' fetches it without a new (paid) run.")
            return None
        if not assets and result is None or (result is not None and not result["prompt"]):
            self.d.ledger.refund(job.id, "no output")
            ctx.fail(ProviderFailed(f"{model.name} finished but returned no output.", "Try again."))
            return None
        actual = self._actual(job, model, request, assets[0].duration_s if assets else 0.0)
        for asset in assets:
            self.d.library.set_cost(asset.id, actual / len(assets))
        if model.offline:
            self.d.ledger.release(job.id, "made by the free offline provider")
        else:
            self.d.ledger.charge(job.id, actual)
        changes = {"payload": {**job.payload, "result": result}} if result is not None else {}
        ctx.update(status=JobStatus.SUCCEEDED, asset_ids=[a.id for a in assets], actual_usd=actual, progress=1.0,
                   eta_s=0.0, message=job.payload.get("fallback_note") or "Done", error="", error_code="", **changes)
        return None

    def _actual(self, job: Job, model: ModelSpec, request: GenerationRequest, output_s: float) -> float:
        """What the run cost: the price checked before sending; a bound is re-priced on the real
        output length (never above the bound)."""
        if model.offline:
            return 0.0
        price = float(job.payload.get("price_usd", job.estimate_usd))
        if job.payload.get("price_basis") == "upper-bound" and output_s:
            est = self.d.price(request.model_copy(update={"input_duration": output_s}), model)
            if est.known:
                return round(min(est.per_run_usd, price), 4)
        return round(price, 4)

    def _cancel(self, job: Job, ctx: JobContext) -> None:
        if job.task_id:
            self.d.ledger.flag(job.id, "Cancelled after it was sent; the provider may still bill it.")
            ctx.update(status=JobStatus.CANCELLED, eta_s=None,
                       message="Stopped waiting. The provider may still finish and bill this run.")
        else:
            self.d.ledger.release(job.id, "Cancelled before anything was sent.")
            ctx.update(status=JobStatus.CANCELLED, eta_s=None, message="Cancelled before anything was sent.")
        return None

    # -- timing ------------------------------------------------------------------------------
    def _expected_s(self, job: Job, model: ModelSpec) -> float:
        return expected_s(job, model)

    def _started(self, job: Job) -> datetime:
        return started(job)

    def _deadline(self, job: Job, model: ModelSpec) -> datetime:
        return deadline(job, model, self.d.deadline_factor, self.d.deadline_margin_s)

    def _poll_interval(self, job: Job, model: ModelSpec) -> float:
        return min(max(self._expected_s(job, model) / 30, self.d.min_poll_s), self.d.max_poll_s)

    def _backoff(self, job: Job) -> float:
        count = self.d._errors.get(job.id, 0) + 1
        self.d._errors[job.id] = count
        return min(self.d.min_poll_s * 2 ** min(count, 16), self.d.max_backoff_s)


def _fallback_note(model: ModelSpec, candidate: ModelSpec, error: StudioError) -> str:
    """What the job says when it moves on, in words (never a silent switch to a free draft)."""
    first = error.message.split(". ")[0].rstrip(".")
    if candidate.offline:
        if isinstance(error, ACCOUNT_ERRORS):
            return f"{first}; made a free offline draft instead."
        return f"{model.name} could not run ({first}); made a free offline draft instead."
    return f"{model.name}: {first}. Trying {candidate.name} instead."

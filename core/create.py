"""Create Studio's operations: estimate, create (variations as jobs) and prompt enhancement."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from core.contracts import GenerationRequest, Operation
from core.errors import InvalidInput, StudioError
from core.library.models import Job
from core.library.reuse import request_fingerprint
from core.preflight import PreflightResult, Usage, run_preflight
from core.pricing import estimate as estimate_cost

if TYPE_CHECKING:
    from core.studio import Studio


def to_request(request: dict | GenerationRequest) -> GenerationRequest:
    """Accept a plain dict from the API/tab; drop empty strings so defaults apply."""
    if isinstance(request, GenerationRequest):
        return request
    if not isinstance(request, dict):
        raise InvalidInput("The request must be a JSON object.", "See the README for the fields.")
    cleaned = {k: v for k, v in request.items() if v not in ("", None)}
    if cleaned.get("model") in (None, "", "Auto (recommended)"):
        cleaned["model"] = "auto"
    try:
        return GenerationRequest.model_validate(cleaned)
    except ValueError as exc:
        raise InvalidInput(f"The request is not valid: {_first_error(exc)}",
                           "Check the field names and values in the README.") from exc


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", lambda: [])()
    if errors:
        err = errors[0]
        return f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg')}"
    return str(exc)


class CreateService:
    """Text/image-to-video runs through preflight into the job queue."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio

    def preflight(self, request: dict | GenerationRequest, user: str) -> PreflightResult:
        s = self.studio
        req = to_request(request)
        usage = Usage(s.ledger.month_spend(user), s.ledger.month_runs(user))
        return run_preflight(req, catalog=s.catalog, configured=s.configured_providers(),
                             plan=s.plan, usage=usage, work_dir=s.settings.work_dir,
                             confirm_above_usd=s.settings.confirm_above_usd,
                             platform_defaults=s.platform_defaults)

    def estimate(self, request: dict | GenerationRequest, user: str) -> dict:
        try:
            return self.preflight(request, user).to_dict()
        except InvalidInput as exc:
            return _refusal(request, exc)

    def create(self, request: dict | GenerationRequest, user: str, confirm: bool = False,
               parent_id: str | None = None) -> dict:
        """Enqueue one job per variation after preflight. Refuses, with reasons, otherwise."""
        try:
            result = self.preflight(request, user)
        except InvalidInput as exc:
            return {**_refusal(request, exc), "ok": False, "job_ids": []}
        answer = result.to_dict()
        if not result.allowed:
            return {**answer, "ok": False, "job_ids": []}
        if result.needs_confirmation and not confirm:
            return {**answer, "ok": False, "job_ids": [],
                    "message": f"This run costs about ${result.estimate.total_usd:.2f}. Confirm to start it."}
        job_ids = self._enqueue(result, user, parent_id)
        return {**answer, "ok": True, "job_ids": job_ids, "group_id": self._group_of(job_ids)}

    def _enqueue(self, result: PreflightResult, user: str, parent_id: str | None) -> list[str]:
        s = self.studio
        model, est, req = result.model, result.estimate, result.request
        group_id = uuid4().hex[:12]
        job_ids = []
        for index in range(req.variations):
            seed = None if req.seed is None else req.seed + index
            single = req.model_copy(update={"variations": 1, "seed": seed})
            job = Job(owner=user, kind="generate", group_id=group_id, operation=req.operation.value,
                      provider=model.provider, model=model.id, estimate_usd=est.per_run_usd,
                      payload={"request": single.model_dump(mode="json"),
                               "ladder": [m.id for m in result.ladder],
                               "ladder_estimates": result.ladder_estimates,
                               "verified": est.verified, "title": _title(req, index),
                               "parent_id": parent_id, "reuse_fingerprint": self._fingerprint(single)})
            s.jobs.create(job)
            s.ledger.reserve(job_id=job.id, owner=user, provider=model.provider, model=model.id,
                             estimate_usd=est.per_run_usd, verified=est.verified)
            s.runner.enqueue(job.id)
            job_ids.append(job.id)
        return job_ids

    def _fingerprint(self, request: GenerationRequest) -> str | None:
        """The request's never-pay-twice fingerprint (input files by content); None if unreadable."""
        try:
            return request_fingerprint(request.model_dump(mode="json"), self.studio.media_cache.file_hash)
        except (StudioError, OSError):
            return None

    def _group_of(self, job_ids: list[str]) -> str | None:
        return self.studio.jobs.get(job_ids[0]).group_id if job_ids else None

    def actual_cost(self, request: GenerationRequest, model, output_duration_s: float) -> float:
        """What a finished run cost: re-priced on the real output length when length follows an input."""
        if model.capabilities.duration_from in ("audio", "video") and output_duration_s:
            request = request.model_copy(update={"input_duration": output_duration_s})
        return estimate_cost(request, model).per_run_usd



def _refusal(request, exc: InvalidInput) -> dict:
    """The estimate shape for a request that could not even be read."""
    return {"allowed": False, "model": None, "model_name": None, "provider": None, "offline": False,
            "total_usd": 0.0, "per_run_usd": 0.0, "variations": 1, "price_verified": False,
            "breakdown": [], "notes": [], "needs_confirmation": False, "fallbacks": [],
            "issues": [{"field": "request", "message": str(exc), "allowed": []}],
            "request": request if isinstance(request, dict) else {}}


def _title(req: GenerationRequest, index: int) -> str:
    base = (req.prompt or req.operation.value).strip().splitlines()[0][:60] if (req.prompt or "").strip() \
        else req.operation.value
    return f"{base} (v{index + 1})" if req.variations > 1 else base

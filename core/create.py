"""Create Studio's operations: estimate, create (variations as jobs) and prompt enhancement."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from uuid import uuid4

from core.accounts.policy import restrict
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


MEDIA_FIELDS = ("image", "audio", "video")
ASSET_ID = re.compile(r"^[0-9a-f]{16}$")


class MediaRefused(InvalidInput):
    """A media field that is neither the caller's asset id nor an https URL."""

    def __init__(self, field: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.field = field


def resolve_media(request: dict, get_path) -> dict:
    """Media fields name the caller's assets by id (`get_path(id)` is owner-scoped and raises
    NotFound for anyone else's) or an https URL; a server path is refused without looking at it."""
    resolved = dict(request)
    for field in MEDIA_FIELDS:
        value = resolved.get(field)
        if value in (None, "") or (isinstance(value, str) and value.startswith("https://")):
            continue
        if not isinstance(value, str) or not ASSET_ID.match(value):
            raise MediaRefused(field, f"The {field} must be one of your asset ids or an https:// URL; "
                               "server paths are not accepted.",
                               "Upload the file with /import (or in the tab) and send its asset id.")
        try:
            resolved[field] = get_path(value)
        except InvalidInput as exc:
            raise MediaRefused(field, str(exc)) from None
        except StudioError as exc:
            raise MediaRefused(field, f"The {field} {value} was not found.", "Pick an asset from your library.") \
                from exc
    return resolved


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
        if isinstance(request, dict):
            request = resolve_media(request, lambda asset_id: s.library.get(asset_id, user).path)
        req = to_request(request)
        policy = s.policy.current()
        catalog, policy_issues = restrict(policy, req.operation.value, req.model, s.catalog)
        usage = Usage(s.ledger.month_spend(user), s.ledger.month_runs(user))
        confirm_above = s.settings.confirm_above_usd if policy.confirm_above_usd is None \
            else policy.confirm_above_usd
        result = run_preflight(req, catalog=catalog, configured=s.configured_providers(),
                               plan=s.plan_for(user), usage=usage, work_dir=s.settings.work_dir,
                               confirm_above_usd=confirm_above, platform_defaults=s.platform_defaults)
        result.issues = policy_issues + result.issues
        return result

    def estimate(self, request: dict | GenerationRequest, user: str) -> dict:
        try:
            return _echo_media(self.preflight(request, user).to_dict(), request)
        except InvalidInput as exc:
            return _refusal(request, exc)

    def create(self, request: dict | GenerationRequest, user: str, confirm: bool = False,
               parent_id: str | None = None) -> dict:
        """Enqueue one job per variation after preflight. Refuses, with reasons, otherwise."""
        try:
            result = self.preflight(request, user)
        except InvalidInput as exc:
            return {**_refusal(request, exc), "ok": False, "job_ids": []}
        answer = _echo_media(result.to_dict(), request)
        if not result.allowed:
            return {**answer, "ok": False, "job_ids": []}
        if result.needs_confirmation and not confirm:
            return {**answer, "ok": False, "job_ids": [],
                    "message": f"This run costs about ${result.estimate.total_usd:.2f}. Confirm to start it."}
        job_ids = self._enqueue(result, user, parent_id)
        if isinstance(request, dict):
            for field in MEDIA_FIELDS:
                if isinstance(request.get(field), str) and ASSET_ID.match(request[field]):
                    self.studio.audit.record(user, "used-as-input", asset_id=request[field], job_id=job_ids[0],
                                             operation=result.request.operation.value, field=field)
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



def _echo_media(answer: dict, request) -> dict:
    """The request echoed back names media as the client did (asset ids), never by server path."""
    if isinstance(request, dict) and isinstance(answer.get("request"), dict):
        answer["request"] = {**answer["request"],
                             **{f: request.get(f) or None for f in MEDIA_FIELDS if f in answer["request"]}}
    return answer


def _refusal(request, exc: InvalidInput) -> dict:
    """The estimate shape for a request that could not even be read."""
    return {"allowed": False, "model": None, "model_name": None, "provider": None, "offline": False,
            "total_usd": 0.0, "per_run_usd": 0.0, "variations": 1, "price_verified": False,
            "breakdown": [], "notes": [], "needs_confirmation": False, "fallbacks": [],
            "issues": [{"field": getattr(exc, "field", "request"), "message": str(exc), "allowed": []}],
            "request": request if isinstance(request, dict) else {}}


def _title(req: GenerationRequest, index: int) -> str:
    base = (req.prompt or req.operation.value).strip().splitlines()[0][:60] if (req.prompt or "").strip() \
        else req.operation.value
    return f"{base} (v{index + 1})" if req.variations > 1 else base

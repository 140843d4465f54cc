"""Create Studio's operations: estimate and create (variations as jobs), through the boundary.

A request is parsed strictly (core.boundary.create), its media resolved to files the core
holds (the caller's assets, fetched links), then priced and checked by the money preflight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from core.accounts.policy import CONSENT_OPERATIONS, CONSENT_STATEMENT, Policy, consent_issue, restrict
from core.boundary import parse
from core.boundary.create import CreateRequest
from core.boundary.fields import is_asset_id
from core.capability import Issue
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Provider
from core.errors import InvalidInput, PlanLimitExceeded
from core.jobs.store import JobStore
from core.library.models import Job, LedgerEntry
from core.library.refs import MediaResolver
from core.library.reuse import offer, reuse_key
from core.money import confirmation
from core.money.budgets import Limit
from core.money.ledger import Ledger
from core.money.meter import KeyHelp
from core.money.plans import Plan
from core.money.preflight import PreflightResult, Usage, run_preflight
from core.money.pricing import CostEstimate
from core.money.quotes import Quotes
from core.platform_presets import apply_platform
from core.views import headline

MEDIA_FIELDS = ("image", "audio", "video")
MEDIA_OPTIONS = ("right_audio",)  # options that name a file: resolved like media fields
FILLED_DEFAULTS = ("duration", "resolution", "aspect", "generate_audio")


@dataclass
class CreateDeps:
    """What creating needs from the rest of the core."""

    catalog: Catalog
    providers: dict[str, Provider]
    plan_for: Callable[[str], Plan]  # an owner's plan (their account's, with their own budget)
    policy: Callable[[], Policy]  # the team's policy: allowed models, features, confirmation threshold
    ledger: Ledger
    jobs: JobStore
    enqueue: Callable[..., None]  # (job id, kind=...) -> scheduled
    media: MediaResolver
    work_dir: Path
    confirm_above_usd: float
    limits: Callable[..., list[Limit]]  # (owner, plan=None) -> the owner's monthly caps (plan, team)
    quotes: Quotes | None = None
    fingerprint: Callable[[dict], str | None] = lambda request: None  # never-pay-twice key of a run
    find_reuse: Callable[[str, str], dict | None] = lambda key, owner: None  # (reuse key, owner) -> earlier asset
    audit: Callable[..., None] = lambda owner, action, **facts: None  # the append-only audit log


@dataclass
class Intake:
    """A parsed request with its media resolved: the core's request and what the client named."""

    parsed: CreateRequest
    request: GenerationRequest
    issues: list[Issue]
    notes: list[str]


class CreateService:
    """Text/image-to-video (and provider edits) through preflight into the job queue."""

    def __init__(self, deps: CreateDeps) -> None:
        self.d = deps

    def configured(self) -> set[str]:
        return {name for name, p in self.d.providers.items() if p.configured()}

    def provider_status(self) -> list[dict]:
        """Each provider: configured, free, how many catalog models (the banner over the tabs)."""
        return [{"provider": name, "configured": p.configured(), "free": p.free,
                 "models": len(self.d.catalog.models(provider=name))} for name, p in self.d.providers.items()]

    def intake(self, request: dict | CreateRequest, owner: str) -> Intake:
        """Parse (InvalidInput on a bad shape) and resolve every media reference to a file."""
        parsed = parse(CreateRequest, request)
        fields, issues, notes = parsed.generation_fields(), [], []
        fields["options"] = self._media_options(fields["options"], owner, issues, notes)
        for kind in MEDIA_FIELDS:
            if fields.get(kind):
                try:
                    resolved = self.d.media.resolve(fields[kind], owner, kind)
                except InvalidInput as exc:
                    issues.append(Issue(field=kind, message=exc.message, allowed=[]))
                    fields[kind] = None
                    continue
                fields[kind] = resolved.value
                if resolved.note:
                    notes.append(resolved.note)
        return Intake(parsed, GenerationRequest.model_validate(fields), issues, notes)

    def _media_options(self, options: dict, owner: str, issues: list[Issue], notes: list[str]) -> dict:
        """Options that name media (a second voice) resolve like media fields: the caller's asset or
        a fetched link, never a server path."""
        out = dict(options)
        for key in MEDIA_OPTIONS:
            value = out.get(key)
            if value in (None, ""):
                continue
            field = f"options.{key}"
            try:
                if not isinstance(value, str):
                    raise InvalidInput(f"{field}: give an asset id or an https:// link.", field=field)
                resolved = self.d.media.resolve(value, owner, field)
            except InvalidInput as exc:
                issues.append(Issue(field=field, message=exc.message, allowed=[]))
                out.pop(key)
                continue
            out[key] = resolved.value
            if resolved.note:
                notes.append(resolved.note)
        return out

    def threshold(self, policy: Policy | None = None) -> float:
        """Runs above this `max_usd` need `confirm_usd` (the team policy's, else the setting's)."""
        policy = policy or self.d.policy()
        return self.d.confirm_above_usd if policy.confirm_above_usd is None else policy.confirm_above_usd

    def preflight(self, intake: Intake, owner: str, planned_s: float | None = None, *,
                  policy: Policy | None = None, plan: Plan | None = None) -> PreflightResult:
        """Model, bounded cost and issues (nothing written); `planned_s` bounds a pending audio's length.
        `policy` and `plan`, when the caller already read them, are not read again."""
        result = self.check(intake.request, owner, planned_s, policy=policy, plan=plan)
        consent = consent_issue(intake.request.operation.value, getattr(intake.parsed, "consent", None))
        result.issues = intake.issues + ([consent] if consent else []) + result.issues
        result.notes = intake.notes + result.notes
        return result

    def check(self, req: GenerationRequest, owner: str, planned_s: float | None = None, *,
              policy: Policy | None = None, plan: Plan | None = None) -> PreflightResult:
        """The money preflight of a request whose media are already files the core holds (the team
        policy, the owner's plan and month, the guard, the bounded price): what Compare prices with."""
        d = self.d
        policy = policy or d.policy()
        catalog, policy_issues = restrict(policy, req.operation.value, req.model, d.catalog)
        usage = Usage(*d.ledger.month_usage(owner))
        result = run_preflight(req, catalog=catalog, configured=self.configured(), plan=plan or d.plan_for(owner),
                               usage=usage, work_dir=d.work_dir, confirm_above_usd=self.threshold(policy),
                               platform_defaults=apply_platform, accepts_urls=self._accepts_urls,
                               quote=self._quote if d.quotes else None, keys=self.key_help, planned_s=planned_s)
        result.issues = policy_issues + result.issues
        if result.model is not None:  # never pay twice: the owner's asset made by exactly this request
            fingerprint = d.fingerprint(result.request.model_dump(mode="json"))
            result.reuse = d.find_reuse(reuse_key(fingerprint, result.model.id), owner) if fingerprint else None
        return result

    def key_help(self, name: str) -> KeyHelp:
        """How the provider `name`'s key is called and set (its adapter says; else generic words)."""
        provider = self.d.providers.get(name)
        return KeyHelp(getattr(provider, "title", name), getattr(provider, "key_env", "its API key"))

    def _accepts_urls(self, model: ModelSpec) -> bool:
        return bool(getattr(self.d.providers.get(model.provider), "accepts_urls", False))

    def _quote(self, model: ModelSpec, request: GenerationRequest, est: CostEstimate) -> CostEstimate:
        price = self.d.quotes.quote(model, request)
        return est if price is None else est.quoted(price, model.provider)

    def estimate(self, request: dict | CreateRequest, *, owner: str) -> dict:
        try:
            intake = self.intake(request, owner)
        except InvalidInput as exc:
            return refusal(exc)
        return self._answer(intake, self.preflight(intake, owner))

    def create(self, request: dict | CreateRequest, *, owner: str, parent_id: str | None = None,
               kind: str = "generate") -> dict:
        """Enqueue one job per variation after preflight and confirmation; refuses, with reasons, otherwise."""
        try:
            intake = self.intake(request, owner)
        except InvalidInput as exc:
            return {**refusal(exc), "ok": False, "job_ids": []}
        policy, plan = self.d.policy(), self.d.plan_for(owner)  # read once for the whole call
        result = self.preflight(intake, owner, policy=policy, plan=plan)
        answer = self._answer(intake, result)
        if not result.allowed:
            return {**answer, "ok": False, "job_ids": []}
        parsed = intake.parsed
        if result.reuse and not result.model.offline and kind == "generate" and not parsed.run_again:
            # Never pay twice: the same model, inputs (by content), settings and seed made this before.
            return {**answer, "ok": False, "job_ids": [],
                    "message": offer(result.reuse, answer["max_usd"], answer["price_basis"] != "exact")}
        issue = confirmation.check(max_usd=answer["max_usd"], threshold_usd=self.threshold(policy),
                                   confirm_usd=parsed.confirm_usd, confirm=parsed.confirm)
        if issue is not None:
            return {**answer, "ok": False, "job_ids": [], "message": issue.message,
                    "issues": answer["issues"] + [issue.model_dump()]}
        ceiling = confirmation.ceiling(answer["max_usd"], parsed.confirm_usd)
        try:
            consent = {"consent": {"statement": CONSENT_STATEMENT, "given_by": owner}} \
                if result.request.operation.value in CONSENT_OPERATIONS else {}
            job_ids, group_id = self._enqueue(result, owner, parent_id, ceiling, kind,
                                              {**consent, "asked": answer["request"]}, plan)
        except PlanLimitExceeded as exc:
            issue = Issue(field="budget", message=str(exc), allowed=[])
            return {**answer, "ok": False, "allowed": False, "job_ids": [], "message": str(exc),
                    "issues": answer["issues"] + [issue.model_dump()]}
        for job_id in job_ids if consent else []:
            self.d.audit(owner, "consent-given", job_id=job_id, operation=result.request.operation.value,
                         statement=CONSENT_STATEMENT)
        for field in MEDIA_FIELDS:
            named = getattr(parsed, field)
            if named and is_asset_id(named):
                self.d.audit(owner, "used-as-input", asset_id=named, job_id=job_ids[0],
                             operation=result.request.operation.value, field=field)
        return {**answer, "ok": True, "job_ids": job_ids, "group_id": group_id}

    def _answer(self, intake: Intake, result: PreflightResult) -> dict:
        answer = result.to_dict()
        public = intake.parsed.generation_fields()
        for key in FILLED_DEFAULTS:
            if public.get(key) is None:
                public[key] = answer["request"].get(key)
        answer["request"] = {k: v for k, v in public.items() if v is not None}
        return answer

    def _enqueue(self, result: PreflightResult, owner: str, parent_id: str | None, ceiling: float,
                 kind: str, extra: dict | None = None, plan: Plan | None = None) -> tuple[list[str], str]:
        """One job per variation. The reservations (each run's max_usd) are taken first, in one
        transaction with the budget check; then the jobs are written and queued. `extra` joins
        each job's payload (e.g. the consent statement)."""
        group_id = uuid4().hex[:12]
        jobs, entries = self.runs(result, owner, parent_id, ceiling, kind, group_id)
        for job in jobs:
            job.payload = {**job.payload, **(extra or {})}
            if "asked" in job.payload:
                job.payload["asked"] = {**job.payload["asked"], "variations": 1,
                                        "seed": job.payload["request"].get("seed")}
        return self.queue(jobs, entries, owner, plan), group_id

    def queue(self, jobs: list[Job], entries: list[LedgerEntry], owner: str, plan: Plan | None = None) -> list[str]:
        """Reserve every entry in one transaction with the budget check (PlanLimitExceeded and
        nothing written when they do not fit), then write and queue the jobs in order."""
        self.d.ledger.reserve(entries, self.d.limits(owner, plan))
        for job in jobs:
            self.d.jobs.create(job)
            self.d.enqueue(job.id, kind=job.kind)
        return [job.id for job in jobs]

    def runs(self, result: PreflightResult, owner: str, parent_id: str | None, ceiling: float, kind: str,
             group_id: str) -> tuple[list[Job], list[LedgerEntry]]:
        """The jobs (one per variation) and ledger entries of a preflighted request, not yet written."""
        d = self.d
        model, est, req = result.model, result.estimate, result.request
        jobs, entries = [], []
        for index in range(req.variations):
            ladder = [{**rung.to_payload(), "request": _single(rung.request, index)} for rung in result.ladder]
            job = Job(owner=owner, kind=kind, group_id=group_id, operation=req.operation.value,
                      provider=model.provider, model=model.id,
                      estimate_usd=0.0 if model.offline else est.max_per_run_usd,
                      payload={"request": ladder[0]["request"], "ladder": ladder, "rung": 0,
                               "confirm_usd": round(ceiling / req.variations, 4), "verified": est.verified,
                               "title": _title(req, index), "parent_id": parent_id,
                               "reuse_fingerprint": d.fingerprint(ladder[0]["request"])})
            jobs.append(job)
            if not model.offline:
                entries.append(LedgerEntry(job_id=job.id, owner=owner, provider=model.provider, model=model.id,
                                           kind="prompt" if kind == "prompt" else "run",
                                           month="", estimate_usd=est.max_per_run_usd, verified_price=est.verified))
        return jobs, entries


def refusal(exc: InvalidInput) -> dict:
    """The estimate shape for a request that could not even be read (nothing of it is echoed)."""
    return {"allowed": False, "model": None, "model_name": None, "provider": None, "offline": False,
            "total_usd": 0.0, "max_usd": 0.0, "price_basis": "exact", "per_run_usd": 0.0, "variations": 1,
            "price_verified": False, "breakdown": [], "notes": [], "needs_confirmation": False,
            "fallbacks": [], "issues": exc.issues, "message": str(exc), "request": {}, "needs_key": None,
            "expected_s": None}


def _single(request: GenerationRequest, index: int) -> dict:
    """Variation `index` of a request: one run, its own seed."""
    seed = None if request.seed is None else request.seed + index
    return request.model_copy(update={"variations": 1, "seed": seed}).model_dump(mode="json")


def _title(req: GenerationRequest, index: int) -> str:
    base = headline(req.prompt) or req.operation.value
    return f"{base} (v{index + 1})" if req.variations > 1 else base

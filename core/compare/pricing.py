"""The compare's one door to the money room: price, confirm, reserve, and the job each run becomes.

A compare has no money path of its own. Each model's request goes through Create's preflight
(team policy, plan, capability guard, bounded price: `max_usd` and `price_basis`, a live quote
when the provider gives one); the group's total bound needs one confirmation
(`core.money.confirmation`: `confirm_usd` at or above it when it is over the threshold); every
paid run's `max_usd` is reserved in ONE `Ledger.reserve(entries, limits)` call, atomic with the
owner's and the team's caps, before any job exists; each job carries its own share of the
confirmed amount as its `confirm_usd`, which the generate handler re-checks right before it
sends. A compare run never falls back to another model: the point is to see that model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.capability import Issue
from core.contracts import GenerationRequest, ModelSpec
from core.errors import InvalidInput
from core.library.models import Job, LedgerEntry
from core.library.refs import MediaResolver
from core.money import confirmation
from core.money.budgets import Limit
from core.money.ledger import Ledger
from core.money.preflight import PreflightResult
from core.money.pricing import CostEstimate

EPSILON_USD = 1e-6


@dataclass
class Priced:
    """One model's request as it will run, what it costs at most, and why it may not run."""

    model: ModelSpec
    request: GenerationRequest
    estimate_usd: float = 0.0
    max_usd: float = 0.0
    basis: str = "exact"
    verified: bool = True
    issues: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rung: dict | None = None  # the handler's ladder entry (core.money.preflight.Rung.to_payload)

    @property
    def allowed(self) -> bool:
        return not self.issues


@dataclass
class MoneyDoor:
    """What the compare needs from the money room (wired by the facade)."""

    preflight: Callable[[GenerationRequest, str], PreflightResult]  # core.create.CreateService.check
    price_of: Callable[[GenerationRequest, ModelSpec], CostEstimate]  # the catalog price, for models left out
    ledger: Ledger
    limits: Callable[[str], list[Limit]]  # an owner's monthly caps (plan or own budget, team)
    threshold_usd: Callable[[], float]  # runs above this need confirm_usd (the team policy's, else the setting)
    media: MediaResolver
    audit: Callable[..., None] = lambda owner, action, **facts: None

    def file(self, asset_id: str, owner: str, field_name: str) -> str:
        """The caller's asset as a file the core holds (someone else's id reads like a missing one)."""
        resolved = self.media.resolve(asset_id, owner, field_name)
        if not resolved.local:
            raise InvalidInput(f"{field_name}: {resolved.note or 'the file could not be read'}.",
                               "Use an id from /assets, or upload the file with /import.", field=field_name)
        return resolved.value

    def price(self, request: GenerationRequest, model: ModelSpec, owner: str) -> Priced:
        result = self.preflight(request.model_copy(update={"model": model.id, "variations": 1}), owner)
        priced = Priced(model=model, request=result.request, notes=list(result.notes))
        if result.model is None or result.model.id != model.id or result.estimate is None:
            why = [i.message for i in result.issues] or [f"{model.name} is not available: its provider "
                                                         f"({model.provider}) is not configured."]
            priced.issues = why
            fallback = self.price_of(request, model)
            priced.estimate_usd, priced.max_usd = round(fallback.per_run_usd, 4), round(fallback.max_per_run_usd, 4)
            priced.basis = fallback.basis
            return priced
        est = result.estimate
        priced.estimate_usd = round(est.per_run_usd, 4)
        priced.max_usd = round(est.max_per_run_usd, 4)
        priced.basis = est.basis
        priced.verified = bool(est.verified or est.basis == "provider-quote")
        priced.issues = [i.message for i in result.issues]
        priced.rung = result.ladder[0].to_payload() if result.ladder else None
        return priced

    def confirmation_issue(self, max_usd: float, confirm_usd: float | None, confirm: bool | None) -> Issue | None:
        """Why `confirm_usd` does not cover the group's `max_usd` (None when it does, or none is needed)."""
        return confirmation.check(max_usd=max_usd, threshold_usd=self.threshold_usd(), confirm_usd=confirm_usd,
                                  confirm=confirm)

    def reserve(self, owner: str, runs: list[tuple[Job, Priced]]) -> None:
        """Hold every paid run's `max_usd` at once against the owner's and the team's caps, or nothing
        (PlanLimitExceeded, with the cap that lacks room)."""
        entries = [LedgerEntry(job_id=job.id, owner=owner, provider=p.model.provider, model=p.model.id, kind="run",
                               month="", estimate_usd=p.max_usd, verified_price=p.verified)
                   for job, p in runs if not p.model.offline]
        self.ledger.reserve(entries, self.limits(owner))

    def payload(self, priced: Priced, ceiling_usd: float) -> dict:
        """The generate handler's payload for this run: one rung (no fallback), its own ceiling."""
        rung = priced.rung or {"model": priced.model.id, "request": priced.request.model_dump(mode="json"),
                               "max_usd": priced.max_usd}
        return {"request": rung["request"], "ladder": [rung], "rung": 0, "verified": priced.verified,
                "confirm_usd": round(ceiling_usd, 4)}

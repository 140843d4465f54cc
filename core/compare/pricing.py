"""The compare's one door to the money rules: price, confirm, reserve, and the job each run becomes.

A compare never has its own money path: each model's request goes through the same preflight
as Create (inputs measured, capability guard, plan limits, bounded price); the group's total
needs one confirmation (`confirm_usd` at or above the total bound, when above the threshold);
the paid runs are reserved together before any job exists; each job carries its own ceiling,
which the generate handler re-checks right before it sends. A compare run never falls back
to another model: the point is to see that model's output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.contracts import GenerationRequest, ModelSpec
from core.errors import InvalidInput, NotFound, PlanLimitExceeded
from core.library.models import Job
from core.library.repository import Library

EPSILON_USD = 1e-6


@dataclass
class Priced:
    """One model's request as it will run, what it costs, and why it may not run."""

    model: ModelSpec
    request: GenerationRequest
    estimate_usd: float = 0.0
    max_usd: float = 0.0
    basis: str = "exact"
    verified: bool = True
    issues: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.issues


@dataclass
class MoneyDoor:
    """What the compare needs from the money rules (wired by the facade)."""

    preflight: Callable  # (request, owner) -> PreflightResult (core.create.CreateService.preflight)
    price_of: Callable  # (request, model) -> CostEstimate: the catalog price, for models that cannot run
    ledger: object
    library: Library
    monthly_budget_usd: Callable[[str], float]
    threshold_usd: Callable[[], float]  # the confirmation threshold now (the team policy's, else the setting)

    def media(self, asset_id: str, owner: str, field_name: str) -> str:
        """The caller's asset as a file the core holds; someone else's id reads like a missing one."""
        try:
            return self.library.get(asset_id, owner).path
        except NotFound:
            raise InvalidInput(f"{field_name}: there is no asset {asset_id} in your library.",
                               "Use an id from /assets, or upload the file with /import.") from None

    def price(self, request: GenerationRequest, model: ModelSpec, owner: str) -> Priced:
        result = self.preflight(request.model_copy(update={"model": model.id, "variations": 1}), owner)
        priced = Priced(model=model, request=result.request, notes=list(result.notes))
        if result.model is None or result.model.id != model.id:
            why = [i.message for i in result.issues] or [f"{model.name} is not available: its provider "
                                                         f"({model.provider}) is not configured."]
            priced.issues = why
            priced.estimate_usd = round(self.price_of(request, model).per_run_usd, 4)
            return priced
        est = result.estimate
        priced.estimate_usd = round(est.per_run_usd, 4)
        priced.max_usd = round(getattr(est, "max_per_run_usd", est.per_run_usd) or est.per_run_usd, 4)
        priced.basis = getattr(est, "basis", "exact")
        priced.verified = bool(est.verified)
        priced.issues = [i.message for i in result.issues]
        return priced

    def confirmation_issue(self, max_usd: float, confirm_usd: float | None, what: str = "This compare") -> str | None:
        """Why `confirm_usd` does not cover `max_usd` (None when it does, or none is needed)."""
        amount = f"${max_usd:,.2f}"
        if confirm_usd is not None and confirm_usd + EPSILON_USD < max_usd:
            return (f"{what} may cost up to {amount}, more than the ${confirm_usd:,.2f} you confirmed. "
                    f"To run it, send \"confirm_usd\": {max_usd:g}.")
        threshold = self.threshold_usd()
        if confirm_usd is None and max_usd > threshold + EPSILON_USD:
            return (f"{what} may cost up to {amount}, above your confirmation threshold of "
                    f"${threshold:,.2f}. To start it, send \"confirm_usd\": {max_usd:g}.")
        return None

    def reserve(self, owner: str, runs: list[tuple[Job, Priced]]) -> None:
        """Hold every paid run's bound at once, or none (PlanLimitExceeded when the budget lacks room)."""
        paid = [(job, p) for job, p in runs if not p.model.offline]
        needed = sum(p.max_usd for _, p in paid)
        left = self.monthly_budget_usd(owner) - self.ledger.month_spend(owner)
        if needed > left + EPSILON_USD:
            raise PlanLimitExceeded(f"This needs up to ${needed:,.2f} but only ${max(left, 0):,.2f} of the monthly "
                                    "budget is left.", "Pick fewer or cheaper models, or wait for next month.")
        for job, p in paid:
            self.ledger.reserve(job_id=job.id, owner=owner, provider=p.model.provider, model=p.model.id,
                                estimate_usd=p.max_usd, verified=p.verified)

    def payload(self, priced: Priced, ceiling_usd: float) -> dict:
        """The generate handler's payload for this run: one rung (no fallback), its own ceiling."""
        return {"request": priced.request.model_dump(mode="json"), "ladder": [priced.model.id],
                "ladder_estimates": {priced.model.id: priced.max_usd}, "verified": priced.verified,
                "confirm_usd": round(ceiling_usd, 4)}

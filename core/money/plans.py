"""Plans (data/plans.toml) and the plan-limit check. The caller supplies this month's usage."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.capability import SHORT_SIDE, Issue
from core.catalog import CatalogError
from core.contracts import GenerationRequest
from core.errors import NotFound
from core.money.pricing import format_usd
from core.settings import DATA_DIR

PLANS_PATH = DATA_DIR / "plans.toml"
EPSILON_USD = 1e-6


class Plan(BaseModel):
    """What one user may run per calendar month."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    description: str = ""
    max_duration_s: float = Field(gt=0)
    max_resolution: str
    runs_per_month: int = Field(ge=0)
    monthly_budget_usd: float = Field(ge=0)
    max_variations: int = Field(ge=1, le=4)


def load_plans(path: Path | str | None = None) -> dict[str, Plan]:
    """Every plan by id, parsed once and cached."""
    return _load(str(Path(path or PLANS_PATH).resolve()))


def get_plan(plan_id: str, path: Path | str | None = None) -> Plan:
    plans = load_plans(path)
    try:
        return plans[plan_id]
    except KeyError:
        hint = f"Use one of: {', '.join(plans)}."
        raise NotFound(f"There is no plan called '{plan_id}'.", hint=hint) from None


def plan_of(own_plan: str | None, own_budget_usd: float | None, default_plan: str) -> Plan:
    """An account's plan (its own, else the installation's), with the account's own monthly budget in
    place of the plan's when an admin set one."""
    plan = get_plan(own_plan or default_plan)
    return plan if own_budget_usd is None else plan.model_copy(update={"monthly_budget_usd": own_budget_usd})


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Plan]:
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8")).get("plans", {})
        plans = {key: Plan.model_validate({"id": key, **value}) for key, value in raw.items()}
    except (OSError, tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        hint = "Fix data/plans.toml."
        raise CatalogError(f"The plans file {file} cannot be read: {exc}", hint=hint) from exc
    bad = [p.id for p in plans.values() if p.max_resolution not in SHORT_SIDE]
    if not plans or bad:
        raise CatalogError(
            f"The plans file {file} has no plans or unknown resolutions ({', '.join(bad)}).",
            hint=f"Use resolutions among: {', '.join(SHORT_SIDE)}.",
        )
    return plans


load_plans.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def check_plan(
    request: GenerationRequest,
    plan: Plan,
    month_runs: int,
    month_spend_usd: float,
    estimate_usd: float,
) -> list[Issue]:
    """Every plan limit this request would break. Runs and budget count paid runs only."""
    issues: list[Issue] = []
    length = request.duration if request.duration is not None else request.input_duration
    if length is not None and length > plan.max_duration_s:
        issues.append(
            Issue(
                field="duration",
                message=f"The {plan.name} plan allows runs up to {plan.max_duration_s:g} s; this one is "
                f"{length:g} s. {_bigger_plan(plan, length)}",
                allowed=[f"≤ {plan.max_duration_s:g} s"],
            )
        )
    ceiling = SHORT_SIDE[plan.max_resolution]
    if request.resolution in SHORT_SIDE and SHORT_SIDE[request.resolution] > ceiling:
        issues.append(
            Issue(
                field="resolution",
                message=f"The {plan.name} plan goes up to {plan.max_resolution}. Pick a lower resolution, "
                "or move to a bigger plan.",
                allowed=[r for r, side in SHORT_SIDE.items() if side <= ceiling],
            )
        )
    if request.variations > plan.max_variations:
        issues.append(
            Issue(
                field="variations",
                message=f"The {plan.name} plan makes at most {plan.max_variations} variation(s) per run. "
                "Ask for fewer.",
                allowed=[str(n) for n in range(1, plan.max_variations + 1)],
            )
        )
    if estimate_usd > 0:
        issues += _usage(request, plan, month_runs, month_spend_usd, estimate_usd)
    return issues


def _bigger_plan(plan: Plan, length: float) -> str:
    """What to do about a run longer than the plan allows, naming the smallest plan that allows it."""
    try:
        others = sorted(load_plans().values(), key=lambda p: p.max_duration_s)
    except CatalogError:
        others = []
    bigger = next((p for p in others if p.max_duration_s >= length and p.id != plan.id), None)
    if bigger is None:
        return "Shorten it, or split it into parts."
    return (f"The {bigger.name} plan allows up to {bigger.max_duration_s:g} s: move to it, or shorten it "
            "(or split it into parts).")


def _usage(
    request: GenerationRequest, plan: Plan, month_runs: int, month_spend_usd: float, estimate_usd: float
) -> list[Issue]:
    issues: list[Issue] = []
    left = max(0, plan.runs_per_month - month_runs)
    if request.variations > left:
        issues.append(
            Issue(
                field="runs",
                message=f"This month you have {left} of {plan.runs_per_month} paid runs left and this needs "
                f"{request.variations}. Use a free local draft, wait for next month, "
                "or move to a bigger plan.",
            )
        )
    budget_left = max(0.0, plan.monthly_budget_usd - month_spend_usd)
    if estimate_usd > budget_left + EPSILON_USD:
        issues.append(
            Issue(
                field="budget",
                message=f"This run is estimated at {format_usd(estimate_usd)} but only "
                f"{format_usd(budget_left)} of the {plan.name} plan's {format_usd(plan.monthly_budget_usd)} "
                "monthly budget is left. Pick a cheaper model or setting, or wait for next month.",
            )
        )
    return issues

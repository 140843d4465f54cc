"""Model routing: the draft/standard/premium ladder, auto-select and the fallback order.

Everything is decided from catalog data: the tier, the provider being configured, the
capability guard and the estimate. Offline models are always available and are the last
resort for every request on auto. Ordering is deterministic (cost, then id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from core.capability import check, resolve_defaults
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Operation, Quality
from core.money.pricing import CostEstimate, estimate

AUTO = "auto"

# The tiers tried, in order, when nothing at the asked tier can honour the request.
LADDER: dict[Quality, tuple[Quality, ...]] = {
    Quality.DRAFT: (Quality.DRAFT, Quality.STANDARD, Quality.PREMIUM),
    Quality.STANDARD: (Quality.STANDARD, Quality.PREMIUM, Quality.DRAFT),
    Quality.PREMIUM: (Quality.PREMIUM, Quality.STANDARD, Quality.DRAFT),
}


@dataclass(frozen=True)
class Choice:
    """A model that can run the request, the request with its defaults, and its estimate."""

    model: ModelSpec
    request: GenerationRequest
    estimate: CostEstimate


def ladder(catalog: Catalog, operation: Operation | str) -> dict[Quality, list[ModelSpec]]:
    """The models of one operation grouped by quality tier, in catalog order."""
    models = catalog.models(operation)
    return {tier: [m for m in models if m.tier == tier] for tier in Quality}


def is_configured(model: ModelSpec, configured: Iterable[str]) -> bool:
    """Offline models need no set-up; others need their provider configured."""
    return model.offline or model.provider in set(configured)


def choose(model: ModelSpec, request: GenerationRequest) -> Choice | None:
    """The priced choice when `model` can honour `request` as asked, else None."""
    resolved = resolve_defaults(request, model)
    if check(resolved, model):
        return None
    return Choice(model=model, request=resolved, estimate=estimate(resolved, model))


def choices(request: GenerationRequest, catalog: Catalog, configured: Iterable[str]) -> list[Choice]:
    """Priced candidates in the order to try them (see `candidates`)."""
    configured = set(configured)
    pool = [m for m in catalog.models(request.operation) if is_configured(m, configured)]
    usable = [c for c in (choose(m, request) for m in pool) if c is not None]
    if request.model != AUTO:
        chosen = catalog.get(request.model)
        same_tier = [c for c in usable if c.model.tier == chosen.tier and c.model.id != chosen.id]
        resolved = resolve_defaults(request, chosen)
        first = Choice(model=chosen, request=resolved, estimate=estimate(resolved, chosen))
        return [first, *_cheapest(same_tier)]
    ordered: list[Choice] = []
    for tier in LADDER[request.quality]:
        ordered = _cheapest([c for c in usable if c.model.tier == tier])
        if ordered:
            break
    taken = {c.model.id for c in ordered}
    last_resort = _cheapest([c for c in usable if c.model.offline and c.model.id not in taken])
    return ordered + last_resort


def candidates(request: GenerationRequest, catalog: Catalog, configured: Iterable[str]) -> list[ModelSpec]:
    """Models to try for `request`, best first.

    A named model comes first even when it is not configured or fails the guard (the caller
    checks it and tells the creator), then same-tier models of the operation that can honour
    the request, cheapest first. On auto: the cheapest models at the asked tier that pass the
    guard, widening along LADDER when none does, then offline models as the last resort.
    """
    return [c.model for c in choices(request, catalog, configured)]


def fallback_after(
    model: ModelSpec,
    request: GenerationRequest,
    catalog: Catalog,
    configured: Iterable[str],
    exclude: Iterable[str] = (),
) -> ModelSpec | None:
    """The next model to try after `model` (unconfigured, or its submit definitely failed).

    `exclude` holds ids already tried. None when the ladder is exhausted.
    """
    configured, skip = set(configured), set(exclude) | {model.id}
    chain = candidates(request, catalog, configured)
    ids = [m.id for m in chain]
    start = ids.index(model.id) + 1 if model.id in ids else 0
    for nxt in chain[start:]:
        if nxt.id not in skip and is_configured(nxt, configured):
            return nxt
    return None


def _cheapest(items: list[Choice]) -> list[Choice]:
    """Known prices first, cheapest first, then by id so the order never wobbles."""
    return sorted(items, key=lambda c: (not c.estimate.known, c.estimate.total_usd, c.model.id))

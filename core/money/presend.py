"""The last check before a paid submit: the price now, against what the user confirmed.

The job's current rung is priced again (the provider's live quote when it has one, else the
catalog's bound); above the job's `confirm_usd` it is not sent. When it costs more than was
reserved (but no more than confirmed), the reservation grows within the budgets first. The
provider balance is read now (never from a cache); when it is short, nothing is sent and the
answer names the missing amount.
"""

from __future__ import annotations

from collections.abc import Callable

from core.contracts import GenerationRequest, ModelSpec
from core.errors import InsufficientBalance, PlanLimitExceeded, ProviderFailed, StudioError
from core.library.models import Job
from core.money.budgets import Limit
from core.money.ledger import Ledger
from core.money.pricing import CostEstimate, format_usd
from core.money.quotes import Quotes

EPSILON_USD = 1e-6


class PriceAboveConfirmation(StudioError):
    """The price right before sending is above what the user confirmed: nothing is sent."""

    code = "price_above_confirmation"


def price_before_send(job: Job, model: ModelSpec, request: GenerationRequest, *,
                      price: Callable[[GenerationRequest, ModelSpec], CostEstimate], quotes: Quotes | None,
                      ledger: Ledger, limits: list[Limit] | Callable[[], list[Limit]]) -> tuple[float, str] | StudioError:
    """(price, basis) this rung may be sent at, or the reason it must not be sent. `limits` may be a
    function: the owner's caps are then read only when the reservation has to grow."""
    if model.offline:
        return 0.0, "exact"
    est = price(request, model)
    quote = quotes.quote(model, request) if quotes else None
    if quote is not None:
        amount, basis = quote, "provider-quote"
    elif est.known:
        amount, basis = est.max_per_run_usd, est.basis
    else:
        return ProviderFailed(f"{model.name} cannot be priced for this request, so it was not sent.",
                              "Pick another model.")
    ceiling = float(job.payload.get("confirm_usd", job.estimate_usd))
    if amount > ceiling + EPSILON_USD:
        return PriceAboveConfirmation(
            f"{model.name} now costs {format_usd(amount)}, more than the {format_usd(ceiling)} you confirmed, "
            "so it was not sent.", "Estimate again and confirm the new amount to run it.")
    if amount > job.estimate_usd + EPSILON_USD:
        try:
            ledger.raise_to(job.id, amount, limits() if callable(limits) else limits)
        except PlanLimitExceeded as exc:
            return exc
    balance = quotes.balance(model.provider) if quotes else None
    if balance is not None and balance + EPSILON_USD < amount:
        return InsufficientBalance(
            f"Your {model.provider} balance is {format_usd(balance)} and this run needs {format_usd(amount)}: "
            f"top up at least {format_usd(amount - balance)}. Nothing was sent.",
            "Top up your account, or pick a cheaper or local model.")
    return amount, basis

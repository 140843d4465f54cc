"""A confirmation is an amount: `confirm_usd`, what the user agreed to pay for this request.

`confirm` (the old yes/no flag) may still be sent, as a JSON boolean, but `confirm: true` is
never enough on its own: the answer says what to send instead. The ceiling a run may cost is
`confirm_usd` when given, else its own `max_usd` (runs at or under the threshold need none).
"""

from __future__ import annotations

from core.capability import Issue
from core.money.pricing import format_usd

EPSILON_USD = 1e-6


def needs_confirmation(max_usd: float, threshold_usd: float) -> bool:
    return max_usd > threshold_usd + EPSILON_USD


def check(*, max_usd: float, threshold_usd: float, confirm_usd: float | None,
          confirm: bool | None) -> Issue | None:
    """Why this request may not run at `max_usd` with what the user confirmed; None when it may."""
    amount = format_usd(max_usd)
    send = f"send \"confirm_usd\": {max_usd:g}"
    if confirm is True and confirm_usd is None:
        return Issue(field="confirm_usd", message=f"\"confirm\": true is not a confirmation on its own: {send} "
                     f"(the amount you agree to pay; this run may cost up to {amount}).", allowed=[f"{max_usd:g}"])
    if confirm is False and confirm_usd is not None:
        return Issue(field="confirm", message="\"confirm\" is false but \"confirm_usd\" is set: send "
                     "\"confirm_usd\" alone to agree to an amount, or neither.", allowed=["true"])
    if confirm_usd is not None and confirm_usd + EPSILON_USD < max_usd:
        return Issue(field="confirm_usd", message=f"This run may cost up to {amount}, more than the "
                     f"{format_usd(confirm_usd)} you confirmed. To run it, {send}.", allowed=[f"{max_usd:g}"])
    if confirm_usd is None and needs_confirmation(max_usd, threshold_usd):
        return Issue(field="confirm_usd", message=f"This run may cost up to {amount}, above your confirmation "
                     f"threshold of {format_usd(threshold_usd)}. To start it, {send}.", allowed=[f"{max_usd:g}"])
    return None


def ceiling(max_usd: float, confirm_usd: float | None) -> float:
    """The most this request may cost: what was confirmed, else its own bound."""
    return max_usd if confirm_usd is None else confirm_usd

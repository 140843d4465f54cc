"""Cost estimates from the catalog's price formulas. `estimate` never raises.

Every figure is exact or an upper bound (`basis`): a price that follows an input's length uses
the length the core measured; when it could not be measured, the model's longest billable
length (so "up to $36.00"); when even that is unbounded, the price is unknown and the run may
not start. Amounts are kept to 4 decimals (prompt helpers cost a tenth of a cent); `format_usd`
rounds to cents for display when the amount allows it.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel

from core.errors import fault_words
from core.capability import audio_on
from core.contracts import GenerationRequest, ModelSpec

PLACES = 4
Basis = Literal["exact", "upper-bound", "provider-quote"]


class Driver(BaseModel):
    """One line of the breakdown a creator reads, e.g. Resolution: 1080p."""

    label: str
    value: str


class CostEstimate(BaseModel):
    """What a run is expected to cost and why. `known=False` means no figure could be made.

    `max_usd` is the most it can cost (equal to `total_usd` unless the figure is a bound);
    `basis` says where the figure comes from: exact, upper-bound or provider-quote."""

    model_id: str
    provider: str
    total_usd: float
    per_run_usd: float
    max_usd: float = 0.0
    max_per_run_usd: float = 0.0
    basis: Basis = "exact"
    variations: int = 1
    unit: str
    unit_price: float = 0.0
    billed_seconds: float | None = None
    resolution: str | None = None
    minimum_applied: bool = False
    verified: bool = False
    known: bool = True
    drivers: list[Driver] = []
    notes: list[str] = []
    summary: str = ""  # the sum in words: "2:00 at 720p: 120 s × $0.06 = $7.20"

    @property
    def label(self) -> str:
        """Short text for a cost meter: '$0.50', '≈ $0.50', 'up to $36.00', 'Free', 'Price unknown'."""
        if not self.known:
            return "Price unknown"
        if self.unit == "free":
            return "Free"
        if self.basis == "upper-bound":
            return "up to " + format_usd(self.max_usd)
        prefix = "" if self.verified or self.basis == "provider-quote" else "≈ "
        return prefix + format_usd(self.total_usd)

    def quoted(self, per_run_usd: float, source: str) -> CostEstimate:
        """This estimate with the provider's live per-run quote in place of the catalog figure."""
        per_run = round(per_run_usd, PLACES)
        total = round(per_run * self.variations, PLACES)
        drivers = [*self.drivers, Driver(label="Live quote", value=f"{format_usd(per_run)} per run from {source}")]
        return self.model_copy(update={"per_run_usd": per_run, "total_usd": total, "max_per_run_usd": per_run,
                                       "max_usd": total, "basis": "provider-quote", "drivers": drivers})


class _Unpriceable(Exception):
    """The formula cannot produce a figure for this request; the message tells the creator why."""


def format_usd(amount: float) -> str:
    """Cents when the amount has them, more places for fractions of a cent: $1.50, $0.001."""
    if amount == 0:
        return "$0.00"
    if abs(amount) >= 0.01:
        return f"${amount:,.2f}"
    return f"${amount:.4f}".rstrip("0")


def _unit_usd(rate: float) -> str:
    """A unit price in full (up to 4 places, at least 2): $0.10, $0.0375, $0.001."""
    whole, _, cents = f"{rate:.4f}".rstrip("0").partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def ledger_amount(value: CostEstimate | float) -> float:
    """The amount to record in the usage ledger (4 decimals)."""
    amount = value.total_usd if isinstance(value, CostEstimate) else value
    return round(float(amount), PLACES)


def estimate(request: GenerationRequest, model: ModelSpec) -> CostEstimate:
    """The expected cost of `request` on `model`, with its drivers. Never raises."""
    try:
        return _estimate(request, model)
    except _Unpriceable as exc:
        reason = str(exc)
    except Exception as exc:  # a broken formula must never break a run
        reason = f"The price formula could not be applied ({fault_words(exc)})."
    try:
        return _unknown(request, model, reason)
    except Exception:  # inputs too broken even to describe
        return _unknown(None, None, reason)


def _estimate(request: GenerationRequest, model: ModelSpec) -> CostEstimate:
    price, caps = model.price, model.capabilities
    variations = max(1, int(request.variations))
    resolution = request.resolution or model.default_resolution or next(iter(caps.resolutions), None)
    drivers = [Driver(label="Model", value=model.name)]
    if resolution:
        drivers.append(Driver(label="Resolution", value=resolution))
    fields: dict[str, Any] = dict(
        model_id=model.id, provider=model.provider, variations=variations, unit=price.unit,
        resolution=resolution, verified=price.verified,
    )
    if price.unit == "free":
        drivers.append(Driver(label="Unit price", value="Free: runs on this computer"))
        return CostEstimate(total_usd=0.0, per_run_usd=0.0, drivers=drivers,
                            summary="Free: runs on this computer", **fields)

    rate = _rate(price.rates, resolution, model)
    sound = audio_on(request, model) and bool(price.audio_rates)
    if sound:
        rate += _rate(price.audio_rates, resolution, model)
        drivers.append(Driver(label="Audio", value="Sound on"))
    notes: list[str] = []
    amount = _quantity(request, model, drivers, notes)
    quantity, billed, minimum, bounded = amount.units, amount.billed_s, amount.minimum, amount.bounded
    per_run = round(rate * quantity, PLACES)
    drivers.append(Driver(label="Unit price", value=f"{_unit_usd(rate)} {_per(model)}"))
    if variations > 1:
        drivers.append(Driver(label="Variations", value=f"× {variations}"))
    if not price.verified:
        notes.append("Price not confirmed by the provider; shown as an estimate. " + price.note)
    total = round(per_run * variations, PLACES)
    return CostEstimate(
        total_usd=total, per_run_usd=per_run, max_usd=total, max_per_run_usd=per_run,
        basis="upper-bound" if bounded else "exact", unit_price=rate, billed_seconds=billed,
        minimum_applied=minimum, drivers=drivers, notes=[n.strip() for n in notes],
        summary=_summary(model, amount, rate, sound, resolution, variations, total), **fields,
    )


class _Amount(BaseModel):
    """What the formula counts: units to pay for, and the measured and billed lengths behind them."""

    units: float
    billed_s: float | None = None
    minimum: bool = False
    bounded: bool = False  # the length is not known: the model's longest billable length is used
    capped: bool = False
    length_s: float | None = None  # the request's own length (measured input or asked duration)
    chars: int | None = None
    billed_chars: int | None = None


def _summary(model: ModelSpec, amount: _Amount, rate: float, sound: bool, resolution: str | None,
             variations: int, total: float) -> str:
    """The sum in words, e.g. '2:00 at 720p: 120 s × $0.06 = $7.20'."""
    price = model.price
    unit = _unit_usd(rate) + (" (with sound)" if sound else "")
    times = f" × {variations} variations" if variations > 1 else ""
    if price.unit == "per_1k_chars":
        chars = f"{amount.chars:,} characters"
        if amount.billed_chars != amount.chars:
            chars += f" (billed as {amount.billed_chars:,})"
        return f"{chars}: {amount.units:g} × {unit} per 1,000{times} = {format_usd(total)}"
    if price.unit == "per_run":
        return f"1 run × {unit}{times} = {format_usd(total)}"
    head = ("length not known" if amount.bounded else clock(amount.length_s or 0.0)) + \
        (f" at {resolution}" if resolution else "")
    billed = f"{amount.billed_s:g} s"
    if amount.minimum:
        billed += " (the minimum)"
    elif amount.capped:
        billed += " (the most billed)"
    if price.unit == "per_block":
        billed = f"{amount.units:g} × {price.block_s:g} s"
    prefix = "up to " if amount.bounded else ""
    return f"{head}: {prefix}{billed} × {unit}{times} = {format_usd(total)}"


def clock(seconds: float) -> str:
    """m:ss, e.g. 2:00 or 12:00 (whole seconds, rounded down)."""
    whole = int(seconds + 1e-9)
    return f"{whole // 60}:{whole % 60:02d}"


def _rate(rates: dict[str, float], resolution: str | None, model: ModelSpec) -> float:
    if resolution in rates:
        return float(rates[resolution])
    if "*" in rates:
        return float(rates["*"])
    raise _Unpriceable(f"{model.name} has no price for {resolution or 'this request'}.")


def _per(model: ModelSpec) -> str:
    price = model.price
    return {
        "per_second": "per second",
        "per_block": f"per {price.block_s:g} s",
        "per_run": "per run",
        "per_1k_chars": "per 1,000 characters",
    }[price.unit]


def _quantity(request: GenerationRequest, model: ModelSpec, drivers: list[Driver], notes: list[str]) -> _Amount:
    """Units to pay for, with the measured and billed lengths behind them."""
    price = model.price
    if price.unit == "per_run":
        return _Amount(units=1.0)
    if price.unit == "per_1k_chars":
        chars = len(request.prompt)
        billed_chars = max(chars, price.min_billed_chars)
        drivers.append(Driver(label="Characters", value=f"{chars:,}"))
        if billed_chars > chars:
            drivers.append(Driver(label="Minimum", value=f"billed at least {price.min_billed_chars:,} characters"))
        return _Amount(units=billed_chars / 1000.0, minimum=billed_chars > chars, chars=chars,
                       billed_chars=billed_chars)
    seconds, bounded = _length(request, model, notes)
    billed = float(math.ceil(seconds - 1e-9))
    minimum = billed < price.min_billed_s
    billed = max(billed, price.min_billed_s)
    capped = price.max_billed_s is not None and billed > price.max_billed_s
    if price.max_billed_s is not None:
        billed = min(billed, price.max_billed_s)
    if minimum:
        drivers.append(Driver(label="Minimum", value=f"billed at least {price.min_billed_s:g} s"))
    drivers.append(Driver(label="Billed seconds", value=f"{billed:g} s"))
    units = float(math.ceil(billed / price.block_s - 1e-9)) if price.unit == "per_block" else billed
    return _Amount(units=units, billed_s=billed, minimum=minimum, bounded=bounded, capped=capped,
                   length_s=None if bounded else seconds)


def _length(request: GenerationRequest, model: ModelSpec, notes: list[str]) -> tuple[float, bool]:
    """Seconds of output the formula bills, and whether that is an upper bound (length unknown)."""
    caps, price = model.capabilities, model.price
    source = caps.duration_from
    if source in ("audio", "video"):
        if request.input_duration is not None and math.isfinite(request.input_duration):
            return max(float(request.input_duration), 0.0), False
        longest = price.max_billed_s or getattr(caps, source).max_s
        if longest:
            notes.append(f"The price follows the length of your {source}, which is not known yet: this is the "
                         f"most it can cost ({longest:g} s, the longest {model.name} bills).")
            return float(longest), True
        raise _Unpriceable(f"The price follows the length of your {source}, which could not be measured, and "
                           f"{model.name} has no longest length, so the cost cannot be bounded. Upload the file.")
    if request.duration is not None:
        return float(request.duration), False
    if model.default_duration is not None:
        return float(model.default_duration), False
    if caps.durations:
        return float(caps.durations[0]), False
    raise _Unpriceable(f"Choose a length to see the cost of {model.name}.")


def _unknown(request: Any, model: Any, reason: str) -> CostEstimate:
    """A zero estimate flagged unknown; reads the inputs defensively since they may be garbage."""
    price = getattr(model, "price", None)
    return CostEstimate(
        model_id=str(getattr(model, "id", "?")),
        provider=str(getattr(model, "provider", "?")),
        total_usd=0.0,
        per_run_usd=0.0,
        variations=_safe_int(getattr(request, "variations", 1)),
        unit=str(getattr(price, "unit", "unknown")),
        known=False,
        verified=False,
        drivers=[Driver(label="Model", value=str(getattr(model, "name", "?")))],
        notes=[reason],
    )


def _safe_int(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1

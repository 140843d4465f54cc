"""Reading library requests at the boundary: strict pydantic models, dates as YYYY-MM-DD, and
one error shape (InvalidInput naming the field and what it takes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from pydantic import BaseModel

from core.boundary.parse import parse as parse_boundary
from core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def check_day(value: str | None) -> str | None:
    """A pydantic validator body: `value` must be a real date written YYYY-MM-DD."""
    if value is None:
        return None
    try:
        ok = len(value) == 10 and date.fromisoformat(value)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


def day_start(day: str) -> datetime:
    """00:00 UTC of `day`."""
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)


def day_end(day: str) -> datetime:
    """00:00 UTC of the day after `day` (ranges include their last day)."""
    return day_start(day) + timedelta(days=1)


def parse(model: type[M], raw: object, example: str) -> M:
    """A client's dict -> `model`; empty values count as absent (forms send ""). The one boundary
    parser (core.boundary.parse) names the field and what it takes."""
    if isinstance(raw, model):
        return raw
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidInput("The request must be a JSON object.", f"For example {example}.", field="request")
    return parse_boundary(model, {k: v for k, v in raw.items() if v is not None and v != ""})

"""Reading library requests at the boundary: strict pydantic models, dates as YYYY-MM-DD, and
one error shape (InvalidInput naming the field and what it takes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar, get_args

from pydantic import BaseModel, ValidationError

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
    """A client's dict -> `model`; empty values count as absent. InvalidInput (with `.field`) otherwise."""
    if isinstance(raw, model):
        return raw
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidInput("The request must be a JSON object.", f"For example {example}.")
    cleaned = {k: v for k, v in raw.items() if v is not None and v != ""}
    try:
        return model.model_validate(cleaned)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "request"
        message = err["msg"].removeprefix("Value error, ")
        top = str(err["loc"][0]) if err["loc"] else ""
        literals = _choices(model.model_fields[top].annotation) if top in model.model_fields else []
        allowed = f" Allowed: {', '.join(literals)}." if literals else ""
        error = InvalidInput(f"{field}: {message}.{allowed}", "Check the field against the README.")
        error.field = field
        raise error from None


def _choices(annotation) -> list[str]:
    """The text values a Literal (possibly inside Optional) allows."""
    out = []
    for arg in get_args(annotation):
        out += [arg] if isinstance(arg, str) else _choices(arg)
    return out

"""One helper for every boundary: raw JSON-like data -> a validated model, or InvalidInput.

The message names the field (a dotted path such as `ops.1.factor`), says what was wrong
in plain words and, for a closed set, lists the values that would work. No Python text
(type names, reprs, tracebacks) ever reaches the client.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

# Fields the studio measures or knows itself: a client may not declare them.
REFUSED_FIELDS = {
    "user": "is not a field: every call acts for the signed-in account (the session decides who you are).",
    "owner": "is not a field: every call acts for the signed-in account (the session decides who you are).",
    "input_duration": "is not accepted: the studio measures the length of your file itself.",
    "path": "is not accepted: a file is never named by a server path (a LUT is sent as its text, `cube`).",
}
RULE_FIELD = re.compile(r"([a-z_][a-z0-9_.]*): ")  # "settings.seed: a sweep takes ..."
TAG = "op:"  # prefix of the union tags of edit ops (core.boundary.edit)
JSON_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
              int: "a number", float: "a number"}


def parse(model: type[M], data: Any, *, what: str = "The request") -> M:
    """Validate `data` (a dict from JSON) into `model`, or raise InvalidInput with every problem."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} must be a JSON object (like {{\"prompt\": \"...\"}}), not {_kind(data)}.",
                           "Send the fields as one object; see the README for them.", field=None)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, model) from None


def parse_value(adapter: TypeAdapter, value: Any, field: str) -> Any:
    """Validate one scalar argument (a job id, an asset id) with the same messages."""
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise _invalid(exc, None, prefix=(field,)) from None


def _invalid(exc: ValidationError, model: type[BaseModel] | None, prefix: tuple = ()) -> InvalidInput:
    issues = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(prefix + tuple(error.get("loc", ())))
        field = ".".join(str(part) for part in loc) or _named_by_rule(error)
        message, allowed = _describe(error, field, model)
        issues.append({"field": field or "request", "message": message, "allowed": allowed})
    issues.sort(key=lambda issue: not issue["message"].endswith(tuple(REFUSED_FIELDS.values())))
    first = issues[0]
    hint = "Fix the field named above; see the README for every field and its values."
    return InvalidInput(first["message"], hint, field=first["field"], allowed=first["allowed"], issues=issues)


def _named_by_rule(error: dict) -> str | None:
    """The field a whole-request rule blames: its message starts with the field's name ("prompt: ...")."""
    found = RULE_FIELD.match(str(error.get("msg", "")).removeprefix("Value error, "))
    return found.group(1) if found and error.get("type") == "value_error" else None


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's internal markers (union tags like `trim` after a list index, `function-after`)."""
    out: list = []
    for part in loc:
        if isinstance(part, str) and (part.startswith(("function-", "tagged-union")) or "[" in part):
            continue
        if isinstance(part, str) and out and isinstance(out[-1], int) and part.startswith(TAG):
            continue
        out.append(part)
    return tuple(out)


def _describe(error: dict, field: str | None, model: type[BaseModel] | None) -> tuple[str, list[str]]:
    kind, ctx, value = error.get("type", ""), error.get("ctx") or {}, error.get("input")
    name = field or "The request"
    if kind == "extra_forbidden":
        last = field.rsplit(".", 1)[-1] if field else ""
        known = sorted(model.model_fields) if model is not None and "." not in (field or "") else []
        reason = REFUSED_FIELDS.get(last, "is not a field of this request.")
        return f"{'`' + name + '`' if last in REFUSED_FIELDS else name} {reason}", known
    if kind == "missing":
        return f"{name} is required.", []
    if kind in ("literal_error", "enum"):
        allowed = _allowed_values(ctx.get("expected", ""))
        return f"{name} must be one of: {', '.join(allowed)} (got {_show(value)}).", allowed
    if kind == "union_tag_invalid":
        allowed = [a.removeprefix(TAG) for a in _allowed_values(ctx.get("expected_tags", ""))]
        return f"{name}: unknown kind {_show(str(ctx.get('tag', '')).removeprefix(TAG))}; use one of: {', '.join(allowed)}.", allowed
    if kind == "union_tag_not_found":
        if not isinstance(value, dict):
            return f"{name} must be a JSON object, not {_show(value)}.", []
        return f"{name} needs a \"kind\" field naming the operation.", []
    if kind == "bool_type" or kind == "bool_parsing":
        return f"{name} must be true or false (a JSON boolean), not {_show(value)}.", ["true", "false"]
    if kind == "finite_number":
        return f"{name} must be a finite number (not NaN or Infinity).", []
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
        noun = "a whole number" if kind.startswith("int") else "a number"
        return f"{name} must be {noun}, not {_show(value)}.", []
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
                 "less_than_equal": "at most"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"{name} must be {words} {bound} (got {_show(value)}).", []
    if kind == "string_pattern_mismatch":
        return f"{name} is not in a form this field takes (got {_show(value)}).", []
    if kind in ("string_type", "string_unicode"):
        return f"{name} must be a string of text, not {_show(value)}.", []
    if kind in ("string_too_long", "too_long"):
        return f"{name} is too long (at most {ctx.get('max_length')}).", []
    if kind in ("string_too_short", "too_short"):
        return f"{name} is too short (at least {ctx.get('min_length')}).", []
    if kind in ("model_type", "model_attributes_type", "dict_type", "dataclass_type"):
        return f"{name} must be a JSON object, not {_show(value)}.", []
    if kind in ("list_type", "tuple_type"):
        return f"{name} must be a list, not {_show(value)}.", []
    if "allowed" in ctx:  # our own validators (core.boundary.fields)
        return f"{name}: {error.get('msg', '')}", [str(a) for a in ctx["allowed"]]
    if kind.startswith("value_error") or kind == "assertion_error":
        text = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix(f"{name}: ")
        return f"{name}: {text}", []
    return f"{name}: {error.get('msg', 'not a valid value')}.", []


def _allowed_values(expected: str) -> list[str]:
    """pydantic's "'a', 'b' or 'c'" -> ["a", "b", "c"]."""
    parts = expected.replace(" or ", ", ").split(", ")
    return [p.strip().strip("'") for p in parts if p.strip()]


def _show(value: Any) -> str:
    """A short JSON rendering of what the client sent (never a Python repr)."""
    if isinstance(value, float) and value != value:
        return "NaN"
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        return _kind(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    for kind, noun in JSON_KINDS.items():
        if type(value) is kind:
            return noun
    return "a value of another kind"

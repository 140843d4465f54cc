"""The model catalog: data/models.toml read into typed, cross-checked `ModelSpec`s."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from core.contracts import INPUT_KINDS, ModelSpec, Operation
from core.errors import NotFound, StudioError
from core.settings import DATA_DIR

CATALOG_PATH = DATA_DIR / "models.toml"
REQUEST_INPUTS = ("prompt", "image", "audio", "video")
TIMED_UNITS = ("per_second", "per_block")


class CatalogError(StudioError):
    """The shipped model catalog file is broken (a release problem, not a user one)."""

    code = "catalog_error"


class Catalog:
    """All models, in file order, looked up by id, operation or provider."""

    def __init__(self, models: list[ModelSpec], source: Path | None = None) -> None:
        self.source = source
        self._models = list(models)
        self._by_id = {m.id: m for m in self._models}

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self._by_id[model_id]
        except KeyError:
            raise NotFound(
                f"There is no model called '{model_id}'.",
                hint=f"Pick one of: {', '.join(self._by_id)}.",
            ) from None

    def display_name(self, model_id: str | None) -> str:
        """The name people read for a model id: the catalog's ('Local draft'), or 'This computer'
        for the studio's own ffmpeg work (edits, packs, joins)."""
        if model_id in self._by_id:
            return self._by_id[model_id].name
        return "This computer" if model_id in ("", None, "ffmpeg", "local-ffmpeg") else str(model_id)

    def models(
        self, operation: Operation | str | None = None, provider: str | None = None
    ) -> list[ModelSpec]:
        """Models in file order, optionally of one operation and/or one provider."""
        return [
            m
            for m in self._models
            if operation in (None, m.operation) and provider in (None, m.provider)
        ]

    def providers(self) -> list[str]:
        return sorted({m.provider for m in self._models})

    def operations(self) -> list[Operation]:
        return [op for op in Operation if any(m.operation == op for m in self._models)]

    def ids(self) -> list[str]:
        return list(self._by_id)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._by_id

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)


def load_catalog(path: Path | str | None = None) -> Catalog:
    """The catalog at `path` (default data/models.toml), parsed once and cached."""
    return _load(str(Path(path or CATALOG_PATH).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> Catalog:
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"The model catalog {file} is missing.", hint="Restore data/models.toml.") \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"The model catalog {file} is not valid TOML: {exc}.", hint="Fix the file.") \
            from exc
    entries = raw.get("models")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(
            f"The model catalog {file} has no [[models]] entries.", hint="Add at least one model."
        )
    models = [_parse(entry, index, file) for index, entry in enumerate(entries)]
    problems = [p for m in models for p in check_spec(m)] + _duplicates(models)
    if problems:
        raise CatalogError(
            f"The model catalog {file} has {len(problems)} problem(s): " + "; ".join(problems),
            hint="Fix these entries in data/models.toml.",
        )
    return Catalog(models, source=file)


load_catalog.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def _parse(entry: object, index: int, file: Path) -> ModelSpec:
    label = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
    try:
        return ModelSpec.model_validate(entry)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"Model {label} in {file} is invalid: {details}.", hint="Fix that entry.") from exc


def _duplicates(models: list[ModelSpec]) -> list[str]:
    ids = [m.id for m in models]
    return [f"{i}: id used twice" for i in sorted(set(ids)) if ids.count(i) > 1]


def check_spec(model: ModelSpec) -> list[str]:
    """Cross-field problems pydantic cannot see: defaults outside the ranges, missing rates..."""
    caps, price, wire = model.capabilities, model.price, model.wire
    out: list[str] = []
    inputs = set(caps.inputs_required) | set(caps.inputs_accepted)
    for name in inputs:
        if name not in INPUT_KINDS and name not in caps.options:
            out.append(f"{model.id}: input '{name}' is neither a request input nor a declared option")
    if caps.audio_in != ("audio" in inputs):
        out.append(f"{model.id}: audio_in must match whether 'audio' is an input")
    if caps.duration_from == "request" and not (caps.durations or caps.max_duration):
        out.append(f"{model.id}: a request-length model needs durations or max_duration")
    if model.default_resolution and caps.resolutions and model.default_resolution not in caps.resolutions:
        out.append(f"{model.id}: default_resolution is not one of its resolutions")
    if model.default_aspect and caps.aspects and model.default_aspect not in caps.aspects:
        out.append(f"{model.id}: default_aspect is not one of its aspects")
    if model.default_duration is not None and caps.durations and model.default_duration not in caps.durations:
        out.append(f"{model.id}: default_duration is not one of its durations")
    if price.unit != "free":
        missing = [r for r in caps.resolutions if r not in price.rates and "*" not in price.rates]
        if not price.rates or missing:
            out.append(f"{model.id}: no price rate for {missing or 'any resolution'}")
        if not price.source or price.checked is None:
            out.append(f"{model.id}: a paid price needs its source URL and checked date")
        if not price.verified and not price.note:
            out.append(f"{model.id}: an unverified price needs a note saying why")
    if price.unit == "per_1k_chars" and caps.duration_from != "text":
        out.append(f"{model.id}: per_1k_chars pricing goes with duration_from = 'text'")
    if caps.duration_from == "text" and price.unit not in ("per_1k_chars", "free"):
        out.append(f"{model.id}: a model whose length comes from text is priced per_1k_chars (or free)")
    if price.min_billed_chars and price.unit != "per_1k_chars":
        out.append(f"{model.id}: min_billed_chars only applies to per_1k_chars pricing")
    if price.unit in TIMED_UNITS and caps.duration_from in ("text", "fixed"):
        out.append(f"{model.id}: a per-second price needs a length from the request or an input")
    if model.offline != (price.unit == "free"):
        out.append(f"{model.id}: offline models are free and free models are offline")
    if wire.size == "size_star":
        for aspect in caps.aspects:
            for res in caps.resolutions:
                if res not in wire.sizes.get(aspect, {}):
                    out.append(f"{model.id}: wire.sizes lacks {aspect} {res}")
    return out

"""Live prices and balances from providers that expose them.

A quote (the provider's price for these exact inputs) wins over the catalog figure; it is
cached briefly (diskcache under the studio home) so the cost meter can ask on every change.
"No quote" answers are cached the same way (so a provider without quotes costs one call a
minute, not one per keystroke). A balance is never cached: it is read right before a paid
submit; submits that ask while a read is already on its way share that read's answer
instead of each sending their own (a burst of forty submits makes one balance call).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from concurrent.futures import Future
from pathlib import Path

import diskcache

from core.contracts import GenerationRequest, ModelSpec, Provider

log = logging.getLogger(__name__)
QUOTE_TTL_S = 60.0
NO_QUOTE = -1.0  # cached marker: the provider gave no quote for these inputs
MEDIA = ("image", "audio", "video")
NOT_PRICED = ("prompt", "negative_prompt", "seed", "template", "motion", "platform", "quality", "model")


class Quotes:
    def __init__(self, providers: dict[str, Provider], cache_dir: Path, ttl_s: float = QUOTE_TTL_S) -> None:
        self.providers = providers
        self.ttl_s = ttl_s
        self._cache = diskcache.Cache(str(cache_dir / "quotes"), size_limit=16 * 1024 * 1024)
        self._reads: dict[str, Future] = {}
        self._reads_lock = threading.Lock()

    def quote(self, model: ModelSpec, request: GenerationRequest) -> float | None:
        """The provider's per-run price for `request` on `model`, or None (no quote offered or it failed)."""
        provider = self.providers.get(model.provider)
        if provider is None or provider.free or model.offline or not provider.configured():
            return None
        key = _key(model, request)
        cached = self._cache.get(key)
        if cached is not None:
            return None if cached == NO_QUOTE else cached
        try:
            price = provider.quote(model, request.model_copy(update={"variations": 1}))
        except Exception:  # noqa: BLE001 - a quote must never break pricing
            log.info("quote for %s failed", model.id, exc_info=True)
            price = None
        ok = isinstance(price, int | float) and not isinstance(price, bool) and math.isfinite(price) and price >= 0
        self._cache.set(key, float(price) if ok else NO_QUOTE, expire=self.ttl_s)
        return float(price) if ok else None

    def balance(self, provider_name: str) -> float | None:
        """The account balance in USD right now, or None where the provider does not say."""
        provider = self.providers.get(provider_name)
        if provider is None or provider.free:
            return None
        with self._reads_lock:
            pending = self._reads.get(provider_name)
            mine = pending is None
            if mine:
                pending = self._reads[provider_name] = Future()
        if not mine:
            return pending.result()
        try:
            value = provider.balance()
        except Exception:  # noqa: BLE001 - an unreadable balance is "unknown", never a crash
            log.info("balance of %s unreadable", provider_name, exc_info=True)
            value = None
        result = float(value) if isinstance(value, int | float) and math.isfinite(value) else None
        with self._reads_lock:
            del self._reads[provider_name]
        pending.set_result(result)
        return result

    def close(self) -> None:
        self._cache.close()


def _key(model: ModelSpec, request: GenerationRequest) -> str:
    """What the price depends on: the model, the priced fields, and the exact media files."""
    fields = request.model_dump(mode="json", exclude={"variations", *NOT_PRICED})
    if model.price.unit == "per_1k_chars":
        fields["prompt"] = request.prompt
    for kind in MEDIA:
        value = fields.get(kind)
        if value and not str(value).startswith("https://"):
            try:
                stat = Path(value).stat()
                fields[kind] = [value, stat.st_size, stat.st_mtime_ns]
            except OSError:
                pass
    blob = json.dumps([model.id, fields], sort_keys=True, default=str)
    return "quote:" + hashlib.sha256(blob.encode()).hexdigest()

"""Prompt enhancement: the provider's prompt helper when one is configured, the offline template
enhancer otherwise (or when the paid call cannot finish). The paid call is sent once, recorded in
the ledger, and its price is shown before the button is pressed."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from uuid import uuid4

from core.contracts import GenerationRequest, ModelSpec, Operation
from core.errors import StudioError, SubmitOutcomeUnknown
from core.inputs import check_prompt
from core.pricing import estimate
from core.prompting import enhance_offline

if TYPE_CHECKING:
    from core.studio import Studio

WAIT_S = 60.0


class PromptEnhancer:
    def __init__(self, studio: Studio) -> None:
        self.studio = studio

    def paid_model(self) -> ModelSpec | None:
        """The configured hosted prompt helper, if any."""
        configured = self.studio.configured_providers()
        for model in self.studio.catalog.models(operation=Operation.PROMPT_OPTIMIZER):
            if not model.offline and model.provider in configured:
                return model
        return None

    def label(self) -> str:
        model = self.paid_model()
        if model is None:
            return "Enhance prompt (offline template, free)"
        return f"Enhance prompt ({model.name}, ${self._price(model):.3f})"

    def enhance(self, prompt: str, template: str | None, operation: str, user: str) -> dict:
        model = self.paid_model()
        if model is None:
            return self._offline(prompt, template, operation, [])
        check_prompt(prompt)
        try:
            text, cost = self._run(model, prompt, user)
        except StudioError as exc:
            return self._offline(prompt, template, operation, [f"{model.name} could not help: {exc}"])
        return {"prompt": text, "negative_prompt": "", "source": model.name, "notes": [], "cost_usd": cost}

    def _run(self, model: ModelSpec, prompt: str, user: str) -> tuple[str, float]:
        """Submit once, poll until done, read the text; the ledger records what it cost."""
        s = self.studio
        provider = s.providers[model.provider]
        request = GenerationRequest(operation=Operation.PROMPT_OPTIMIZER, prompt=prompt)
        price = self._price(model)
        entry = f"prompt-{uuid4().hex[:12]}"
        s.ledger.reserve(job_id=entry, owner=user, provider=model.provider, model=model.id,
                         estimate_usd=price, verified=model.price.verified)
        try:
            task_id = provider.submit(model, request)
        except SubmitOutcomeUnknown:
            s.ledger.flag(entry)
            raise
        except StudioError:
            s.ledger.release(entry, "not-submitted")
            raise
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            state = provider.poll(model, task_id)
            if state.status == "completed" and state.outputs:
                scratch = s.store.scratch(".txt")
                provider.fetch(state.outputs[0], scratch)
                text = scratch.read_text(encoding="utf-8").strip()
                scratch.unlink(missing_ok=True)
                s.ledger.settle(entry, price)
                return text, price
            if state.status in ("failed", "cancelled"):
                s.ledger.release(entry, "refunded")
                raise StudioError(state.error or "the task failed")
            time.sleep(max(model.latency.base_s / 10, 0.2))
        s.ledger.settle(entry, price)  # it may still finish and bill: count it
        raise StudioError(f"no answer within {WAIT_S:.0f} s")

    def _offline(self, prompt: str, template: str | None, operation: str, notes: list[str]) -> dict:
        enhanced = enhance_offline(prompt, template_id=template or None, operation=operation)
        return {"prompt": enhanced.text, "negative_prompt": enhanced.negative_prompt, "source": enhanced.source,
                "notes": notes + list(enhanced.notes), "cost_usd": 0.0}

    @staticmethod
    def _price(model: ModelSpec) -> float:
        return estimate(GenerationRequest(operation=Operation.PROMPT_OPTIMIZER, prompt="x"), model).per_run_usd

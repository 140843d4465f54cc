"""Prompt enhancement: the provider's prompt helper when one is configured, the offline template
enhancer otherwise (or on request).

The paid helper goes through the same path as every paid run (preflight, budget, the
reservation, the confirmation rules, the ledger) and runs as a job on the core's workers, never
in a request thread: `enhance` answers at once with a job id, and `result` reads its text (or,
when the helper failed, the free offline enhancement, saying why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.boundary import parse, parse_value
from core.boundary.create import EnhanceRequest
from core.boundary.library import JOB_ID
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Operation, Provider
from core.inputs import check_prompt
from core.jobs.store import JobStore
from core.library.models import JobStatus
from core.money.pricing import estimate, format_usd
from core.prompting import enhance_offline

PROMPT_KIND = "prompt"


@dataclass
class PromptDeps:
    catalog: Catalog
    providers: dict[str, Provider]
    jobs: JobStore
    create: Callable[..., dict]  # CreateService.create (priced, reserved, queued as a job)


class PromptEnhancer:
    def __init__(self, deps: PromptDeps) -> None:
        self.d = deps

    def paid_model(self) -> ModelSpec | None:
        """The configured hosted prompt helper, if any."""
        configured = {name for name, p in self.d.providers.items() if p.configured()}
        for model in self.d.catalog.models(operation=Operation.PROMPT_OPTIMIZER):
            if not model.offline and model.provider in configured:
                return model
        return None

    def label(self) -> str:
        model = self.paid_model()
        if model is None:
            return "Enhance prompt (offline template, free)"
        return f"Enhance prompt ({model.name}, {format_usd(self._price(model))})"

    def enhance(self, request: dict | EnhanceRequest, *, owner: str) -> dict:
        """The offline enhancement at once, or the paid helper's job (poll /job; its `result` holds the text)."""
        parsed = parse(EnhanceRequest, request)
        model = None if parsed.offline else self.paid_model()
        if model is None:
            return {**self._offline(parsed, []), "job_id": None}
        check_prompt(parsed.prompt)
        run = {"operation": Operation.PROMPT_OPTIMIZER.value, "prompt": parsed.prompt, "model": model.id,
               "confirm_usd": parsed.confirm_usd, "confirm": parsed.confirm}
        answer = self.d.create(run, owner=owner, kind=PROMPT_KIND)
        if not answer["ok"]:
            reason = answer.get("message") or "; ".join(i["message"] for i in answer["issues"])
            return {**self._offline(parsed, [f"{model.name} was not used: {reason}"]), "job_id": None}
        return {"prompt": None, "negative_prompt": "", "source": model.name, "cost_usd": answer["max_usd"],
                "notes": [f"{model.name} is working on it (up to {format_usd(answer['max_usd'])})."],
                "job_id": answer["job_ids"][0], "status": "queued"}

    def result(self, job_id: str, request: dict | EnhanceRequest, *, owner: str) -> dict:
        """The helper's answer once its job ended: its text, or the offline enhancement saying why."""
        job = self.d.jobs.get(parse_value(JOB_ID, job_id, "job_id"), owner)
        parsed = parse(EnhanceRequest, request)
        status = JobStatus(job.status)
        if not status.terminal:
            return {"prompt": None, "status": job.status, "job_id": job.id, "notes": [job.message],
                    "source": job.model, "negative_prompt": "", "cost_usd": job.estimate_usd}
        text = (job.payload.get("result") or {}).get("prompt")
        if status == JobStatus.SUCCEEDED and text:
            return {"prompt": text, "negative_prompt": "", "source": self.d.catalog.get(job.model).name,
                    "notes": [], "cost_usd": job.actual_usd or 0.0, "status": job.status, "job_id": job.id}
        reason = job.error or job.message or job.status
        return {**self._offline(parsed, [f"The prompt helper could not help ({reason}); used the free offline "
                                         "template instead."]), "status": job.status, "job_id": job.id}

    def _offline(self, parsed: EnhanceRequest, notes: list[str]) -> dict:
        enhanced = enhance_offline(parsed.prompt, template_id=parsed.template, operation=parsed.operation)
        return {"prompt": enhanced.text, "negative_prompt": enhanced.negative_prompt, "source": enhanced.source,
                "notes": notes + list(enhanced.notes), "cost_usd": 0.0, "status": "succeeded"}

    @staticmethod
    def _price(model: ModelSpec) -> float:
        return estimate(GenerationRequest(operation=Operation.PROMPT_OPTIMIZER, prompt="x"), model).per_run_usd

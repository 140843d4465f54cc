"""Preflight: user -> inputs -> plan limits -> capability guard -> cost -> confirmation.

Nothing here spends money or writes a row: it answers "may this run, on which model, for how
much, and what must the user confirm?" The same answer feeds the cost meter and /estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.capability import Issue, check, resolve_defaults
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Operation
from core.errors import StudioError
from core.inputs import check_audio, check_prompt, prepare_image
from core.media.probe import probe
from core.media.sources import check_video_source
from core.plans import Plan, check_plan
from core.pricing import CostEstimate, estimate
from core.routing import candidates

PROMPTLESS_OK = {Operation.IMAGE_TO_VIDEO, Operation.AVATAR, Operation.UPSCALE, Operation.FACE_SWAP,
                 Operation.SOUND, Operation.TRANSLATE, Operation.BACKGROUND_REMOVAL, Operation.OUTPAINT,
                 Operation.CHARACTER_SWAP}


@dataclass
class Usage:
    month_spend_usd: float
    month_runs: int


@dataclass
class PreflightResult:
    request: GenerationRequest
    model: ModelSpec | None
    estimate: CostEstimate | None
    ladder: list[ModelSpec] = field(default_factory=list)
    ladder_estimates: dict[str, float] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    needs_confirmation: bool = False
    plan: Plan | None = None
    usage: Usage | None = None

    @property
    def allowed(self) -> bool:
        return self.model is not None and not self.issues

    def to_dict(self) -> dict:
        est = self.estimate
        budget = self.plan.monthly_budget_usd if self.plan else None
        spend = self.usage.month_spend_usd if self.usage else 0.0
        return {
            "allowed": self.allowed,
            "model": self.model.id if self.model else None,
            "model_name": self.model.name if self.model else None,
            "provider": self.model.provider if self.model else None,
            "offline": bool(self.model and self.model.offline),
            "total_usd": round(est.total_usd, 4) if est else 0.0,
            "per_run_usd": round(est.per_run_usd, 4) if est else 0.0,
            "variations": self.request.variations,
            "price_verified": bool(est and est.verified),
            "breakdown": [d.model_dump() for d in est.drivers] if est else [],
            "notes": self.notes + (list(est.notes) if est else []),
            "issues": [i.model_dump() for i in self.issues],
            "needs_confirmation": self.needs_confirmation,
            "fallbacks": [m.id for m in self.ladder[1:]],
            "month_spend_usd": round(spend, 2),
            "budget_usd": budget,
            "budget_left_usd": round(budget - spend, 2) if budget is not None else None,
            "plan": self.plan.id if self.plan else None,
            "request": self.request.model_dump(mode="json"),
        }


def run_preflight(request: GenerationRequest, *, catalog: Catalog, configured: set[str], plan: Plan,
                  usage: Usage, work_dir: Path, confirm_above_usd: float,
                  platform_defaults=None) -> PreflightResult:
    """Decide model, cost and issues for `request` without side effects on money or the library."""
    platform_issues: list[Issue] = []
    if platform_defaults:
        request, platform_issues = platform_defaults(request)
    issues, request = _check_inputs(request, work_dir)
    issues = platform_issues + issues
    result = PreflightResult(request=request, model=None, estimate=None, plan=plan, usage=usage)
    try:
        ladder = candidates(request, catalog, configured)
    except StudioError as exc:
        result.issues = issues + [Issue(field="model", message=str(exc), allowed=catalog.ids())]
        return result
    if not ladder:
        result.issues = issues + _why_no_model(request, catalog, configured)
        return result
    if ladder[0].provider not in configured:
        skipped = ladder.pop(0)
        if not ladder:
            result.issues = issues + [Issue(
                field="model", message=f"{skipped.name} needs the {skipped.provider} provider, which is not "
                f"configured (no API key).", allowed=[m.id for m in catalog.models(request.operation)
                                                      if m.provider in configured])]
            result.issues += check(resolve_defaults(request, skipped), skipped)
            return result
        result.notes.append(f"{skipped.name} is not configured; {ladder[0].name} will be used instead.")
    model = ladder[0]
    request = resolve_defaults(request, model)
    result.request = request
    result.issues = issues + check(request, model)
    result.model = model
    result.estimate = estimate(request, model)
    cap = result.estimate.per_run_usd
    for m in ladder:
        per_run = estimate(resolve_defaults(request, m), m).per_run_usd
        if m.id == model.id or per_run <= cap + 1e-9:
            result.ladder.append(m)
            result.ladder_estimates[m.id] = per_run
    result.issues += check_plan(request, plan, usage.month_runs, usage.month_spend_usd,
                                result.estimate.total_usd)
    result.needs_confirmation = result.estimate.total_usd > confirm_above_usd
    return result


def _check_inputs(request: GenerationRequest, work_dir: Path) -> tuple[list[Issue], GenerationRequest]:
    """File and prompt checks that do not depend on the model."""
    issues: list[Issue] = []
    updates: dict = {}
    try:
        check_prompt(request.prompt, required=request.operation not in PROMPTLESS_OK)
    except StudioError as exc:
        issues.append(Issue(field="prompt", message=str(exc), allowed=[]))
    if request.image and not request.image.startswith("https://"):
        try:
            prepared = prepare_image(request.image, work_dir)
            updates["image"] = str(prepared.path)
        except StudioError as exc:
            issues.append(Issue(field="image", message=str(exc), allowed=[]))
    if request.video and not request.video.startswith("https://"):
        try:
            info = probe(request.video)
            check_video_source(info)
            if request.input_duration is None:
                updates["input_duration"] = round(info.duration_s, 3)
        except StudioError as exc:
            issues.append(Issue(field="video", message=str(exc), allowed=[]))
    if request.audio and not request.audio.startswith("https://"):
        try:
            seconds = check_audio(request.audio)
            if request.operation == Operation.AVATAR:
                updates["input_duration"] = seconds
        except StudioError as exc:
            issues.append(Issue(field="audio", message=str(exc), allowed=[]))
    return issues, request.model_copy(update=updates) if updates else request


def _why_no_model(request: GenerationRequest, catalog: Catalog, configured: set[str]) -> list[Issue]:
    """When routing finds nothing, say what each model of this operation would need."""
    if request.model and request.model != "auto":
        try:
            model = catalog.get(request.model)
        except StudioError as exc:
            return [Issue(field="model", message=str(exc), allowed=[m.id for m in catalog.models()])]
        found = check(resolve_defaults(request, model), model)
        if found:
            return found
        return [Issue(field="model", message=f"{model.name} is not available: its provider "
                      f"({model.provider}) is not configured.", allowed=[])]
    options = catalog.models(operation=request.operation)
    if not options:
        return [Issue(field="operation", message=f"No model can do {request.operation.value}.", allowed=[])]
    if not any(m.provider in configured for m in options):
        needed = sorted({m.provider for m in options})
        return [Issue(field="model", message=f"{request.operation.value} needs a hosted model, and its provider "
                      f"({', '.join(needed)}) is not configured: add its API key to use it.",
                      allowed=[m.id for m in options])]
    issues = check(resolve_defaults(request, options[0]), options[0])
    return issues or [Issue(field="model", message="No configured model meets this request.",
                            allowed=[m.id for m in options])]

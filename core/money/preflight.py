"""Preflight: inputs measured -> plan limits -> capability guard -> bounded cost -> confirmation.

Nothing here spends money or writes a row: it answers "may this run, on which model, for how
much at most, and what must the user confirm?" The same answer feeds the cost meter and
/estimate. Lengths that set a price are measured here from the files the core holds; a link
the core could not fetch leaves the length unknown, and the price becomes an upper bound.
Each fallback rung is guarded and priced on its own request and kept only when it can honour
the request, costs no more than the first choice, and keeps the sound.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.avatar import talk_length
from core.capability import Issue, check, makes_sound, resolve_defaults
from core.catalog import Catalog
from core.contracts import GenerationRequest, ModelSpec, Operation, pending_job
from core.errors import StudioError
from core.inputs import check_audio, check_prompt, check_voice_audio, prepare_image
from core.media.probe import probe
from core.media.sources import check_video_source
from core.money import confirmation, meter
from core.money.meter import KeyHelp
from core.money.plans import Plan, check_plan
from core.money.pricing import CostEstimate, estimate
from core.routing import candidates, choose

PROMPTLESS_OK = {Operation.IMAGE_TO_VIDEO, Operation.AVATAR, Operation.UPSCALE, Operation.FACE_SWAP,
                 Operation.SOUND, Operation.TRANSLATE, Operation.BACKGROUND_REMOVAL, Operation.OUTPAINT,
                 Operation.CHARACTER_SWAP, Operation.CAPTIONING}
EPSILON_USD = 1e-6


@dataclass
class Usage:
    month_spend_usd: float
    month_runs: int


@dataclass(frozen=True)
class Rung:
    """One model of the ladder with its own request and its own bound (per run)."""

    model: ModelSpec
    request: GenerationRequest
    max_per_run_usd: float

    def to_payload(self) -> dict:
        return {"model": self.model.id, "request": self.request.model_dump(mode="json"),
                "max_usd": round(self.max_per_run_usd, 4)}


@dataclass
class PreflightResult:
    request: GenerationRequest
    model: ModelSpec | None
    estimate: CostEstimate | None
    ladder: list[Rung] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    needs_confirmation: bool = False
    plan: Plan | None = None
    usage: Usage | None = None
    needs_key: str | None = None  # the provider whose key the priced model still needs
    message: str = ""
    reuse: dict | None = None  # the owner's earlier asset made by exactly this request (never pay twice)

    @property
    def allowed(self) -> bool:
        return self.model is not None and not self.issues and self.needs_key is None

    @property
    def max_usd(self) -> float:
        return round(self.estimate.max_usd, 4) if self.estimate else 0.0

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
            "max_usd": self.max_usd,
            "price_basis": est.basis if est else "exact",
            "price_label": est.label if est else "",
            "per_run_usd": round(est.per_run_usd, 4) if est else 0.0,
            "variations": self.request.variations,
            "price_verified": bool(est and (est.verified or est.basis == "provider-quote")),
            "breakdown": meter.breakdown(self.request, self.model, est) if self.model else [],
            "expected_s": meter.expected_seconds(self.request, self.model, est) if self.model else None,
            "needs_key": self.needs_key,
            "message": self.message,
            "notes": self.notes + (list(est.notes) if est else []),
            "issues": [i.model_dump() for i in self.issues],
            "needs_confirmation": self.needs_confirmation,
            "fallbacks": [r.model.id for r in self.ladder[1:]],
            "month_spend_usd": round(spend, 2),
            "budget_usd": budget,
            "budget_left_usd": round(budget - spend, 2) if budget is not None else None,
            "plan": self.plan.id if self.plan else None,
            "reuse": self.reuse,
            "request": self.request.model_dump(mode="json"),
        }


def run_preflight(request: GenerationRequest, *, catalog: Catalog, configured: set[str], plan: Plan,
                  usage: Usage, work_dir: Path, confirm_above_usd: float, platform_defaults=None,
                  accepts_urls=lambda model: False, quote=None, planned_s: float | None = None,
                  keys: Callable[[str], KeyHelp] = lambda name: KeyHelp(name, "its API key")) -> PreflightResult:
    """Decide model, bounded cost and issues for `request` without side effects on money or the library.

    `accepts_urls(model)` says whether a model's provider reads links itself (needed when a link
    could not be fetched); `quote(model, request, estimate)` may replace a catalog figure with
    the provider's live one. A named model whose provider has no key is still priced, and the
    answer says which key to add (`needs_key`, `message`); `keys(provider)` names it. `planned_s` bounds the length of an
    audio another job of the same request will make (a voice from a script): the price is then an
    upper bound."""
    platform_issues: list[Issue] = []
    if platform_defaults:
        request, platform_issues = platform_defaults(request)
    issues, request = _check_inputs(request, work_dir, planned_s)
    issues = platform_issues + issues
    result = PreflightResult(request=request, model=None, estimate=None, plan=plan, usage=usage)
    try:  # a missing prompt is said once (above); the meter still shows what a prompt would cost
        ladder = candidates(_routable(request), catalog, configured)
    except StudioError as exc:
        result.issues = issues + [Issue(field="model", message=str(exc), allowed=catalog.ids())]
        return result
    if not ladder:
        result.issues = issues + _why_no_model(request, catalog, configured)
        return result
    if ladder[0].provider not in configured and not ladder[0].offline:
        return _needs_key(result, issues, ladder[0], catalog, configured, keys)
    model = ladder[0]
    first = resolve_defaults(request, model)
    result.request, result.model = first, model
    result.issues = _without_repeats(issues, check(first, model)) + _links(first, model, accepts_urls)
    est = estimate(first, model)
    if quote is not None and est.known and not model.offline and not pending_job(first.audio):
        est = quote(model, first, est)
    if pending_job(first.audio) and est.known and est.basis == "exact" and not model.offline:
        est = est.model_copy(update={"basis": "upper-bound", "summary": "up to " + est.summary})
    result.estimate = est
    if not est.known and not model.offline:
        result.issues.append(Issue(field="price", message=f"{model.name} cannot be priced for this request: "
                                   f"{est.notes[0] if est.notes else 'no price'}", allowed=[]))
    result.ladder = [Rung(model, first, est.max_per_run_usd)] + _fallbacks(
        request, first, model, est, ladder[1:], accepts_urls)
    result.issues += check_plan(first, plan, usage.month_runs, usage.month_spend_usd, est.max_usd)
    if first.input_duration is None and model.capabilities.duration_from in ("audio", "video") \
            and est.basis == "upper-bound" and (est.billed_seconds or 0) > plan.max_duration_s:
        source = model.capabilities.duration_from
        result.issues.append(Issue(field=source, message=f"The length of your {source} is not known, and "
                                   f"{model.name} may make up to {est.billed_seconds:g} s; the {plan.name} plan "
                                   f"allows {plan.max_duration_s:g} s. Upload the file so it can be measured.",
                                   allowed=[f"≤ {plan.max_duration_s:g} s"]))
    result.needs_confirmation = confirmation.needs_confirmation(est.max_usd, confirm_above_usd)
    return result


def _routable(request: GenerationRequest) -> GenerationRequest:
    """The request as routing sees it: an empty prompt stands in as written, so the model and
    price a prompt would get are shown next to "the prompt is empty"."""
    if request.prompt.strip() or request.operation in PROMPTLESS_OK:
        return request
    return request.model_copy(update={"prompt": "a prompt"})


def _needs_key(result: PreflightResult, issues: list[Issue], model: ModelSpec, catalog: Catalog,
               configured: set[str], keys: Callable[[str], KeyHelp]) -> PreflightResult:
    """The named model priced as asked, not allowed until its provider's key is added."""
    request = resolve_defaults(result.request, model)
    est = estimate(request, model)
    result.request, result.model, result.estimate = request, model, est
    result.needs_key = model.provider
    result.message = meter.key_message(model, est, keys(model.provider))
    others = [m.id for m in catalog.models(request.operation) if m.offline or m.provider in configured]
    result.issues = _without_repeats(issues, check(request, model)) + [
        Issue(field="model", message=result.message, allowed=["auto", *others])]
    return result


def _without_repeats(first: list[Issue], more: list[Issue]) -> list[Issue]:
    """`first`, then the issues of `more` about fields `first` has not already spoken about."""
    said = {i.field for i in first}
    return first + [i for i in more if i.field not in said]


def _fallbacks(asked: GenerationRequest, first: GenerationRequest, model: ModelSpec, est: CostEstimate,
               others: list[ModelSpec], accepts_urls) -> list[Rung]:
    """Rungs that honour the request on their own terms: guard passed on their own request, a known
    price no dearer than the first choice, and sound whenever the first choice makes sound."""
    sound = makes_sound(first, model)
    rungs = []
    for other in others:
        choice = choose(other, asked)
        if choice is None or _links(choice.request, other, accepts_urls):
            continue
        bound = choice.estimate
        if not other.offline and (not bound.known or bound.max_per_run_usd > est.max_per_run_usd + EPSILON_USD):
            continue
        if sound and not makes_sound(choice.request, other):
            continue
        rungs.append(Rung(other, choice.request, bound.max_per_run_usd))
    return rungs


def _links(request: GenerationRequest, model: ModelSpec, accepts_urls) -> list[Issue]:
    """A link the core could not fetch can only go to a provider that reads links itself."""
    out = []
    for kind in ("image", "audio", "video"):
        value = getattr(request, kind)
        if isinstance(value, str) and value.startswith("https://") and not accepts_urls(model):
            out.append(Issue(field=kind, message=f"The {kind} link could not be fetched, and {model.name} needs "
                             "the file itself. Upload the file, or try the link again later.", allowed=[]))
    return out


def _check_inputs(request: GenerationRequest, work_dir: Path,
                  planned_s: float | None = None) -> tuple[list[Issue], GenerationRequest]:
    """File and prompt checks that do not depend on the model; lengths are measured, never taken."""
    issues: list[Issue] = []
    updates: dict = {"input_duration": None}
    lengths: dict[str, float] = {}
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
            lengths["video"] = info.duration_s
        except StudioError as exc:
            issues.append(Issue(field="video", message=str(exc), allowed=[]))
    if pending_job(request.audio):
        if planned_s is not None and math.isfinite(planned_s) and planned_s > 0:
            lengths["audio"] = planned_s
    elif request.audio and not request.audio.startswith("https://"):
        try:
            voice = request.operation == Operation.AVATAR
            lengths["audio"] = (check_voice_audio if voice else check_audio)(request.audio)
        except StudioError as exc:
            issues.append(Issue(field="audio", message=str(exc), allowed=[]))
    second = request.options.get("right_audio")
    if "audio" in lengths and isinstance(second, str) and second and not second.startswith("https://"):
        try:  # two voices: the talk lasts the longer one together, or both one after the other
            lengths["audio"] = talk_length([lengths["audio"], check_audio(second)],
                                           str(request.options.get("order") or "meanwhile"))
        except StudioError as exc:
            issues.append(Issue(field="options.right_audio", message=str(exc), allowed=[]))
    measured = lengths.get("video", lengths.get("audio"))
    if measured is not None and math.isfinite(measured) and measured > 0:
        updates["input_duration"] = round(measured, 3)
    return issues, request.model_copy(update=updates)


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

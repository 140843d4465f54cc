"""Compare groups and sweeps: plan every model's run, price it, confirm once, reserve together, queue.

A compare is one request on 2-4 models; a sweep is prompts x seeds x models under a ceiling
(which is also its confirmation amount). Each model gets the nearest settings it can honour
(core.compare.nearest), is priced by the money preflight (core.compare.pricing), and re-uses
an earlier output of the very same request (the library's request keys) unless `run_again`. The runs that send something
are reserved in one step before any job exists; each job's ceiling is its share of the
confirmed amount, so the group as a whole can never cost more than was agreed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from core.boundary import parse
from core.boundary.compare import CompareRequest, Inputs, SweepRequest
from core.catalog import Catalog
from core.compare.models import CompareGroup, CompareRun
from core.compare.nearest import Fitted, fit
from core.compare.pricing import EPSILON_USD, MoneyDoor, Priced
from core.contracts import GenerationRequest
from core.db import Database
from core.errors import PlanLimitExceeded
from core.jobs.store import JobStore
from core.library.models import Job
from core.views import headline


@dataclass
class CompareDeps:
    """What compares need from the rest of the core."""

    db: Database
    catalog: Catalog
    jobs: JobStore
    enqueue: Callable[[str], None]
    money: MoneyDoor
    fingerprint: Callable[[dict], str | None]  # a request's never-pay-twice fingerprint (core.library.reuse)
    earlier: Callable[[str, str, str], dict | None]  # (fingerprint, model id, owner) -> the newest such asset


@dataclass
class Planned:
    """One cell of a group before it starts: the model, its fitted request, its price or its re-use."""

    position: int
    fitted: Fitted
    priced: Priced | None
    prompt: str
    seed: int | None
    earlier: dict | None = None  # the earlier output of the very same request (core.library.reuse)
    fingerprint: str | None = None

    @property
    def model(self):
        return self.fitted.model

    @property
    def allowed(self) -> bool:
        return self.fitted.allowed and (self.earlier is not None or (self.priced is not None and self.priced.allowed))

    @property
    def sends(self) -> bool:
        """It becomes a job (not re-used, not left out)."""
        return self.allowed and self.earlier is None

    @property
    def estimate_usd(self) -> float:
        return self.priced.estimate_usd if self.sends and self.priced else 0.0

    @property
    def max_usd(self) -> float:
        return self.priced.max_usd if self.sends and self.priced else 0.0

    def reason(self) -> str:
        if not self.fitted.allowed:
            return self.fitted.reason
        if self.earlier is not None:
            return "Re-used: the same request ran on this model before; nothing is sent or charged."
        if self.priced and not self.priced.allowed:
            return " ".join(self.priced.issues)
        return self.fitted.reason

    def view(self, sweep: bool) -> dict:
        model = self.model
        out = {"model": model.id, "model_name": model.name, "provider": model.provider, "offline": model.offline,
               "estimate_usd": round(self.estimate_usd, 4), "max_usd": round(self.max_usd, 4),
               "price_usd": self.priced.estimate_usd if self.priced else None,
               "price_basis": self.priced.basis if self.priced else "exact", "allowed": self.allowed,
               "reason": self.reason(), "reused": self.earlier is not None,
               "asset_id": self.earlier["asset_id"] if self.earlier is not None else None,
               "adjusted": {k: {"asked": a, "used": u} for k, (a, u) in self.fitted.adjusted.items()}}
        if sweep:
            out.update(prompt=self.prompt, seed=self.seed)
        return out


class CompareRuns:
    """Starts compares and sweeps (see the module docstring)."""

    def __init__(self, deps: CompareDeps) -> None:
        self.d = deps

    # -- compare -----------------------------------------------------------------------------
    def compare(self, body: dict | CompareRequest, *, owner: str) -> dict:
        req = parse(CompareRequest, body)
        base = self._base(req, owner)
        plans = [self._plan(n, base, model_id, req.prompt, req.settings.seed, owner, req.run_again)
                 for n, model_id in enumerate(req.models)]
        answer = _answer(plans, sweep=False, blind=req.blind)
        if req.estimate_only:
            return answer
        if sum(p.allowed for p in plans) < 2:
            return _refused(answer, "A compare needs at least two models that can run this request; "
                                    "see each model's reason.")
        issue = self.d.money.confirmation_issue(answer["max_usd"], req.confirm_usd, req.confirm)
        if issue:
            return _refused(answer, issue.message, needs_confirmation=issue.field == "confirm_usd")
        ceiling = req.confirm_usd if req.confirm_usd is not None else answer["max_usd"]
        return self._start(req, owner, "compare", [p for p in plans if p.allowed], answer, ceiling, None)

    # -- sweep -------------------------------------------------------------------------------
    def sweep(self, body: dict | SweepRequest, *, owner: str) -> dict:
        req = parse(SweepRequest, body)
        prompts = list(req.prompts) or [req.prompt]
        seeds: list[int | None] = list(req.seeds) or [None]
        base = self._base(req, owner)
        plans, n = [], 0
        for prompt in prompts:
            for seed in seeds:
                cell = base.model_copy(update={"prompt": prompt, "seed": seed})
                for model_id in req.models:
                    plans.append(self._plan(n, cell, model_id, prompt, seed, owner, req.run_again))
                    n += 1
        answer = {**_answer(plans, sweep=True, blind=req.blind), "ceiling_usd": req.ceiling_usd, "cells": len(plans)}
        if req.estimate_only:
            return answer
        if not any(p.allowed for p in plans):
            return _refused(answer, "No run of this sweep can go ahead; see each model's reason.")
        if answer["max_usd"] > req.ceiling_usd + EPSILON_USD:
            return _refused(answer, f"This sweep may cost up to ${answer['max_usd']:,.2f}, above its ceiling of "
                                    f"${req.ceiling_usd:,.2f}; nothing was sent. Raise the ceiling to at least "
                                    f"{answer['max_usd']:g}, or take out prompts, seeds or models.",
                            needs_confirmation=True)
        return self._start(req, owner, "sweep", [p for p in plans if p.allowed], answer, req.ceiling_usd,
                           req.ceiling_usd)

    def prices(self, body: dict | Inputs, *, owner: str) -> list[dict]:
        """Every model of the operation priced for these inputs and settings (for a picker)."""
        req = parse(Inputs, body)
        base = self._base(req, owner)
        return [self._plan(n, base, m.id, req.prompt, req.settings.seed, owner, req.run_again).view(sweep=False)
                for n, m in enumerate(self.d.catalog.models(req.operation))]

    # -- planning ----------------------------------------------------------------------------
    def _base(self, req: Inputs, owner: str) -> GenerationRequest:
        """The request every model starts from, with the caller's media as files the core holds."""
        s = req.settings
        fields = {"operation": req.operation, "prompt": req.prompt, "duration": s.duration,
                  "resolution": s.resolution, "aspect": s.aspect, "seed": s.seed,
                  "negative_prompt": s.negative_prompt, "generate_audio": s.generate_audio,
                  "options": dict(s.options)}
        media = self.d.money.file
        if req.image_id:
            fields["image"] = media(req.image_id, owner, "image_id")
        if req.photo_id:
            fields["image"] = media(req.photo_id, owner, "photo_id")
        if req.audio_id:
            fields["audio"] = media(req.audio_id, owner, "audio_id")
        return GenerationRequest.model_validate(fields)

    def _plan(self, position: int, base: GenerationRequest, model_id: str, prompt: str, seed: int | None,
              owner: str, run_again: bool) -> Planned:
        model = self.d.catalog.get(model_id)
        fitted = fit(base.model_copy(update={"model": model.id}), model)
        if model.operation.value != base.operation.value:
            fitted.issues = [_wrong_operation(model, base.operation.value)]
        plan = Planned(position=position, fitted=fitted, priced=None, prompt=prompt, seed=seed)
        if not fitted.allowed:
            return plan
        plan.priced = self.d.money.price(fitted.request, model, owner)
        if plan.priced.allowed:
            plan.fingerprint = self.d.fingerprint(plan.priced.request.model_dump(mode="json"))
            if plan.fingerprint and not run_again:
                plan.earlier = self.d.earlier(plan.fingerprint, model.id, owner)
        return plan

    # -- starting ----------------------------------------------------------------------------
    def _start(self, req: Inputs, owner: str, kind: str, plans: list[Planned], answer: dict, ceiling: float,
               ceiling_usd: float | None) -> dict:
        group = CompareGroup(owner=owner, kind=kind, operation=req.operation, blind=req.blind, prompt=plans[0].prompt,
                             inputs={k: getattr(req, k) for k in ("image_id", "photo_id", "audio_id") if getattr(req, k)},
                             settings=req.settings.model_dump(mode="json"), models=list(req.models),
                             total_usd=answer["total_usd"], max_usd=answer["max_usd"],
                             confirm_usd=getattr(req, "confirm_usd", None), ceiling_usd=ceiling_usd,
                             shuffle_seed=random.SystemRandom().randrange(2**31))
        paid_max = sum(p.max_usd for p in plans if p.sends and not p.model.offline)
        scale = ceiling / paid_max if paid_max > 0 else 1.0
        runs, jobs = [], []
        for plan in plans:
            run = CompareRun(group_id=group.id, owner=owner, position=plan.position, model=plan.model.id,
                             operation=req.operation, prompt=plan.prompt, seed=plan.seed,
                             request=plan.priced.request.model_dump(mode="json") if plan.priced else {},
                             adjusted={k: [a, u] for k, (a, u) in plan.fitted.adjusted.items()},
                             note=plan.reason(), estimate_usd=plan.estimate_usd, max_usd=plan.max_usd,
                             price_basis=plan.priced.basis if plan.priced else "exact",
                             reused=plan.earlier is not None,
                             asset_id=plan.earlier["asset_id"] if plan.earlier else None)
            if plan.sends:
                job = self._job(group, run, plan, plan.max_usd * scale)
                run.job_id = job.id
                jobs.append((job, plan.priced))
            runs.append(run)
        try:
            self.d.money.reserve(owner, jobs)
        except PlanLimitExceeded as exc:
            return _refused(answer, str(exc))
        with self.d.db.session() as s:
            s.add(group)
            s.add_all(runs)
        for job, _ in jobs:
            self.d.jobs.create(job)
            self.d.enqueue(job.id)
        for name in ("image_id", "photo_id", "audio_id"):
            if getattr(req, name):
                self.d.money.audit(owner, "used-as-input", asset_id=getattr(req, name), group_id=group.id,
                                   operation=req.operation, field=name)
        for run in runs:  # rows are in position order; blind mode does not tie a model to its output
            answer["per_model"][run.position]["job_id"] = None if group.blind else run.job_id
        return {**answer, "ok": True, "group_id": group.id, "blind": group.blind,
                "job_ids": _job_ids(group, runs), "message": _started(runs)}

    def _job(self, group: CompareGroup, run: CompareRun, plan: Planned, ceiling: float) -> Job:
        model, priced = plan.model, plan.priced
        title = headline(plan.prompt) or group.operation
        payload = {**self.d.money.payload(priced, ceiling), "title": title, "parent_id": None,
                   "compare_group": group.id, "compare_run": run.id, "reuse_fingerprint": plan.fingerprint}
        return Job(owner=run.owner, kind="generate", group_id=group.id, operation=group.operation,
                   provider=model.provider, model=model.id, estimate_usd=0.0 if model.offline else priced.max_usd,
                   payload=payload)


def _answer(plans: list[Planned], sweep: bool, blind: bool) -> dict:
    rows = [plan.view(sweep) for plan in plans]
    if blind:  # which earlier output a model re-uses would name it
        for row in rows:
            row["asset_id"] = None
    total = round(sum(p.estimate_usd for p in plans), 4)
    bound = round(sum(p.max_usd for p in plans), 4)
    basis = "exact" if all((p.priced is None or p.priced.basis == "exact") for p in plans if p.sends) else "upper-bound"
    return {"ok": False, "allowed": any(p.allowed for p in plans), "group_id": None, "total_usd": total,
            "max_usd": bound, "price_basis": basis, "per_model": rows, "job_ids": [],
            "needs_confirmation": False, "message": ""}


def _refused(answer: dict, message: str, needs_confirmation: bool = False) -> dict:
    return {**answer, "ok": False, "message": message, "needs_confirmation": needs_confirmation}


def _job_ids(group: CompareGroup, runs: list[CompareRun]) -> list[str]:
    """The jobs of the group; shuffled in blind mode so their order does not name the models."""
    ids = [r.job_id for r in runs if r.job_id]
    if group.blind:
        random.Random(group.shuffle_seed).shuffle(ids)
    return ids


def _started(runs: list[CompareRun]) -> str:
    sent = sum(1 for r in runs if r.job_id)
    reused = sum(1 for r in runs if r.reused)
    parts = [f"{sent} run{'s' if sent != 1 else ''} started"] if sent else []
    if reused:
        parts.append(f"{reused} re-used from earlier at no cost")
    return "; ".join(parts) + "."


def _wrong_operation(model, operation: str):
    from core.capability import Issue

    return Issue(field="models", message=f"{model.name} does {model.operation.value}, not {operation}.")

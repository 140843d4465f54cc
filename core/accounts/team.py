"""What an admin does for the team: accounts' plans and budgets, the policy, the audit log.

Every method takes the caller (`owner`) and refuses anyone who is not an admin; every change is
written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.accounts.audit import AuditLog, event_view
from core.accounts.identity import Identity
from core.accounts.people import UNSET, Accounts
from core.accounts.policy import FEATURES, Policy, TeamPolicy
from core.errors import InvalidInput


@dataclass
class TeamDeps:
    identity: Identity
    accounts: Accounts
    policy: TeamPolicy
    audit: AuditLog
    month_spend: Callable[[str], float]
    default_plan: str
    asset_titles: Callable[[list[str]], dict[str, str]]  # ids -> titles, any owner's (Library.titles)
    jobs_described: Callable[[list[str]], dict[str, dict]]  # ids -> {title, operation} (JobStore.described)


class TeamAdmin:
    def __init__(self, deps: TeamDeps) -> None:
        self.d = deps

    def accounts(self, *, owner: str) -> list[dict]:
        """Every account with its plan, budget, flags and this month's spend."""
        self.d.identity.require_admin(owner)
        return [{"name": a.name, "plan": a.plan or self.d.default_plan, "own_plan": a.plan,
                 "budget_usd": a.budget_usd, "admin": a.admin or a.name in self.d.identity.admins,
                 "disabled": a.disabled, "source": a.source, "month_spend_usd": round(self.d.month_spend(a.name), 2)}
                for a in self.d.accounts.list()]

    def add_account(self, name: str, password: str, *, owner: str, plan: str | None = None,
                    budget_usd: float | None = None, admin: bool = False) -> dict:
        self.d.identity.require_admin(owner)
        account = self.d.accounts.add(name, password, plan=plan or None, budget_usd=budget_usd, admin=admin)
        self.d.audit.record(owner, "account-changed", account=account.name, change="added", admin=admin)
        return {"name": account.name}

    def update_account(self, name: str, *, owner: str, plan=UNSET, budget_usd=UNSET, admin=UNSET,
                       disabled: bool | None = None) -> dict:
        """Change plan (None: the installation's), budget (None: the plan's), admin or disabled."""
        self.d.identity.require_admin(owner)
        if name == owner and (admin is False or disabled):
            raise InvalidInput("You cannot remove your own admin rights or disable yourself.",
                               "Ask another admin.")
        account = self.d.accounts.update(name, plan=plan, budget_usd=budget_usd, admin=admin)
        if disabled is not None:
            account = self.d.accounts.set_disabled(name, disabled)
        self.d.audit.record(owner, "account-changed", account=name, change="set", plan=account.plan,
                            budget_usd=account.budget_usd, admin=account.admin, disabled=account.disabled)
        return {"name": account.name, "plan": account.plan, "budget_usd": account.budget_usd,
                "admin": account.admin, "disabled": account.disabled}

    def policy(self, *, owner: str) -> Policy:
        self.d.identity.require_admin(owner)
        return self.d.policy.current()

    def set_policy(self, *, owner: str, **changes) -> Policy:
        self.d.identity.require_admin(owner)
        policy = self.d.policy.update(owner, **changes)
        self.d.audit.record(owner, "policy-changed", **{k: _short(v) for k, v in changes.items()})
        return policy

    def audit(self, *, owner: str, actor: str | None = None, asset_id: str | None = None,
              action: str | None = None, limit: int = 500) -> list[dict]:
        """The audit log, newest first, filtered by person, asset and action; each event names its asset
        (`asset_title`) and job (`job`: {title, operation}) besides their ids."""
        self.d.identity.require_admin(owner)
        events = [event_view(e) for e in self.d.audit.query(actor=actor or None, asset_id=asset_id or None,
                                                            action=action or None, limit=limit)]
        return self._named(events)

    def _named(self, events: list[dict]) -> list[dict]:
        """Each event with `asset_title` (a deleted asset's from its deletion) and `job` ({title, operation})."""
        titles = self.d.asset_titles([e["asset_id"] for e in events if e["asset_id"]])
        jobs = self.d.jobs_described([e["job_id"] for e in events if e["job_id"]])
        return [{**e, "asset_title": titles.get(e["asset_id"]) or e["detail"].get("title") or None,
                 "job": jobs.get(e["job_id"])} for e in events]

    def audit_csv(self, *, owner: str, actor: str | None = None, asset_id: str | None = None,
                  action: str | None = None) -> str:
        self.d.identity.require_admin(owner)
        events = self.d.audit.query(actor=actor or None, asset_id=asset_id or None, action=action or None,
                                    limit=100_000)
        self.d.audit.record(owner, "exported", rows=len(events), actor_filter=actor, asset_filter=asset_id)
        return AuditLog.to_csv(events)

    @staticmethod
    def features() -> dict[str, str]:
        return dict(FEATURES)


def _short(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)

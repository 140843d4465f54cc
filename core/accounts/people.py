"""Accounts: who may sign in, with which plan and monthly budget, and who is an admin.

Passwords are hashed with argon2 (argon2-cffi); the plain text is never stored or logged.
"""

from __future__ import annotations

import math
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from core.accounts.models import Account
from core.db import Database
from core.errors import InvalidInput, NotFound
from core.money.plans import load_plans

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_PASSWORD = 8
UNSET = object()
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise InvalidInput(f"'{name}' cannot be an account name.",
                           "Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    return password


def check_plan(plan: str | None) -> str | None:
    if plan is None:
        return None
    plans = load_plans()
    if plan not in plans:
        raise InvalidInput(f"There is no plan called '{plan}'.", f"Use one of: {', '.join(plans)}.")
    return plan


def check_budget(budget: float | None) -> float | None:
    if budget is None:
        return None
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not math.isfinite(budget) \
            or budget < 0:
        raise InvalidInput("The monthly budget must be a number of US dollars, 0 or more.",
                           "Leave it empty to use the plan's budget.")
    return round(float(budget), 2)


class Accounts:
    """Create, change and check accounts in the studio database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, password: str | None, *, plan: str | None = None, budget_usd: float | None = None,
            admin: bool = False, source: str = "password") -> Account:
        """A new account. `password` is required for password accounts (hf accounts have none)."""
        name = check_name(name)
        pw_hash = _hasher.hash(check_password(password)) if source == "password" else ""
        account = Account(name=name, password_hash=pw_hash, plan=check_plan(plan),
                          budget_usd=check_budget(budget_usd), admin=bool(admin), source=source)
        with self.db.session() as s:
            if s.get(Account, name) is not None:
                raise InvalidInput(f"There is already an account called '{name}'.",
                                   "Pick another name, or change that account with `users set`.")
            s.add(account)
        return account

    def find(self, name: str | None) -> Account | None:
        if not name:
            return None
        with self.db.session() as s:
            return s.get(Account, name)

    def get(self, name: str) -> Account:
        account = self.find(name)
        if account is None:
            raise NotFound(f"There is no account called '{name}'.", "See `python app.py users list`.")
        return account

    def list(self) -> list[Account]:
        with self.db.session() as s:
            return list(s.exec(select(Account).order_by(col(Account.name))))

    def verify(self, name: str, password: str) -> bool:
        """True when `name` is an enabled password account and `password` is its password."""
        account = self.find((name or "").strip())
        if account is None or not account.password_hash:
            _safe_verify(_DUMMY_HASH, password or "")  # same work whether or not the name exists
            return False
        if not _safe_verify(account.password_hash, password or ""):
            return False
        if _hasher.check_needs_rehash(account.password_hash):
            self._change(account.name, password_hash=_hasher.hash(password))
        return not account.disabled

    def set_password(self, name: str, password: str) -> Account:
        self.get(name)
        return self._change(name, password_hash=_hasher.hash(check_password(password)), source="password")

    def set_disabled(self, name: str, disabled: bool = True) -> Account:
        self.get(name)
        return self._change(name, disabled=bool(disabled))

    def update(self, name: str, *, plan=UNSET, budget_usd=UNSET, admin=UNSET) -> Account:
        """Change an account's plan (None: the installation's), budget (None: the plan's) or admin flag."""
        self.get(name)
        changes: dict = {}
        if plan is not UNSET:
            changes["plan"] = check_plan(plan or None)
        if budget_usd is not UNSET:
            changes["budget_usd"] = check_budget(budget_usd)
        if admin is not UNSET:
            changes["admin"] = bool(admin)
        return self._change(name, **changes)

    def ensure(self, name: str, *, source: str, admin: bool = False) -> Account:
        """The account for a person who signed in elsewhere (Hugging Face); made on first sign-in."""
        account = self.find(name)
        if account is None:
            try:
                account = self.add(name, None, source=source, admin=admin)
            except InvalidInput:
                account = self.find(name)  # made by a concurrent first request
                if account is None:
                    raise
        if admin and not account.admin:
            account = self._change(name, admin=True)
        return account

    def _change(self, name: str, **changes) -> Account:
        with self.db.session() as s:
            account = s.get(Account, name)
            for key, value in changes.items():
                setattr(account, key, value)
            s.add(account)
        return account


def _safe_verify(pw_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        return False

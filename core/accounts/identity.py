"""Who is calling, decided on the server and never by a request field.

- `none` (solo): one owner, the local user; no login.
- `password`: an account of this studio, signed in with Gradio's own login (or an API token).
- `hf`: the Hugging Face username of the OAuth profile; the account is made on first sign-in,
  optionally only for members of one organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.accounts.people import Accounts
from core.errors import Forbidden, SignInRequired


class AuthMode(StrEnum):
    NONE = "none"
    PASSWORD = "password"
    HF = "hf"


class Identity:
    def __init__(self, mode: str, accounts: Accounts, *, local_owner: str, admins: Iterable[str] = (),
                 hf_org: str | None = None) -> None:
        self.mode = AuthMode(mode)
        self.accounts = accounts
        self.local_owner = local_owner
        self.admins = set(admins)
        self.hf_org = hf_org or None

    @property
    def solo(self) -> bool:
        return self.mode == AuthMode.NONE

    def owner(self, username: str | None, *, orgs: Iterable[str] = ()) -> str:
        """The owner of a request whose session says `username` (and, for hf, its organisations)."""
        if self.solo:
            return self.local_owner
        if not username:
            how = "Sign in with Hugging Face" if self.mode == AuthMode.HF else "Sign in"
            raise SignInRequired("You are not signed in.", f"{how} to use the studio.")
        if self.mode == AuthMode.HF:
            if self.hf_org and self.hf_org not in set(orgs):
                raise Forbidden(f"This studio is for members of the {self.hf_org} organisation.",
                                f"Ask an admin of {self.hf_org} to add you, then sign in again.")
            account = self.accounts.ensure(username, source="hf", admin=username in self.admins)
        else:
            account = self.accounts.find(username)
        if account is None or account.disabled:
            raise SignInRequired("This account is disabled or no longer exists.", "Ask an admin.")
        return account.name

    def is_admin(self, owner: str) -> bool:
        """Solo mode's owner runs the machine; otherwise the account's admin flag or VIDEO_STUDIO_ADMINS."""
        if self.solo:
            return True
        if owner in self.admins:
            return True
        account = self.accounts.find(owner)
        return bool(account and account.admin and not account.disabled)

    def require_admin(self, owner: str) -> None:
        if not self.is_admin(owner):
            raise Forbidden("Only an admin can do this.", "Ask an admin of this studio.")

    def check_password(self, name: str, password: str) -> bool:
        """Gradio's login check (`auth=`): an enabled password account with this password."""
        return self.mode == AuthMode.PASSWORD and self.accounts.verify(name, password)

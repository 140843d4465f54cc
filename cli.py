"""`python app.py users ...`: manage accounts from a shell (passwords are read from standard input).

    users add NAME [--plan PLAN] [--budget USD] [--admin]   password: one line on stdin
    users list
    users set NAME [--plan PLAN | --default-plan] [--budget USD | --no-budget] [--admin | --no-admin]
    users disable NAME / users enable NAME
    users passwd NAME                                       new password: one line on stdin
    users token NAME [--label TEXT]                         prints the new token alone on one line
    users tokens NAME                                       lists NAME's tokens (ids, not the tokens)
    users revoke NAME [--token ID]                          revokes one token, or all of NAME's
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core.accounts import Accounts, ApiTokens, AuditLog
from core.accounts.people import UNSET
from core.db import Database
from core.errors import StudioError
from core.settings import Settings

ACTOR = "(command line)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python app.py users", description="Manage studio accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account (password: one line on standard input)")
    add.add_argument("name")
    add.add_argument("--plan", help="plan id from data/plans.toml (default: VIDEO_STUDIO_PLAN)")
    add.add_argument("--budget", type=float, help="monthly budget in USD (default: the plan's)")
    add.add_argument("--admin", action="store_true", help="may manage accounts, policy and the audit log")
    sub.add_parser("list", help="list accounts")
    change = sub.add_parser("set", help="change an account's plan, budget or admin flag")
    change.add_argument("name")
    change.add_argument("--plan")
    change.add_argument("--default-plan", action="store_true", help="use the installation's plan")
    change.add_argument("--budget", type=float)
    change.add_argument("--no-budget", action="store_true", help="use the plan's budget")
    change.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None)
    for name, text in (("disable", "stop an account from signing in (its work is kept)"),
                       ("enable", "let a disabled account sign in again"),
                       ("passwd", "set a new password (one line on standard input)"),
                       ("tokens", "list an account's API tokens")):
        sub.add_parser(name, help=text).add_argument("name")
    token = sub.add_parser("token", help="make an API token; it is printed once, alone on one line")
    token.add_argument("name")
    token.add_argument("--label", default="")
    revoke = sub.add_parser("revoke", help="revoke one API token (--token ID) or all of an account's")
    revoke.add_argument("name")
    revoke.add_argument("--token", dest="token_id")
    return parser


def read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def users(argv: list[str], settings: Settings | None = None) -> int:
    """Run one `users` command; returns the exit status."""
    args = _parser().parse_args(argv)
    db = Database((settings or Settings()).db_url)
    accounts, tokens, audit = Accounts(db), ApiTokens(db), AuditLog(db)
    try:
        _run(args, accounts, tokens, audit)
    except StudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0


def _run(args, accounts: Accounts, tokens: ApiTokens, audit: AuditLog) -> None:
    command, name = args.command, getattr(args, "name", None)
    if command == "list":
        print(f"{'name':<24} {'plan':<12} {'budget':>9}  admin  disabled  source")
        for a in accounts.list():
            budget = "-" if a.budget_usd is None else f"${a.budget_usd:,.2f}"
            print(f"{a.name:<24} {a.plan or '(default)':<12} {budget:>9}  {'yes' if a.admin else 'no':<5}  "
                  f"{'yes' if a.disabled else 'no':<8}  {a.source}")
        return
    if command == "add":
        accounts.add(name, read_password(), plan=args.plan, budget_usd=args.budget, admin=args.admin)
        audit.record(ACTOR, "account-changed", account=name, change="added", admin=args.admin)
        print(f"Added {name}.", file=sys.stderr)
    elif command == "set":
        plan = None if args.default_plan else (args.plan if args.plan is not None else UNSET)
        budget = None if args.no_budget else (args.budget if args.budget is not None else UNSET)
        admin = UNSET if args.admin is None else args.admin
        account = accounts.update(name, plan=plan, budget_usd=budget, admin=admin)
        audit.record(ACTOR, "account-changed", account=name, change="set", plan=account.plan,
                     budget_usd=account.budget_usd, admin=account.admin)
        print(f"Updated {name}.", file=sys.stderr)
    elif command in ("disable", "enable"):
        accounts.set_disabled(name, command == "disable")
        audit.record(ACTOR, "account-changed", account=name, change=command + "d")
        print(f"{name} is {command}d.", file=sys.stderr)
    elif command == "passwd":
        accounts.set_password(name, read_password())
        audit.record(ACTOR, "account-changed", account=name, change="password")
        print(f"New password set for {name}.", file=sys.stderr)
    elif command == "token":
        row, token = tokens.issue(accounts.get(name).name, args.label)
        audit.record(ACTOR, "token-issued", account=name, token_id=row.id)
        print(token)
    elif command == "tokens":
        for row in tokens.list(accounts.get(name).name):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
            print(f"{row.id}  {row.created_at:%Y-%m-%d %H:%M}  {state:<18} {row.label}")
    elif command == "revoke":
        count = tokens.revoke(accounts.get(name).name, args.token_id)
        audit.record(ACTOR, "token-revoked", account=name, token_id=args.token_id or "all", count=count)
        print(f"Revoked {count} token(s) of {name}.", file=sys.stderr)

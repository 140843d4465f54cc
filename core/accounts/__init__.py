"""Accounts, isolation and team hosting: people, API tokens, team policy, the audit log, share links
and the identity rule (the owner comes from the session, never from a request field)."""

from core.accounts.audit import AuditLog, event_view
from core.accounts.identity import AuthMode, Identity
from core.accounts.links import ShareLinks, load_or_make_secret
from core.accounts.people import Accounts
from core.accounts.policy import FEATURES, Policy, TeamPolicy
from core.accounts.tokens import ApiTokens

__all__ = ["FEATURES", "Accounts", "ApiTokens", "AuditLog", "AuthMode", "Identity", "Policy", "ShareLinks",
           "TeamPolicy", "event_view", "load_or_make_secret"]

"""Who is calling: the one place the Gradio layer learns the owner of a request.

The owner comes from the server's session, never from a field the client sends: solo mode's one
local owner, the account Gradio's login signed in (`request.username`), or the username of the
Hugging Face OAuth profile in the session. `app.py` binds the studio's Identity at start-up.
"""

from __future__ import annotations

import time

import gradio as gr

from core.accounts import AuthMode, Identity
from core.errors import StudioError

_identity: Identity | None = None


def bind(identity: Identity) -> None:
    global _identity
    _identity = identity


def identity() -> Identity:
    if _identity is None:
        raise RuntimeError("studios.session.bind(studio.identity) must run before the app serves requests.")
    return _identity


def hf_profile(session) -> tuple[str | None, list[str]]:
    """(username, organisation names) of a live Hugging Face sign-in in a session, else (None, [])."""
    info = (session or {}).get("oauth_info") if hasattr(session, "get") else None
    if not info or (info.get("expires_at") is not None and info["expires_at"] < time.time()):
        return None, []
    userinfo = info.get("userinfo") or {}
    orgs = [o.get("preferred_username") or o.get("name") for o in userinfo.get("orgs") or [] if isinstance(o, dict)]
    return userinfo.get("preferred_username"), [o for o in orgs if o]


def _session_of(request: gr.Request):
    inner = getattr(request, "request", None)
    try:
        return inner.session if inner is not None else None
    except (AssertionError, AttributeError):  # no session middleware: not signed in with Hugging Face
        return None


def owner_of(request: gr.Request | None) -> str:
    """The account this request acts for. Raises SignInRequired (or Forbidden) otherwise."""
    ident = identity()
    if ident.solo:
        return ident.local_owner
    if ident.mode == AuthMode.HF:
        username, orgs = hf_profile(_session_of(request) if request is not None else None)
        return ident.owner(username, orgs=orgs)
    return ident.owner(getattr(request, "username", None) if request is not None else None)


def owner_or_none(request: gr.Request | None) -> str | None:
    """The owner, or None when the caller is not signed in (for timers and page-load refreshes)."""
    try:
        return owner_of(request)
    except StudioError:
        return None


def is_admin(request: gr.Request | None) -> bool:
    owner = owner_or_none(request)
    return owner is not None and identity().is_admin(owner)


def signed_in_line(request: gr.Request) -> str:
    """'Signed in as alice (admin) · Sign out' for the page header (password mode)."""
    owner = owner_or_none(request)
    if owner is None:
        return ""
    role = " (admin)" if identity().is_admin(owner) else ""
    return f"Signed in as {owner}{role} · [Sign out](/logout)"

"""Who is calling, for plain HTTP routes beside the Gradio app (file guard, REST, downloads).

The same rule as studios/session.py: Gradio's login cookie (password mode), the Hugging Face
OAuth session (hf mode), or solo mode's one owner; REST callers may send an API token instead.
"""

from __future__ import annotations

import base64
import hashlib
import json

from itsdangerous import BadSignature, TimestampSigner
from starlette.requests import Request

from core.accounts import AuthMode
from core.errors import StudioError
from core.studio import Studio
from studios.session import hf_profile

SESSION_MAX_AGE_S = 14 * 24 * 3600  # Starlette's SessionMiddleware default, which Gradio's OAuth uses


def _hf_session_signer() -> TimestampSigner:
    """The signer of Gradio's OAuth session cookie (gradio/oauth.py attach_oauth), read-only here."""
    from gradio.oauth import OAUTH_CLIENT_SECRET

    secret = hashlib.sha256(((OAUTH_CLIENT_SECRET or "") + "-v4").encode()).hexdigest()
    return TimestampSigner(secret)


def hf_session(request: Request) -> dict:
    cookie = request.cookies.get("session")
    if not cookie:
        return {}
    try:
        data = _hf_session_signer().unsign(cookie.encode(), max_age=SESSION_MAX_AGE_S)
        return json.loads(base64.b64decode(data))
    except (BadSignature, ValueError):
        return {}


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Callers:
    """Answers "which account is this HTTP request?" for routes outside Gradio's event system."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.gradio_app = None  # set once the Gradio app is mounted (password mode reads its logins)

    def from_token(self, request: Request) -> str | None:
        """An API token's account (any mode: solo mode may hand out tokens too)."""
        return self.studio.tokens.owner_of(bearer(request))

    def from_session(self, request: Request) -> str | None:
        """The browser session's account, or None when not signed in."""
        identity = self.studio.identity
        try:
            if identity.mode == AuthMode.NONE:
                return identity.local_owner
            if identity.mode == AuthMode.HF:
                username, orgs = hf_profile(hf_session(request))
                return identity.owner(username, orgs=orgs)
            return identity.owner(self._gradio_login(request))
        except StudioError:
            return None

    def any(self, request: Request) -> str | None:
        """A token if one is sent (a wrong token is not overridden by a cookie), else the session."""
        if bearer(request) is not None:
            return self.from_token(request)
        return self.from_session(request)

    def _gradio_login(self, request: Request) -> str | None:
        app = self.gradio_app
        if app is None:
            return None
        token = request.cookies.get(f"access-token-{app.cookie_id}") or \
            request.cookies.get(f"access-token-unsecure-{app.cookie_id}")
        return app.tokens.get(token) if token else None

"""The typed error tree. Every message says what is wrong and what to do about it."""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error a creator may see. `hint` says what to do next."""

    code = "error"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class InvalidInput(StudioError):
    """The request or an input file cannot be used as it is.

    `field` names the part of the request to blame (a dotted path such as `ops.1.factor`, or
    None when the whole request is wrong); `allowed` lists values that would work; `issues`
    holds every problem found as (field, message, allowed) dicts, the first one being this.
    """

    code = "invalid_input"

    def __init__(self, message: str, hint: str = "", *, field: str | None = None,
                 allowed: list[str] | None = None, issues: list[dict] | None = None) -> None:
        super().__init__(message, hint)
        self.field = field
        self.allowed = list(allowed or [])
        self.issues = issues or [{"field": field or "request", "message": str(self), "allowed": self.allowed}]

    def to_dict(self) -> dict:
        return {**super().to_dict(), "field": self.field, "allowed": self.allowed}


class NotConfigured(StudioError):
    """A provider needs a key or setting that is missing."""

    code = "not_configured"


class AuthFailed(StudioError):
    """The provider rejected the key."""

    code = "auth_failed"


class InsufficientBalance(StudioError):
    """The provider account has no credit left for this run."""

    code = "insufficient_balance"


class RateLimited(StudioError):
    """The provider asked us to slow down; `retry_after` is in seconds when known."""

    code = "rate_limited"

    def __init__(self, message: str, hint: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, hint)
        self.retry_after = retry_after


class ProviderUnavailable(StudioError):
    """A transient provider or network fault (5xx, timeout on a safe-to-repeat call)."""

    code = "provider_unavailable"


class ProviderFailed(StudioError):
    """The provider accepted the task and then reported that it failed."""

    code = "provider_failed"


class SubmitOutcomeUnknown(StudioError):
    """A paid submit may or may not have created a task: never re-send it blindly."""

    code = "submit_outcome_unknown"


class PlanLimitExceeded(StudioError):
    """The user's plan does not allow this run (duration, resolution, runs or budget)."""

    code = "plan_limit"


class NotFound(StudioError):
    code = "not_found"


class MediaError(StudioError):
    """ffmpeg could not read or write a file."""

    code = "media_error"


class Cancelled(StudioError):
    code = "cancelled"


class SignInRequired(StudioError):
    """The caller is not signed in (or their account is disabled)."""

    code = "unauthenticated"


class Forbidden(StudioError):
    """Signed in, but not allowed: an admin-only action, a team policy, a revoked or forged link."""

    code = "forbidden"


class Gone(StudioError):
    """The thing existed but is no longer available (an expired share link)."""

    code = "gone"


def fault_words(exc: BaseException) -> str:
    """A library's or the network's exception in plain words, for messages people read (never its
    class name: that goes to the log)."""
    name = type(exc).__name__
    for words, markers in (
        ("it took too long to answer", ("Timeout",)),
        ("the connection could not be made", ("ConnectError", "ConnectionRefused", "ProxyError")),
        ("the connection broke off", ("RemoteProtocolError", "ReadError", "WriteError", "NetworkError",
                                      "ConnectionReset", "BrokenPipe", "IncompleteRead")),
        ("the file is not in a format it can read", ("InvalidData", "Unidentified", "DecodeError",
                                                     "UnicodeDecode")),
        ("the file is cut short or damaged", ("EOF", "Truncated", "SyntaxError")),
        ("the file could not be opened", ("FileNotFound", "NotADirectory", "IsADirectory")),
        ("the studio is not allowed to read it", ("PermissionError",)),
        ("it ran out of memory", ("MemoryError",)),
    ):
        if any(marker in name for marker in markers):
            return words
    return "an unexpected fault (details are in the log)"

"""The file guard: nobody fetches someone else's file through Gradio's file route.

Gradio serves `/gradio_api/file=<path>` for files in its cache only (the app allows no other
paths, so library and work files are never served by their path). Inside the cache, an owner's folder
(`vs-<owner key>`, studios/files.py) is served to that owner only, and with accounts on, the
rest of the cache (uploads, Gradio's own files) only to someone signed in. Everything else is
answered 404, the same as a file that does not exist.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from studios.files import cached_owner_key, owner_key
from web.identity import Callers

FILE_ROUTE = "/gradio_api/file="


def not_found() -> JSONResponse:
    return JSONResponse({"field": None, "message": "Not found."}, status_code=404)


class FileGuard:
    """Pure ASGI middleware in front of the mounted Gradio app."""

    def __init__(self, app, callers: Callers) -> None:
        self.app = app
        self.callers = callers

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and FILE_ROUTE in scope.get("path", ""):
            target = scope["path"].split(FILE_ROUTE, 1)[1]
            if not self.allowed(target, Request(scope)):
                await not_found()(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def allowed(self, target: str, request: Request) -> bool:
        caller = self.callers.from_session(request)
        key = None if "://" in target else cached_owner_key(target)
        if key:  # an owner's folder: that owner only
            return caller is not None and key == owner_key(caller)
        return caller is not None  # Gradio's own cache and its safe URL proxy: signed-in callers only

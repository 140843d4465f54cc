"""The HTTP server: the Gradio app mounted in FastAPI, with the routes beside it.

- `/` the studio (Gradio): no login in solo mode, Gradio's login page in password mode,
  Sign in with Hugging Face in hf mode.
- `/share/{token}` governed share links (no login; 403 forged or revoked, 410 expired).
- `/api/video-studio/...` the REST API (web/rest.py), docs at `/api/video-studio/docs`.
- `/healthz` for container health checks.
- `/gradio_api/file=` guarded by web/guard.py.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.routing import Mount

from core.accounts import AuthMode
from core.errors import Forbidden, Gone, StudioError
from core.storage import safe_name
from core.studio import Studio
from web.guard import FileGuard
from web.identity import Callers
from web.rest import PREFIX, build_rest

STATUS = {Forbidden: 403, Gone: 410}


class BindRefused(SystemExit):
    """Starting without accounts on an address other people can reach."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, mode: str, allow_open: bool) -> bool:
    """True when the studio will be open to the network without login (allowed, with a warning).
    Refuses to start (exit status 2) when that was not asked for."""
    if mode != AuthMode.NONE or is_loopback(host):
        return False
    if allow_open:
        return True
    raise BindRefused(
        f"Refusing to listen on {host} with no login (VIDEO_STUDIO_AUTH=none): anyone who can reach this "
        "address would use your keys and your files. Set VIDEO_STUDIO_AUTH=password (or hf) for a team, "
        "listen on 127.0.0.1, or set VIDEO_STUDIO_ALLOW_OPEN=1 to allow it anyway.")


def problem(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"field": field, "message": message}, status_code=status)


def build_server(studio: Studio, demo: gr.Blocks, launch: dict) -> FastAPI:
    """One ASGI app: our routes first, then the Gradio app at `/` (its `launch` settings)."""
    app = FastAPI(title="Video Studio", docs_url=None, redoc_url=None, openapi_url=None)
    callers = Callers(studio)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    @app.get("/share/{token}", include_in_schema=False)
    def open_share(token: str, request: Request):
        try:
            counted = request.headers.get("range", "bytes=0-").startswith("bytes=0-")
            asset = studio.open_link(token, client=request.client.host if request.client else "") if counted \
                else _peek(studio, token)
        except StudioError as exc:
            return problem(STATUS.get(type(exc), 404), str(exc))
        return FileResponse(asset.path, filename=_download_name(asset), content_disposition_type="attachment")

    app.mount(PREFIX, build_rest(studio, callers))
    gr.mount_gradio_app(app, demo, path="/", **launch)
    # launch() sets this; mounting does not, and without it Gradio skips its file checks: a request
    # could name any server file (/etc/passwd, /dev/zero, another user's media) as an "uploaded" input.
    demo.has_launched = True
    callers.gradio_app = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "")
    app.add_middleware(FileGuard, callers=callers)
    app.state.callers = callers
    return app


def _peek(studio: Studio, token: str):
    """A later range of a download already counted: the same checks, not counted again."""
    link = studio.links.resolve(token)
    return studio.library.get(link.asset_id, link.owner)


def _download_name(asset) -> str:
    return f"{safe_name(asset.title, 'video')}{Path(asset.path).suffix}"

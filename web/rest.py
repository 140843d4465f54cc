"""The REST API beside the UI, for automation: the same facade calls as the Gradio API.

Mounted at /api/video-studio (OpenAPI docs at /api/video-studio/docs). Callers send a
per-account API token (`Authorization: Bearer vs_...`, made with `python app.py users token NAME`);
solo mode needs none. Every error is JSON `{"field": ..., "message": ...}` and its status says
what kind it is: 400 bad input, 401 no or bad token, 403 not allowed, 404 not found (someone
else's id answers exactly like a missing one), 402 over budget, 409 needs confirmation, 503
provider down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Body, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException

from core.errors import (AuthFailed, Forbidden, Gone, InvalidInput, NotConfigured, NotFound, PlanLimitExceeded,
                         ProviderUnavailable, RateLimited, SignInRequired, StudioError)
from core.storage import safe_name
from core.studio import Studio
from core.templates import load_templates
from web.identity import Callers

PREFIX = "/api/video-studio"
STATUS = [(InvalidInput, 400), (SignInRequired, 401), (Forbidden, 403), (NotFound, 404), (Gone, 410),
          (PlanLimitExceeded, 402), (ProviderUnavailable, 503), (RateLimited, 503), (NotConfigured, 503),
          (AuthFailed, 503)]
BUDGET_FIELDS = {"budget", "runs"}


class Refused(Exception):
    """A refusal with its HTTP status, answered as {"field", "message"}."""

    def __init__(self, status: int, message: str, field: str | None = None, answer: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.answer = status, message, field, answer


def problem(status: int, message: str, field: str | None = None, **extra) -> JSONResponse:
    return JSONResponse({"field": field, "message": message, **extra}, status_code=status)


def status_of(exc: StudioError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


def refusal_of(answer: dict) -> Refused:
    """A create/estimate answer that did not start anything -> its HTTP meaning."""
    issues = answer.get("issues") or []
    first = issues[0] if issues else {"field": None, "message": answer.get("message") or "Not started."}
    if answer.get("reuse") and answer.get("allowed") and not issues:  # never pay twice: made before
        return Refused(409, answer.get("message") or "You made this before.", "run_again", answer)
    if any(i.get("field") in BUDGET_FIELDS for i in issues):
        budget = next(i for i in issues if i.get("field") in BUDGET_FIELDS)
        return Refused(402, budget["message"], budget["field"], answer)
    if answer.get("needs_confirmation") and all(i.get("field") in ("confirm", "confirm_usd") for i in issues):
        return Refused(409, answer.get("message") or "This run needs a confirmation.", "confirm_usd", answer)
    if any("not configured" in (i.get("message") or "") for i in issues):
        return Refused(503, first["message"], first.get("field"), answer)
    return Refused(400, first["message"], first.get("field"), answer)


def public_asset(asset: dict) -> dict:
    """An asset as REST shows it: its file by URL, never by server path."""
    hidden = {"path", "poster", "file_path"}
    return {**{k: v for k, v in asset.items() if k not in hidden},
            "file_url": f"{PREFIX}/assets/{asset['id']}/file"}


def build_rest(studio: Studio, callers: Callers) -> FastAPI:
    api = FastAPI(title="Video Studio REST API", version="1",
                  description=__doc__, docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")

    def owner(request: Request) -> str:
        if studio.identity.solo and request.headers.get("authorization") is None:
            return studio.identity.local_owner
        found = callers.from_token(request)
        if found is None:
            raise Refused(401, "Send a valid API token: Authorization: Bearer <token> "
                               "(made with `python app.py users token NAME`).")
        return found

    @api.exception_handler(Refused)
    async def _refused(_request, exc: Refused):
        extra = {"answer": exc.answer} if exc.answer else {}
        return problem(exc.status, exc.message, exc.field, **extra)

    @api.exception_handler(StudioError)
    async def _studio(_request, exc: StudioError):
        return problem(status_of(exc), str(exc), getattr(exc, "field", None))

    @api.exception_handler(RequestValidationError)
    async def _validation(_request, exc: RequestValidationError):
        error = exc.errors()[0]
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        return problem(400, f"{field or 'The request'}: {error.get('msg', 'is not valid')}.", field)

    @api.exception_handler(HTTPException)
    async def _http(_request, exc: HTTPException):
        return problem(exc.status_code, str(exc.detail))

    @api.post("/estimate-cost", summary="Price a request before anything is sent")
    def estimate_cost(body: Any = Body(...), who: str = Depends(owner)) -> dict:
        answer = studio.estimate(body, owner=who)
        if answer.get("request") == {} and answer.get("issues"):  # the request itself could not be read
            first = answer["issues"][0]
            raise Refused(400, first["message"], first.get("field"), answer)
        return answer

    @api.post("/create", summary="Start a run (one job per variation)")
    def create(body: Any = Body(...), who: str = Depends(owner)) -> dict:
        if not isinstance(body, dict):
            raise Refused(400, "The request must be a JSON object.", None)
        answer = studio.create(body, owner=who)
        if not answer.get("ok"):
            raise refusal_of(answer)
        return answer

    def started(answer: dict, body) -> dict:
        """A /create-like answer: returned when it ran (or was only priced), else its refusal."""
        if not answer.get("ok") and not (isinstance(body, dict) and body.get("estimate_only") is True):
            raise refusal_of(answer)
        return answer

    @api.post("/speech", summary="Text to speech: {text, voice, model, language, speed, confirm_usd, estimate_only, "
              "run_again} (as /create; the result is an audio asset)")
    def speech(body: Any = Body(...), who: str = Depends(owner)) -> dict:
        return started(studio.speech(body, owner=who), body)

    @api.post("/avatar", summary="A talking presenter: {photo_id, audio_id | script + voice, model, resolution, ...,"
              " confirm_usd, estimate_only, run_again} (as /create)")
    def avatar(body: Any = Body(...), who: str = Depends(owner)) -> dict:
        return started(studio.avatar(body, owner=who), body)

    @api.post("/ai_edit", summary="A provider edit of your asset: {asset_id, operation, prompt, model, options, "
              "resolution, image_id, consent, confirm_usd, estimate_only} (as /create)")
    def ai_edit(body: Any = Body(...), who: str = Depends(owner)) -> dict:
        return started(studio.edit.ai_apply(body, owner=who), body)

    @api.get("/jobs/{job_id}", summary="A job's status, progress and result")
    def job(job_id: str, who: str = Depends(owner)) -> dict:
        return studio.job(job_id, owner=who)

    @api.get("/assets", summary="Your library, newest first")
    def assets(query: str = "", operation: str | None = None, who: str = Depends(owner)) -> list[dict]:
        filters = {"query": query} if operation is None else {"query": query, "operation": operation}
        return [public_asset(a) for a in studio.assets(filters, owner=who)]

    @api.post("/assets/search", summary="Search your library (filters, sorting, pages)")
    def search(body: Any = Body(default=None), who: str = Depends(owner)) -> dict:
        found = studio.search_assets(body, owner=who)
        return {**found, "items": [public_asset(a) if "id" in a else a for a in found.get("items", [])]}

    @api.get("/assets/{asset_id}", summary="One of your assets")
    def asset(asset_id: str, who: str = Depends(owner)) -> dict:
        return public_asset(studio.asset(asset_id, owner=who))

    @api.delete("/assets/{asset_id}", summary="Delete one of your assets (its links stop working)")
    def delete(asset_id: str, confirm: bool = False, who: str = Depends(owner)) -> dict:
        answer = studio.delete_asset(asset_id, owner=who, confirm=confirm)
        if answer.get("needs_confirmation"):
            raise Refused(409, answer.get("message") or "Deleting this needs ?confirm=true.", "confirm", answer)
        return answer

    @api.get("/assets/{asset_id}/file", summary="Download the file (counted in the audit log)")
    def download(asset_id: str, who: str = Depends(owner)):
        found = studio.download(asset_id, owner=who, via="rest")
        name = f"{safe_name(found.title, 'video')}{Path(found.path).suffix}"
        return FileResponse(found.path, filename=name, content_disposition_type="attachment")

    @api.post("/assets/{asset_id}/tags", summary="Add and remove tags: {add: [..], remove: [..]}")
    def tag(asset_id: str, body: Any = Body(default=None), who: str = Depends(owner)) -> dict:
        return public_asset(studio.tag({**(body if isinstance(body, dict) else {}), "asset_id": asset_id}, owner=who))

    @api.post("/assets/{asset_id}/ai_tags", summary="AI tags from a captioning model: {detail_level, confirm_usd, "
              "estimate_only, run_again} (paid: priced, confirmed, in the ledger)")
    def ai_tags(asset_id: str, body: Any = Body(default=None), who: str = Depends(owner)) -> dict:
        asked = body if isinstance(body, dict) else {}
        return started(studio.ai_tag({**asked, "asset_id": asset_id}, owner=who), asked)

    @api.get("/assets/{asset_id}/versions", summary="The version tree the asset belongs to, from its root")
    def versions(asset_id: str, who: str = Depends(owner)) -> dict:
        return studio.versions({"asset_id": asset_id}, owner=who)

    @api.get("/assets/{asset_id}/usage", summary="Downloads, share links, packs, uses as an input, exports")
    def usage(asset_id: str, who: str = Depends(owner)) -> dict:
        return studio.asset_usage({"asset_id": asset_id}, owner=who)

    @api.post("/collections", summary="Collections: {action: create|rename|add|remove|list, collection_id, ...}")
    def collections(body: Any = Body(...), who: str = Depends(owner)):
        if isinstance(body, dict) and body.get("action") == "export":
            raise Refused(400, "Download an export with GET /collections/{collection_id}/export.", "action")
        return studio.collection_action(body, owner=who)

    @api.get("/collections/{collection_id}/export", summary="The collection as a ZIP with manifest.json")
    def export(collection_id: str, who: str = Depends(owner)):
        done = studio.collection_action({"action": "export", "collection_id": collection_id}, owner=who)
        name = f"{safe_name(done['collection']['name'], 'collection')}.zip"
        return FileResponse(done["path"], filename=name, content_disposition_type="attachment")

    @api.post("/reuse", summary="The earlier asset made by exactly this /create request, or null")
    def reuse(body: Any = Body(...), who: str = Depends(owner)) -> dict | None:
        return studio.reuse(body, owner=who)

    @api.get("/analytics", summary="Runs, spend, estimate, P50/P90 and success rate by day, model, studio or user")
    def analytics(since: str | None = None, until: str | None = None, group_by: str = "day",
                  who: str = Depends(owner)) -> dict:
        return studio.analytics_for({"since": since, "until": until, "group_by": group_by}, owner=who)

    @api.get("/providers", summary="Providers and whether each is configured")
    def providers(who: str = Depends(owner)) -> list[dict]:
        return studio.provider_status()

    @api.get("/templates", summary="Creative templates")
    def templates(who: str = Depends(owner)) -> list[dict]:
        return [{"id": t.id, "name": t.name, "description": t.description, "duration": t.duration,
                 "aspect": t.aspect, "motion": t.motion} for t in load_templates().values()]

    @api.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(rest: str):
        return problem(404, f"There is no endpoint {PREFIX}/{rest}.")

    return api

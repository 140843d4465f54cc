"""The facade: one method per user action, used by the tabs, the API and the tests.

Every method that reads or writes someone's data takes `owner` (the signed-in account, decided
by the caller's session) and answers someone else's id exactly like a missing one.
"""

from __future__ import annotations

from pathlib import Path

from core.accounts import (Accounts, ApiTokens, AuditLog, Identity, ShareLinks, TeamPolicy, event_view,
                           load_or_make_secret)
from core.accounts.team import TeamAdmin, TeamDeps
from core.catalog import load_catalog
from core.contracts import GenerationRequest, Provider
from core.create import CreateService
from core.db import Database
from core.edit import EditService
from core.errors import Gone, InvalidInput, NotFound
from core.jobs.generate import GenerateDeps, GenerateHandler
from core.jobs.local_work import LocalWorkHandler, Work
from core.jobs.runner import JobRunner
from core.jobs.store import JobStore
from core.library.cache import MediaCache
from core.library.models import Asset, Job, JobStatus
from core.library.repository import Library
from core.library.service import LibraryDeps, LibraryService
from core.plans import Plan, get_plan
from core.platform_presets import apply_platform
from core.prompt_enhance import PromptEnhancer
from core.settings import Settings
from core.social_service import SocialService
from core.storage import MediaStore
from core.views import asset_view, job_view

SHARE_PATH = "/share/"
ANONYMOUS = "(anonymous)"  # the audit actor of a download through a share link


class Studio:
    """Builds the core from settings and providers; start() runs the workers."""

    def __init__(self, settings: Settings, providers: dict[str, Provider]) -> None:
        self.settings = settings
        self.providers = providers
        self.db = Database(settings.db_url)
        self.store = MediaStore(settings.media_dir, settings.work_dir)
        self.catalog = load_catalog()
        self.audit = AuditLog(self.db)
        self.media_cache = MediaCache(settings.cache_dir / "derived", int(settings.cache_mb * 1_000_000),
                                      settings.work_dir)
        self.library = Library(self.db, self.store, cache=self.media_cache,
                               offline_models=[m.id for m in self.catalog if m.offline], on_added=self._record_added)
        self.library_service = LibraryService(LibraryDeps(
            db=self.db, store=self.store, library=self.library, cache=self.media_cache,
            operations={m.id: m.operation.value for m in self.catalog},
            tiers={m.id: m.tier.value for m in self.catalog}))
        self.accounts = Accounts(self.db)
        self.tokens = ApiTokens(self.db)
        self.policy = TeamPolicy(self.db)
        self.secret = load_or_make_secret(settings.home_dir, settings.link_secret)
        self.links = ShareLinks(self.db, self.secret)
        self.identity = Identity(settings.auth, self.accounts, local_owner=settings.default_user,
                                 admins=settings.admin_names, hf_org=settings.hf_org)
        from core.usage import Ledger

        self.ledger = Ledger(self.db)
        self.team = TeamAdmin(TeamDeps(identity=self.identity, accounts=self.accounts, policy=self.policy,
                                       audit=self.audit, month_spend=self.ledger.month_spend,
                                       default_plan=settings.plan))
        self.jobs = JobStore(self.db)
        self.runner = JobRunner(self.jobs, io_workers=settings.workers, render_workers=settings.render_slots)
        self.create_service = CreateService(self)
        self.edit = EditService(self)
        self.prompts = PromptEnhancer(self)
        self.social = SocialService(self)
        self.runner.register("generate", GenerateHandler(GenerateDeps(
            providers=providers, get_model=self.catalog.get, actual_cost=self.create_service.actual_cost,
            library=self.library, store=self.store, ledger=self.ledger, min_poll_s=settings.min_poll_s,
            max_poll_s=settings.max_poll_s)))

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Studio:
        self.runner.start()
        return self

    def stop(self) -> None:
        self.runner.stop()
        self.media_cache.close()
        self.db.dispose()

    def register_local_work(self, kind: str, work: Work) -> None:
        """Studios' local operations (renders, packs) run as jobs of their own kind."""
        self.runner.register(kind, LocalWorkHandler(work))

    def plan_for(self, owner: str) -> Plan:
        """The owner's plan (their account's, else the installation's), with their own monthly budget
        in place of the plan's when an admin set one."""
        account = self.accounts.find(owner)
        plan = get_plan(account.plan if account and account.plan else self.settings.plan)
        if account and account.budget_usd is not None:
            plan = plan.model_copy(update={"monthly_budget_usd": account.budget_usd})
        return plan

    # -- providers ---------------------------------------------------------------------------
    def configured_providers(self) -> set[str]:
        return {name for name, p in self.providers.items() if p.configured()}

    def provider_status(self) -> list[dict]:
        rows = []
        for name, provider in self.providers.items():
            models = self.catalog.models(provider=name)
            rows.append({"provider": name, "configured": provider.configured(), "free": provider.free,
                         "models": len(models)})
        return rows

    def platform_defaults(self, request: GenerationRequest):
        return apply_platform(request)

    # -- create ------------------------------------------------------------------------------
    def estimate(self, request: dict | GenerationRequest, *, owner: str) -> dict:
        return self.create_service.estimate(request, owner)

    def create(self, request: dict | GenerationRequest, *, owner: str, confirm: bool = False,
               parent_id: str | None = None) -> dict:
        return self.create_service.create(request, owner, confirm, parent_id)

    def enhance_prompt(self, prompt: str, template: str | None = None, operation: str = "text-to-video", *,
                       owner: str) -> dict:
        """The provider's prompt helper when configured (priced, in the ledger), else the offline one."""
        return self.prompts.enhance(prompt, template, operation, owner)

    # -- jobs --------------------------------------------------------------------------------
    def enqueue_local(self, kind: str, payload: dict, *, owner: str, operation: str,
                      group_id: str | None = None, inputs: tuple[str, ...] = ()) -> str:
        """Queue a free local job (render, pack) handled by the work registered for `kind`.
        `inputs` are the asset ids it reads (each gets a "used-as-input" audit event)."""
        job = Job(owner=owner, kind=kind, operation=operation, provider="local",
                  model="local-ffmpeg", payload=payload, group_id=group_id)
        self.jobs.create(job)
        for asset_id in dict.fromkeys(inputs):
            self.audit.record(owner, "used-as-input", asset_id=asset_id, job_id=job.id, operation=operation)
        self.runner.enqueue(job.id)
        return job.id

    def owned_job(self, job_id: str, owner: str) -> Job:
        """`owner`'s job; someone else's id answers exactly like a missing one."""
        try:
            job = self.jobs.get(job_id)
        except NotFound:
            job = None
        if job is None or job.owner != owner:
            raise NotFound(f"Job {job_id} was not found.", "Check the job id.")
        return job

    def job(self, job_id: str, *, owner: str) -> dict:
        return job_view(self.owned_job(job_id, owner))

    def job_list(self, *, owner: str, limit: int = 50) -> list[dict]:
        return [job_view(j) for j in self.jobs.list(owner, limit)]

    def cancel(self, job_id: str, *, owner: str) -> dict:
        job = self.owned_job(job_id, owner)
        if JobStatus(job.status).terminal:
            return job_view(job)
        self.jobs.update(job_id, cancel_requested=True, message="Cancelling...")
        self.audit.record(owner, "cancelled", job_id=job_id, operation=job.operation, model=job.model)
        self.runner.enqueue(job_id)
        return job_view(self.jobs.get(job_id))

    def retry(self, job_id: str, *, owner: str) -> dict:
        """Fetch a finished-but-not-downloaded result again, or keep waiting. Never re-submits."""
        job = self.owned_job(job_id, owner)
        if job.status != JobStatus.NEEDS_ATTENTION or not job.task_id:
            raise InvalidInput("Only a job whose result is waiting at the provider can be retried.",
                               "To run it again, create a new job (it will be estimated and billed again).")
        self.jobs.update(job_id, status=JobStatus.RUNNING, error="", error_code="",
                         message="Checking the provider again")
        self.runner.enqueue(job_id)
        return job_view(self.jobs.get(job_id))

    # -- library -----------------------------------------------------------------------------
    def assets(self, *, owner: str, query: str = "", operation: str | None = None) -> list[dict]:
        return [asset_view(a) for a in self.library.list(owner, query, operation)]

    def asset(self, asset_id: str, *, owner: str) -> dict:
        return asset_view(self.library.get(asset_id, owner))

    def import_media(self, path: str | Path, *, owner: str, title: str = "") -> dict:
        """Bring a user's own uploaded file into the library (a bounded copy; the upload is untouched).
        Callers pass only files the client uploaded in this call, never a path a client typed."""
        stored = self.store.import_file(Path(path), owner, self.settings.max_import_mb * 1_000_000)
        try:
            asset = self.library.add(stored, owner=owner, operation="upload", title=title or Path(path).stem)
        except Exception:
            stored.unlink(missing_ok=True)
            raise
        return asset_view(asset)

    def lineage(self, asset_id: str, *, owner: str) -> list[dict]:
        return [asset_view(a) for a in self.library.lineage(asset_id, owner)]

    def download(self, asset_id: str, *, owner: str, via: str) -> Asset:
        """The asset whose file `owner` is about to download; the download is in the audit log."""
        asset = self.library.get(asset_id, owner)
        if not Path(asset.path).is_file():
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        self.audit.record(owner, "downloaded", asset_id=asset.id, via=via)
        return asset

    # -- governed links ----------------------------------------------------------------------
    def share(self, asset_id: str, expires_in_s, *, owner: str) -> dict:
        """A link under the app that downloads the file without login until it expires."""
        asset = self.library.get(asset_id, owner)
        link, token = self.links.create(asset.id, owner, expires_in_s)
        self.audit.record(owner, "shared", asset_id=asset.id, link_id=link.id,
                          expires_at=link.expires_at.isoformat(timespec="seconds"))
        return _link_view(link, token)

    def unshare(self, asset_id: str, *, owner: str) -> dict:
        """Revoke every link of the asset."""
        asset = self.library.get(asset_id, owner)
        revoked = self.links.revoke_all(asset.id, owner)
        self.audit.record(owner, "unshared", asset_id=asset.id, links_revoked=revoked)
        return {"asset_id": asset.id, "revoked": revoked}

    def live_links(self, asset_id: str, *, owner: str) -> list[dict]:
        asset = self.library.get(asset_id, owner)
        return [_link_view(link, self.links.token_for(link)) for link in self.links.live(asset.id, owner)]

    def open_link(self, token: str, client: str = "") -> Asset:
        """The file a share link grants (no login): Forbidden when forged or revoked, Gone when
        expired or deleted. Each download is counted on the link and in the audit log."""
        link = self.links.resolve(token)
        try:
            asset = self.library.get(link.asset_id, link.owner)
        except NotFound:
            raise Gone("The shared file was deleted.", "Ask the owner for a new link.") from None
        if not Path(asset.path).is_file():
            raise Gone("The shared file was deleted.", "Ask the owner for a new link.")
        self.links.counted(link.id)
        self.audit.record(ANONYMOUS, "downloaded", asset_id=asset.id, via="share-link", link_id=link.id,
                          owner=link.owner, client=client)
        return asset

    # -- money -------------------------------------------------------------------------------
    def ledger_summary(self, *, owner: str) -> dict:
        plan = self.plan_for(owner)
        spend = self.ledger.month_spend(owner)
        budget = plan.monthly_budget_usd
        return {"month_spend_usd": round(spend, 2), "budget_usd": budget,
                "budget_left_usd": round(budget - spend, 2), "runs": self.ledger.month_runs(owner),
                "plan": plan.id}

    # -- asset library: search, tags, collections, versions, reuse, delete, analytics ----------
    def search_assets(self, request: dict | None = None, *, owner: str) -> dict:
        """Full-text search with filters, sorted and paged (pages from 1) -> {items, total, ...}."""
        return self.library_service.search(request, owner=owner)

    def asset_details(self, asset_id: str, *, owner: str) -> dict:
        return self.library_service.details(asset_id, owner=owner)

    def tag_asset(self, asset_id: str, *, owner: str, add: list[str] | None = None,
                  remove: list[str] | None = None) -> dict:
        return self.library_service.tag(asset_id, owner=owner, add=add, remove=remove)

    def collections(self, *, owner: str) -> list[dict]:
        return self.library_service.collection_list(owner=owner)

    def create_collection(self, name: str, *, owner: str) -> dict:
        return self.library_service.collection_create(name, owner=owner)

    def rename_collection(self, collection_id: str, name: str, *, owner: str) -> dict:
        return self.library_service.collection_rename(collection_id, name, owner=owner)

    def add_to_collection(self, collection_id: str, asset_ids: list[str], *, owner: str) -> dict:
        return self.library_service.collection_add(collection_id, asset_ids, owner=owner)

    def remove_from_collection(self, collection_id: str, asset_ids: list[str], *, owner: str) -> dict:
        return self.library_service.collection_remove(collection_id, asset_ids, owner=owner)

    def export_collection(self, collection_id: str, *, owner: str) -> dict:
        """A ZIP of the collection's files with manifest.json -> {path, files, bytes, collection}."""
        return self.library_service.collection_export(collection_id, owner=owner)

    def versions(self, asset_id: str, *, owner: str) -> dict:
        return self.library_service.versions(asset_id, owner=owner)

    def find_reuse(self, request: dict | GenerationRequest, *, owner: str) -> dict | None:
        """The owner's earlier asset made by exactly this request (as preflight resolves it: model,
        settings, seed, input file contents), or None. Reads only; nothing is sent or reserved."""
        result = self.create_service.preflight(request, owner)
        if result.model is None:
            return None
        key = self.library_service.reuse_key(result.request.model_dump(mode="json"), result.model.id)
        return self.library_service.find_reuse(key, owner=owner)

    def delete_asset(self, asset_id: str, *, owner: str, confirm: bool = False) -> dict:
        """Delete files and row (with children or collections only when confirm is True); the asset's
        share links stop working and the deletion is in the audit log."""
        title = self.library.get(asset_id, owner).title
        answer = self.library_service.delete(asset_id, owner=owner, confirm=confirm)
        if answer.get("deleted"):
            revoked = self.links.revoke_all(asset_id, owner)
            self.audit.record(owner, "deleted", asset_id=asset_id, title=title, links_revoked=revoked)
            answer = {**answer, "links_revoked": revoked}
        return answer

    def disk_use(self, *, owner: str) -> dict:
        return self.library_service.disk_use(owner=owner)

    def analytics(self, request: dict | None = None, *, owner: str, everyone: bool = False) -> dict:
        """{since, until, group_by: day|model|studio|user} -> {rows, totals} over the ledger and jobs
        (everyone's: admins only)."""
        if everyone:
            self.identity.require_admin(owner)
        return self.library_service.analytics(request, owner=owner, everyone=everyone)

    def analytics_csv(self, request: dict | None = None, *, owner: str, everyone: bool = False) -> dict:
        if everyone:
            self.identity.require_admin(owner)
        return self.library_service.analytics_csv(request, owner=owner, everyone=everyone)

    def media_cache_stats(self) -> dict:
        return self.library_service.cache_stats()

    def clear_media_cache(self) -> dict:
        """Empty the derived-media cache (probes, posters, strips, previews): all can be made again."""
        return self.library_service.clear_cache()

    # -- audit -------------------------------------------------------------------------------
    def asset_history(self, asset_id: str, *, owner: str) -> list[dict]:
        """An asset's events (created, downloads, links, uses as input ...), newest first."""
        asset = self.library.get(asset_id, owner)
        return [event_view(e) for e in self.audit.for_asset(asset.id)]

    def _record_added(self, asset: Asset) -> None:
        action = "imported" if asset.operation == "upload" else "created"
        self.audit.record(asset.owner, action, asset_id=asset.id, job_id=asset.job_id, operation=asset.operation,
                          model=asset.model, parent_id=asset.parent_id)


def _link_view(link, token: str) -> dict:
    return {"url": SHARE_PATH + token, "link_id": link.id, "asset_id": link.asset_id,
            "expires_at": link.expires_at.isoformat(timespec="seconds"), "downloads": link.downloads}

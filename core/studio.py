"""The facade: one method per user action, used by the tabs, the API and the tests."""

from __future__ import annotations

from pathlib import Path

from core.catalog import load_catalog
from core.contracts import GenerationRequest, Provider
from core.create import CreateService
from core.edit import EditService
from core.prompt_enhance import PromptEnhancer
from core.social_service import SocialService
from core.db import Database
from core.errors import InvalidInput, NotFound
from core.jobs.generate import GenerateDeps, GenerateHandler
from core.jobs.local_work import LocalWorkHandler, Work
from core.jobs.runner import JobRunner
from core.jobs.store import JobStore
from core.library.cache import MediaCache
from core.library.models import Job, JobStatus
from core.library.repository import Library
from core.library.service import LibraryDeps, LibraryService
from core.plans import get_plan
from core.platform_presets import apply_platform
from core.settings import Settings
from core.storage import MediaStore
from core.views import asset_view, job_view


class Studio:
    """Builds the core from settings and providers; start() runs the workers."""

    def __init__(self, settings: Settings, providers: dict[str, Provider]) -> None:
        self.settings = settings
        self.providers = providers
        self.db = Database(settings.db_url)
        self.store = MediaStore(settings.media_dir, settings.work_dir, settings.link_secret)
        self.catalog = load_catalog()
        self.media_cache = MediaCache(settings.cache_dir / "derived", int(settings.cache_mb * 1_000_000),
                                      settings.work_dir)
        self.library = Library(self.db, self.store, cache=self.media_cache,
                               offline_models=[m.id for m in self.catalog if m.offline])
        self.library_service = LibraryService(LibraryDeps(
            db=self.db, store=self.store, library=self.library, cache=self.media_cache,
            operations={m.id: m.operation.value for m in self.catalog},
            tiers={m.id: m.tier.value for m in self.catalog}))
        from core.usage import Ledger

        self.ledger = Ledger(self.db)
        self.jobs = JobStore(self.db)
        self.plan = get_plan(settings.plan)
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

    def user(self, user: str | None) -> str:
        return (user or "").strip() or self.settings.default_user

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
    def estimate(self, request: dict | GenerationRequest, user: str | None = None) -> dict:
        return self.create_service.estimate(request, self.user(user))

    def create(self, request: dict | GenerationRequest, user: str | None = None, confirm: bool = False,
               parent_id: str | None = None) -> dict:
        return self.create_service.create(request, self.user(user), confirm, parent_id)

    def enhance_prompt(self, prompt: str, template: str | None = None, operation: str = "text-to-video",
                       user: str | None = None) -> dict:
        """The provider's prompt helper when configured (priced, in the ledger), else the offline one."""
        return self.prompts.enhance(prompt, template, operation, self.user(user))

    # -- jobs --------------------------------------------------------------------------------
    def enqueue_local(self, kind: str, user: str | None, payload: dict, *, operation: str,
                      group_id: str | None = None) -> str:
        """Queue a free local job (render, pack) handled by the work registered for `kind`."""
        job = Job(owner=self.user(user), kind=kind, operation=operation, provider="local",
                  model="local-ffmpeg", payload=payload, group_id=group_id)
        self.jobs.create(job)
        self.runner.enqueue(job.id)
        return job.id

    def job(self, job_id: str, user: str | None = None) -> dict:
        job = self.jobs.get(job_id)
        if user and job.owner != self.user(user):
            raise NotFound(f"Job {job_id} was not found.")
        return job_view(job)

    def job_list(self, user: str | None = None, limit: int = 50) -> list[dict]:
        return [job_view(j) for j in self.jobs.list(self.user(user), limit)]

    def cancel(self, job_id: str, user: str | None = None) -> dict:
        job = self.jobs.get(job_id)
        if JobStatus(job.status).terminal:
            return job_view(job)
        self.jobs.update(job_id, cancel_requested=True, message="Cancelling...")
        self.runner.enqueue(job_id)
        return job_view(self.jobs.get(job_id))

    def retry(self, job_id: str, user: str | None = None) -> dict:
        """Fetch a finished-but-not-downloaded result again, or keep waiting. Never re-submits."""
        job = self.jobs.get(job_id)
        if job.status != JobStatus.NEEDS_ATTENTION or not job.task_id:
            raise InvalidInput("Only a job whose result is waiting at the provider can be retried.",
                               "To run it again, create a new job (it will be estimated and billed again).")
        self.jobs.update(job_id, status=JobStatus.RUNNING, error="", error_code="",
                         message="Checking the provider again")
        self.runner.enqueue(job_id)
        return job_view(self.jobs.get(job_id))

    # -- library -----------------------------------------------------------------------------
    def assets(self, user: str | None = None, query: str = "", operation: str | None = None) -> list[dict]:
        return [asset_view(a) for a in self.library.list(self.user(user), query, operation)]

    def asset(self, asset_id: str, user: str | None = None) -> dict:
        return asset_view(self.library.get(asset_id, self.user(user)))

    def import_media(self, path: str | Path, user: str | None = None, title: str = "") -> dict:
        """Bring a user's own file into the library (a copy; the original is untouched)."""
        owner = self.user(user)
        stored = self.store.import_file(Path(path), owner)
        try:
            asset = self.library.add(stored, owner=owner, operation="upload", title=title or Path(path).stem)
        except Exception:
            stored.unlink(missing_ok=True)
            raise
        return asset_view(asset)

    def lineage(self, asset_id: str) -> list[dict]:
        return [asset_view(a) for a in self.library.lineage(asset_id)]

    def ledger_summary(self, user: str | None = None) -> dict:
        owner = self.user(user)
        spend = self.ledger.month_spend(owner)
        budget = self.plan.monthly_budget_usd
        return {"month_spend_usd": round(spend, 2), "budget_usd": budget,
                "budget_left_usd": round(budget - spend, 2), "runs": self.ledger.month_runs(owner),
                "plan": self.plan.id}

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
        """Delete files and row; with children or collections only when confirm is True."""
        return self.library_service.delete(asset_id, owner=owner, confirm=confirm)

    def disk_use(self, *, owner: str) -> dict:
        return self.library_service.disk_use(owner=owner)

    def analytics(self, request: dict | None = None, *, owner: str, everyone: bool = False) -> dict:
        """{since, until, group_by: day|model|studio|user} -> {rows, totals} over the ledger and jobs."""
        return self.library_service.analytics(request, owner=owner, everyone=everyone)

    def analytics_csv(self, request: dict | None = None, *, owner: str, everyone: bool = False) -> dict:
        return self.library_service.analytics_csv(request, owner=owner, everyone=everyone)

    def media_cache_stats(self) -> dict:
        return self.library_service.cache_stats()

    def clear_media_cache(self) -> dict:
        """Empty the derived-media cache (probes, posters, strips, previews): all can be made again."""
        return self.library_service.clear_cache()

"""The facade: one method per user action, used by the tabs, the API and the tests.

Every method that reads or writes someone's data takes `owner` (the signed-in account, decided
by the caller's session) and answers someone else's id exactly like a missing one. Requests are
dicts (or boundary models) parsed strictly by core.boundary; services get narrow ports, never
this facade.
"""

from __future__ import annotations

from pathlib import Path

from core.accounts import (Accounts, ApiTokens, AuditLog, Identity, ShareLinks, TeamPolicy, event_view,
                           load_or_make_secret)
from core.accounts.sharing import ANONYMOUS, SHARE_PATH, Sharing, SharingDeps  # noqa: F401  (importable here)
from core.accounts.team import TeamAdmin, TeamDeps
from core.avatar.finish import FINISH_KIND, FinishDeps, FinishHandler
from core.avatar.service import AvatarDeps, AvatarService
from core.boundary import parse, parse_value
from core.boundary.create import CreateRequest, EnhanceRequest
from core.boundary.library import ASSET_ID, TITLE, AssetsQuery, ReuseRequest, ShareRequest, asset_id_of
from core.catalog import load_catalog
from core.compare.wiring import compare_service
from core.contracts import MediaFetcher, Provider
from core.create import CreateDeps, CreateService
from core.db import Database
from core.edit import EditDeps, EditService
from core.errors import NotFound, StudioError
from core.jobs.control import JobControl, JobControlDeps
from core.jobs.generate import GenerateDeps, GenerateHandler
from core.jobs.local_work import LocalJobs
from core.jobs.engine import build_runner
from core.jobs.store import JobStore
from core.library.ai_tags import TAG_KIND, AiTagDeps, AiTagger
from core.library.cache import MediaCache
from core.library.models import Asset, Job
from core.library.refs import MediaResolver
from core.library.repository import Library
from core.library.reuse import request_fingerprint
from core.library.service import LibraryDeps, LibraryService
from core.library.usage import usage_summary
from core.money.budgets import Limit, owner_limits
from core.money.ledger import Ledger
from core.money.plans import Plan, plan_of
from core.money.pricing import estimate as price_of
from core.money.quotes import Quotes
from core.prompt_enhance import PROMPT_KIND, PromptDeps, PromptEnhancer
from core.settings import Settings
from core.social_service import SocialDeps, SocialService
from core.storage import media_store
from core.views import asset_view

STRANDED_AGE_S = 600.0  # a reservation this old with no job was stranded by a crash


class Studio:
    """Builds the core from settings and providers; start() runs the workers."""

    def __init__(self, settings: Settings, providers: dict[str, Provider],
                 fetcher: MediaFetcher | None = None) -> None:
        self.settings = settings
        self.providers = providers
        self.db = Database(settings.db_url)
        self.store = media_store(settings)
        self.catalog = load_catalog()
        self.audit = AuditLog(self.db)
        self.media_cache = MediaCache(settings.cache_dir / "derived", int(settings.cache_mb * 1_000_000),
                                      settings.work_dir)
        self.library = Library(self.db, self.store, cache=self.media_cache,
                               offline_models=[m.id for m in self.catalog if m.offline], on_added=self._record_added)
        self.library_service = LibraryService(LibraryDeps(
            db=self.db, store=self.store, library=self.library, cache=self.media_cache,
            operations={m.id: m.operation.value for m in self.catalog},
            tiers={m.id: m.tier.value for m in self.catalog}, audit=self.audit.record,
            name_of=self.catalog.display_name))
        self.accounts = Accounts(self.db)
        self.tokens = ApiTokens(self.db)
        self.policy = TeamPolicy(self.db)
        self.secret = load_or_make_secret(settings.home_dir, settings.link_secret)
        self.links = ShareLinks(self.db, self.secret)
        self.sharing = Sharing(SharingDeps(get_asset=self.library.get, links=self.links, audit=self.audit.record))
        self.identity = Identity(settings.auth, self.accounts, local_owner=settings.default_user,
                                 admins=settings.admin_names, hf_org=settings.hf_org)
        self.ledger = Ledger(self.db)
        self.jobs = JobStore(self.db)
        self.team = TeamAdmin(TeamDeps(identity=self.identity, accounts=self.accounts, policy=self.policy,
                                       audit=self.audit, month_spend=self.ledger.month_spend,
                                       default_plan=settings.plan, asset_titles=self.library.titles,
                                       jobs_described=self.jobs.described))
        self.runner = build_runner(settings, self.jobs)
        self.job_control = JobControl(JobControlDeps(jobs=self.jobs, enqueue=self.runner.enqueue,
                                                     audit=self.audit.record, name_of=self.catalog.display_name))
        self.local_jobs = LocalJobs(self.jobs, self.runner, on_input=self._record_input)
        self.media = MediaResolver(self.library, self.store, fetcher, settings.max_fetch_mb * 1_000_000)
        self.quotes = Quotes(providers, settings.cache_dir)
        self.create_service = CreateService(CreateDeps(
            catalog=self.catalog, providers=providers, plan_for=self.plan_for, policy=self.policy.current,
            ledger=self.ledger, jobs=self.jobs, enqueue=self.runner.enqueue, media=self.media,
            work_dir=settings.work_dir, confirm_above_usd=settings.confirm_above_usd, limits=self.limits,
            quotes=self.quotes, fingerprint=self._fingerprint, audit=self.audit.record,
            find_reuse=lambda key, owner: self.library_service.find_reuse(key, owner=owner)))
        create = self.create_service
        self.edit = EditService(EditDeps(library=self.library, store=self.store, local_jobs=self.local_jobs,
                                         cache=self.media_cache, estimate=create.estimate, create=create.create))
        self.prompts = PromptEnhancer(PromptDeps(catalog=self.catalog, providers=providers, jobs=self.jobs,
                                                 create=create.create))
        self.avatars = AvatarService(AvatarDeps(
            catalog=self.catalog, configured=create.configured, plan_for=self.plan_for, intake=create.intake,
            preflight=create.preflight, threshold=create.threshold, runs=create.runs, queue=create.queue,
            create=create.create, estimate=create.estimate, media=self.media, library=self.library, jobs=self.jobs,
            work_dir=settings.work_dir))
        self.runner.register(FINISH_KIND, FinishHandler(FinishDeps(jobs=self.jobs, library=self.library,
                                                                   store=self.store)))
        self.social = SocialService(SocialDeps(library=self.library, store=self.store, local_jobs=self.local_jobs))
        self.compare = compare_service(
            db=self.db, catalog=self.catalog, jobs=self.jobs, enqueue=self.runner.enqueue, preflight=create.check,
            threshold_usd=create.threshold, ledger=self.ledger, limits=self.limits, media=self.media,
            audit=self.audit.record, fingerprint=self._fingerprint, find_reuse=self.library_service.find_reuse,
            library=self.library, store=self.store, export_dir=settings.work_dir / "exports")
        self.ai_tags = AiTagger(AiTagDeps(catalog=self.catalog, configured=create.configured, db=self.db,
                                          library=self.library, create=create.create, estimate=create.estimate))
        for kind, output, keep in (("generate", "media", None), (PROMPT_KIND, "text", None),
                                   (TAG_KIND, "text", self.ai_tags.keep)):
            self.runner.register(kind, GenerateHandler(GenerateDeps(
                providers=providers, get_model=self.catalog.get, price=price_of, library=self.library,
                store=self.store, ledger=self.ledger, limits_for=self.limits, quotes=self.quotes, output=output,
                keep_text=keep, fingerprint=self._fingerprint, min_poll_s=settings.min_poll_s,
                max_poll_s=settings.max_poll_s,
                inline_free=bool(settings.queue))))

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Studio:
        """Settle reservations left by a crash, then resume the jobs that were active."""
        self.settle_stranded()
        self.runner.start()
        return self

    def settle_stranded(self) -> int:
        """Settle reservations whose job ended or vanished in a crash. With a shared queue other
        processes create jobs meanwhile, so a reservation without a job is left a while first."""
        return self.ledger.sweep(self.job_control.state, min_age_s=STRANDED_AGE_S if self.settings.queue else 0.0)

    def stop(self) -> None:
        self.runner.stop()
        self.media_cache.close()
        self.quotes.close()
        self.db.dispose()

    def limits(self, owner: str, plan: Plan | None = None) -> list[Limit]:
        """The monthly caps a reservation of `owner` must fit: their plan's (or own) budget and runs,
        and the team's when `VIDEO_STUDIO_TEAM_BUDGET_USD` is set (`plan`: already read for them)."""
        return owner_limits(plan or self.plan_for(owner), self.settings.team_budget_usd)

    def _fingerprint(self, request: dict) -> str | None:
        """A run's never-pay-twice fingerprint (input files by content); None if unreadable."""
        try:
            return request_fingerprint(request, self.media_cache.file_hash)
        except (StudioError, OSError):
            return None

    def plan_for(self, owner: str) -> Plan:
        """The owner's plan (their account's, else the installation's), with their own monthly budget
        in place of the plan's when an admin set one."""
        account = self.accounts.find(owner)
        return plan_of(account and account.plan, account and account.budget_usd, self.settings.plan)

    # -- providers ---------------------------------------------------------------------------
    def configured_providers(self) -> set[str]:
        return self.create_service.configured()

    def provider_status(self) -> list[dict]:
        """Each provider: configured, free, how many catalog models."""
        return self.create_service.provider_status()

    # -- create ------------------------------------------------------------------------------
    def estimate(self, request: dict | CreateRequest, *, owner: str) -> dict:
        """Model, cost (`total_usd`, `max_usd`, `price_basis`), issues and what must be confirmed."""
        return self.create_service.estimate(request, owner=owner)

    def create(self, request: dict | CreateRequest, *, owner: str, parent_id: str | None = None) -> dict:
        """Queue the run when preflight allows it and `confirm_usd` covers its `max_usd`."""
        return self.create_service.create(request, owner=owner, parent_id=parent_id)

    def enhance_prompt(self, request: dict | EnhanceRequest, *, owner: str) -> dict:
        """The offline enhancement, or the paid helper's job id (priced, reserved, in the ledger)."""
        return self.prompts.enhance(request, owner=owner)

    def enhanced_prompt(self, job_id: str, request: dict | EnhanceRequest, *, owner: str) -> dict:
        """The paid helper's text once its job ended (the offline enhancement, saying why, if it failed)."""
        return self.prompts.result(job_id, request, owner=owner)

    # -- avatar and voice --------------------------------------------------------------------
    def speech(self, request: dict, *, owner: str) -> dict:
        """{text, voice, model, language, speed, confirm_usd, estimate_only} -> like create; an audio asset."""
        return self.avatars.speech(request, owner=owner)

    def avatar(self, request: dict, *, owner: str) -> dict:
        """{photo_id, audio_id | script + voice, model, resolution, ...} -> like create, plus scenes."""
        return self.avatars.avatar(request, owner=owner)

    def avatar_scene(self, request: dict, *, owner: str) -> dict:
        """{job_id (the request's finishing job), scene, confirm_usd, estimate_only} -> like create."""
        return self.avatars.scene(request, owner=owner)

    # -- jobs --------------------------------------------------------------------------------
    def owned_job(self, job_id: str, owner: str) -> Job:
        """`owner`'s job; someone else's id answers exactly like a missing one."""
        return self.job_control.owned(job_id, owner)

    def _record_input(self, owner: str, asset_id: str, job_id: str, operation: str) -> None:
        self.audit.record(owner, "used-as-input", asset_id=asset_id, job_id=job_id, operation=operation)

    def job(self, job_id: str, *, owner: str) -> dict:
        return self.job_control.view(self.owned_job(job_id, owner))

    def job_list(self, *, owner: str, limit: int = 50) -> list[dict]:
        return self.job_control.listed(owner, limit)

    def cancel(self, job_id: str, *, owner: str) -> dict:
        return self.job_control.cancel(job_id, owner=owner)

    def retry(self, job_id: str, *, owner: str) -> dict:
        """Fetch a needs-attention job's result again (poll and download). Never re-submits."""
        return self.job_control.retry(job_id, owner=owner)

    # -- library -----------------------------------------------------------------------------
    def assets(self, filters: dict | AssetsQuery | None = None, *, owner: str) -> list[dict]:
        query = parse(AssetsQuery, {} if filters is None else filters, what="The filters")
        return [asset_view(a) for a in self.library.list(owner, query.query, query.operation)]

    def asset(self, asset_id: str, *, owner: str) -> dict:
        return asset_view(self.library.get(parse_value(ASSET_ID, asset_id, "asset_id"), owner))

    def import_media(self, path: str | Path, *, owner: str, title: str = "") -> dict:
        """Bring a user's own uploaded file into the library (a bounded copy; the upload is untouched).
        Callers pass only files the client uploaded in this call, never a path a client typed."""
        title = parse_value(TITLE, title or "", "title")
        stored = self.store.import_file(Path(path), owner, self.settings.max_import_mb * 1_000_000)
        try:
            asset = self.library.add(stored, owner=owner, operation="upload", title=title or Path(path).stem)
        except Exception:
            stored.unlink(missing_ok=True)
            raise
        return asset_view(asset)

    def lineage(self, asset_id: str, *, owner: str) -> list[dict]:
        return [asset_view(a) for a in self.library.lineage(parse_value(ASSET_ID, asset_id, "asset_id"), owner)]

    def download(self, asset_id: str, *, owner: str, via: str) -> Asset:
        """The asset whose file `owner` is about to download; the download is in the audit log."""
        asset = self.library.get(asset_id, owner)
        if not Path(asset.path).is_file():
            raise NotFound(f"Asset {asset_id} was not found.", "Pick an asset from the library.")
        self.audit.record(owner, "downloaded", asset_id=asset.id, via=via)
        return asset

    # -- governed links (core/accounts/sharing.py) -------------------------------------------
    def share(self, request: dict | ShareRequest, *, owner: str) -> dict:
        """{asset_id, expires_in_s} -> a link that downloads the file without login until it expires."""
        return self.sharing.share(request, owner=owner)

    def unshare(self, asset_id: str, *, owner: str) -> dict:
        return self.sharing.unshare(asset_id, owner=owner)

    def live_links(self, asset_id: str, *, owner: str) -> list[dict]:
        return self.sharing.live(asset_id, owner=owner)

    def open_link(self, token: str, client: str = "") -> Asset:
        """The file a share link grants (no login); each download counted and in the audit log."""
        return self.sharing.open(token, client)

    # -- money -------------------------------------------------------------------------------
    def ledger_summary(self, *, owner: str) -> dict:
        plan = self.plan_for(owner)
        return self.ledger.summary(owner, plan.monthly_budget_usd, plan.id)

    # -- asset library: search, tags, collections, versions, reuse, delete, analytics ----------
    def search_assets(self, request: dict | None = None, *, owner: str) -> dict:
        """Full-text search with filters, sorted and paged (pages from 1) -> {items, total, ...}."""
        return self.library_service.search(request, owner=owner)

    def library_facets(self, *, owner: str) -> dict[str, list[str]]:
        return self.library_service.facets(owner=owner)

    def asset_details(self, asset_id: str, *, owner: str, pictures: bool = True) -> dict:
        return self.library_service.details(asset_id, owner=owner, pictures=pictures)

    def tag_asset(self, asset_id: str, *, owner: str, add: list[str] | None = None,
                  remove: list[str] | None = None) -> dict:
        return self.library_service.tag(asset_id, owner=owner, add=add, remove=remove)

    def ai_tag(self, request: dict, *, owner: str) -> dict:
        """/ai_tag: AI tags from a provider's captioning model, priced and confirmed like any paid run."""
        return self.ai_tags.tag(request, owner=owner)

    def tag(self, request: dict, *, owner: str) -> dict:
        """/tag {asset_id, add, remove} -> the asset with its tags."""
        return self.library_service.tag_request(request, owner=owner)

    def collection_action(self, request: dict, *, owner: str) -> dict | list[dict]:
        """/collections {action: create|rename|add|remove|list|export, collection_id, name, asset_ids}."""
        return self.library_service.collections_request(request, owner=owner)

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

    def versions(self, asset_id: str | dict, *, owner: str) -> dict:
        return self.library_service.versions(asset_id, owner=owner)

    def find_reuse(self, request: dict | CreateRequest, *, owner: str) -> dict | None:
        """The owner's earlier asset made by exactly this request (as preflight resolves it: model,
        settings, seed, input file contents), or None. Reads only; nothing is sent or reserved."""
        return self.create_service.preflight(self.create_service.intake(request, owner), owner).reuse

    def settings_again(self, asset_id: str | dict, *, owner: str) -> dict:
        """"Use these settings again": {studio: create|api, request} or {studio: edit|enhance|transform,
        asset_id, ops} -- the exact request that made the asset."""
        return self.library_service.settings_again(asset_id, owner=owner)

    def reuse(self, request: dict | ReuseRequest, *, owner: str) -> dict | None:
        """/reuse {request} -> the earlier asset {asset_id, created_at, cost_usd, ...} or None."""
        return self.find_reuse(parse(ReuseRequest, request).request, owner=owner)

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

    def analytics_for(self, request: dict | None = None, *, owner: str) -> dict:
        """/analytics: grouped by user, an admin sees every person's runs; everyone else their own."""
        grouped = isinstance(request, dict) and request.get("group_by") == "user"
        return self.analytics(request, owner=owner, everyone=grouped and self.identity.is_admin(owner))

    def analytics_csv(self, request: dict | None = None, *, owner: str, everyone: bool = False) -> dict:
        if everyone:
            self.identity.require_admin(owner)
        return self.library_service.analytics_csv(request, owner=owner, everyone=everyone)

    def poster_of(self, video: str | Path) -> Path:
        """A still of a video the studio made or holds (its first meaningful frame), from the cache."""
        return self.media_cache.poster(video)

    def media_cache_stats(self) -> dict:
        return self.library_service.cache_stats()

    def clear_media_cache(self) -> dict:
        """Empty the derived-media cache (probes, posters, strips, previews): all can be made again."""
        return self.library_service.clear_cache()

    # -- audit -------------------------------------------------------------------------------
    def asset_history(self, asset_id: str, *, owner: str) -> list[dict]:
        """An asset's events (created, downloads, links, uses as input ...), newest first."""
        asset = self.library.get(parse_value(ASSET_ID, asset_id, "asset_id"), owner)
        return [event_view(e) for e in self.audit.for_asset(asset.id)]

    def asset_usage(self, asset_id: str | dict, *, owner: str) -> dict:
        """An asset id or {asset_id} -> usage and export history: {downloads, shared, packs, inputs, exports,
        shared_until, summary, events} ("Used in 3 packs, downloaded 5 times, shared until 30 Nov")."""
        asset_id = asset_id_of(asset_id)
        events = self.asset_history(asset_id, owner=owner)
        return {**usage_summary(events, self.live_links(asset_id, owner=owner)), "events": events[:50]}

    def _record_added(self, asset: Asset) -> None:
        action = "imported" if asset.operation == "upload" else "created"
        self.audit.record(asset.owner, action, asset_id=asset.id, job_id=asset.job_id, operation=asset.operation,
                          model=asset.model, parent_id=asset.parent_id)


"""The job lifecycle and its money rules, against an in-process fake provider."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from core.contracts import GenerationRequest, ModelSpec, Price, TaskState
from core.db import Database
from core.errors import InsufficientBalance, ProviderUnavailable, SubmitOutcomeUnknown
from core.jobs.generate import GenerateDeps, GenerateHandler
from core.jobs.runner import JobRunner
from core.jobs.store import JobStore
from core.library.models import Job, JobStatus, LedgerEntry
from core.library.repository import Library
from core.storage import MediaStore
from core.money.ledger import Ledger
from core.money.pricing import estimate


def spec(model_id: str, provider: str = "fake", price: float = 0.5) -> ModelSpec:
    return ModelSpec(id=model_id, provider=provider, provider_model=f"vendor/{model_id}",
                     operation="text-to-video", name=model_id.title(), description="test model",
                     tier="standard", price=Price(unit="per_run", rates={"*": price}, verified=True),
                     latency={"base_s": 1, "per_output_s": 0})


class FakeProvider:
    """Plays a vendor: tasks complete after `polls_to_finish` polls; records every submit."""

    free = False

    def __init__(self, name: str, clip: Path, *, polls_to_finish: int = 2, submit_error=None,
                 final: str = "completed", fetch_failures: int = 0) -> None:
        self.name = name
        self.clip = clip
        self.polls_to_finish = polls_to_finish
        self.submit_error = submit_error
        self.final = final
        self.fetch_failures = fetch_failures
        self.refunded = True
        self.submits: list[str] = []
        self.polls: dict[str, int] = {}
        self.lock = threading.Lock()

    def configured(self) -> bool:
        return True

    def submit(self, model, request) -> str:
        with self.lock:
            self.submits.append(model.id)
        if self.submit_error:
            raise self.submit_error
        return f"task-{len(self.submits)}"

    def poll(self, model, task_id) -> TaskState:
        with self.lock:
            self.polls[task_id] = self.polls.get(task_id, 0) + 1
            count = self.polls[task_id]
        if count < self.polls_to_finish:
            return TaskState(status="running", progress=count / self.polls_to_finish)
        if self.final != "completed":
            return TaskState(status=self.final, error="content policy", refunded=self.refunded)
        return TaskState(status="completed", outputs=["https://cdn.example/out.mp4"])

    def fetch(self, output, dest: Path) -> Path:
        if self.fetch_failures > 0:
            self.fetch_failures -= 1
            raise ProviderUnavailable("download failed")
        shutil.copyfile(self.clip, dest)
        return dest

    def quote(self, model, request):
        return None

    def balance(self):
        return None


class Harness:
    def __init__(self, home: Path, providers: dict, models: dict[str, ModelSpec], **deps_overrides) -> None:
        self.db = Database(f"sqlite:///{home / 'studio.db'}")
        (home / "media").mkdir(parents=True, exist_ok=True)
        (home / "work").mkdir(parents=True, exist_ok=True)
        self.store = MediaStore(home / "media", home / "work")
        self.library = Library(self.db, self.store)
        self.ledger = Ledger(self.db)
        self.jobs = JobStore(self.db)
        self.runner = JobRunner(self.jobs, io_workers=4)
        self.models = models
        deps = dict(providers=providers, get_model=models.__getitem__, price=estimate, library=self.library,
                    store=self.store, ledger=self.ledger, min_poll_s=0.01, max_poll_s=0.02, max_backoff_s=0.05)
        self.runner.register("generate", GenerateHandler(GenerateDeps(**{**deps, **deps_overrides})))

    def add_job(self, model: ModelSpec, ladder: list[str] | None = None, confirm_usd: float | None = None,
                request: GenerationRequest | None = None) -> str:
        """A job as CreateService makes one: its rungs (each with its own request and bound) and the
        amount confirmed, with its reservation in the ledger."""
        request = (request or GenerationRequest(prompt="a cat")).model_dump(mode="json")
        rungs = [{"model": m, "request": request, "max_usd": self.models[m].price.rates.get("*", 0.0)}
                 for m in (ladder or [model.id])]
        price = model.price.rates.get("*", 0.0)
        job = Job(owner="ana", kind="generate", provider=model.provider, model=model.id, estimate_usd=price,
                  payload={"request": request, "ladder": rungs, "rung": 0,
                           "confirm_usd": price if confirm_usd is None else confirm_usd})
        self.ledger.reserve([LedgerEntry(job_id=job.id, owner="ana", provider=model.provider, model=model.id,
                                         month="", estimate_usd=price)], [])
        self.jobs.create(job)
        return job.id

    def run(self, job_id: str) -> Job:
        """Start the workers, run the job to its end, stop the workers."""
        self.runner.start()
        self.runner.enqueue(job_id)
        try:
            return self.wait(job_id)
        finally:
            self.runner.stop()

    def wait(self, job_id: str, timeout: float = 20) -> Job:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.jobs.get(job_id)
            if JobStatus(job.status).terminal:
                return job
            time.sleep(0.02)
        raise AssertionError(f"job did not finish: {self.jobs.get(job_id)}")


@pytest.fixture
def clip(clip_factory):
    return clip_factory("out.mp4", seconds=1, audio=False)


def test_job_succeeds_once_and_settles_actual(tmp_path, clip):
    fake = FakeProvider("fake", clip)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    job = h.run(job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert fake.submits == ["alpha"]
    assert job.task_id == "task-1"
    asset = h.library.get(job.asset_ids[0], "ana")
    assert Path(asset.path).exists() and asset.duration_s == pytest.approx(1.0, abs=0.1)
    assert asset.job_id == job_id and asset.model == "alpha"
    entry = h.ledger.entry(job_id)
    assert entry.state == "charged" and entry.actual_usd == entry.estimate_usd == 0.5


def test_restart_resumes_polling_without_second_submit(tmp_path, clip):
    fake = FakeProvider("fake", clip, polls_to_finish=1000)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    h.runner.start()
    h.runner.enqueue(job_id)
    deadline = time.monotonic() + 5
    while h.jobs.get(job_id).task_id is None and time.monotonic() < deadline:
        time.sleep(0.01)
    h.runner.stop()  # the app goes away while the task runs at the provider
    assert h.jobs.get(job_id).status == JobStatus.RUNNING

    fake.polls_to_finish = 1
    again = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    again.runner.start()
    job = again.wait(job_id)
    again.runner.stop()
    assert job.status == JobStatus.SUCCEEDED
    assert fake.submits == ["alpha"], "a restart must never re-send a paid submit"


def test_crash_during_submit_needs_attention_and_is_not_resent(tmp_path, clip):
    fake = FakeProvider("fake", clip)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    h.jobs.update(job_id, status=JobStatus.SUBMITTING)  # the process died mid-submit
    h.runner.start()
    time.sleep(0.2)
    h.runner.stop()
    job = h.jobs.get(job_id)
    assert job.status == JobStatus.NEEDS_ATTENTION
    assert "not re-sent" in job.error
    assert fake.submits == []
    assert h.ledger.entry(job_id).state == "unknown"


def test_unknown_submit_outcome_is_flagged_not_retried(tmp_path, clip):
    fake = FakeProvider("fake", clip, submit_error=SubmitOutcomeUnknown("timed out after sending", "check"))
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model, "beta": spec("beta")})
    job_id = h.add_job(model, ladder=["alpha", "beta"])
    job = h.run(job_id)
    assert job.status == JobStatus.NEEDS_ATTENTION
    assert fake.submits == ["alpha"], "no retry and no fallback when the first submit may exist"


def test_definite_submit_failure_falls_back_to_next_model(tmp_path, clip):
    broke = FakeProvider("broke", clip, submit_error=InsufficientBalance("no credit", "top up"))
    good = FakeProvider("good", clip)
    alpha, beta = spec("alpha", "broke"), spec("beta", "good", price=0.25)
    h = Harness(tmp_path, {"broke": broke, "good": good}, {"alpha": alpha, "beta": beta})
    job_id = h.add_job(alpha, ladder=["alpha", "beta"])
    job = h.run(job_id)
    assert job.status == JobStatus.SUCCEEDED and job.model == "beta"
    assert broke.submits == ["alpha"] and good.submits == ["beta"]
    assert h.ledger.entry(job_id).model == "beta"


def test_failed_task_is_released_from_ledger(tmp_path, clip):
    fake = FakeProvider("fake", clip, final="failed")
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    job = h.run(job_id)
    assert job.status == JobStatus.FAILED and "content policy" in job.error
    entry = h.ledger.entry(job_id)
    assert entry.state == "refunded" and entry.actual_usd == 0


def test_failure_that_may_be_billed_stays_counted(tmp_path, clip):
    fake = FakeProvider("fake", clip, final="failed")
    fake.refunded = False
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    job = h.run(job_id)
    assert job.status == JobStatus.FAILED and "may still have billed" in job.error
    assert h.ledger.entry(job_id).state == "unknown"
    assert h.ledger.month_spend("ana") == 0.5


def test_download_failure_keeps_task_and_retry_refetches(tmp_path, clip):
    fake = FakeProvider("fake", clip, fetch_failures=1)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    h.runner.start()
    h.runner.enqueue(job_id)
    job = h.wait(job_id)
    assert job.status == JobStatus.NEEDS_ATTENTION and job.task_id
    h.jobs.update(job_id, status=JobStatus.RUNNING)  # what Studio.retry does
    h.runner.enqueue(job_id)
    job = h.wait(job_id)
    h.runner.stop()
    assert job.status == JobStatus.SUCCEEDED
    assert fake.submits == ["alpha"]


def test_cancel_before_submit_costs_nothing(tmp_path, clip):
    fake = FakeProvider("fake", clip)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    job_id = h.add_job(model)
    h.jobs.update(job_id, cancel_requested=True)
    job = h.run(job_id)
    assert job.status == JobStatus.CANCELLED and fake.submits == []
    assert h.ledger.entry(job_id).actual_usd == 0


def test_many_concurrent_jobs_share_few_threads(tmp_path, clip):
    fake = FakeProvider("fake", clip, polls_to_finish=3)
    model = spec("alpha")
    h = Harness(tmp_path, {"fake": fake}, {"alpha": model})
    ids = [h.add_job(model) for _ in range(30)]
    h.runner.start()
    for job_id in ids:
        h.runner.enqueue(job_id)
    statuses = {h.wait(job_id, timeout=60).status for job_id in ids}
    h.runner.stop()
    assert statuses == {JobStatus.SUCCEEDED}
    assert len(fake.submits) == 30

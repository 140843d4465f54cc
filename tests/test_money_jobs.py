"""Money rules inside the job runner (issue 8, cases 1, 6, 8, 9, 13): the check right before a
submit, polls refused as unauthorised, deadlines, faults mid-submit, and waits that stay finite."""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta

import httpx
import pytest

from core.contracts import GenerationRequest, TaskState
from core.errors import AuthFailed, ProviderFailed
from core.jobs.generate import GenerateDeps
from core.jobs.runner import JobRunner, bounded_delay
from core.jobs.timing import deadline, started
from core.library.models import Job, JobStatus
from core.money.quotes import Quotes
from tests.test_jobs import FakeProvider, Harness, spec


@pytest.fixture
def clip(clip_factory):
    return clip_factory("out.mp4", seconds=1, audio=False)


class Quoting(FakeProvider):
    def __init__(self, *args, quote=None, poll_error=None, submit_crash=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.price, self.poll_error, self.submit_crash = quote, poll_error, submit_crash

    def quote(self, model, request):
        return self.price

    def poll(self, model, task_id):
        if self.poll_error is not None:
            raise self.poll_error
        return super().poll(model, task_id)

    def submit(self, model, request):
        if self.submit_crash:
            self.submits.append(model.id)
            raise RuntimeError("socket closed after the request was written")
        return super().submit(model, request)


def test_a_rung_whose_price_rose_above_the_confirmation_is_not_sent(tmp_path, clip):
    """Case 6: right before sending, the live price is checked against confirm_usd; a cheaper rung may run."""
    dear = Quoting("dear", clip, quote=0.8)
    cheap = Quoting("cheap", clip)
    alpha, beta = spec("alpha", "dear"), spec("beta", "cheap", price=0.25)
    providers, models = {"dear": dear, "cheap": cheap}, {"alpha": alpha, "beta": beta}
    h = Harness(tmp_path / "a", providers, models, quotes=Quotes(providers, tmp_path / "a"))
    lone = h.add_job(alpha, confirm_usd=0.5)
    job = h.run(lone)
    assert job.status == JobStatus.FAILED and "more than the $0.50 you confirmed" in job.error
    assert dear.submits == [] and h.ledger.entry(lone).state == "released"
    h = Harness(tmp_path / "b", providers, models, quotes=Quotes(providers, tmp_path / "b"))
    laddered = h.add_job(alpha, ladder=["alpha", "beta"], confirm_usd=0.5)
    job = h.run(laddered)
    assert job.status == JobStatus.SUCCEEDED and job.model == "beta" and cheap.submits == ["beta"]
    assert dear.submits == [] and h.ledger.entry(laddered).actual_usd == pytest.approx(0.25)


def test_a_quote_above_the_reservation_but_within_the_confirmation_raises_the_reservation(tmp_path, clip):
    vendor = Quoting("fake", clip, quote=0.6)
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha}, quotes=Quotes({"fake": vendor}, tmp_path))
    job_id = h.add_job(alpha, confirm_usd=1.0)
    job = h.run(job_id)
    assert job.status == JobStatus.SUCCEEDED and job.actual_usd == pytest.approx(0.6)
    assert h.ledger.entry(job_id).state == "charged"


def test_a_poll_that_keeps_answering_401_ends_the_job(tmp_path, clip):
    """Case 8: not `running` forever: needs-attention with the auth message, the reservation kept counted."""
    vendor = Quoting("fake", clip, poll_error=AuthFailed("WaveSpeed rejected the API key.", "Check the key."))
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha}, auth_grace_s=0.3)
    job_id = h.add_job(alpha)
    began = time.monotonic()
    job = h.run(job_id)
    assert time.monotonic() - began < 10
    assert job.status == JobStatus.NEEDS_ATTENTION and "rejected the API key" in job.error
    assert h.ledger.entry(job_id).state == "unknown" and vendor.submits == ["alpha"]
    assert GenerateDeps.__dataclass_fields__["auth_grace_s"].default <= 50  # "within about a minute"


def test_every_job_has_a_deadline(tmp_path, clip):
    """Case 13: a task that never ends (a status we do not know) ends as needs-attention."""
    vendor = Quoting("fake", clip, polls_to_finish=10**9)
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha}, deadline_factor=0.0, deadline_margin_s=0.3)
    job_id = h.add_job(alpha)
    job = h.run(job_id)
    assert job.status == JobStatus.NEEDS_ATTENTION and "no result within" in job.error
    assert h.ledger.entry(job_id).state == "unknown"


def test_the_deadline_fits_a_ten_minute_avatar():
    from core.catalog import load_catalog

    for model in (m for m in load_catalog().models(operation="avatar") if not m.offline):
        longest = model.capabilities.audio.max_s or 600
        job = Job(owner="o", kind="generate", payload={"request": {"input_duration": longest}})
        job.submitted_at = job.created_at
        allowed = (deadline(job, model, 2.0, 600.0) - started(job)).total_seconds()
        assert allowed >= 30 * longest, (model.id, allowed)  # avatar models take 10-30 s per output second
    assert timedelta(seconds=allowed) < timedelta(days=2)


def test_a_fault_in_the_middle_of_a_submit_is_flagged_never_resent(tmp_path, clip):
    """Case 9: any bug during a submit leaves the ledger unknown (counted), not reserved forever."""
    vendor = Quoting("fake", clip, submit_crash=True)
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha})
    job_id = h.add_job(alpha)
    job = h.run(job_id)
    assert job.status == JobStatus.NEEDS_ATTENTION and "not sent again" in job.error
    assert vendor.submits == ["alpha"] and h.ledger.entry(job_id).state == "unknown"


def test_an_upload_failure_before_the_submit_releases(tmp_path, clip):
    vendor = Quoting("fake", clip, submit_error=ProviderFailed("Uploading a.png to WaveSpeed storage failed."))
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha})
    job_id = h.add_job(alpha)
    job = h.run(job_id)
    assert job.status == JobStatus.FAILED and h.ledger.entry(job_id).state == "released"


class Stubborn:
    """A handler whose first step asks for a NaN wait (as a NaN length once made it do)."""

    lane = "io"

    def __init__(self):
        self.steps = 0

    def on_restart(self, job, ctx):
        return True

    def step(self, job, ctx):
        self.steps += 1
        if self.steps == 1:
            return math.nan
        ctx.update(status=JobStatus.SUCCEEDED)
        return None


def test_a_nan_wait_never_stalls_the_queue(tmp_path, clip):
    """Case 1: whatever a handler or provider says, waits are finite and one job never blocks another."""
    assert bounded_delay(math.nan) == 1.0 and bounded_delay(math.inf) == 1.0 and bounded_delay(-5) == 0.0
    assert bounded_delay(10**9) == 3600.0 and bounded_delay("soon") == 1.0
    vendor = Quoting("fake", clip)
    alpha = spec("alpha")
    h = Harness(tmp_path, {"fake": vendor}, {"alpha": alpha})
    h.runner.register("odd", Stubborn())
    odd = Job(owner="ana", kind="odd")
    h.jobs.create(odd)
    job_id = h.add_job(alpha)
    h.runner.start()
    try:
        h.runner.enqueue(odd.id, delay=math.nan)
        h.runner.enqueue(odd.id)
        h.runner.enqueue(job_id, delay=math.inf)
        assert h.wait(job_id, timeout=10).status == JobStatus.SUCCEEDED
        assert h.wait(odd.id, timeout=10).status == JobStatus.SUCCEEDED
    finally:
        h.runner.stop()


def test_the_wavespeed_calls_use_the_sdk_timeouts(tmp_path, clip):
    from providers.wavespeed import WaveSpeedProvider
    from tests.fakes.wavespeed_vendor import FakeWaveSpeed

    vendor = FakeWaveSpeed(clip.read_bytes())
    seen: dict[str, float] = {}

    def record(request: httpx.Request) -> httpx.Response:
        read = request.extensions["timeout"]["read"]
        kind = ("upload" if "upload" in request.url.path or "_storage" in request.url.path else
                "poll" if "predictions" in request.url.path else "submit")
        seen[kind] = read
        return vendor(request)

    provider = WaveSpeedProvider("test-key", "https://api.wavespeed.ai", transport=httpx.MockTransport(record),
                                 sleep=lambda s: None)
    model = spec("wan", "wavespeed").model_copy(update={"provider_model": "vendor/i2v"})
    photo = tmp_path / "p.png"
    from PIL import Image

    Image.new("RGB", (64, 64)).save(photo)
    request = GenerationRequest(operation="image-to-video", image=str(photo), prompt="x")
    model = model.model_copy(update={"capabilities": model.capabilities.model_copy(
        update={"inputs_accepted": ["image"]})})
    task = provider.submit(model, request)
    provider.poll(model, task)
    assert seen == {"upload": 120.0, "submit": 60.0, "poll": 30.0}

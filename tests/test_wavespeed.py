"""WaveSpeed adapter against the fake vendor: submit, poll, errors, quote, balance, the test guard."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from core.contracts import GenerationRequest
from core.errors import (
    AuthFailed,
    InsufficientBalance,
    InvalidInput,
    NotConfigured,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    SubmitOutcomeUnknown,
)
from core.media.probe import probe
from providers.http import NetworkBlocked, in_test_mode, retry_after_seconds
from providers.wavespeed import WaveSpeedProvider
from tests.fakes import model_spec
from tests.fakes.wavespeed_fixtures import (  # noqa: F401 - fixtures are used by name
    MODEL,
    REQUEST,
    T2V,
    make_provider,
    provider_fixture,
    run_to_end,
    sleeps_fixture,
    vendor_fixture,
    video_fixture,
)
from tests.fakes.wavespeed_vendor import start_fake_wavespeed


# ---- submit -----------------------------------------------------------------------------------
def test_submit_poll_fetch_happy_path(provider, vendor, tmp_path):
    task_id = provider.submit(MODEL, REQUEST)
    sent = vendor.requests[-1]
    assert sent.path == f"/api/v3/{T2V}"
    assert sent.headers["authorization"] == "Bearer test-key"
    assert sent.json == {"prompt": "a lighthouse at dusk", "size": "720*1280", "duration": 5}
    states = run_to_end(provider, task_id)
    assert [s.status for s in states] == ["queued", "running", "completed"]
    output = states[-1].outputs[0]
    path = provider.fetch(output, tmp_path / "out" / "result.mp4")
    assert path.read_bytes() == vendor.video_bytes
    info = probe(path)
    assert info.has_video and info.duration_s > 0.5
    assert sorted(p.name for p in path.parent.iterdir()) == ["result.mp4"]  # no partial files left
    assert vendor.submits[T2V] == 1


def test_missing_key_is_not_configured_and_sends_nothing(vendor, sleeps):
    provider = make_provider(vendor, sleeps, api_key=None)
    assert provider.configured() is False
    with pytest.raises(NotConfigured, match="WAVESPEED_API_KEY"):
        provider.submit(MODEL, REQUEST)
    assert provider.quote(MODEL, REQUEST) is None and provider.balance() is None
    assert vendor.requests == []


@pytest.mark.parametrize(
    ("status", "message", "error"),
    [
        (401, "Unauthorized", AuthFailed),
        (403, "Forbidden", AuthFailed),
        (402, "Payment required", InsufficientBalance),
        (400, "Insufficient credits to run this model", InsufficientBalance),
        (400, "size must be one of 832*480, 1280*720", InvalidInput),
        (422, "prompt is required", InvalidInput),
        (404, "model not found", NotFound),
        (500, "internal error", SubmitOutcomeUnknown),
        (503, "upstream unavailable", SubmitOutcomeUnknown),
    ],
)
def test_submit_errors_map_to_the_error_tree_and_are_never_retried(
    provider, vendor, sleeps, status, message, error
):
    vendor.behave(T2V, submit_status=status, submit_message=message)
    with pytest.raises(error) as raised:
        provider.submit(MODEL, REQUEST)
    assert vendor.submits[T2V] == 1 and sleeps == []
    assert message in str(raised.value)
    if error is AuthFailed:
        assert "WAVESPEED_API_KEY" in raised.value.hint


def test_submit_429_is_rate_limited_with_retry_after(provider, vendor, sleeps):
    vendor.behave(T2V, submit_status=429, submit_message="Too Many Requests", retry_after=7)
    with pytest.raises(RateLimited) as raised:
        provider.submit(MODEL, REQUEST)
    assert raised.value.retry_after == 7
    assert vendor.submits[T2V] == 1 and sleeps == []


@pytest.mark.parametrize(
    ("code", "message", "error"),
    [
        (500, "internal error", SubmitOutcomeUnknown),
        (401, "invalid key", AuthFailed),
        (400, "insufficient balance", InsufficientBalance),
        (400, "duration must be 5 or 10", InvalidInput),
    ],
)
def test_http_200_with_an_error_envelope_is_an_error(provider, vendor, code, message, error):
    vendor.behave(T2V, submit_envelope_code=code, submit_message=message)
    with pytest.raises(error, match=message):
        provider.submit(MODEL, REQUEST)
    assert vendor.submits[T2V] == 1


def test_submit_timeout_after_sending_is_outcome_unknown_and_not_resent(provider, vendor, sleeps):
    vendor.behave(T2V, submit_timeout=True)
    with pytest.raises(SubmitOutcomeUnknown) as raised:
        provider.submit(MODEL, REQUEST)
    assert "not sent again" in raised.value.hint
    assert vendor.submits[T2V] == 1 and len(vendor.tasks) == 1  # the vendor did create (and bill) it
    assert sleeps == []


def test_connection_refused_before_sending_is_safe_to_retry_later(vendor, sleeps):
    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/api/v3/{T2V}":
            raise httpx.ConnectError("connection refused", request=request)
        return vendor(request)

    provider = make_provider(refuse, sleeps)
    with pytest.raises(ProviderUnavailable, match="nothing was submitted"):
        provider.submit(MODEL, REQUEST)
    assert vendor.submits[T2V] == 0


def test_submit_answer_without_task_id_is_outcome_unknown(sleeps):
    def no_id(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": 200, "message": "success", "data": {"status": "created"}})

    with pytest.raises(SubmitOutcomeUnknown):
        make_provider(no_id, sleeps).submit(MODEL, REQUEST)


def test_dropped_connection_on_a_real_socket_is_outcome_unknown(video):
    base_url, vendor, stop = start_fake_wavespeed(video)
    try:
        vendor.behave(T2V, submit_timeout=True)
        provider = WaveSpeedProvider("test-key", base_url, sleep=lambda s: None)
        with pytest.raises(SubmitOutcomeUnknown):
            provider.submit(MODEL, REQUEST)
        assert vendor.submits[T2V] == 1
    finally:
        stop()


# ---- poll -------------------------------------------------------------------------------------
@pytest.mark.parametrize("style", ["string", "url_object", "uri_object"])
def test_completed_outputs_as_strings_or_objects(provider, vendor, style):
    vendor.behave(T2V, outputs=style)
    task_id = provider.submit(MODEL, REQUEST)
    final = run_to_end(provider, task_id)[-1]
    assert final.status == "completed"
    assert final.outputs == [f"https://api.wavespeed.ai/_outputs/{task_id}.mp4"]


@pytest.mark.parametrize(
    ("final", "status", "words"),
    [
        ("failed", "failed", "NSFW content detected"),
        ("timeout", "failed", "ran out of time"),
        ("cancelled", "cancelled", "NSFW content detected"),
    ],
)
def test_failed_cancelled_and_timeout_tasks(provider, vendor, final, status, words):
    vendor.behave(T2V, steps=["created", "processing", final], error="NSFW content detected")
    state = run_to_end(provider, provider.submit(MODEL, REQUEST))[-1]
    assert state.status == status
    assert words in state.error and state.outputs == []


def test_completed_without_outputs_is_a_failure(provider, vendor):
    vendor.behave(T2V, steps=["completed"], outputs="none")
    state = provider.poll(MODEL, provider.submit(MODEL, REQUEST))
    assert state.status == "failed" and "no output" in state.error


def test_a_poll_is_one_request_and_passes_retry_after_up(provider, vendor, sleeps):
    """A poll never sleeps in a worker: the job's scheduler polls again later."""
    vendor.behave(T2V, poll_errors={1: 429, 2: 503}, retry_after=3)
    task_id = provider.submit(MODEL, REQUEST)
    with pytest.raises(RateLimited) as limited:
        provider.poll(MODEL, task_id)
    assert limited.value.retry_after == 3.0
    with pytest.raises(ProviderUnavailable):
        provider.poll(MODEL, task_id)
    assert provider.poll(MODEL, task_id).status == "queued"
    assert sleeps == [] and vendor.tasks[task_id].polls == 3


def test_an_error_envelope_on_poll_raises_at_once(provider, vendor, sleeps):
    vendor.behave(T2V, poll_envelope_errors={1: 502, 2: 400})
    task_id = provider.submit(MODEL, REQUEST)
    with pytest.raises(ProviderUnavailable):
        provider.poll(MODEL, task_id)
    with pytest.raises(InvalidInput):  # HTTP 200 with code 400: the provider reports the task failed
        provider.poll(MODEL, task_id)
    assert provider.poll(MODEL, task_id).status == "queued" and sleeps == []


def test_poll_connection_errors_raise_without_sleeping(vendor, sleeps):
    drops = [1]

    def flaky(request: httpx.Request) -> httpx.Response:
        if "/predictions/" in request.url.path and drops:
            drops.pop()
            raise httpx.ReadError("connection reset", request=request)
        return vendor(request)

    provider = make_provider(flaky, sleeps)
    task_id = provider.submit(MODEL, REQUEST)
    with pytest.raises(ProviderUnavailable):
        provider.poll(MODEL, task_id)
    assert provider.poll(MODEL, task_id).status == "queued" and sleeps == []


def test_deleted_and_unknown_statuses():
    """WaveSpeed's SDK treats failed, cancelled, timeout and deleted as final."""
    from providers.wavespeed import task_state

    assert task_state({"status": "deleted"}).status == "failed"
    assert task_state({"status": "deleted"}).refunded is False  # it may have run first
    assert task_state({"status": "timeout"}).status == "failed"
    assert task_state({"status": "cancelled"}).status == "cancelled"
    assert task_state({"status": "warming-up"}).status == "running"  # the job's deadline bounds the wait


def test_calls_use_the_sdk_read_timeouts():
    from providers.wavespeed_api import TIMEOUTS

    assert (TIMEOUTS["poll"].read, TIMEOUTS["submit"].read, TIMEOUTS["upload"].read) == (30.0, 60.0, 120.0)


def test_poll_auth_and_unknown_task_errors_are_not_retried(provider, vendor, sleeps):
    with pytest.raises(NotFound):
        provider.poll(MODEL, "no-such-task")
    vendor.api_key = "rotated"
    with pytest.raises(AuthFailed):
        provider.poll(MODEL, "task-1")
    assert sleeps == []


def test_retry_after_header_forms():
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "12"})) == 12
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < retry_after_seconds(httpx.Response(429, headers={"Retry-After": future})) <= 31
    assert retry_after_seconds(httpx.Response(429)) is None


# ---- quote, balance, guard --------------------------------------------------------------------
def test_quote_sends_the_real_inputs(provider, vendor, tmp_path):
    vendor.behave(T2V, price=0.25)
    assert provider.quote(MODEL, REQUEST) == 0.25
    body = vendor.requests[-1].json
    assert body == {
        "model_id": T2V,
        "inputs": {"prompt": "a lighthouse at dusk", "size": "720*1280", "duration": 5},
    }
    assert vendor.submits[T2V] == 0


def test_quote_and_balance_never_raise(vendor, sleeps):
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="boom")

    provider = make_provider(broken, sleeps)
    assert provider.quote(MODEL, REQUEST) is None
    assert provider.balance() is None
    assert sleeps == []  # a quote is one quick try, not a retry loop


def test_balance(provider, vendor):
    assert provider.balance() == 12.5
    assert vendor.requests[-1].path == "/api/v3/balance"


def test_full_flow_over_a_loopback_server(video, tmp_path):
    base_url, vendor, stop = start_fake_wavespeed(video, ticket_uploads=False)
    try:
        provider = WaveSpeedProvider("test-key", base_url, sleep=lambda s: None)
        clip = tmp_path / "in.mp4"
        clip.write_bytes(video)
        model = model_spec("alibaba/wan-2.5/video-extend", operation="extend", wire={"size": "resolution"})
        task_id = provider.submit(model, GenerationRequest(prompt="go on", video=str(clip), duration=5))
        states = run_to_end(provider, task_id)
        assert states[-1].outputs[0].startswith(base_url)  # http is allowed on the base host
        assert provider.fetch(states[-1].outputs[0], tmp_path / "out.mp4").read_bytes() == video
        assert vendor.submits == {"alibaba/wan-2.5/video-extend": 1}
        assert provider.balance() == 12.5
    finally:
        stop()


def test_the_real_api_is_unreachable_in_tests(tmp_path):
    assert in_test_mode()
    provider = WaveSpeedProvider("sk-real-looking-key")  # default base URL, real transport
    with pytest.raises(NetworkBlocked):
        provider.submit(MODEL, REQUEST)
    with pytest.raises(NetworkBlocked):
        provider.fetch("https://cdn.example.com/x.mp4", tmp_path / "x.mp4")
    assert provider.quote(MODEL, REQUEST) is None and provider.balance() is None


def test_provider_identity(provider):
    assert provider.name == "wavespeed" and provider.free is False and provider.configured()

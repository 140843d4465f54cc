"""Hugging Face adapter with a fake InferenceClient (no network)."""

from __future__ import annotations

import time

import pytest
from huggingface_hub.errors import InferenceTimeoutError

from core.contracts import GenerationRequest
from core.errors import (
    AuthFailed,
    InsufficientBalance,
    InvalidInput,
    NotConfigured,
    NotFound,
    ProviderUnavailable,
    RateLimited,
)
from providers.http import NetworkBlocked
from providers.huggingface import HuggingFaceProvider
from tests.fakes import model_spec
from tests.fakes.hf_client import FakeHub, hf_http_error

T2V = model_spec("Wan-AI/Wan2.2-T2V-A14B", provider="huggingface", wire={"fixed": {"num_frames": 81}})
I2V = model_spec(
    "Wan-AI/Wan2.2-I2V-A14B",
    provider="huggingface",
    operation="image-to-video",
    wire={"fixed": {"inference_provider": "fal-ai"}},
)
VIDEO = b"\x00\x00\x00\x18ftypmp42 fake video bytes"


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub(video=VIDEO)


@pytest.fixture
def provider(hub) -> HuggingFaceProvider:
    provider = HuggingFaceProvider("hf_test", client_factory=hub.factory)
    yield provider
    provider.close()


def wait_done(provider: HuggingFaceProvider, model, task_id: str, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while (state := provider.poll(model, task_id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, "the background call never finished"
        time.sleep(0.01)
    return state


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.005)


def test_calls_beyond_the_worker_limit_wait_as_queued(hub, tmp_path):
    provider = HuggingFaceProvider("hf_test", client_factory=hub.factory, max_workers=1)
    hub.gate.clear()
    first = provider.submit(T2V, GenerationRequest(prompt="one"))
    wait_for(lambda: hub.calls)
    second = provider.submit(T2V, GenerationRequest(prompt="two"))
    third = provider.submit(T2V, GenerationRequest(prompt="three"))
    assert provider.poll(T2V, first).status == "running"
    assert provider.poll(T2V, second).status == "queued"
    provider.close()  # drops calls that have not started; the running one goes on
    assert provider.poll(T2V, third).status == "cancelled"
    hub.gate.set()
    assert wait_done(provider, T2V, first).status == "completed"
    assert provider.poll(T2V, second).status == "cancelled"
    assert [kwargs["prompt"] for _, kwargs in hub.calls] == ["one"]


def test_text_to_video_runs_in_the_background_and_fetches_bytes(provider, hub, tmp_path):
    hub.gate.clear()
    request = GenerationRequest(
        prompt="a fox", negative_prompt="blurry", seed=7, duration=5, resolution="720p"
    )
    task_id = provider.submit(T2V, request)
    wait_for(lambda: hub.calls)
    assert provider.poll(T2V, task_id).status == "running"  # blocked inside the client call
    hub.gate.set()
    state = wait_done(provider, T2V, task_id)
    assert state.status == "completed" and state.progress == 1.0
    path = provider.fetch(state.outputs[0], tmp_path / "out.mp4")
    assert path.read_bytes() == VIDEO
    method, kwargs = hub.calls[0]
    assert method == "text_to_video"
    assert kwargs == {
        "prompt": "a fox",
        "model": "Wan-AI/Wan2.2-T2V-A14B",
        "negative_prompt": ["blurry"],
        "seed": 7,
        "num_frames": 81,
        "extra_body": {"duration": 5},
    }
    assert hub.clients == [{"provider": "auto", "api_key": "hf_test", "timeout": 900.0}]
    with pytest.raises(NotFound):  # the bytes are released once written
        provider.fetch(state.outputs[0], tmp_path / "again.mp4")


def test_image_to_video_passes_the_local_image_and_provider(provider, hub, tmp_path):
    image = tmp_path / "start.png"
    image.write_bytes(b"png")
    request = GenerationRequest(
        prompt="wave", negative_prompt="blur", image=str(image), options={"guidance_scale": 5}
    )
    state = wait_done(provider, I2V, provider.submit(I2V, request))
    assert state.status == "completed"
    method, kwargs = hub.calls[0]
    assert method == "image_to_video"
    assert kwargs == {
        "image": str(image),
        "model": "Wan-AI/Wan2.2-I2V-A14B",
        "prompt": "wave",
        "negative_prompt": "blur",
        "guidance_scale": 5,
    }
    assert hub.clients[0]["provider"] == "fal-ai"


@pytest.mark.parametrize(
    ("error", "expected", "words"),
    [
        (hf_http_error(401, "Invalid credentials"), AuthFailed, "HF_TOKEN"),
        (
            hf_http_error(402, "You have exceeded your monthly included credits"),
            InsufficientBalance,
            "credits",
        ),
        (hf_http_error(429, "Too many requests", {"Retry-After": "20"}), RateLimited, "rate-limiting"),
        (hf_http_error(503, "Service unavailable"), ProviderUnavailable, "503"),
        (hf_http_error(422, "num_frames out of range"), InvalidInput, "num_frames"),
        (InferenceTimeoutError("Model not loaded in time"), ProviderUnavailable, "in time"),
        (ValueError("Model is not supported by provider fal-ai"), InvalidInput, "not supported"),
    ],
)
def test_hf_errors_map_to_the_error_tree(provider, hub, error, expected, words):
    hub.error = error
    task_id = provider.submit(T2V, GenerationRequest(prompt="a fox"))
    state = wait_done(provider, T2V, task_id)
    assert state.status == "failed" and words in state.error
    typed = provider.error_of(task_id)
    assert isinstance(typed, expected)
    if expected is RateLimited:
        assert typed.retry_after == 20
    assert len(hub.calls) == 1  # never re-sent


def test_not_configured_unsupported_and_missing_image_fail_before_any_call(hub):
    with pytest.raises(NotConfigured, match="HF_TOKEN"):
        HuggingFaceProvider(None, client_factory=hub.factory).submit(T2V, GenerationRequest(prompt="x"))
    provider = HuggingFaceProvider("hf_test", client_factory=hub.factory)
    avatar = model_spec("some/avatar", provider="huggingface", operation="avatar")
    with pytest.raises(InvalidInput, match="cannot run"):
        provider.submit(avatar, GenerationRequest(prompt="x"))
    with pytest.raises(InvalidInput, match="needs an image"):
        provider.submit(I2V, GenerationRequest(prompt="x"))
    assert hub.calls == []


def test_a_real_client_is_refused_in_tests():
    provider = HuggingFaceProvider("hf_real_looking")
    with pytest.raises(NetworkBlocked):
        provider.submit(T2V, GenerationRequest(prompt="x"))


def test_unknown_task_after_a_restart_reports_lost(provider):
    state = provider.poll(T2V, "hf-from-a-previous-session")
    assert state.status == "failed" and "Run it again" in state.error


def test_identity_quote_and_balance(provider):
    assert provider.name == "huggingface" and provider.free is False and provider.configured()
    assert HuggingFaceProvider("").configured() is False
    assert provider.quote(T2V, GenerationRequest(prompt="x")) is None and provider.balance() is None

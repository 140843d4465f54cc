"""WaveSpeed adapter file transfers: uploads (ticket + fallback) and downloads (allow-list, cap, retries)."""

from __future__ import annotations

import httpx
import pytest

from core.contracts import GenerationRequest
from core.errors import ProviderFailed
from providers.http import DownloadTooLarge
from providers.wavespeed import WaveSpeedProvider
from tests.fakes import model_spec
from tests.fakes.wavespeed_fixtures import (  # noqa: F401 - fixtures are used by name
    MODEL,
    REQUEST,
    make_provider,
    provider_fixture,
    run_to_end,
    sleeps_fixture,
    vendor_fixture,
    video_fixture,
)
from tests.fakes.wavespeed_vendor import FakeWaveSpeed


# ---- uploads ----------------------------------------------------------------------------------
def test_upload_ticket_then_streamed_put_without_the_key(provider, vendor, tmp_path):
    image = tmp_path / "portrait.png"
    image.write_bytes(b"\x89PNG" + bytes(range(256)) * 40)
    model = model_spec(
        "alibaba/wan-2.5/image-to-video", operation="image-to-video", wire={"size": "resolution"}
    )
    provider.submit(model, GenerationRequest(prompt="smile", image=str(image), resolution="720p"))
    ticket, put, submit = vendor.requests
    assert ticket.path == "/api/v3/media/uploads"
    assert ticket.json == {
        "filename": "portrait.png",
        "size": image.stat().st_size,
        "content_type": "image/png",
    }
    assert put.method == "PUT" and put.body == image.read_bytes()
    assert "authorization" not in put.headers
    assert put.headers["content-length"] == str(image.stat().st_size)  # streamed, not chunked
    assert put.headers["content-type"] == "image/png" and put.headers["x-fake-ticket"]
    token = put.path.rsplit("/", 1)[-1]
    assert submit.json["image"] == f"https://api.wavespeed.ai/_media/{token}/portrait.png"


def test_upload_falls_back_to_multipart_when_tickets_are_missing(video, sleeps, tmp_path):
    vendor = FakeWaveSpeed(video, ticket_uploads=False)
    provider = make_provider(vendor, sleeps)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(video)
    url = provider.upload(clip)
    assert vendor.paths() == ["/api/v3/media/uploads", "/api/v3/media/upload/binary"]
    token = url.split("/")[-2]
    assert vendor.stored[token] == video
    assert vendor.requests[-1].headers["authorization"] == "Bearer test-key"


def test_upload_is_retried_and_reused(vendor, sleeps, tmp_path):
    busy = ["/api/v3/media/uploads"]

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.path in busy:
            busy.pop()
            return httpx.Response(503, json={"code": 503, "message": "busy", "data": None})
        return vendor(request)

    provider = make_provider(flaky, sleeps)
    clip = tmp_path / "a.mp3"
    clip.write_bytes(b"ID3" + b"\0" * 100)
    first = provider.upload(clip)
    assert provider.upload(clip) == first
    assert sleeps == [1.0] and len([p for p in vendor.paths() if p.startswith("/_storage/")]) == 1


# ---- fetch ------------------------------------------------------------------------------------
def test_fetch_retries_transient_download_errors(video, sleeps, tmp_path):
    vendor = FakeWaveSpeed(video, download_errors={1: 503, 2: 502})
    provider = make_provider(vendor, sleeps)
    output = run_to_end(provider, provider.submit(MODEL, REQUEST))[-1].outputs[0]
    assert provider.fetch(output, tmp_path / "r.mp4").read_bytes() == video
    assert sleeps == [1.0, 2.0]


def test_fetch_of_an_expired_link_is_a_clear_error(provider, tmp_path):
    with pytest.raises(ProviderFailed, match="HTTP 404"):
        provider.fetch("https://api.wavespeed.ai/_outputs/task-404.mp4", tmp_path / "r.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url", ["http://cdn.example.test/out.mp4", "file:///etc/passwd", "ftp://api.wavespeed.ai/out.mp4"]
)
def test_fetch_refuses_hosts_and_schemes_outside_the_allow_list(provider, vendor, tmp_path, url):
    with pytest.raises(ProviderFailed, match="Refusing to download"):
        provider.fetch(url, tmp_path / "r.mp4")
    assert vendor.requests == []


def test_fetch_allows_https_anywhere_and_http_on_the_base_host(video, sleeps, tmp_path):
    vendor = FakeWaveSpeed(video, output_base="https://cdn.example.test")
    provider = make_provider(vendor, sleeps)
    output = run_to_end(provider, provider.submit(MODEL, REQUEST))[-1].outputs[0]
    assert output.startswith("https://cdn.example.test/")
    assert provider.fetch(output, tmp_path / "a.mp4").stat().st_size == len(video)
    local = WaveSpeedProvider("test-key", "http://127.0.0.1:8080", transport=httpx.MockTransport(vendor))
    task_id = output.rsplit("/", 1)[-1].removesuffix(".mp4")
    assert local.fetch(f"http://127.0.0.1:8080/_outputs/{task_id}.mp4", tmp_path / "b.mp4").exists()


def test_fetch_size_cap_with_content_length(video, sleeps, tmp_path):
    vendor = FakeWaveSpeed(video)
    provider = make_provider(vendor, sleeps, max_download_bytes=1000)
    output = run_to_end(provider, provider.submit(MODEL, REQUEST))[-1].outputs[0]
    with pytest.raises(DownloadTooLarge, match="VIDEO_STUDIO_MAX_DOWNLOAD_MB") as raised:
        provider.fetch(output, tmp_path / "big.mp4")
    assert isinstance(raised.value, ProviderFailed)
    assert list(tmp_path.iterdir()) == [] and sleeps == []


def test_fetch_size_cap_while_streaming_deletes_the_partial_file(sleeps, tmp_path):
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=(b"x" * 4096 for _ in range(1000)))  # no Content-Length

    provider = make_provider(endless, sleeps, max_download_bytes=64 * 1024)
    with pytest.raises(DownloadTooLarge):
        provider.fetch("https://cdn.example.test/huge.mp4", tmp_path / "huge.mp4")
    assert list(tmp_path.iterdir()) == []


def test_text_outputs_inline_and_by_url(provider, vendor, tmp_path):
    optimizer = model_spec(
        "wavespeed-ai/prompt-optimizer",
        operation="prompt-optimizer",
        wire={"field_names": {"prompt": "text"}, "fixed": {"mode": "video"}},
    )
    text = "A crisp, cinematic shot of a lighthouse at dusk."
    for style in ("text", "text_url"):
        vendor.behave(optimizer.provider_model, outputs=style, steps=["completed"])
        task_id = provider.submit(optimizer, GenerationRequest(prompt="lighthouse"))
        output = provider.poll(optimizer, task_id).outputs[0]
        assert provider.fetch_text(output) == text
        assert provider.fetch(output, tmp_path / f"{style}.txt").read_text() == text
    assert vendor.requests[0].json == {"text": "lighthouse", "mode": "video"}

"""The fake WaveSpeed vendor plays the avatar and speech models at their real length, so a 47 s
voice at 720p on InfiniteTalk is estimated, sent once and returned as 47 s with sound."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from core.catalog import load_catalog
from core.contracts import GenerationRequest
from core.inputs import check_audio
from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import probe
from core.money.pricing import estimate
from providers.wavespeed import WaveSpeedProvider
from tests.fakes import tiny_mp4_bytes
from tests.fakes.wavespeed_vendor import FakeWaveSpeed

CATALOG = load_catalog()


@pytest.fixture
def vendor():
    return FakeWaveSpeed(tiny_mp4_bytes())


@pytest.fixture
def provider(vendor):
    adapter = WaveSpeedProvider("test-key", "http://api.fake.test", transport=httpx.MockTransport(vendor),
                                sleep=lambda _s: None)
    yield adapter
    adapter.close()


def voice(path: Path, seconds: float, freq: int = 200) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={freq}:sample_rate=48000:duration={seconds}", str(path)], check=True)
    return path


def run(provider, model, request, dest: Path) -> Path:
    task_id = provider.submit(model, request)
    for _ in range(10):
        state = provider.poll(model, task_id)
        if state.status == "completed":
            return provider.fetch(state.outputs[0], dest)
    raise AssertionError(state)


def test_47_seconds_at_720p_on_infinitetalk_is_2_82_and_comes_back_47_s_with_sound(provider, vendor, tmp_path):
    model = CATALOG.get("infinitetalk")
    audio = voice(tmp_path / "voice.wav", 47)
    photo = tmp_path / "face.png"
    photo.write_bytes(tiny_png())
    measured = check_audio(audio, model.capabilities.audio)
    request = GenerationRequest(operation="avatar", model="infinitetalk", image=str(photo), audio=str(audio),
                                resolution="720p", input_duration=measured)
    before = estimate(request, model)
    assert before.total_usd == pytest.approx(2.82) and before.summary == "0:47 at 720p: 47 s × $0.06 = $2.82"
    out = run(provider, model, request, tmp_path / "talk.mp4")
    info = probe(out)
    assert info.has_video and info.has_audio and (info.width, info.height) == (1280, 720)
    assert info.duration_s == pytest.approx(47.0, abs=0.05)
    after = estimate(request.model_copy(update={"input_duration": info.duration_s}), model)
    assert after.total_usd == pytest.approx(2.82)  # billed on the output's length: the same
    assert vendor.submits["wavespeed-ai/infinitetalk"] == 1


def test_multi_talk_lasts_the_sum_when_the_two_take_turns(provider, tmp_path):
    model = CATALOG.get("infinitetalk-multi")
    left, right = voice(tmp_path / "l.wav", 2.0), voice(tmp_path / "r.wav", 3.0, 300)
    photo = tmp_path / "two.png"
    photo.write_bytes(tiny_png())
    request = GenerationRequest(operation="avatar", image=str(photo), audio=str(left), resolution="480p",
                                options={"right_audio": str(right), "order": "left_right"})
    assert probe(run(provider, model, request, tmp_path / "turns.mp4")).duration_s == pytest.approx(5.0, abs=0.05)
    together = request.model_copy(update={"options": {"right_audio": str(right), "order": "meanwhile"}})
    assert probe(run(provider, model, together, tmp_path / "both.mp4")).duration_s == pytest.approx(3.0, abs=0.05)


def test_speech_comes_back_as_long_as_its_text_takes(provider, vendor, tmp_path):
    model = CATALOG.get("minimax-speech-02-hd")
    text = "A presenter reads this line aloud for the fake vendor. " * 3
    request = GenerationRequest(operation="text-to-speech", prompt=text,
                                options={"voice_id": "Wise_Woman", "language": "English", "speed": 1.5})
    out = run(provider, model, request, tmp_path / "speech.mp3")
    info = probe(out)
    assert info.has_audio and not info.has_video and info.audio_codec.startswith("mp3")
    assert info.duration_s == pytest.approx(len(text) / 15 / 1.5, abs=0.1)
    [body] = [r.json for r in vendor.requests if r.path == "/api/v3/minimax/speech-02-hd"]
    assert body["text"] == text and body["voice_id"] == "Wise_Woman" and body["language_boost"] == "English"


def tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (96, 128), (200, 160, 140)).save(buffer, "PNG")
    return buffer.getvalue()

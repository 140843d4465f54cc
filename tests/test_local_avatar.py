"""Offline speech and the offline avatar draft through the offline provider, with no key:
probed files, the draft as long as the voice, captions timed inside it, bad inputs refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from core.catalog import load_catalog
from core.contracts import GenerationRequest
from core.errors import InvalidInput
from core.media.ffmpeg import ffmpeg_exe
from core.media.probe import probe
from core.voice.track import read_words
from providers.local import LocalProvider
from providers.local_avatar import plan_avatar_draft, render_avatar_draft
from providers.local_voice import synthesize

CATALOG = load_catalog()
SCRIPT = "Hello and welcome. This draft shows the timing. The real avatar comes later."


@pytest.fixture
def provider(tmp_path):
    local = LocalProvider(tmp_path / "work")
    yield local
    local.close()


def grey_photo(path: Path, size=(600, 800), mode="RGB") -> Path:
    colour = {"RGB": (128, 128, 128), "RGBA": (128, 128, 128, 0), "CMYK": (0, 0, 0, 127)}[mode]
    Image.new(mode, size, colour).save(path)
    return path


def lavfi_audio(path: Path, graph: str) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", graph,
                    str(path)], check=True)
    return path


def run(provider, model_id: str, request: GenerationRequest, dest: Path) -> Path:
    import time
    model = CATALOG.get(model_id)
    task_id = provider.submit(model, request)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = provider.poll(model, task_id)
        if state.status in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.05)
    assert state.status == "completed", state.error
    return provider.fetch(state.outputs[0], dest)


def frame_at(path: Path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time >= seconds:
                return frame.to_ndarray(format="rgb24").astype(np.float32)
    raise AssertionError(f"no frame at {seconds} s")


def test_text_to_speech_runs_offline_as_a_voice_asset_with_word_timings(provider, tmp_path):
    request = GenerationRequest(operation="text-to-speech", prompt=SCRIPT, model="local-voice",
                                options={"voice_id": "offline-female", "language": "English", "speed": 1.1})
    out = run(provider, "local-voice", request, tmp_path)
    assert out.suffix == ".m4a"
    info = probe(out)
    assert info.has_audio and not info.has_video and info.duration_s > 2
    assert [w.text for w in read_words(out)] == SCRIPT.split()


def test_avatar_draft_lasts_exactly_as_long_as_the_voice_with_captions_inside(provider, tmp_path):
    voice = synthesize(SCRIPT, tmp_path / "voice.m4a")
    photo = grey_photo(tmp_path / "photo.png")
    request = GenerationRequest(operation="avatar", model="local-avatar-draft", image=str(photo),
                                audio=str(voice.path), resolution="480p", aspect="9:16", platform="tiktok")
    out = run(provider, "local-avatar-draft", request, tmp_path / "draft.mp4")
    info = probe(out)
    assert (info.width, info.height) == (480, 854) and info.has_audio and info.audio_codec == "aac"
    assert abs(info.duration_s - voice.duration_s) <= 1 / 24 + 0.01
    first, second = voice.words[0], voice.words[4]  # "Hello" and "This" (a new sentence, a new cue)
    safe_bottom = 854 - round(420 * 854 / 1920)
    band = slice(safe_bottom - 120, safe_bottom)

    one, two = (frame_at(out, (w.start + w.end) / 2)[band] for w in (first, second))
    assert (one > 235).mean() > 0.005 and (two > 235).mean() > 0.005  # white caption text on grey
    assert np.abs(one - two).mean() > 1  # a new cue with the new sentence
    assert (frame_at(out, voice.duration_s - 0.1)[:band.start - 130] > 235).mean() < 0.001  # none elsewhere
    badge = frame_at(out, 1.0)[10:60, 10:200]
    assert (badge < 60).mean() > 0.2  # the dark pill of the DRAFT badge in the top-left corner


def test_the_waveform_follows_the_sound_and_the_photo_pushes_in(tmp_path):
    audio = lavfi_audio(tmp_path / "half.wav",
                        "aevalsrc='if(lt(t,1.5),0,0.8*sin(2*PI*220*t))':s=48000:d=3")
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)).resize((800, 600))
    noise.save(tmp_path / "noise.png")
    out = render_avatar_draft(tmp_path / "noise.png", audio, tmp_path / "d.mp4", (640, 360))
    assert out.duration_s == pytest.approx(3.0, abs=0.05) and (out.width, out.height) == (640, 360)
    rows = slice(150, 290)  # the waveform band sits above the caption room

    def wave(seconds):
        return float((frame_at(tmp_path / "d.mp4", seconds)[rows, 60:580] > 240).mean())

    assert wave(2.4) > 3 * max(wave(0.6), 0.001)
    start, end = frame_at(tmp_path / "d.mp4", 0.0), frame_at(tmp_path / "d.mp4", 2.9)
    assert np.abs(start[:100] - end[:100]).mean() > 3  # the picture moved (push-in)


def test_transparent_and_cmyk_photos_render_and_huge_ones_are_downscaled(provider, tmp_path):
    audio = lavfi_audio(tmp_path / "tone.wav", "sine=frequency=300:sample_rate=48000:duration=1.2")
    for name, size, mode in [("alpha.png", (400, 400), "RGBA"), ("cmyk.jpg", (500, 400), "CMYK"),
                             ("huge.png", (5000, 3000), "RGB")]:
        photo = grey_photo(tmp_path / name, size, mode)
        request = GenerationRequest(operation="avatar", image=str(photo), audio=str(audio), resolution="480p")
        out = run(provider, "local-avatar-draft", request, tmp_path / f"{name}.mp4")
        info = probe(out)
        assert info.duration_s == pytest.approx(1.2, abs=0.05) and info.height in (480, 600, 854)
    prepared = plan_avatar_draft(request, tmp_path).photo  # the huge one, as the draft uses it
    assert max(Image.open(prepared).size) <= 2560


@pytest.mark.parametrize("case, words", [
    ("tiny", "at least 64 px"),
    ("not-image", "not a readable image"),
    ("silent", "silent"),
    ("no-audio", "no audio track"),
    ("corrupt-audio", "not a readable"),
])
def test_bad_photos_and_voices_are_refused_at_submit(provider, tmp_path, clip_factory, case, words):
    photo = grey_photo(tmp_path / "photo.png")
    audio = lavfi_audio(tmp_path / "tone.wav", "sine=frequency=300:sample_rate=48000:duration=1")
    if case == "tiny":
        photo = grey_photo(tmp_path / "tiny.png", (40, 40))
    elif case == "not-image":
        photo = tmp_path / "photo.jpg"
        photo.write_text("this is not a picture")
    elif case == "silent":
        audio = lavfi_audio(tmp_path / "silence.wav", "anullsrc=r=48000:cl=mono:d=1")
    elif case == "no-audio":
        audio = clip_factory("silent.mp4", audio=False)
    else:
        audio = tmp_path / "broken.m4a"
        audio.write_bytes(b"\x00\x00\x00\x18ftypM4A " + b"\x13" * 500)
    request = GenerationRequest(operation="avatar", image=str(photo), audio=str(audio))
    with pytest.raises(InvalidInput) as caught:
        provider.submit(CATALOG.get("local-avatar-draft"), request)
    assert words in str(caught.value) and caught.value.hint
    assert not list((tmp_path / "work").glob("local-*"))  # nothing half-written


def test_speech_requests_are_checked_at_submit(provider):
    model = CATALOG.get("local-voice")
    with pytest.raises(InvalidInput, match="cannot speak 'Klingon'"):
        provider.submit(model, GenerationRequest(operation="text-to-speech", prompt="Hi.",
                                                 options={"language": "Klingon"}))
    with pytest.raises(InvalidInput, match="empty"):
        provider.submit(model, GenerationRequest(operation="text-to-speech", prompt=" "))
    with pytest.raises(InvalidInput, match="m4a or wav"):
        provider.submit(model, GenerationRequest(operation="text-to-speech", prompt="Hi.", options={"format": "ogg"}))


def test_a_long_script_becomes_scenes_whose_drafts_join_to_the_whole_speech(tmp_path):
    from dataclasses import dataclass

    from core.avatar import join_scenes
    from core.voice import plan_scenes

    @dataclass
    class Tiny:  # a plan whose runs are 4 s long, so a short script needs several scenes
        name: str = "tiny"
        max_duration_s: float = 4.0

    script = "First, the idea. Second, the photo and the voice. Third, the captions. Last, the price."
    scenes = plan_scenes(script, CATALOG.get("local-avatar-draft"), Tiny())
    assert len(scenes) >= 2
    photo = grey_photo(tmp_path / "photo.png", (400, 400))
    drafts, spoken = [], 0.0
    for scene in scenes:
        speech = synthesize(scene.text, tmp_path / f"voice{scene.index}.m4a")
        assert speech.duration_s <= 4.0
        spoken += speech.duration_s
        drafts.append(render_avatar_draft(photo, speech.path, tmp_path / f"scene{scene.index}.mp4",
                                          (256, 256), duration_s=speech.duration_s).path)
    joined = join_scenes(drafts, tmp_path / "joined.mp4")
    assert joined.has_audio and (joined.width, joined.height) == (256, 256)
    assert joined.duration_s == pytest.approx(spoken, abs=0.05 * len(scenes))

"""Generic request -> vendor fields, by the catalog's wire data (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.contracts import GenerationRequest
from core.errors import InvalidInput
from providers.wire import MEDIA_FIELDS, build_payload, output_size, size_star
from tests.fakes import model_spec


class RecordingUpload:
    """An upload stand-in that returns a fake https URL and records what it was given."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> str:
        self.paths.append(path)
        return f"https://files.example.test/{path.name}"


@pytest.fixture
def upload() -> RecordingUpload:
    return RecordingUpload()


@pytest.mark.parametrize(
    ("resolution", "aspect", "expected"),
    [
        ("720p", "16:9", "1280*720"),
        ("720p", "9:16", "720*1280"),
        ("1080p", "16:9", "1920*1080"),
        ("1080p", "1:1", "1080*1080"),
        ("480p", "4:3", "640*480"),
        ("480p", "9:16", "480*854"),
        ("4k", "16:9", "3840*2160"),
    ],
)
def test_size_star_uses_even_sizes_with_resolution_as_short_side(resolution, aspect, expected):
    assert size_star(resolution, aspect) == expected
    width, height = output_size(resolution, aspect)
    assert width % 2 == 0 and height % 2 == 0


def test_size_star_prefers_the_vendor_table():
    table = {"16:9": {"480p": "832*480"}}
    assert size_star("480p", "16:9", table) == "832*480"
    assert size_star("720p", "16:9", table) == "1280*720"


def test_size_star_payload_and_omitted_fields(upload):
    model = model_spec(wire={"size": "size_star"}, default_resolution="720p", default_aspect="16:9")
    bare = build_payload(model, GenerationRequest(prompt="a fox"), upload)
    assert bare == {"prompt": "a fox"}  # nothing the request did not set
    vertical = build_payload(model, GenerationRequest(prompt="a fox", aspect="9:16"), upload)
    assert vertical == {"prompt": "a fox", "size": "720*1280"}  # resolution from the model default


def test_generic_fields_types_and_values(upload):
    model = model_spec(wire={"size": "resolution"})
    request = GenerationRequest(
        prompt="p",
        negative_prompt="blurry",
        duration=5.0,
        resolution="1080p",
        seed=42,
        generate_audio=False,
        options={"enable_prompt_expansion": True},
    )
    payload = build_payload(model, request, upload)
    assert payload == {
        "prompt": "p",
        "negative_prompt": "blurry",
        "resolution": "1080p",
        "duration": 5,
        "seed": 42,
        "generate_audio": False,
        "enable_prompt_expansion": True,
    }
    assert type(payload["duration"]) is int


def test_duration_is_not_sent_when_the_input_sets_the_length(upload):
    model = model_spec(capabilities={"duration_from": "audio"}, wire={"size": "resolution"})
    payload = build_payload(model, GenerationRequest(prompt="p", duration=12.3, resolution="480p"), upload)
    assert "duration" not in payload and payload["resolution"] == "480p"


def test_aspect_and_resolution_and_aspect_only(upload):
    veo = model_spec("google/veo3.1/text-to-video", wire={"size": "aspect_and_resolution"})
    both = build_payload(veo, GenerationRequest(prompt="p", aspect="9:16", resolution="720p"), upload)
    assert both == {"prompt": "p", "aspect_ratio": "9:16", "resolution": "720p"}
    outpaint = model_spec(wire={"size": "aspect_ratio"})
    only = build_payload(outpaint, GenerationRequest(aspect="1:1", resolution="720p"), upload)
    assert only == {"aspect_ratio": "1:1"}
    none = model_spec(wire={"size": "none"})
    assert build_payload(none, GenerationRequest(prompt="p", aspect="1:1", resolution="720p"), upload) == {
        "prompt": "p"
    }


def test_renames_and_fixed_fields(upload):
    optimizer = model_spec(wire={"field_names": {"prompt": "text"}, "fixed": {"mode": "video"}})
    payload = build_payload(optimizer, GenerationRequest(prompt="a cat", options={"style": "anime"}), upload)
    assert payload == {"text": "a cat", "style": "anime", "mode": "video"}
    ditto = model_spec(wire={"size": "resolution", "field_names": {"style": "prompt"}})
    payload = build_payload(ditto, GenerationRequest(options={"style": "Pixar"}, resolution="480p"), upload)
    assert payload == {"prompt": "Pixar", "resolution": "480p"}


def test_local_files_are_uploaded_and_urls_pass_through(tmp_path, upload):
    image = tmp_path / "face.png"
    image.write_bytes(b"png")
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"mp4")
    model = model_spec(wire={"field_names": {"image": "face_image"}})
    request = GenerationRequest(
        image=str(image),
        video=str(video),
        audio="https://cdn.example.test/a.mp3",
        options={"mask_image": str(image)},
    )
    payload = build_payload(model, request, upload)
    assert payload == {
        "face_image": "https://files.example.test/face.png",
        "video": "https://files.example.test/clip.mp4",
        "audio": "https://cdn.example.test/a.mp3",
        "mask_image": "https://files.example.test/face.png",
    }
    assert upload.paths == [image, video, image]


def test_missing_local_file_is_a_clear_error(tmp_path, upload):
    model = model_spec()
    with pytest.raises(InvalidInput, match="does not exist"):
        build_payload(model, GenerationRequest(image=str(tmp_path / "gone.png")), upload)
    assert upload.paths == []


@pytest.mark.parametrize(
    "bad", [{"aspect": "wide", "resolution": "720p"}, {"aspect": "16:9", "resolution": "HD"}]
)
def test_bad_size_values_are_clear_errors(bad, upload):
    model = model_spec(wire={"size": "size_star"})
    with pytest.raises(InvalidInput):
        build_payload(model, GenerationRequest(prompt="p", **bad), upload)


# ---- every WaveSpeed model of the shipped catalog -----------------------------------------------
def _wavespeed_models():
    from core.catalog import load_catalog

    return load_catalog().models(provider="wavespeed")


MEDIA_SUFFIX = {"image": ".png", "audio": ".mp3", "video": ".mp4"}


def valid_request(model, folder: Path, **overrides) -> GenerationRequest:
    """The smallest request the model's capabilities accept, with real local input files."""
    caps = model.capabilities
    required = set(caps.inputs_required)
    fields: dict = {"prompt": "a lighthouse at dusk"} if "prompt" in required else {}
    for kind, suffix in MEDIA_SUFFIX.items():
        if kind in required:
            path = folder / f"{kind}{suffix}"
            path.write_bytes(b"media")
            fields[kind] = str(path)
    fields["options"] = {
        name: (values or ["English"])[0] for name, values in caps.options.items() if name in required
    }
    for name in set(fields["options"]) & MEDIA_FIELDS:  # a media option (right_audio) names a file
        path = folder / f"{name}.wav"
        path.write_bytes(b"media")
        fields["options"][name] = str(path)
    if caps.duration_from == "request":
        fields["duration"] = model.default_duration or caps.durations[0]
    fields["resolution"] = model.default_resolution or (caps.resolutions[0] if caps.resolutions else None)
    fields["aspect"] = model.default_aspect or (caps.aspects[0] if caps.aspects else None)
    return GenerationRequest(operation=model.operation, **{**fields, **overrides})


@pytest.mark.parametrize("model", _wavespeed_models(), ids=lambda m: m.id)
def test_every_catalog_model_gets_its_documented_fields(model, tmp_path, upload):
    request = valid_request(model, tmp_path)
    payload = build_payload(model, request, upload)
    name = lambda field: model.wire.field_names.get(field, field)  # noqa: E731
    for kind in MEDIA_SUFFIX:
        if kind in model.capabilities.inputs_required:
            assert payload[name(kind)] == f"https://files.example.test/{Path(getattr(request, kind)).name}"
    for option, value in request.options.items():
        uploaded = f"https://files.example.test/{Path(value).name}"
        assert payload[name(option)] == (uploaded if option in MEDIA_FIELDS else value)
    if "prompt" in model.capabilities.inputs_required:
        assert payload[name("prompt")] == request.prompt
    if model.capabilities.duration_from == "request":
        assert payload["duration"] == int(request.duration) and type(payload["duration"]) is int
    else:
        assert "duration" not in payload
    size = model.wire.size
    if size == "size_star":
        assert payload["size"] == model.wire.sizes[request.aspect][request.resolution]
    if size in ("resolution", "aspect_and_resolution") and request.resolution:
        assert payload[name("resolution")] == request.resolution
    if size in ("aspect_ratio", "aspect_and_resolution") and request.aspect:
        assert payload["aspect_ratio"] == request.aspect
    for key, value in model.wire.fixed.items():
        assert payload[key] == value
    assert None not in payload.values()


@pytest.mark.parametrize("model", _wavespeed_models(), ids=lambda m: m.id)
def test_no_catalog_choice_is_dropped_on_the_wire(model):
    """A model offering several resolutions or aspects must send that choice to the vendor."""
    caps, size = model.capabilities, model.wire.size
    if len(caps.resolutions) > 1:
        assert size in ("size_star", "resolution", "aspect_and_resolution")
    if len(caps.aspects) > 1:
        assert size in ("size_star", "aspect_ratio", "aspect_and_resolution")


def _catalog_payload(model_id: str, folder: Path, upload, **overrides) -> dict:
    from core.catalog import load_catalog

    model = load_catalog().get(model_id)
    return build_payload(model, valid_request(model, folder, **overrides), upload)


def test_documented_payloads_of_key_catalog_models(tmp_path, upload):
    wan = _catalog_payload("wan-2.5-t2v", tmp_path, upload, aspect="9:16", resolution="720p")
    assert wan == {"prompt": "a lighthouse at dusk", "size": "720*1280", "duration": 5}
    wan_480 = _catalog_payload("wan-2.5-t2v", tmp_path, upload, aspect="16:9", resolution="480p")
    assert wan_480["size"] == "832*480"
    i2v = _catalog_payload("wan-2.5-i2v", tmp_path, upload, resolution="1080p")
    assert i2v["resolution"] == "1080p" and i2v["image"].startswith("https://") and "size" not in i2v
    veo = _catalog_payload(
        "veo-3.1-t2v", tmp_path, upload, aspect="9:16", resolution="720p", generate_audio=False
    )
    assert veo["aspect_ratio"] == "9:16" and veo["resolution"] == "720p" and veo["generate_audio"] is False
    swap = _catalog_payload("video-face-swap", tmp_path, upload)
    assert set(swap) == {"video", "face_image"}
    ditto = _catalog_payload("wan-2.1-ditto", tmp_path, upload)
    assert ditto["prompt"] == "RealDomain" and ditto["resolution"] == "480p"
    upscale = _catalog_payload("flashvsr", tmp_path, upload, resolution="4k")
    assert upscale["target_resolution"] == "4k" and "resolution" not in upscale
    optimizer = _catalog_payload("prompt-optimizer", tmp_path, upload)
    assert optimizer == {"text": "a lighthouse at dusk", "mode": "video"}
    kandinsky = _catalog_payload("kandinsky-5-pro-i2v", tmp_path, upload)
    assert "image_url" in kandinsky and "image" not in kandinsky

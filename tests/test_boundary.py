"""The trust boundary: strict request models, one parse helper, media references, the session seam."""

from __future__ import annotations

import json
import math

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.boundary import parse
from core.boundary.create import CreateRequest
from core.boundary.edit import AiEditRequest, ChainRequest
from core.errors import InvalidInput, NotConfigured, NotFound, ProviderUnavailable
from providers.fetch import SafeFetcher, is_public
from tests.helpers import OWNER

PYTHON_TEXT = ("Traceback", "dictionary update", "object has no attribute", "NoneType", "pydantic", "Value error",
               "validation error", "<class", "nan,")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
field_names = st.sampled_from(sorted(CreateRequest.model_fields) + ["user", "input_duration", "confirm", "x"])
requests = st.dictionaries(field_names, json_values, max_size=6) | json_values


def refusal_is_clean(exc: InvalidInput) -> None:
    text = json.dumps({"message": str(exc), "issues": exc.issues})
    assert exc.issues and all(issue["message"] for issue in exc.issues)
    assert not any(word in text for word in PYTHON_TEXT), text


@settings(max_examples=300, deadline=None)
@given(requests)
def test_random_json_parses_or_is_refused_in_words(data):
    try:
        parsed = parse(CreateRequest, data)
    except InvalidInput as exc:
        refusal_is_clean(exc)
        return
    for name in ("duration", "confirm_usd"):
        value = getattr(parsed, name)
        assert value is None or (math.isfinite(value) and value >= 0)
    assert parsed.confirm in (None, True, False)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["asset_id", "ops", "kind", "x"]), json_values, max_size=3)
       | st.builds(lambda ops: {"asset_id": "0123456789abcdef", "ops": ops},
                   st.lists(st.dictionaries(st.sampled_from(["kind", "factor", "start", "end", "clips", "path",
                                                             "cube", "lut_id", "text"]),
                                            json_values | st.sampled_from(["trim", "speed", "lut", "join", "text"]),
                                            max_size=4), max_size=3)))
def test_random_op_chains_parse_or_are_refused_in_words(data):
    try:
        parse(ChainRequest, data)
    except InvalidInput as exc:
        refusal_is_clean(exc)


@pytest.mark.parametrize("data, field, words", [
    ({"duration": math.nan}, "duration", "finite"),
    ({"input_duration": 3}, "input_duration", "measures"),
    ({"user": "alice"}, "user", "session"),
    ({"confirm": "false"}, "confirm", "JSON boolean"),
    ({"confirm_usd": "1.5"}, "confirm_usd", "number"),
    ({"generate_audio": "yes"}, "generate_audio", "true or false"),
    ({"variations": 2.0}, "variations", "whole number"),
    ({"motion": "wild"}, "motion", "subtle"),
    ({"quality": "ultra"}, "quality", "draft, standard, premium"),
    ({"image": "/etc/passwd"}, "image", "asset id"),
    ({"image": "http://example.com/a.png"}, "image", "https://"),
    ({"options": {"style": math.inf}}, "options.style", "finite"),
])
def test_refusals_name_the_field_and_what_to_send(data, field, words):
    with pytest.raises(InvalidInput) as caught:
        parse(CreateRequest, {"prompt": "x", **data})
    assert caught.value.field == field and words in caught.value.message, caught.value.message


def test_op_fields_are_typed_and_media_inside_ops_are_ids_or_content():
    good = parse(ChainRequest, {"asset_id": "0123456789abcdef", "ops": [
        {"kind": "trim", "start": 1, "end": 2}, {"kind": "join", "clips": ["fedcba9876543210"]},
        {"kind": "lut", "cube": "LUT_3D_SIZE 2"}, {"kind": "text", "text": "hi", "safe_zone": [0, 0, 0.1, 0]}]})
    assert [op["kind"] for op in good.op_dicts()] == ["trim", "join", "lut", "text"]
    for op, field in (({"kind": "speed", "factor": "fast"}, "ops.0.factor"),
                      ({"kind": "speed", "factor": True}, "ops.0.factor"),
                      ({"kind": "lut", "path": "/etc/passwd"}, "ops.0.path"),
                      ({"kind": "join", "clips": ["/etc/passwd"]}, "ops.0.clips.0"),
                      ({"kind": "warp"}, "ops.0"), ({"factor": 2}, "ops.0"), ("trim", "ops.0")):
        with pytest.raises(InvalidInput) as caught:
            parse(ChainRequest, {"asset_id": "0123456789abcdef", "ops": [op]})
        assert caught.value.field == field, (op, caught.value.field, caught.value.message)


def test_ai_edit_operations_are_a_closed_set():
    with pytest.raises(InvalidInput) as caught:
        parse(AiEditRequest, {"asset_id": "0123456789abcdef", "operation": "deepfake"})
    assert "upscale" in caught.value.allowed


def test_someone_elses_asset_reads_like_a_missing_one(studio, clip_factory):
    mine = studio.import_media(clip_factory("a.mp4"), owner=OWNER)
    theirs = studio.import_media(clip_factory("b.mp4"), owner="someone-else")
    answers = []
    for asset_id in (theirs["id"], "0123456789abcdef"):
        est = studio.estimate({"operation": "upscale", "video": asset_id}, owner=OWNER)
        answers.append(est["issues"][0]["message"].replace(asset_id, "<id>"))
        with pytest.raises(NotFound) as caught:
            studio.edit.apply({"asset_id": mine["id"], "ops": [{"kind": "join", "clips": [asset_id]}]}, owner=OWNER)
        answers.append(caught.value.message.replace(asset_id, "<id>"))
    assert answers[:2] == answers[2:]


def media_fetcher(addresses, body=b"x" * 100, status=200, headers=None):
    def serve(request):
        return httpx.Response(status, content=body, headers=headers or {})
    return SafeFetcher(transport=httpx.MockTransport(serve), resolve=lambda host, port: addresses)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "::1",
                                     "fd00::1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1"])
def test_links_to_private_or_local_addresses_are_never_fetched(tmp_path, address):
    assert not is_public(address)
    with pytest.raises(InvalidInput, match="private or local"):
        media_fetcher([address]).fetch("https://files.example/a.mp4", tmp_path / "a.mp4", 1000)
    with pytest.raises(InvalidInput, match="private or local"):  # one bad address among good ones is enough
        media_fetcher(["93.184.216.34", address]).fetch("https://files.example/a.mp4", tmp_path / "a.mp4", 1000)
    assert not list(tmp_path.iterdir())


def test_links_are_https_size_capped_and_redirects_rechecked(tmp_path):
    public = ["93.184.216.34"]
    with pytest.raises(InvalidInput, match="https"):
        media_fetcher(public).fetch("http://files.example/a.mp4", tmp_path / "a", 1000)
    with pytest.raises(InvalidInput, match="larger than"):
        media_fetcher(public, body=b"x" * 5000).fetch("https://files.example/a.mp4", tmp_path / "a", 1000)
    with pytest.raises(InvalidInput, match="larger than"):
        media_fetcher(public, headers={"content-length": "99999"}).fetch("https://files.example/a", tmp_path / "a", 1000)
    assert not list(tmp_path.iterdir()), "nothing half-written is left behind"

    def resolve(host, port):
        return ["10.0.0.1"] if host == "internal.example" else public

    def serve(request):
        if request.url.host == "files.example":
            return httpx.Response(302, headers={"location": "https://internal.example/secret"})
        return httpx.Response(200, content=b"secret")

    hop = SafeFetcher(transport=httpx.MockTransport(serve), resolve=resolve)
    with pytest.raises(InvalidInput, match="private or local"):
        hop.fetch("https://files.example/a.mp4", tmp_path / "a", 1000)
    got = media_fetcher(public, body=b"video").fetch("https://files.example/a.mp4", tmp_path / "a.mp4", 1000)
    assert got.read_bytes() == b"video"


def test_production_fetcher_reaches_no_loopback_even_in_test_mode(tmp_path):
    """The default fetcher resolves for real: localhost is refused as a private address."""
    with pytest.raises((InvalidInput, NotConfigured, ProviderUnavailable)):
        SafeFetcher().fetch("https://localhost/a.mp4", tmp_path / "a", 1000)
    with pytest.raises(InvalidInput, match="private or local"):
        SafeFetcher().fetch("https://127.0.0.1/a.mp4", tmp_path / "a", 1000)


def test_uploads_are_files_the_client_sent_never_server_paths(tmp_path):
    from pathlib import Path

    from gradio.utils import get_upload_folder

    from studios.api_tools import uploaded_file

    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    for file in (str(outside), {"path": str(outside)}, {"path": "/etc/passwd"}, None, {"url": "https://x"}):
        with pytest.raises(InvalidInput, match="server path is not accepted"):
            uploaded_file(file)
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / "test-upload.bin"
    upload.write_bytes(b"x")
    try:
        assert uploaded_file({"path": str(upload)}) == upload.resolve()
    finally:
        upload.unlink()


def test_confirm_box_names_the_amount_and_clears_when_it_changes():
    from studios.common import confirm_update

    box, amount = confirm_update({"allowed": True, "max_usd": 1.5})
    assert amount == 1.5 and "$1.50" in box["label"] and box["value"] is False
    same, _ = confirm_update({"allowed": True, "max_usd": 1.5}, previous=1.5)
    assert "value" not in same  # a tick survives a change that keeps the amount
    dearer, amount = confirm_update({"allowed": True, "max_usd": 2.25}, previous=1.5)
    assert dearer["value"] is False and amount == 2.25 and "$2.25" in dearer["label"]
    free, amount = confirm_update({"allowed": True, "max_usd": 0.0, "offline": True}, previous=2.25)
    assert free["value"] is False and free["interactive"] is False and amount is None

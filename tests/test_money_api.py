"""Issue 8's cases through a launched app, as a client (or a hostile one) sends them: raw JSON over
/gradio_api/call and gradio_client, a fake WaveSpeed on loopback, a fake public media host."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from gradio_client import handle_file

from tests.api_calls import answer, call, error_message
from tests.conftest import make_clip
from tests.fakes.wavespeed_vendor import start_fake_wavespeed
from tests.test_app_api import connect, free_port, launch, stop, wait_job

pytestmark = pytest.mark.ui
PYTHON_TEXT = ("Traceback", "dictionary update sequence", "object has no attribute", "NoneType", "KeyError",
               "TypeError", "ValueError", "pydantic", "validation error")
T2V_150 = {"prompt": "a choir in a cathedral", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "1080p",
           "duration": 10}  # $1.50: above the $1.00 confirmation threshold


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("money-app")
    media = root / "public"
    media.mkdir()
    vendor_clip = make_clip(root / "vendor.mp4", seconds=1, size="160x90")
    make_clip(media / "four.mp4", seconds=4, size="64x64", rate=10)
    base_vendor, vendor, stop_vendor = start_fake_wavespeed(vendor_clip.read_bytes())
    env = {"WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_vendor, "VIDEO_STUDIO_MIN_POLL_S": "0.05",
           "VIDEO_STUDIO_MAX_POLL_S": "0.1", "VIDEO_STUDIO_FAKE_MEDIA": str(media)}
    port = free_port()
    proc = launch(root / "home", port, env, command=("-m", "tests.fakes.serve_app"))
    try:
        client = connect(port, proc)
        sixty = make_clip(root / "sixty.mp4", seconds=60, size="64x64", rate=5)
        ids = {name: client.predict(handle_file(str(path)), name, api_name="/import")["id"]
               for name, path in (("sixty", sixty), ("clip", vendor_clip))}
        yield SimpleNamespace(base=f"http://127.0.0.1:{port}", client=client, vendor=vendor, ids=ids, home=root / "home",
                              root=root)
    finally:
        stop(proc)
        stop_vendor()


def no_python_text(data) -> None:
    text = json.dumps(data)
    assert not any(word in text for word in PYTHON_TEXT), text


def fields_of(out: dict) -> set[str]:
    return {issue["field"] for issue in out.get("issues", [])}


def submits(vendor) -> int:
    return sum(vendor.submits.values())


def test_non_finite_and_negative_numbers_are_refused(app):
    """Case 1: NaN, Infinity and negative numbers never price, pass a budget or reach a provider."""
    before = submits(app.vendor)
    base = {"operation": "upscale", "video": app.ids["clip"], "model": "flashvsr", "resolution": "1080p"}
    for field, value in [("input_duration", math.nan), ("duration", math.nan), ("duration", math.inf),
                         ("duration", -5), ("confirm_usd", math.nan), ("confirm_usd", -1), ("variations", math.nan),
                         ("seed", -3)]:
        for name in ("estimate", "create"):
            out = answer(app.base, name, {**base, field: value})
            assert out["allowed"] is False and not out.get("ok"), (field, value, out)
            assert field in fields_of(out), (field, value, out["issues"])
            no_python_text(out)
    assert submits(app.vendor) == before


@pytest.mark.parametrize("value", ["false", "no", "yes", "true", 1, 0, [True], {"ok": True}])
def test_confirm_must_be_a_json_boolean(app, value):
    """Case 2: a truthy string is not a confirmation, whatever else the request holds."""
    before = submits(app.vendor)
    for extra in ({}, {"confirm_usd": 1.5}):
        out = answer(app.base, "create", {**T2V_150, **extra, "confirm": value})
        assert out["ok"] is False and "confirm" in fields_of(out), out
        no_python_text(out)
    assert submits(app.vendor) == before


def test_confirmation_is_an_amount(app):
    """Case 3: confirm: true alone says what to send; an amount below the price is refused; the amount runs."""
    before = app.vendor.submits["alibaba/wan-2.5/text-to-video"]
    flag = answer(app.base, "create", {**T2V_150, "confirm": True})
    assert flag["ok"] is False and flag["max_usd"] == pytest.approx(1.5)
    assert "confirm_usd" in flag["message"] and "1.5" in flag["message"]
    short = answer(app.base, "create", {**T2V_150, "confirm_usd": 1.0})
    assert short["ok"] is False and "confirm_usd" in fields_of(short) and "$1.50" in short["message"]
    assert app.vendor.submits["alibaba/wan-2.5/text-to-video"] == before
    run = answer(app.base, "create", {**T2V_150, "confirm_usd": 1.5})
    assert run["ok"], run["issues"]
    done = wait_job(app.client, run["job_ids"][0], lambda v: v["terminal"])
    assert done["status"] == "succeeded", done["error"]
    assert app.vendor.submits["alibaba/wan-2.5/text-to-video"] == before + 1


def test_declared_lengths_are_refused_and_files_are_measured(app):
    """Case 5: input_duration is not a client field; a 60 s clip is priced (and plan-checked) as 60 s."""
    request = {"operation": "translate", "video": app.ids["sixty"], "options": {"output_language": "Spanish"}}
    declared = answer(app.base, "estimate", {**request, "input_duration": 1})
    assert declared["allowed"] is False and "input_duration" in fields_of(declared)
    assert "measures" in declared["issues"][0]["message"]
    measured = answer(app.base, "estimate", request)
    assert measured["total_usd"] == pytest.approx(2.25) and measured["max_usd"] == pytest.approx(2.25)
    assert measured["price_basis"] == "exact"
    assert measured["allowed"] is False and "duration" in fields_of(measured)  # the Creator plan stops at 30 s


@pytest.mark.parametrize("name, payload", [
    ("estimate", "abc"), ("create", [1]), ("create", None), ("assets", [1]), ("assets", "x"), ("ai_edit", "x"),
    ("edit", []), ("job", {"a": 1}), ("cancel", [1]), ("retry", 5), ("social_pack", 5), ("outcome", [1, 2]),
    ("enhance_prompt", ["x"]), ("join", {"asset_ids": "ab"}), ("describe", None)])
def test_wrong_shapes_answer_clearly(app, name, payload):
    """Case 14: a string or a list where an object is expected gets a plain answer, never Python text."""
    event, data = call(app.base, name, payload)
    no_python_text(data)
    if event == "complete":
        out = data[0]
        assert out.get("allowed") is False and out["issues"][0]["message"], out
    else:
        assert event == "error" and error_message(data), data


def test_unknown_motion_or_template_is_refused_not_charged(app):
    """Case 14: an unknown motion or template is refused (with the allowed values), never ignored and billed."""
    before = submits(app.vendor)
    for field, value in (("motion", "wild"), ("template", "nope"), ("platform", "myspace"), ("aspect", "7:3"),
                         ("resolution", "8k"), ("quality", "ultra"), ("operation", "dance")):
        out = answer(app.base, "create", {**T2V_150, "confirm_usd": 1.5, field: value})
        assert out["ok"] is False and field in fields_of(out)
        assert out["issues"][0]["allowed"], out["issues"][0]
    assert submits(app.vendor) == before


def test_server_paths_are_refused_everywhere_alike(app):
    """A server path is never read, and the answer is the same whether or not the file exists."""
    paths = ["/etc/passwd", "/no/such/file.mp4", str(app.home / "studio.db")]
    clip = app.ids["clip"]

    def messages(path: str) -> list[str]:
        out = []
        for field in ("image", "audio", "video"):
            est = answer(app.base, "estimate", {"operation": "image-to-video", "prompt": "x", field: path})
            assert field in fields_of(est)
            out.append(next(i["message"] for i in est["issues"] if i["field"] == field))
        for name, payload in (("ai_edit", {"asset_id": path, "operation": "upscale"}),
                              ("edit", {"asset_id": clip, "ops": [{"kind": "lut", "path": path}]}),
                              ("edit", {"asset_id": clip, "ops": [{"kind": "join", "clips": [path]}]}),
                              ("join", {"asset_ids": [clip, path]}), ("describe", path)):
            event, data = call(app.base, name, payload)
            text = data[0]["issues"][0]["message"] if event == "complete" else error_message(data)
            assert (event == "error" or data[0].get("ok") is False) and text, (name, data)
            out.append(text.replace(path, "<path>"))
        for payload in (path, {"path": path}, {"path": path, "meta": {"_type": "gradio.FileData"}}):
            event, data = call(app.base, "import", payload, "")
            assert event == "error", data
            out.append(error_message(data).replace(path, "<path>"))  # Gradio's own refusal names the path
        return out

    answers = [messages(path) for path in paths]
    assert answers[0] == answers[1] == answers[2], answers
    assert not any("not found" in m.lower() or "exist" in m.lower() for m in answers[0]), answers[0]
    assert all(a["operation"] != "upload" or a["id"] in app.ids.values() for a in answer(app.base, "assets", {})["items"])


def test_the_owner_never_comes_from_a_field(app):
    """The session decides the owner: a `user` field is refused, never read."""
    out = answer(app.base, "create", {"prompt": "x", "quality": "draft", "user": "alice"})
    assert out["ok"] is False and "user" in fields_of(out) and "session" in out["issues"][0]["message"]
    event, data = call(app.base, "assets", {"user": "alice"})
    assert event == "error" and "user" in error_message(data)


def test_random_json_through_the_launched_app_is_answered_in_words(app):
    """Hypothesis through HTTP: never a 500, never Python text, never a job for a refused request."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from core.db import Database
    from core.library.models import Job

    scalars = st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True) | st.text(max_size=8)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
    shaped = st.fixed_dictionaries({}, optional={
        "prompt": st.text(max_size=10), "model": st.sampled_from(["wan-2.5-t2v", "auto", "nope"]),
        "duration": st.floats(allow_nan=True) | st.integers(-3, 12), "confirm": values,
        "confirm_usd": st.floats(allow_nan=True) | st.integers(-1, 3), "resolution": st.sampled_from(["720p", "9k"]),
        "asset_id": st.sampled_from([app.ids["clip"], "/etc/passwd"]), "operation": st.sampled_from(["upscale", "x"])})
    db = Database(f"sqlite:///{app.home / 'studio.db'}")

    def jobs() -> int:
        with db.session() as s:
            return s.query(Job).count()

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(name=st.sampled_from(["estimate", "create", "ai_edit"]), body=shaped | values)
    def check(name, body):
        before = jobs()
        event, data = call(app.base, name, body)
        assert event in ("complete", "error"), (event, data)
        no_python_text(data)
        out = data[0] if event == "complete" else {}
        if not out.get("ok"):
            assert jobs() == before, (name, body, out)
        else:
            assert math.isfinite(out["max_usd"]) and out["max_usd"] <= max(1.0, body.get("confirm_usd") or 0) + 1e-9

    try:
        check()
    finally:
        db.dispose()


def test_retry_recovers_a_result_whose_first_download_failed(app):
    """/retry polls and downloads again; the paid task is never submitted twice."""
    app.vendor.behave("alibaba/wan-2.5/text-to-video", failed_downloads=1)
    before = app.vendor.submits["alibaba/wan-2.5/text-to-video"]
    run = answer(app.base, "create", {**T2V_150, "resolution": "480p", "duration": 5})
    job = wait_job(app.client, run["job_ids"][0], lambda v: v["terminal"])
    assert job["status"] == "needs-attention" and job["task_id"], job
    retried = answer(app.base, "retry", job["id"])
    assert retried["status"] in ("running", "downloading", "succeeded")
    done = wait_job(app.client, job["id"], lambda v: v["terminal"])
    assert done["status"] == "succeeded" and done["asset_id"]
    assert app.vendor.submits["alibaba/wan-2.5/text-to-video"] == before + 1
    event, data = call(app.base, "retry", job["id"])  # a finished job has nothing to fetch again
    assert event == "error" and "needs attention" in error_message(data)
    app.vendor.behave("alibaba/wan-2.5/text-to-video")

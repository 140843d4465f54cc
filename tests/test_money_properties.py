"""Property tests at the boundary (issue 8): random JSON values and shapes into /estimate, /create and
/ai_edit never produce an unexpected error, Python text, a row for a refused request, or a submit
without a finite price at or under confirm_usd."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.boundary.create import CreateRequest
from core.library.models import Job
from tests.helpers import OWNER

PYTHON_TEXT = ("Traceback", "dictionary update", "object has no attribute", "NoneType", "pydantic", "Value error",
               "validation error", "<class", "Internal error:")
scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=3), max_leaves=8)
plausible = {
    "operation": st.sampled_from(["text-to-video", "image-to-video", "upscale", "translate", "avatar", "dance"]),
    "prompt": st.text(max_size=40), "model": st.sampled_from(["auto", "wan-2.5-t2v", "flashvsr", "veo-3.1-t2v", "x"]),
    "duration": st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 30),
    "resolution": st.sampled_from(["480p", "720p", "1080p", "4k", "8k"]),
    "aspect": st.sampled_from(["16:9", "9:16", "1:1", "7:3"]), "quality": st.sampled_from(["draft", "standard", "x"]),
    "variations": st.integers(-1, 6) | st.floats(), "confirm_usd": st.floats(allow_nan=True) | st.integers(-1, 100),
    "confirm": st.booleans() | st.text(max_size=5) | st.integers(0, 1), "input_duration": st.floats(),
    "motion": st.sampled_from(["subtle", "wild"]), "user": st.text(max_size=5), "video": st.text(max_size=20),
}
requests = (st.fixed_dictionaries({}, optional={k: v | values for k, v in plausible.items()}) | values)


def clean(answer) -> None:
    text = json.dumps(answer, allow_nan=False)
    assert not any(word in text for word in PYTHON_TEXT), text


def job_rows(studio) -> list[Job]:
    with studio.db.session() as s:
        return list(s.query(Job).all())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests)
def test_random_requests_never_submit_above_what_was_confirmed(paid_studio, vendor, request):
    _, fake = vendor
    before = len(job_rows(paid_studio))
    for call in (paid_studio.estimate, paid_studio.create):
        answer = call(request, owner=OWNER)
        clean(answer)
        assert math.isfinite(answer["max_usd"]) and answer["max_usd"] >= 0
    made = job_rows(paid_studio)
    if not answer.get("ok"):
        assert len(made) == before, "a refused request wrote a job"
        return
    confirm = request.get("confirm_usd") if isinstance(request, dict) else None
    ceiling = confirm if isinstance(confirm, int | float) and not isinstance(confirm, bool) else answer["max_usd"]
    assert answer["max_usd"] <= ceiling + 1e-9
    threshold = paid_studio.settings.confirm_above_usd
    assert answer["max_usd"] <= threshold + 1e-9 or confirm is not None
    for job in made[before:]:
        assert math.isfinite(job.estimate_usd) and job.payload["confirm_usd"] * answer["variations"] <= ceiling + 1e-6
    assert CreateRequest  # the model these requests were checked against


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=st.fixed_dictionaries({}, optional={
    "asset_id": st.sampled_from(["0123456789abcdef", "/etc/passwd", ""]) | values,
    "operation": st.sampled_from(["upscale", "translate", "restyle", "deepfake"]) | values,
    "confirm_usd": st.floats(allow_nan=True) | values, "estimate_only": st.booleans() | values,
    "options": values, "resolution": st.sampled_from(["1080p", "9k"]) | values}) | values)
def test_random_ai_edits_are_answered_in_words(paid_studio, request):
    from core.errors import InvalidInput, NotFound

    try:
        answer = paid_studio.edit.ai_apply(request, owner=OWNER)
    except (InvalidInput, NotFound) as exc:
        clean({"message": str(exc)})
        return
    clean(answer)
    assert not answer["ok"] or answer["max_usd"] <= paid_studio.settings.confirm_above_usd


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

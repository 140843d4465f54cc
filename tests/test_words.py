"""Human words in what people read: jobs by title, model name and relative time (ids only in the
details fold), and no exception class names in any message."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from core.errors import InvalidInput
from studios.widgets import CSS, job_panel

ROOT = Path(__file__).resolve().parent.parent
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Timeout|Warning)\b")


def _outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_job_table_names_the_model_and_the_time_and_folds_the_ids(studio):
    answer = studio.create({"prompt": "A paper boat drifting down a rainy street", "quality": "draft",
                            "model": "local-draft-t2v", "duration": 2}, owner="local")
    view = studio.job(answer["job_ids"][0], owner="local")
    assert view["model_name"] == studio.catalog.get("local-draft-t2v").name
    assert view["title"].startswith("A paper boat")
    view["created_at"] = (datetime.now(UTC) - timedelta(minutes=5)).isoformat(timespec="seconds")
    html = job_panel([view])
    shown = _outside_details(html)
    assert view["model_name"] in shown and "local-draft-t2v" not in shown
    assert "5 min ago" in shown and "A paper boat" in shown
    assert view["id"][:8] not in shown, "the job id shows outside the details fold"
    assert view["id"] in html  # still there for support, folded away
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", shown)


def test_job_table_fits_a_narrow_column_in_four_columns_with_the_notes_under_what(studio):
    """Create shows its jobs in the right-hand column: seven auto-sized columns squeezed "What" to one
    word per line and pushed "Notes" off the edge; four columns of fixed share keep What the widest."""
    answer = studio.create({"prompt": "A paper boat drifting down a rainy street", "quality": "draft",
                            "model": "local-draft-t2v", "duration": 2}, owner="local")
    view = {**studio.job(answer["job_ids"][0], owner="local"), "message": "Waiting for a worker"}
    html = job_panel([view])
    assert re.findall(r"<th>(.*?)</th>", html) == ["What", "Status", "Cost", "Started"]
    shares = [int(w) for w in re.findall(r"<col style='width:(\d+)%'>", html)]
    assert len(shares) == 4 and sum(shares) == 100 and shares[0] == max(shares), shares
    assert "table-layout:fixed" in CSS
    first_cell = re.search(r"<tr><td>(.*?)</td>", html, flags=re.S).group(1)
    assert "Waiting for a worker" in first_cell and view["model_name"] in first_cell
    assert "Text to video" in first_cell


def test_a_long_prompt_makes_a_title_of_whole_words(studio):
    """A prompt-title is cut after a whole word with '…', never mid-word ('… neon refl')."""
    from tests.helpers import wait_for_job

    prompt = "A paper boat drifting down a rainy street at dusk, neon reflections in the puddles"
    answer = studio.create({"prompt": prompt, "quality": "draft", "model": "local-draft-t2v", "duration": 2},
                           owner="local")
    done = wait_for_job(studio, answer["job_ids"][0])
    expected = "A paper boat drifting down a rainy street at dusk, neon…"
    assert done["title"] == expected
    assert studio.asset(done["asset_id"], owner="local")["title"] == expected


def test_studio_work_reads_as_this_computer(studio):
    assert studio.catalog.display_name("ffmpeg") == "This computer"
    assert studio.catalog.display_name("local-ffmpeg") == "This computer"


def test_a_file_that_is_not_media_is_refused_without_a_class_name(tmp_path):
    from core.media.probe import probe

    junk = tmp_path / "notes.mp4"
    junk.write_bytes(b"this is not a video at all" * 40)
    with pytest.raises(InvalidInput) as caught:
        probe(junk)
    assert "notes.mp4" in str(caught.value)
    assert not CLASS_NAME.search(str(caught.value)), str(caught.value)


def test_an_unreadable_photo_is_refused_without_a_class_name(tmp_path):
    from core.inputs import prepare_image

    junk = tmp_path / "face.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 broken jpeg" * 10)
    with pytest.raises(InvalidInput) as caught:
        prepare_image(junk, tmp_path)
    assert not CLASS_NAME.search(str(caught.value)), str(caught.value)


@pytest.mark.parametrize("exc, words", [
    (httpx.ConnectError("refused"), "connection could not be made"),
    (httpx.ReadTimeout("slow"), "too long"),
    (httpx.RemoteProtocolError("cut"), "broke off"),
    (KeyError("x"), "unexpected fault"),
])
def test_faults_in_plain_words(exc, words):
    from core.errors import fault_words

    assert words in fault_words(exc)
    assert not CLASS_NAME.search(fault_words(exc))


def test_a_message_from_an_unexpected_fault_names_no_class():
    from studios.labels import said

    assert said(InvalidInput("The clip is empty.", "Pick another.")) == "The clip is empty. Pick another."
    text = said(ValueError("could not convert string to float: 'abc'"))
    assert "ValueError" not in text and "float" not in text and text.startswith("Something went wrong")


def test_the_offline_wavespeed_connection_message_has_no_class_name():
    from core.errors import ProviderUnavailable
    from providers.http import RetryPolicy
    from providers.wavespeed_api import WaveSpeedApi

    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    api = WaveSpeedApi("key", "https://api.example", httpx.Client(transport=httpx.MockTransport(refuse)),
                       RetryPolicy(attempts=1, sleep=lambda s: None))
    with pytest.raises(ProviderUnavailable) as caught:
        api.post_once("/api/v3/model", {"prompt": "x"})
    assert not CLASS_NAME.search(str(caught.value)), str(caught.value)


def test_no_message_is_built_from_an_exception_class_name():
    """Class names go to the log; messages use fault_words (core/providers) or said (studios)."""
    offenders = []
    for folder in ("core", "providers", "studios"):
        for file in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(file.read_text().splitlines(), 1):
                if re.search(r"\{(type\(\w+\)|\w+\.__class__)\.__name__|(problem|reason|message)\s*=.*__name__", line):
                    offenders.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
                if folder == "studios" and file.name != "labels.py" and re.search(r"\{exc\}|\bstr\(exc\)", line):
                    offenders.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_empty_comparison_box_in_enhance_says_what_will_appear(studio):
    """Under "Compare in one frame" an empty, unlabelled player waits; a line says what it will show."""
    import gradio as gr

    from studios import enhance

    with gr.Blocks() as page:
        with gr.Tab("Enhance") as tab:
            enhance.build(studio, tab)
    said = [b.value or "" for b in page.blocks.values() if isinstance(b, gr.Markdown)]
    assert any("original on the left" in words and "Enhance" in words for words in said), said


def test_a_clip_is_described_with_the_codec_names_people_use(tmp_path):
    """Edit's line under the picker and Transform's target name codecs alike ('H.264', not 'h264')."""
    from core.media.probe import probe
    from tests.conftest import make_clip

    line = probe(make_clip(tmp_path / "c.mp4", seconds=0.5)).summary()
    assert "H.264" in line and "h264" not in line, line

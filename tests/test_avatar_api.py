"""/speech, /avatar and /voices on a launched app, as a gradio_client user calls them (no key)."""

from __future__ import annotations

import pytest
from gradio_client import handle_file
from PIL import Image

from core.media.probe import probe
from tests.api_calls import call, error_message
from tests.test_app_api import connect, free_port, launch, stop, wait_job

pytestmark = pytest.mark.ui


def test_a_script_becomes_a_captioned_offline_draft_through_the_api(tmp_path):
    Image.new("RGB", (480, 640), (180, 150, 130)).save(tmp_path / "me.png")
    port = free_port()
    proc = launch(tmp_path / "home", port)
    try:
        client = connect(port, proc)
        offline = [v for v in client.predict(api_name="/voices") if v["offline"]]
        assert offline and "offline-female" in offline[0]["voices"] and "German" in offline[0]["languages"]
        photo = client.predict(handle_file(str(tmp_path / "me.png")), "me", api_name="/import")
        ask = {"photo_id": photo["id"], "script": "Guten Tag. Das ist ein Test.", "voice": "offline-female",
               "language": "German", "captions": "both", "platform": "linkedin_square"}
        est = client.predict({**ask, "estimate_only": True}, api_name="/avatar")
        assert est["allowed"] and est["total_usd"] == est["max_usd"] == 0 and est["job_ids"] == []
        run = client.predict(ask, api_name="/avatar")
        assert run["ok"] and len(run["job_ids"]) == 3
        done = wait_job(client, run["job_ids"][-1], lambda v: v["terminal"], timeout=120)
        assert done["status"] == "succeeded", done["error"]
        assert "Das ist ein Test." in done["result"]["srt"]
        draft = [a for a in client.predict({}, api_name="/assets")["items"] if a["operation"] == "avatar"][0]
        info = probe(draft["file_path"])
        assert info.has_audio and info.width == info.height  # the LinkedIn square preset
        speech = client.predict({"text": "Hi", "voice": "offline-male", "estimate_only": True}, api_name="/speech")
        assert speech["allowed"] and speech["price_label"] == "Free"
        event, data = call(f"http://127.0.0.1:{port}", "speech", {"text": "Hi", "user": "mallory"})
        assert event == "complete" and data[0]["issues"][0]["field"] == "user", (event, error_message(data))
    finally:
        stop(proc)

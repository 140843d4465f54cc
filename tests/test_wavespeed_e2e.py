"""Create Studio against a WaveSpeed-compatible server on loopback: fields, library, ledger."""

from __future__ import annotations


import pytest
from PIL import Image

from core.library.models import LedgerEntry
from core.media.probe import probe
from tests.helpers import OWNER, wait_for_job


def submitted(fake, model_path):
    return [r.json for r in fake.requests if r.method == "POST" and r.path == f"/api/v3/{model_path}"]


def test_wan_t2v_vertical_sends_documented_size_and_settles_estimate(paid_studio, vendor):
    _, fake = vendor
    answer = paid_studio.create({"operation": "text-to-video", "prompt": "a red kite over dunes",
                                 "model": "wan-2.5-t2v", "aspect": "9:16", "resolution": "720p",
                                 "duration": 5, "seed": 11}, owner=OWNER)
    assert answer["ok"], answer["issues"]
    assert answer["total_usd"] == pytest.approx(0.50)
    job = wait_for_job(paid_studio, answer["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    [body] = submitted(fake, "alibaba/wan-2.5/text-to-video")
    assert body["size"] == "720*1280" and body["duration"] == 5 and body["seed"] == 11
    assert body["prompt"] == "a red kite over dunes" and "resolution" not in body
    assert fake.submits["alibaba/wan-2.5/text-to-video"] == 1
    asset = paid_studio.asset(job["asset_id"], owner=OWNER)
    assert probe(asset["path"]).video_codec == "h264"
    assert asset["provider"] == "wavespeed" and asset["model"] == "wan-2.5-t2v"
    entry = paid_studio.ledger.entry(job["id"])
    assert entry.state == "charged" and entry.actual_usd == entry.estimate_usd == 0.5
    assert job["actual_usd"] == job["estimate_usd"] == 0.5
    assert paid_studio.ledger_summary(owner=OWNER)["month_spend_usd"] == 0.5


def test_i2v_uploads_the_photo_and_sends_resolution(paid_studio, vendor, tmp_path):
    _, fake = vendor
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (800, 600), (20, 120, 200)).save(photo)
    answer = paid_studio.create({"operation": "image-to-video", "prompt": "slow zoom", "image": paid_studio.import_media(photo, owner=OWNER)["id"],
                                 "model": "wan-2.5-i2v", "resolution": "480p", "duration": 5}, owner=OWNER)
    assert answer["ok"], answer["issues"]
    job = wait_for_job(paid_studio, answer["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    [body] = submitted(fake, "alibaba/wan-2.5/image-to-video")
    assert body["resolution"] == "480p" and body["image"].startswith("http")
    assert any("upload" in r.path for r in fake.requests), "local files go by upload, not base64"


def test_expensive_run_needs_confirmation_and_budget(paid_studio, vendor):
    _, fake = vendor
    request = {"operation": "text-to-video", "prompt": "a choir in a cathedral", "model": "veo-3.1-t2v",
               "aspect": "16:9", "resolution": "1080p", "duration": 8}
    first = paid_studio.create(request, owner=OWNER)
    assert not first["ok"] and first["needs_confirmation"] and first["total_usd"] > 1
    assert fake.submits["google/veo3.1/text-to-video"] == 0
    second = paid_studio.create({**request, "confirm_usd": first["max_usd"]}, owner=OWNER)
    assert second["ok"]
    assert wait_for_job(paid_studio, second["job_ids"][0])["status"] == "succeeded"


def test_over_budget_run_is_refused_before_submit(paid_studio, vendor):
    _, fake = vendor
    budget = paid_studio.plan_for(OWNER).monthly_budget_usd
    paid_studio.ledger.reserve([LedgerEntry(job_id="earlier", owner=OWNER, provider="wavespeed", model="x",
                                            month="", estimate_usd=budget - 0.1)], [])
    answer = paid_studio.create({"prompt": "a fox", "model": "wan-2.5-t2v", "aspect": "16:9",
                                 "resolution": "720p", "duration": 5}, owner=OWNER)
    assert not answer["ok"]
    assert any(i["field"] in ("budget", "cost") or "budget" in i["message"].lower() for i in answer["issues"])
    assert sum(fake.submits.values()) == 0


def test_vendor_failure_is_reported_and_released(paid_studio, vendor):
    _, fake = vendor
    fake.behave("alibaba/wan-2.5/text-to-video", steps=["created", "failed"], error="NSFW content detected")
    answer = paid_studio.create({"prompt": "x y z", "model": "wan-2.5-t2v", "aspect": "16:9",
                                 "resolution": "480p", "duration": 5}, owner=OWNER)
    job = wait_for_job(paid_studio, answer["job_ids"][0])
    assert job["status"] == "failed" and "NSFW" in job["error"]
    assert paid_studio.ledger.entry(job["id"]).actual_usd == 0


def test_prompt_helper_is_paid_once_and_recorded(paid_studio, vendor):
    _, fake = vendor
    fake.behave("wavespeed-ai/prompt-optimizer", steps=["created", "completed"], outputs="text",
                text="A slow dolly across a misty harbour at dawn, soft gold light")
    assert "$0.001" in paid_studio.prompts.label()
    started = paid_studio.enhance_prompt({"prompt": "harbour at dawn"}, owner=OWNER)
    assert started["prompt"] is None and started["job_id"], "the paid helper runs as a job, off the request"
    assert wait_for_job(paid_studio, started["job_id"])["status"] == "succeeded"
    result = paid_studio.enhanced_prompt(started["job_id"], {"prompt": "harbour at dawn"}, owner=OWNER)
    assert result["prompt"].startswith("A slow dolly") and result["cost_usd"] == 0.001
    assert fake.submits["wavespeed-ai/prompt-optimizer"] == 1
    assert paid_studio.ledger_summary(owner=OWNER)["month_spend_usd"] == pytest.approx(0.0, abs=0.01)
    entries = [e for e in paid_studio.ledger.entries("local") if e.model == "prompt-optimizer"]
    assert [(e.state, e.actual_usd) for e in entries] == [("charged", 0.001)]


def test_prompt_helper_failure_falls_back_offline(paid_studio, vendor):
    _, fake = vendor
    fake.behave("wavespeed-ai/prompt-optimizer", submit_status=500)
    asked = {"prompt": "harbour at dawn", "template": "cinematic"}
    started = paid_studio.enhance_prompt(asked, owner=OWNER)
    assert wait_for_job(paid_studio, started["job_id"])["status"] == "needs-attention"
    result = paid_studio.enhanced_prompt(started["job_id"], asked, owner=OWNER)
    assert result["source"] == "offline template" and result["cost_usd"] == 0
    assert "could not help" in result["notes"][0]
    entries = [e for e in paid_studio.ledger.entries("local") if e.model == "prompt-optimizer"]
    assert [e.state for e in entries] == ["unknown"], "a 500 on submit may have billed: keep it counted"

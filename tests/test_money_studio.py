"""Issue 8's money cases through the facade, against the fake WaveSpeed on loopback and a fake
public media host for links: bounded prices, fallbacks, keys, leaks, retries, quotes, budgets."""

from __future__ import annotations

import threading
import time

import pytest

from core.library.models import LedgerEntry
from tests.fakes.media_host import url
from tests.helpers import OWNER, wait_for_job

T2V = "alibaba/wan-2.5/text-to-video"
RUN_050 = {"prompt": "a red kite", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "720p", "duration": 5}


@pytest.fixture
def media(tmp_path, clip_factory):
    folder = tmp_path / "public"
    folder.mkdir()
    clip_factory("public/four.mp4", seconds=4, size="64x64", rate=10)
    clip_factory("public/one.mp4", seconds=1, size="64x64", rate=10)
    return folder


def entry(studio, job_id):
    return studio.ledger.entry(job_id)


def media_files(studio) -> list:
    return [p for p in studio.settings.media_dir.rglob("*") if p.is_file()]


# -- case 4: links are fetched and measured; what cannot be measured is bounded --------------------
def test_a_link_is_fetched_measured_and_the_measured_bytes_are_sent(vendor, studio_factory, media):
    base, fake = vendor
    studio = studio_factory(base, media)
    request = {"operation": "translate", "video": url("four.mp4"), "options": {"output_language": "German"},
               "consent": True}
    est = studio.estimate(request, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["total_usd"] == est["max_usd"] == pytest.approx(0.15) and est["price_basis"] == "exact"
    run = studio.create(request, owner=OWNER)
    job = wait_for_job(studio, run["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    [body] = [r.json for r in fake.requests if r.method == "POST" and r.path.endswith("heygen/video-translate")]
    assert "/_media/" in body["video"], "the studio uploads the copy it measured, not the link"
    assert entry(studio, job["id"]).actual_usd == pytest.approx(0.15)


def test_a_link_that_cannot_be_measured_is_priced_at_the_bound_or_refused(vendor, studio_factory, media, tmp_path):
    base, fake = vendor
    studio = studio_factory(base, media)
    photo = studio.import_media(_photo(tmp_path), owner=OWNER)["id"]
    talk = studio.estimate({"operation": "avatar", "model": "infinitetalk", "image": photo,
                            "audio": url("missing.mp3"), "resolution": "720p"}, owner=OWNER)
    assert talk["max_usd"] == talk["total_usd"] == pytest.approx(36.00) and talk["price_basis"] == "upper-bound"
    assert talk["price_label"] == "up to $36.00" and any("600 s" in n for n in talk["notes"])
    translate = studio.estimate({"operation": "translate", "video": url("missing.mp4"),
                                 "options": {"output_language": "German"}}, owner=OWNER)
    assert translate["allowed"] is False, "an unbounded price never runs (it used to be $0.00, no confirmation)"
    assert "price" in {i["field"] for i in translate["issues"]}
    assert sum(fake.submits.values()) == 0


def test_a_bound_settles_on_the_real_length_and_never_above_it(vendor, studio_factory, media):
    base, fake = vendor
    studio = studio_factory(base, media, VIDEO_STUDIO_PLAN="studio")
    request = {"operation": "upscale", "model": "flashvsr", "video": url("gone.mp4"), "resolution": "1080p"}
    est = studio.estimate(request, owner=OWNER)
    assert est["price_basis"] == "upper-bound" and est["max_usd"] == pytest.approx(120 * 0.09)
    refused = studio.create(request, owner=OWNER)
    assert not refused["ok"] and "confirm_usd" in refused["message"]
    run = studio.create({**request, "confirm_usd": est["max_usd"]}, owner=OWNER)
    job = wait_for_job(studio, run["job_ids"][0])
    assert job["status"] == "succeeded", job["error"]
    assert entry(studio, job["id"]).actual_usd == pytest.approx(0.09)  # the 1 s result, 5 s minimum


def test_an_exact_price_is_what_settles_even_when_the_result_runs_longer(clip_factory, studio_factory, media):
    from tests.fakes.wavespeed_vendor import start_fake_wavespeed

    base, fake, stop = start_fake_wavespeed(clip_factory("long.mp4", seconds=6, size="64x64").read_bytes())
    try:
        studio = studio_factory(base, media)
        run = studio.create({"operation": "translate", "video": url("one.mp4"),
                             "options": {"output_language": "German"}, "consent": True}, owner=OWNER)
        job = wait_for_job(studio, run["job_ids"][0])
        assert job["status"] == "succeeded", job["error"]
        assert run["max_usd"] == pytest.approx(0.0375)
        assert entry(studio, job["id"]).actual_usd == pytest.approx(0.0375)  # not re-priced on the 6 s output
    finally:
        stop()


# -- case 6: fallbacks keep their word --------------------------------------------------------------
def test_fallbacks_honour_the_request_on_their_own_terms(paid_studio):
    asked = {"prompt": "a harbour at dawn", "quality": "standard", "aspect": "16:9"}  # defaults: 5 s at 720p
    est = paid_studio.estimate(asked, owner=OWNER)
    assert est["allowed"], est["issues"]
    assert est["request"]["duration"] == 5 and est["request"]["resolution"] == "720p"
    assert "ltx-2-fast-t2v" not in est["fallbacks"], "LTX-2 Fast cannot make 5 s at 720p; its own run costs more"
    for model_id in est["fallbacks"]:
        own = paid_studio.estimate({**asked, "model": model_id}, owner=OWNER)
        assert own["allowed"], (model_id, own["issues"])
        assert own["max_usd"] <= est["max_usd"] + 1e-9, model_id


def test_a_fallback_never_drops_sound(paid_studio):
    est = paid_studio.estimate({"prompt": "a choir", "quality": "premium", "aspect": "16:9", "resolution": "720p",
                                "duration": 8}, owner=OWNER)
    assert est["allowed"] and est["fallbacks"] is not None
    catalog = paid_studio.catalog
    assert catalog.get(est["model"]).capabilities.audio_out
    assert all(catalog.get(m).capabilities.audio_out for m in est["fallbacks"]), est["fallbacks"]
    assert "local-draft-t2v" not in est["fallbacks"]


# -- case 7: a rejected key is reported, never hidden ------------------------------------------------
def test_a_rejected_key_is_said_in_words_when_an_offline_draft_is_made(vendor, paid_studio):
    _, fake = vendor
    fake.api_key = "another-key"  # WaveSpeed answers 401 to ours
    run = paid_studio.create({"prompt": "paper boats", "quality": "standard", "aspect": "16:9",
                              "resolution": "720p", "duration": 5}, owner=OWNER)
    assert run["ok"] and run["provider"] == "wavespeed", run
    job = wait_for_job(paid_studio, run["job_ids"][0])
    assert job["status"] == "succeeded" and job["provider"] == "local"
    assert job["message"] == "WaveSpeed rejected the API key; made a free offline draft instead."
    assert entry(paid_studio, job["id"]).state == "released"


def test_a_rejected_key_without_an_honest_fallback_fails_with_the_auth_message(vendor, paid_studio):
    _, fake = vendor
    fake.api_key = "another-key"
    run = paid_studio.create(RUN_050, owner=OWNER)  # Wan makes sound: the silent draft is no fallback
    job = wait_for_job(paid_studio, run["job_ids"][0])
    assert job["status"] == "failed" and "rejected the API key" in job["error"]
    assert entry(paid_studio, job["id"]).state == "released"


# -- case 9: every reservation settles ---------------------------------------------------------------
def test_an_error_envelope_on_poll_fails_the_task_and_refunds(vendor, paid_studio):
    _, fake = vendor
    fake.behave(T2V, poll_envelope_errors={1: 400})
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "failed"
    settled = entry(paid_studio, job["id"])
    assert settled.state == "refunded" and settled.actual_usd == 0
    assert paid_studio.ledger_summary(owner=OWNER)["month_spend_usd"] == 0


def test_a_submit_the_vendor_refuses_releases_the_reservation(vendor, paid_studio):
    _, fake = vendor
    fake.behave(T2V, submit_status=404, submit_message="model not found")
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "failed" and entry(paid_studio, job["id"]).state == "released"
    assert paid_studio.ledger.month_runs(OWNER) == 0


def test_month_runs_count_only_runs_that_were_sent(vendor, paid_studio):
    _, fake = vendor
    ok = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert ok["status"] == "succeeded"
    fake.behave(T2V, submit_status=400, submit_message="bad input")
    again = {**RUN_050, "run_again": True}  # the same request made an asset: running it again is asked for
    wait_for_job(paid_studio, paid_studio.create(again, owner=OWNER)["job_ids"][0])
    assert paid_studio.ledger.month_runs(OWNER) == 1
    assert paid_studio.ledger_summary(owner=OWNER)["runs"] == 1


def test_startup_sweep_settles_orphan_reservations(vendor, studio_factory):
    base, _ = vendor
    studio = studio_factory(base)
    studio.ledger.reserve([LedgerEntry(job_id="0000000000000000", owner=OWNER, provider="wavespeed", model="x",
                                       month="", estimate_usd=0.5)], [])
    studio.stop()
    again = studio_factory(base)
    assert again.ledger.entry("0000000000000000").state == "released"
    assert again.ledger_summary(owner=OWNER)["month_spend_usd"] == 0


# -- case 10: retry without paying twice; no orphan files --------------------------------------------
def test_retry_fetches_a_result_whose_download_failed(vendor, paid_studio):
    _, fake = vendor
    fake.download_errors = {1: 404}
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "needs-attention" and job["task_id"]
    assert entry(paid_studio, job["id"]).state == "unknown"
    paid_studio.retry(job["id"], owner=OWNER)
    done = wait_for_job(paid_studio, job["id"])
    assert done["status"] == "succeeded" and done["asset_id"]
    assert fake.submits[T2V] == 1, "a retry never submits again"
    assert entry(paid_studio, job["id"]).state == "charged"


def test_a_result_that_is_not_a_video_is_discarded_and_named(vendor, paid_studio):
    _, fake = vendor
    fake.behave(T2V, output_body=b"<!DOCTYPE html><html><body>Access denied</body></html>")
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "needs-attention" and "HTML page" in job["error"] and "Access denied" in job["error"]
    assert media_files(paid_studio) == [] and paid_studio.assets(owner=OWNER) == []
    assert list(paid_studio.settings.work_dir.glob("*.mp4")) == []


def test_retry_refuses_jobs_without_a_task(paid_studio):
    run = paid_studio.create({"prompt": "x", "quality": "draft"}, owner=OWNER)
    wait_for_job(paid_studio, run["job_ids"][0])
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="needs attention"):
        paid_studio.retry(run["job_ids"][0], owner=OWNER)


# -- case 11: live quotes and balances ---------------------------------------------------------------
def test_a_live_quote_shows_in_the_estimate_and_is_cached_briefly(vendor, paid_studio):
    _, fake = vendor
    fake.behave(T2V, price=0.42)
    started = time.monotonic()
    est = paid_studio.estimate(RUN_050, owner=OWNER)
    assert time.monotonic() - started < 5
    assert est["price_basis"] == "provider-quote" and est["total_usd"] == est["max_usd"] == pytest.approx(0.42)
    paid_studio.estimate({**RUN_050, "prompt": "another prompt, same price"}, owner=OWNER)
    assert fake.paths("POST").count("/api/v3/model/price") == 1
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "succeeded" and job["actual_usd"] == pytest.approx(0.42)


def test_a_short_balance_is_refused_before_sending_naming_the_top_up(vendor, paid_studio):
    _, fake = vendor
    assert paid_studio.estimate(RUN_050, owner=OWNER)["allowed"]
    fake.account_balance = 0.2  # read at submit time, not from any cache
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])
    assert job["status"] == "failed" and "top up at least $0.30" in job["error"]
    assert fake.submits[T2V] == 0 and entry(paid_studio, job["id"]).state == "released"
    fake.account_balance = 10.0
    assert wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0])["status"] == "succeeded"


# -- case 12: paid prompt enhancement is a priced job ------------------------------------------------
def test_paid_prompt_help_is_a_job_through_the_budget(vendor, paid_studio):
    _, fake = vendor
    fake.behave("wavespeed-ai/prompt-optimizer", steps=["created", "processing", "processing", "completed"],
                outputs="text", text="A slow dolly over a misty harbour")
    started = time.monotonic()
    answer = paid_studio.enhance_prompt({"prompt": "harbour"}, owner=OWNER)
    assert time.monotonic() - started < 2 and answer["job_id"] and answer["prompt"] is None
    assert wait_for_job(paid_studio, answer["job_id"])["status"] == "succeeded"
    assert paid_studio.enhanced_prompt(answer["job_id"], {"prompt": "harbour"}, owner=OWNER)["prompt"] \
        .startswith("A slow dolly")
    charged = entry(paid_studio, answer["job_id"])
    assert (charged.kind, charged.state, charged.actual_usd) == ("prompt", "charged", 0.001)
    assert paid_studio.ledger.month_runs(OWNER) == 0  # a prompt helper call is not a video run
    budget = paid_studio.plan_for(OWNER).monthly_budget_usd
    paid_studio.ledger.reserve([LedgerEntry(job_id="e" * 16, owner=OWNER, provider="wavespeed", model="x",
                                            month="", estimate_usd=budget - 0.0005)], [])
    refused = paid_studio.enhance_prompt({"prompt": "harbour"}, owner=OWNER)
    assert refused["job_id"] is None and refused["source"] == "offline template" and "budget" in refused["notes"][0]
    assert fake.submits["wavespeed-ai/prompt-optimizer"] == 1


# -- case 13: statuses the SDK treats as final -------------------------------------------------------
@pytest.mark.parametrize("final", ["deleted", "timeout", "cancelled", "failed"])
def test_final_statuses_end_the_job_and_settle(vendor, paid_studio, final):
    _, fake = vendor
    fake.behave(T2V, steps=["created", final])
    job = wait_for_job(paid_studio, paid_studio.create(RUN_050, owner=OWNER)["job_ids"][0], timeout=20)
    assert job["status"] in ("failed", "cancelled")
    assert entry(paid_studio, job["id"]).state in ("refunded", "unknown")


# -- budgets: atomic, per owner and per team ---------------------------------------------------------
def test_ten_parallel_requests_against_a_budget_that_fits_five_send_exactly_five(vendor, paid_studio):
    _, fake = vendor
    budget = paid_studio.plan_for(OWNER).monthly_budget_usd
    paid_studio.ledger.reserve([LedgerEntry(job_id="f" * 16, owner=OWNER, provider="wavespeed", model="x",
                                            month="", estimate_usd=budget - 5 * 0.5)], [])
    gate = threading.Barrier(10)
    answers = []

    def one():
        gate.wait()
        answers.append(paid_studio.create({**RUN_050, "run_again": True}, owner=OWNER))  # ten runs, not one reused

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = [a for a in answers if a["ok"]]
    assert len(started) == 5, [a.get("message") for a in answers]
    for answer in started:
        assert wait_for_job(paid_studio, answer["job_ids"][0])["status"] == "succeeded"
    assert fake.submits[T2V] == 5
    assert all("budget" in a["message"] for a in answers if not a["ok"])


def test_the_team_cap_counts_every_owner(vendor, studio_factory):
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_TEAM_BUDGET_USD="1.00")
    studio.ledger.reserve([LedgerEntry(job_id="b" * 16, owner="bob", provider="wavespeed", model="x", month="",
                                       estimate_usd=0.7)], [])
    refused = studio.create(RUN_050, owner=OWNER)
    assert not refused["ok"] and "team" in refused["message"]
    assert fake.submits[T2V] == 0


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "face.png"
    Image.new("RGB", (512, 512), (180, 140, 120)).save(path)
    return path

"""What an admin does for the team, through the facade: plans and budgets, the policy, the audit log."""

from __future__ import annotations

import csv
import io
import re

import pytest

from core.errors import Forbidden, InvalidInput
from tests.helpers import wait_for_job


@pytest.fixture
def team(studio):
    """alice (admin) and bob, on a studio whose accounts live in its own database."""
    studio.identity.mode = studio.identity.mode.__class__("password")
    studio.accounts.add("alice", "alice-password", admin=True)
    studio.accounts.add("bob", "bob-password")
    yield studio
    studio.identity.mode = studio.identity.mode.__class__("none")


def test_only_admins_manage_the_team(team):
    for call in (lambda: team.team.accounts(owner="bob"), lambda: team.team.policy(owner="bob"),
                 lambda: team.team.audit(owner="bob"), lambda: team.team.audit_csv(owner="bob"),
                 lambda: team.team.update_account("bob", owner="bob", budget_usd=999),
                 lambda: team.team.set_policy(owner="bob", features={"face-swap": True}),
                 lambda: team.analytics({}, owner="bob", everyone=True)):
        with pytest.raises(Forbidden):
            call()
    assert [a["name"] for a in team.team.accounts(owner="alice")] == ["alice", "bob"]
    with pytest.raises(InvalidInput):
        team.team.update_account("alice", owner="alice", admin=False)  # no locking yourself out


def test_an_admin_sets_a_plan_and_budget_that_the_meter_uses(team):
    assert team.ledger_summary(owner="bob")["budget_usd"] == 50.0  # the installation's plan (creator)
    team.team.update_account("bob", owner="alice", plan="free", budget_usd=1.25)
    summary = team.ledger_summary(owner="bob")
    assert summary["plan"] == "free" and summary["budget_usd"] == 1.25
    estimate = team.estimate({"prompt": "a fox", "quality": "draft"}, owner="bob")
    assert estimate["plan"] == "free" and estimate["budget_usd"] == 1.25
    team.team.update_account("bob", owner="alice", plan=None, budget_usd=None)
    assert team.ledger_summary(owner="bob")["budget_usd"] == 50.0


def test_policy_switches_reach_every_request(team):
    before = team.estimate({"operation": "translate", "video": "https://example.com/a.mp4"}, owner="bob")
    assert not any("turned off" in i["message"] for i in before["issues"])
    team.team.set_policy(owner="alice", features={"translation": False}, allowed_providers=["local"],
                         confirm_above_usd=0.0)
    refused = team.estimate({"operation": "translate", "video": "https://example.com/a.mp4"}, owner="bob")
    assert not refused["allowed"] and any("Translation is turned off" in i["message"] for i in refused["issues"])
    paid = team.estimate({"prompt": "a fox", "model": "wan-2.5-t2v", "duration": 5}, owner="bob")
    assert not paid["allowed"] and any(i["field"] == "model" and "policy" in i["message"] for i in paid["issues"])
    draft = team.estimate({"prompt": "a fox", "quality": "draft"}, owner="bob")
    assert draft["allowed"] and draft["provider"] == "local"
    assert not team.policy.allows("translation") and team.policy.allows("face-swap")


def test_the_audit_log_filters_by_person_and_asset_and_exports_csv(team, clip_factory):
    clip = team.import_media(clip_factory("b.mp4", seconds=1, size="160x120"), owner="bob")
    team.share({"asset_id": clip["id"], "expires_in_s": 600}, owner="bob")
    team.download(clip["id"], owner="bob", via="test")
    team.team.update_account("bob", owner="alice", budget_usd=3)
    bob_events = team.team.audit(owner="alice", actor="bob")
    assert [e["action"] for e in bob_events] == ["downloaded", "shared", "imported"]
    assert {e["asset_id"] for e in team.team.audit(owner="alice", asset_id=clip["id"])} == {clip["id"]}
    assert [e["action"] for e in team.team.audit(owner="alice", actor="alice")] == ["account-changed"]
    rows = list(csv.DictReader(io.StringIO(team.team.audit_csv(owner="alice", asset_id=clip["id"]))))
    assert [r["action"] for r in rows] == ["downloaded", "shared", "imported"] and rows[0]["actor"] == "bob"
    assert team.team.audit(owner="alice", action="exported")[0]["actor"] == "alice"  # the export is logged


def test_the_audit_log_reads_in_names_and_human_times_with_ids_folded(team, clip_factory):
    """The Team tab's audit table: '5 min ago' (the date for older rows), the person, the asset's title and
    the job's What; ids only in each row's Details fold."""
    from datetime import UTC, datetime, timedelta

    from studios.admin import audit_html

    clip = team.import_media(clip_factory("b.mp4", seconds=1, size="160x120"), owner="bob", title="Harbour at dawn")
    made = team.create({"prompt": "A paper boat drifting down a rainy street", "quality": "draft",
                        "model": "local-draft-t2v", "duration": 2}, owner="bob")
    wait_for_job(team, made["job_ids"][0], owner="bob")
    team.download(clip["id"], owner="bob", via="test")
    team.team.update_account("bob", owner="alice", budget_usd=3)
    events = team.team.audit(owner="alice")
    created = next(e for e in events if e["action"] == "created")
    assert created["asset_title"].startswith("A paper boat") and created["job"]["operation"] == "text-to-video"
    assert next(e for e in events if e["action"] == "downloaded")["asset_title"] == "Harbour at dawn"
    now = datetime.fromisoformat(events[0]["at"]) + timedelta(minutes=5)
    older = {**events[-1], "at": (now - timedelta(days=3)).isoformat(timespec="seconds")}
    html = audit_html([*events, older], now)
    shown = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    assert "Harbour at dawn" in shown and "A paper boat" in shown and "account bob" in shown
    assert "5 min ago" in shown and "3 days ago, " in shown and "<td>bob</td>" in shown and "Downloaded" in shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", shown), "an ISO stamp outside the details fold"
    for ids in (clip["id"], made["job_ids"][0], created["asset_id"]):
        assert ids not in shown and ids in html  # folded away, still there for support


def test_the_accounts_table_reads_in_words_and_says_why_it_is_empty(team):
    from studios.admin import NO_ACCOUNTS, accounts_html

    team.team.update_account("bob", owner="alice", budget_usd=3)
    html = accounts_html(team.team.accounts(owner="alice"))
    heads = re.findall(r"<th>(.*?)</th>", html)
    assert heads == ["Name", "Plan", "Monthly budget", "Spent this month", "Admin", "Disabled", "Signs in with"]
    assert "budget_usd" not in html and "None" not in html and "False" not in html
    bob = re.search(r"<tr><td><b>bob</b></td>(.*?)</tr>", html).group(1)
    assert "<td>$3.00</td><td>$0.00</td>" in bob  # his own budget; nothing spent yet
    alice = re.search(r"<tr><td><b>alice</b></td>(.*?)</tr>", html).group(1)
    assert "<td>the plan's</td>" in alice and "<td>yes</td>" in alice
    assert NO_ACCOUNTS in accounts_html([])


def test_an_empty_budget_reads_as_the_plans_not_as_zero(studio):
    """Gradio shows 0 in an empty number box: the Team tab's "empty = the plan's" budget (and the default
    threshold) must not read as a $0 cap."""
    import gradio as gr

    from studios import admin

    with gr.Blocks() as page:
        with gr.Tab("Team") as tab:
            admin.build(studio, tab)
    boxes = [b for b in page.blocks.values() if isinstance(b, gr.Number) and "empty =" in (b.label or "")]
    assert len(boxes) == 2 and all(b.value is None and b.placeholder for b in boxes), \
        [(b.label, b.placeholder) for b in boxes]
    # Gradio paints an empty number box it was never sent a value for as 0: the page load empties both.
    loaded = [o for fn in page.fns.values() if any(t[1] == "load" for t in fn.targets) for o in fn.outputs]
    assert all(box in loaded for box in boxes), [b.label for b in boxes if b not in loaded]

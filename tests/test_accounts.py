"""Accounts, tokens, team policy, the audit log and share links, through the core."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from core.accounts import Accounts, ApiTokens, AuditLog, Identity, ShareLinks, TeamPolicy
from core.accounts.models import ShareLink
from core.db import Database
from core.errors import Forbidden, Gone, InvalidInput, NotFound, SignInRequired
from core.library.models import utcnow


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'studio.db'}")
    yield database
    database.dispose()


def test_passwords_are_argon2_hashes_and_checked(db, tmp_path):
    people = Accounts(db)
    people.add("alice", "correct horse", plan="studio", budget_usd=25, admin=True)
    raw = sqlite3.connect(tmp_path / "studio.db").execute("select password_hash from account").fetchone()[0]
    assert raw.startswith("$argon2id$") and "correct horse" not in raw
    assert people.verify("alice", "correct horse")
    assert not people.verify("alice", "wrong horse") and not people.verify("nobody", "correct horse")
    people.set_disabled("alice")
    assert not people.verify("alice", "correct horse")
    people.set_disabled("alice", False)
    people.set_password("alice", "battery staple")
    assert people.verify("alice", "battery staple") and not people.verify("alice", "correct horse")


@pytest.mark.parametrize("call, field", [
    (lambda p: p.add("alice", "another one"), "already"),
    (lambda p: p.add("../etc", "long enough"), "account name"),
    (lambda p: p.add("bob", "short"), "too short"),
    (lambda p: p.add("bob", "long enough", plan="platinum"), "no plan"),
    (lambda p: p.add("bob", "long enough", budget_usd=float("nan")), "monthly budget"),
    (lambda p: p.update("alice", budget_usd=-1), "monthly budget"),
])
def test_bad_account_changes_are_refused(db, call, field):
    people = Accounts(db)
    people.add("alice", "long enough")
    with pytest.raises(InvalidInput, match=field):
        call(people)
    assert [a.name for a in people.list()] == ["alice"]


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(db, tmp_path):
    Accounts(db).add("alice", "long enough")
    tokens = ApiTokens(db)
    row, token = tokens.issue("alice")
    assert token.startswith("vs_") and len(token) > 40
    stored = sqlite3.connect(tmp_path / "studio.db").execute("select token_hash from apitoken").fetchone()[0]
    assert token not in stored and len(stored) == 64
    assert tokens.owner_of(token) == "alice"
    assert tokens.owner_of(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert tokens.revoke("alice", row.id) == 1
    assert tokens.owner_of(token) is None
    _, second = tokens.issue("alice")
    Accounts(db).set_disabled("alice")
    assert tokens.owner_of(second) is None  # a disabled account's tokens stop working too
    with pytest.raises(NotFound):
        tokens.issue("nobody")


def test_identity_comes_from_the_mode(db):
    people = Accounts(db)
    people.add("alice", "long enough")
    assert Identity("none", people, local_owner="local").owner(None) == "local"
    password = Identity("password", people, local_owner="local")
    assert password.owner("alice") == "alice"
    for name in (None, "mallory"):
        with pytest.raises(SignInRequired):
            password.owner(name)
    hf = Identity("hf", people, local_owner="local", admins=["carol"], hf_org="acme")
    with pytest.raises(Forbidden, match="acme"):
        hf.owner("dave", orgs=["other"])
    assert hf.owner("carol", orgs=["acme"]) == "carol"  # made on first sign-in
    assert people.get("carol").source == "hf" and hf.is_admin("carol") and not hf.is_admin("alice")
    people.set_disabled("carol")
    with pytest.raises(SignInRequired):
        hf.owner("carol", orgs=["acme"])


def test_policy_switches_and_allow_lists(db):
    policy = TeamPolicy(db)
    assert policy.allows("face-swap") and policy.allows("voice-cloning") and policy.allows("translation")
    policy.update("alice", features={"face-swap": False}, allowed_providers=["local"], confirm_above_usd=0.5)
    current = policy.current()
    assert not policy.allows("face-swap") and policy.allows("translation")
    assert current.allows_model("local", "local-draft") and not current.allows_model("wavespeed", "wan-2.5-t2v")
    assert current.confirm_above_usd == 0.5
    with pytest.raises(InvalidInput, match="Unknown feature"):
        policy.update("alice", features={"time-travel": True})
    with pytest.raises(InvalidInput, match="confirm_above_usd"):
        policy.update("alice", confirm_above_usd=float("inf"))


def test_the_audit_log_is_append_only_and_exports_csv(db, tmp_path):
    audit = AuditLog(db)
    audit.record("alice", "shared", asset_id="a1", link_id="l1")
    audit.record("bob", "downloaded", asset_id="b1", via="api")
    audit.record("alice", "downloaded", asset_id="a1", via="share-link", title="=HYPERLINK(\"x\")")
    assert [e.action for e in audit.for_asset("a1")] == ["downloaded", "shared"]
    assert [e.asset_id for e in audit.query(actor="bob")] == ["b1"]
    text = AuditLog.to_csv(audit.query())
    assert text.splitlines()[0] == "id,at,actor,action,asset_id,job_id,detail" and len(text.splitlines()) == 4
    assert "'{" not in text and "\"=HYPERLINK" not in text.split("\n", 1)[1].split(",")[0]
    conn = sqlite3.connect(tmp_path / "studio.db")
    for statement in ("update auditevent set actor='mallory'", "delete from auditevent"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    assert len(audit.query()) == 3


def test_share_links_are_signed_revocable_and_expire(db):
    links = ShareLinks(db, "secret-one")
    link, token = links.create("a1", "alice", 3600)
    assert "/" not in token and "a1" not in token and links.resolve(token).id == link.id
    with pytest.raises(Forbidden):
        links.resolve(token[:-2] + ("xy" if not token.endswith("xy") else "zz"))  # tampered
    with pytest.raises(Forbidden):
        ShareLinks(db, "another-installation").resolve(token)  # signed with another secret
    _, old = links.create("a1", "alice", 60)
    with db.session() as s:  # an hour passes for this link
        row = s.get(ShareLink, links.resolve(old).id)
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
    with pytest.raises(Gone):
        links.resolve(old)
    assert [x.id for x in links.live("a1", "alice")] == [link.id]
    assert links.revoke_all("a1", "bob") == 0 and links.revoke_all("a1", "alice") == 1
    with pytest.raises(Forbidden, match="revoked"):
        links.resolve(token)
    for bad in (0, -5, float("nan"), "3600", True, 10**9):
        with pytest.raises(InvalidInput, match="expires_in_s"):
            links.create("a1", "alice", bad)

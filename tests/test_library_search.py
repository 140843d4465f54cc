"""Library search: full-text (FTS5) ranking, tags, filters, sorting, pages, owners, hostile text."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotFound
from core.library.models import Asset
from tests.helpers import OWNER

BASE = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)


def make_asset(owner: str = "local", **fields) -> Asset:
    """An asset row with plausible facts; no file is needed to search rows."""
    values = dict(owner=owner, path="/library/clip.mp4", mime="video/mp4", size_bytes=1000,
                  operation="text-to-video", provider="wavespeed", model="wan-2.5-t2v", width=1920,
                  height=1080, duration_s=5.0, has_audio=False, created_at=BASE)
    values.update(fields)
    return Asset(**values)


def record(studio, **fields) -> str:
    return studio.library.record(make_asset(**fields)).id


def ids(answer: dict) -> list[str]:
    return [item["id"] for item in answer["items"]]


def test_finds_an_asset_by_a_prompt_word_a_tag_and_a_model_name(studio):
    fox = record(studio, prompt="A red fox crossing a frozen river at dawn", title="Fox at dawn")
    city = record(studio, prompt="City lights at night", title="Night city", model="veo-3.1-t2v")
    studio.tag_asset(city, owner="local", add=["Nightlife"])
    record(studio, prompt="A lighthouse in fog", title="Lighthouse", model="ltx-2-fast-t2v")

    assert ids(studio.search_assets({"query": "frozen"}, owner="local")) == [fox]
    assert ids(studio.search_assets({"query": "cro"}, owner="local")) == [fox]  # a word's start
    assert ids(studio.search_assets({"query": "fox river"}, owner="local")) == [fox]
    assert ids(studio.search_assets({"query": "nightlife"}, owner="local")) == [city]
    assert ids(studio.search_assets({"query": "veo"}, owner="local")) == [city]
    assert ids(studio.search_assets({"query": "veo-3.1"}, owner="local")) == [city]
    assert ids(studio.search_assets({"query": "hunyuan"}, owner="local")) == []
    answer = studio.search_assets({"query": "fox"}, owner="local")
    assert answer["total"] == 1 and answer["items"][0]["prompt"].startswith("A red fox")
    assert "tags" in answer["items"][0] and "path" in answer["items"][0]


def test_relevance_puts_a_title_match_above_a_notes_match(studio):
    in_title = record(studio, title="Harbor at dusk", prompt="boats", created_at=BASE)
    in_notes = record(studio, title="Boats", prompt="boats", notes="shot near the harbor",
                      created_at=BASE + timedelta(days=3))
    assert ids(studio.search_assets({"query": "harbor"}, owner="local")) == [in_title, in_notes]
    newest = studio.search_assets({"query": "harbor", "sort": "newest"}, owner="local")
    assert ids(newest) == [in_notes, in_title]


def test_automatic_tags_and_manual_tags(studio):
    asset_id = record(studio, width=1080, height=1920, has_audio=True, provider="local",
                      model="local-draft-t2v", settings={"platform": "tiktok", "template": "cinematic",
                                                         "motion": "dynamic", "seed": 3})
    tags = studio.asset(asset_id, owner=OWNER)["tags"]
    assert set(tags) == {"9:16", "vertical", "tiktok", "cinematic", "dynamic", "local-draft-t2v",
                         "text-to-video", "has sound", "offline draft"}
    view = studio.tag_asset(asset_id, owner="local", add=["  Summer_Trip ", "B-roll"], remove=["dynamic"])
    assert "summer trip" in view["tags"] and "b-roll" in view["tags"] and "dynamic" not in view["tags"]
    assert ids(studio.search_assets({"query": "summer trip"}, owner="local")) == [asset_id]
    assert ids(studio.search_assets({"query": "dynamic"}, owner="local")) == []
    assert ids(studio.search_assets({"query": "cinematic"}, owner="local")) == [asset_id]  # its template
    assert ids(studio.search_assets({"tags": ["b-roll", "has sound"]}, owner="local")) == [asset_id]
    assert ids(studio.search_assets({"tags": ["b-roll", "horizontal"]}, owner="local")) == []
    for bad in ([""], ["<script>"], ["x" * 41], "travel", [3]):
        with pytest.raises(InvalidInput, match="tags"):
            studio.tag_asset(asset_id, owner="local", add=bad)
    with pytest.raises(NotFound):
        studio.tag_asset(asset_id, owner="bob", add=["mine"])


def test_filters_sorting_and_pages(studio):
    operations = ["text-to-video", "image-to-video", "edit"]
    models = ["wan-2.5-t2v", "veo-3.1-t2v"]
    shapes = [(1920, 1080), (1080, 1920), (1080, 1080)]
    made = []
    for i in range(30):
        width, height = shapes[i % 3]
        fields = dict(prompt=f"clip number {i} of the harbor", operation=operations[i % 3],
                      model=models[i % 2], duration_s=float(i % 10 + 1), width=width, height=height,
                      created_at=BASE + timedelta(days=i), actual_usd=round(0.05 * (i % 7), 2),
                      settings={"platform": "tiktok" if i % 4 == 0 else "youtube"})
        made.append((record(studio, **fields), fields))

    def expect(keep) -> set[str]:
        return {asset_id for asset_id, fields in made if keep(fields)}

    def found(request) -> set[str]:
        answer = studio.search_assets({**request, "page_size": 100}, owner="local")
        assert answer["total"] == len(answer["items"])
        return set(ids(answer))

    assert found({"operation": "edit"}) == expect(lambda f: f["operation"] == "edit")
    assert found({"model": "veo-3.1-t2v", "min_duration": 3, "max_duration": 6}) == expect(
        lambda f: f["model"] == "veo-3.1-t2v" and 3 <= f["duration_s"] <= 6)
    assert found({"aspect": "9:16"}) == expect(lambda f: f["height"] > f["width"])
    assert found({"platform": "tiktok", "query": "harbor"}) == expect(lambda f: f["settings"]["platform"] == "tiktok")
    assert found({"since": "2025-11-15", "until": "2025-11-20"}) == expect(
        lambda f: datetime(2025, 11, 15, tzinfo=UTC) <= f["created_at"] < datetime(2025, 11, 21, tzinfo=UTC))
    assert found({"min_cost": 0.1, "max_cost": 0.2}) == expect(lambda f: 0.1 <= f["actual_usd"] <= 0.2)

    by_cost = studio.search_assets({"sort": "cost", "page_size": 100}, owner="local")["items"]
    assert [a["cost"] for a in by_cost] == sorted((a["cost"] for a in by_cost), reverse=True)
    by_duration = studio.search_assets({"sort": "duration", "page_size": 100}, owner="local")["items"]
    assert [a["duration"] for a in by_duration] == sorted((a["duration"] for a in by_duration), reverse=True)
    oldest = studio.search_assets({"sort": "oldest", "page_size": 1}, owner="local")["items"]
    assert oldest[0]["id"] == made[0][0]

    pages = [studio.search_assets({"query": "harbor", "sort": "newest", "page": p, "page_size": 7}, owner="local")
             for p in (1, 2, 3, 4, 5)]
    assert [len(p["items"]) for p in pages] == [7, 7, 7, 7, 2] and {p["total"] for p in pages} == {30}
    seen = [i for p in pages for i in ids(p)]
    assert seen == [asset_id for asset_id, _ in reversed(made)]
    beyond = studio.search_assets({"page": 6, "page_size": 7}, owner="local")
    assert beyond["items"] == [] and beyond["total"] == 30


def test_search_stays_within_its_owner(studio):
    mine = record(studio, prompt="sunset over the bay")
    record(studio, owner="bob", prompt="sunset over the mountains")
    assert ids(studio.search_assets({"query": "sunset"}, owner="local")) == [mine]
    theirs = studio.create_collection("Bob's", owner="bob")
    with pytest.raises(NotFound):
        studio.search_assets({"collection_id": theirs["id"]}, owner="local")


@pytest.mark.parametrize("text, finds", [
    ('fox"', True), ('"', True), ("*", True), ("fox*", True), ("-fox", True), ("^fox", True), ("(((", True),
    ("AND", False), ("fox OR", False), ("NEAR(fox river)", False), ("title:fox", False),
    ("fox AND NOT river", False), ("{prompt}: fox", False), ("'; DROP TABLE asset;--", False),
])
def test_any_user_text_is_a_safe_word_query(studio, text, finds):
    """Operators and punctuation are never syntax: they are dropped or searched as plain words."""
    fox = record(studio, prompt="a fox by the river", title="fox")
    answer = studio.search_assets({"query": text}, owner="local")
    assert ids(answer) == ([fox] if finds else [])
    with studio.db.session() as s:
        assert len(s.exec(select(Asset)).all()) == 1


@pytest.mark.parametrize("request_, field", [
    ({"page": 0}, "page"), ({"page": "1"}, "page"), ({"page_size": 500}, "page_size"),
    ({"sort": "best"}, "sort"), ({"since": "2025-13-01"}, "since"), ({"until": "12/11/2025"}, "until"),
    ({"min_duration": float("nan")}, "min_duration"), ({"max_cost": True}, "max_cost"),
    ({"user": "alice"}, "user"), ({"tags": "travel"}, "tags"),
])
def test_bad_search_fields_are_named(studio, request_, field):
    with pytest.raises(InvalidInput) as caught:
        studio.search_assets(request_, owner="local")
    assert caught.value.field == field and str(caught.value).lstrip("`").startswith(field)
    if field == "sort":
        assert "relevance, newest, oldest, cost, duration" in str(caught.value)


def test_index_follows_row_changes_and_deletes(studio):
    asset_id = record(studio, title="Old title", prompt="quiet forest")
    with studio.db.session() as s:
        row = s.get(Asset, asset_id)
        row.title = "Brand new heading"
        s.add(row)
    assert ids(studio.search_assets({"query": "heading"}, owner="local")) == [asset_id]
    assert ids(studio.search_assets({"query": "old title"}, owner="local")) == []
    studio.delete_asset(asset_id, owner="local")
    assert studio.search_assets({"query": "forest"}, owner="local")["total"] == 0


OLD_ASSET_TABLE = """CREATE TABLE asset (id VARCHAR NOT NULL, owner VARCHAR NOT NULL, title VARCHAR NOT NULL,
 path VARCHAR NOT NULL, mime VARCHAR NOT NULL, size_bytes INTEGER NOT NULL, duration_s FLOAT NOT NULL,
 width INTEGER NOT NULL, height INTEGER NOT NULL, fps FLOAT NOT NULL, has_audio BOOLEAN NOT NULL,
 video_codec VARCHAR NOT NULL, poster_path VARCHAR, operation VARCHAR NOT NULL, provider VARCHAR NOT NULL,
 model VARCHAR NOT NULL, settings JSON, prompt VARCHAR NOT NULL, parent_id VARCHAR, job_id VARCHAR,
 estimate_usd FLOAT NOT NULL, actual_usd FLOAT NOT NULL, tags JSON, deleted BOOLEAN NOT NULL,
 created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(parent_id) REFERENCES asset (id))"""


def test_a_library_from_before_search_is_upgraded_and_indexed(studio_home):
    studio_home.mkdir(parents=True)
    conn = sqlite3.connect(studio_home / "studio.db")
    conn.execute(OLD_ASSET_TABLE)
    conn.execute("INSERT INTO asset VALUES ('old1', 'local', 'Old clip', '/x.mp4', 'video/mp4', 10, 2.0, 640, 360,"
                 " 25, 0, 'h264', NULL, 'upload', '', '', '{}', 'a pelican over the dunes', NULL, NULL, 0, 0,"
                 " '[]', 0, '2024-05-01 10:00:00.000000')")
    # A search index of an older layout, with a trigger that no longer fits it.
    conn.execute("CREATE TABLE asset_text (rowid INTEGER PRIMARY KEY, asset_id TEXT, prompt TEXT)")
    conn.execute("CREATE TRIGGER asset_ai AFTER INSERT ON asset BEGIN "
                 "INSERT INTO asset_text (asset_id, no_such_column) VALUES (new.id, new.prompt); END")
    conn.commit()
    conn.close()
    from app import build_studio

    studio = build_studio()
    try:
        assert ids(studio.search_assets({"query": "pelican"}, owner="local")) == ["old1"]
        assert studio.asset("old1", owner=OWNER)["tags"] == ["16:9", "horizontal", "upload"]  # filled in once
        assert ids(studio.search_assets({"aspect": "16:9", "tags": ["upload"]}, owner="local")) == ["old1"]
        new = record(studio, prompt="a pelican diving")
        assert set(ids(studio.search_assets({"query": "pelican"}, owner="local"))) == {"old1", new}
    finally:
        studio.stop()

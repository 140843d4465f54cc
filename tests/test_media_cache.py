"""The derived-media cache: keyed by content, capped with eviction, and safe to clear."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

import core.library.cache as cache_module
from core.library.cache import MediaCache
from tests.helpers import OWNER, edit_preview


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """How often the cache really probed, rendered a strip, a poster or a preview."""
    counter: Counter = Counter()
    for name in ("probe", "frame_strip", "poster", "render"):
        real = getattr(cache_module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            counter[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(cache_module, name, counted)
    return counter


def test_reopening_is_answered_from_the_cache_and_clearing_loses_nothing(studio, clip_factory, calls):
    asset = studio.import_media(clip_factory("walk.mp4", seconds=2, size="640x360"), owner=OWNER)
    assert calls == {"probe": 1, "poster": 1}  # the import probed it and made its poster once

    start = time.perf_counter()
    first = studio.asset_details(asset["id"], owner="local")
    cold = time.perf_counter() - start
    assert calls == {"probe": 1, "poster": 1, "frame_strip": 1}
    start = time.perf_counter()
    again = studio.asset_details(asset["id"], owner="local")
    warm = time.perf_counter() - start
    assert calls == {"probe": 1, "poster": 1, "frame_strip": 1}  # nothing made again
    assert again == first and warm < cold / 3, (warm, cold)
    assert (first["facts"]["width"], first["facts"]["height"]) == (640, 360)
    assert first["facts"]["duration_s"] == pytest.approx(2.0, abs=0.05)
    with Image.open(first["strip"]) as strip:
        strip_size = strip.size
    assert Path(first["strip"]).suffix == ".png" and Path(first["poster"]).suffix == ".jpg"

    stats = studio.media_cache_stats()
    assert stats["entries"] >= 4 and stats["bytes"] > 0
    cleared = studio.clear_media_cache()
    assert cleared["removed"] == stats["entries"] and cleared["entries"] == 0
    assert not Path(first["strip"]).exists()
    assert Path(asset["path"]).exists() and Path(asset["poster"]).exists()  # the library keeps its own

    reopened = studio.asset_details(asset["id"], owner="local")
    assert calls == {"probe": 2, "poster": 2, "frame_strip": 2}
    assert reopened["facts"] == first["facts"] and reopened["asset"] == first["asset"]
    with Image.open(reopened["strip"]) as strip:
        assert strip.size == strip_size
    assert studio.edit.describe(asset["id"], owner=OWNER)["summary"] == first["facts"]["summary"]
    assert calls["probe"] == 2


def test_entries_are_keyed_by_content_not_path(tmp_path, clip_factory, calls):
    cache = MediaCache(tmp_path / "cache", 50_000_000, tmp_path)
    clip = clip_factory("a.mp4", seconds=1)
    copy = tmp_path / "elsewhere.mp4"
    shutil.copyfile(clip, copy)
    assert cache.probe(clip).duration_s == cache.probe(copy).duration_s
    assert cache.probe(copy).path == str(copy)
    assert calls["probe"] == 1
    clip_factory("a.mp4", seconds=2)  # the same path now holds other bytes
    assert cache.probe(clip).duration_s == pytest.approx(2.0, abs=0.05)
    assert calls["probe"] == 2
    cache.close()


def test_a_size_cap_evicts_the_least_recently_used(tmp_path, clip_factory, calls):
    clip = clip_factory("a.mp4", seconds=1, size="640x360")
    heights = list(range(40, 100, 2))  # 30 different one-frame strips
    measure = MediaCache(tmp_path / "measure", 50_000_000, tmp_path)
    sizes = [measure.frame_strip(clip, 1, h).stat().st_size for h in heights[:3]]
    measure.close()
    cap = 32_768 + 12 * max(sizes)  # the empty cache's own file, and about a dozen strips
    cache = MediaCache(tmp_path / "cache", cap, tmp_path)
    made = {}
    for height in heights:
        made[height] = cache.frame_strip(clip, 1, height)
        made[heights[0]] = cache.frame_strip(clip, 1, heights[0])  # the first one stays in use
        assert cache.stats()["bytes"] <= cap + 2 * max(sizes)
    assert made[heights[0]].exists() and made[heights[-1]].exists()
    assert not made[heights[1]].exists() and not made[heights[5]].exists()  # unused, so evicted
    calls.clear()
    for height in (heights[0], heights[-1], heights[-2]):
        cache.frame_strip(clip, 1, height)
    assert calls["frame_strip"] == 0
    cache.frame_strip(clip, 1, heights[1])
    assert calls["frame_strip"] == 1
    cache.close()


def test_previews_of_a_chain_are_cached(studio, clip_factory, calls):
    asset = studio.import_media(clip_factory("p.mp4", seconds=2), owner=OWNER)
    ops = [{"kind": "speed", "factor": 2.0}]
    first = edit_preview(studio, asset["id"], ops, owner=OWNER)
    second = edit_preview(studio, asset["id"], [dict(reversed(list(ops[0].items())))], owner=OWNER)
    assert first == second and calls["render"] == 1 and Path(first["path"]).suffix == ".mp4"
    assert "1.0 s" in first["summary"] or "1.0" in first["summary"]
    edit_preview(studio, asset["id"], [{"kind": "speed", "factor": 0.5}], owner=OWNER)
    assert calls["render"] == 2


def test_the_cap_is_a_setting(studio_home, monkeypatch):
    monkeypatch.setenv("VIDEO_STUDIO_CACHE_MB", "5")
    from app import build_studio

    studio = build_studio()
    try:
        assert studio.media_cache_stats()["size_limit_bytes"] == 5_000_000
    finally:
        studio.stop()


def test_two_threads_missing_the_same_entry_both_get_a_file_that_exists(tmp_path):
    """Jobs with identical outputs ask for the same poster at once: each gets a file that stays."""
    import threading
    import time

    cache = MediaCache(tmp_path / "cache", 50_000_000, tmp_path)

    def make(dest):
        time.sleep(0.3)  # both threads miss before either has stored the entry
        dest.write_bytes(b"poster")

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache._file(("poster", "same", ".jpg"), make)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 2 and all(path.is_file() for path in got), got
    cache.close()

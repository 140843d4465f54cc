"""The GIF size ladder: which width and frame rate to try next for a size target."""

from __future__ import annotations

from core.media.gif_fit import ladder, next_step


def test_ladder_never_grows_and_starts_from_the_first_render():
    steps = ladder(480, 12.5)
    assert steps[0] == (480, 12.5)
    assert all(w <= 480 and f <= 12.5 for w, f in steps) and (120, 5.0) in steps


def test_a_smaller_picture_at_10_fps_beats_a_bigger_one_at_5():
    steps = ladder(480, 12.5)
    assert next_step((480, 12.5), size_bytes=630_000, target_bytes=300_000, steps=steps) == (320, 10.0)


def test_nothing_expected_to_fit_tries_the_smallest_then_gives_up():
    steps = ladder(480, 12.5)
    assert next_step((480, 12.5), size_bytes=10_000_000, target_bytes=1_000, steps=steps) == (120, 5.0)
    assert next_step((120, 5.0), size_bytes=30_000, target_bytes=1_000, steps=steps) is None

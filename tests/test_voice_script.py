"""Scripts split into scenes that fit one run, word timings, and captions timed to speech inside
a platform's safe zone (pysubs2 files, SRT delivery, burned in)."""

from __future__ import annotations

import pysubs2
import pytest

from core.catalog import load_catalog
from core.errors import InvalidInput
from core.media.probe import probe
from core.money.plans import get_plan
from core.platforms import get_platform
from core.voice import captions_from_timings, check_script, plan_scenes, split_sentences, spread_timings
from core.voice.captions import burn_captions, srt_text, styled_captions
from core.voice.timing import Mark, WordTiming, timings_from_marks
from providers.local_voice import synthesize

CATALOG = load_catalog()
SENTENCE = "Our studio turns a single photo and a short script into a presenter for your channel."


def long_script(sentences: int) -> str:
    return " ".join(f"{SENTENCE[:-1]}, part {n}." for n in range(sentences))


def test_sentences_split_at_their_ends_and_at_paragraphs():
    text = 'He said "hi." Then left! Why? Because\n\nA new paragraph… ends here 。Next'
    assert split_sentences(text) == ['He said "hi."', "Then left!", "Why?", "Because", "A new paragraph…",
                                     "ends here 。", "Next"]


def test_a_long_script_becomes_ordered_scenes_that_fit_the_plan_and_the_model():
    script = long_script(40)  # about 3,700 characters, over four minutes of speech
    creator = get_plan("creator")
    scenes = plan_scenes(script, CATALOG.get("infinitetalk"), creator)
    assert len(scenes) > 1 and [s.index for s in scenes] == list(range(len(scenes)))
    assert " ".join(s.text for s in scenes).split() == script.split()
    assert all(s.estimated_s <= 0.9 * creator.max_duration_s for s in scenes)
    assert all(s.text.endswith(".") for s in scenes)  # cut at sentence ends
    studio = plan_scenes(script, CATALOG.get("hunyuan-avatar"), get_plan("studio"))
    assert all(s.estimated_s <= 0.9 * 120 for s in studio) and len(studio) < len(scenes)
    assert len(plan_scenes(SENTENCE, CATALOG.get("infinitetalk"))) == 1


def test_scenes_measured_with_the_offline_voice_fit_the_limit(tmp_path):
    scenes = plan_scenes(long_script(12), CATALOG.get("infinitetalk"), get_plan("free"))  # 10 s runs
    assert len(scenes) >= 4
    for scene in scenes[:3]:
        speech = synthesize(scene.text, tmp_path / f"scene{scene.index}.wav")
        assert speech.duration_s <= 10.0, (scene.text, speech.duration_s)


def test_a_sentence_longer_than_a_run_is_cut_at_clauses_then_words():
    clauses = ", ".join(f"clause number {n} of a very long sentence" for n in range(30)) + "."
    scenes = plan_scenes(clauses, CATALOG.get("infinitetalk"), get_plan("free"))
    assert len(scenes) > 3 and all(len(s.text) <= 10 * 0.9 * 14 for s in scenes)
    chinese = "这是一个没有空格的很长的句子" * 40 + "。"
    parts = plan_scenes(chinese, CATALOG.get("infinitetalk"), get_plan("free"))
    assert all(len(s.text) <= 126 for s in parts) and "".join(s.text for s in parts) == chinese


@pytest.mark.parametrize("script, words", [("", "empty"), ("  ", "empty"), ("x" * 100_000, "100,000 characters")])
def test_empty_and_huge_scripts_are_refused_with_what_to_do(script, words):
    with pytest.raises(InvalidInput) as caught:
        plan_scenes(script, CATALOG.get("infinitetalk"))
    assert caught.value.field == "script" and words in caught.value.message and caught.value.hint
    with pytest.raises(InvalidInput):
        check_script(script)


def test_marks_shared_by_several_words_are_split_by_length():
    text = "Think of the future now."
    marks = [Mark(0, 0.0), Mark(6, 0.5), Mark(13, 1.1), Mark(20, 1.6)]  # "of the" spoken as one unit
    words = timings_from_marks(text, marks, duration_s=2.0, sentence_ends=[1.9])
    assert [w.text for w in words] == text.split()
    assert [w.start for w in words] == pytest.approx([0.0, 0.5, 0.74, 1.1, 1.6], abs=0.01)
    assert words[-1].end == pytest.approx(1.9)


def test_spread_timings_fill_the_measured_length_and_pause_at_sentence_ends():
    words = spread_timings("One two three. Four five six.", 6.0)
    assert words[0].start == 0 and words[-1].end <= 6.0
    gap = words[3].start - words[2].end
    assert gap > words[2].start - words[1].end + 0.2  # the pause after "three."
    with pytest.raises(InvalidInput):
        spread_timings("Hello.", 0.0)


def test_captions_follow_the_words_and_break_at_sentences():
    words = [WordTiming(w, i * 0.4, i * 0.4 + 0.35) for i, w in enumerate(
        "This is the first sentence. And this one is the second, slightly longer sentence here.".split())]
    subs = captions_from_timings(words, max_chars=30)
    texts = [event.plaintext for event in subs]
    assert texts[0] == "This is the first sentence."
    assert " ".join(texts).split() == [w.text for w in words]
    assert all(len(t) <= 30 for t in texts)
    assert subs[0].start == 0 and subs[-1].end == pytest.approx(words[-1].end * 1000, abs=1)
    srt = pysubs2.SSAFile.from_string(srt_text(subs))
    assert [e.plaintext for e in srt] == texts and srt[1].start == subs[1].start


@pytest.mark.parametrize("platform, size", [("tiktok", (1080, 1920)), ("youtube", (1920, 1080)), (None, (1280, 720))])
def test_styled_captions_sit_inside_the_platform_safe_zone(platform, size):
    words = [WordTiming("Hello", 0.0, 0.5), WordTiming("there.", 0.5, 1.0)]
    styled = styled_captions(captions_from_timings(words), *size, platform=platform)
    style = styled.styles["Default"]
    width, height = size
    assert (int(styled.info["PlayResX"]), int(styled.info["PlayResY"])) == size
    if platform:
        safe = get_platform(platform).safe_zone.scaled(width, height)
        assert style.marginl >= safe.left and style.marginr >= safe.right and style.marginv >= safe.bottom
    else:
        assert style.marginv >= 0.10 * height and style.marginl >= 0.05 * width
    assert style.fontname == "DejaVu Sans" and [e.plaintext for e in styled] == ["Hello there."]


def test_captions_burn_into_a_video_keeping_its_sound(tmp_path, clip_factory):
    clip = clip_factory(seconds=2.0, size="320x568")
    words = [WordTiming("Burned", 0.1, 0.9), WordTiming("in.", 0.9, 1.8)]
    info = burn_captions(clip, captions_from_timings(words), tmp_path / "captioned.mp4", platform="tiktok")
    source = probe(clip)
    assert info.has_audio and info.duration_s == pytest.approx(source.duration_s, abs=0.1)
    assert (info.width, info.height) == (320, 568)
    assert not list(tmp_path.glob(".captioned*"))

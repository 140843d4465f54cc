"""`python app.py worker` and VIDEO_STUDIO_QUEUE refuse what cannot work, naming what to set."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cli_worker import worker
from core.jobs.engine import build_runner
from core.jobs.runner import JobRunner
from core.settings import Settings


def test_a_worker_without_the_shared_queue_says_what_to_set(studio_home, monkeypatch, capsys):
    monkeypatch.delenv("VIDEO_STUDIO_QUEUE", raising=False)
    assert worker([], Settings()) == 2
    assert "VIDEO_STUDIO_QUEUE" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--lanes", "gpu"], ["--lanes", ","], ["--concurrency", "0"]])
def test_a_worker_refuses_unknown_lanes_and_counts(studio_home, monkeypatch, capsys, args):
    monkeypatch.setenv("VIDEO_STUDIO_QUEUE", "redis://127.0.0.1:9/0")
    assert worker(args, Settings()) == 2
    err = capsys.readouterr().err
    assert ("--lanes" in err and "io" in err) or "--concurrency" in err


def test_the_queue_setting_takes_a_redis_url_or_nothing(studio_home, monkeypatch):
    monkeypatch.setenv("VIDEO_STUDIO_QUEUE", "http://127.0.0.1:6379")
    with pytest.raises(ValidationError, match="Redis URL"):
        Settings()
    monkeypatch.setenv("VIDEO_STUDIO_QUEUE", "in-process")
    assert Settings().queue == ""


def test_the_default_runs_jobs_in_this_process(studio_home, monkeypatch):
    monkeypatch.delenv("VIDEO_STUDIO_QUEUE", raising=False)
    assert isinstance(build_runner(Settings(), store=None), JobRunner)

"""The team's monthly cap (VIDEO_STUDIO_TEAM_BUDGET_USD) under concurrency: ten accounts asking at
the same moment against a cap that fits five send exactly five, whichever five win the race."""

from __future__ import annotations

import threading

from sqlmodel import select

from core.library.models import LedgerEntry
from tests.helpers import wait_for_job

T2V = "alibaba/wan-2.5/text-to-video"
RUN_050 = {"prompt": "a red kite", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "720p", "duration": 5}


def test_ten_accounts_in_parallel_against_a_team_cap_that_fits_five_send_exactly_five(vendor, studio_factory):
    base, fake = vendor
    studio = studio_factory(base, VIDEO_STUDIO_TEAM_BUDGET_USD="2.50")
    owners = [f"member{n}" for n in range(10)]
    assert studio.estimate(RUN_050, owner=owners[0])["max_usd"] == 0.5
    gate = threading.Barrier(len(owners))
    answers: dict[str, dict] = {}

    def one(owner: str) -> None:
        gate.wait()
        answers[owner] = studio.create(RUN_050, owner=owner)

    threads = [threading.Thread(target=one, args=(owner,)) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started = {o: a for o, a in answers.items() if a["ok"]}
    assert len(started) == 5, [a.get("message") for a in answers.values()]
    assert all("team" in a["message"] for a in answers.values() if not a["ok"])
    for owner, answer in started.items():
        job = wait_for_job(studio, answer["job_ids"][0], owner=owner)
        assert job["status"] == "succeeded", job["error"]
    assert fake.submits[T2V] == 5
    with studio.db.session() as s:
        held = list(s.exec(select(LedgerEntry)))
    assert sorted(e.owner for e in held) == sorted(started)
    assert sum(e.actual_usd for e in held) == 2.5


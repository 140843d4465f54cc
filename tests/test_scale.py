"""The studio past one machine, on loopback: Postgres, Redis and an S3 server started from pip
packages; two web processes (`python app.py serve`) and two workers (`python app.py worker`),
each with its own home. 40 jobs (offline drafts, local edits, paid jobs against the fake
WaveSpeed) go in through both web processes' APIs; one worker is killed with SIGKILL mid-job.
Every job succeeds, every paid job is sent exactly once, every output is in the bucket and
listed by both web processes, and no media file stays in a worker's scratch folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from core.db import Database
from core.library.models import Asset, Job
from tests.servers import free_port
from tests.test_queue_workers import wait_for

pytestmark = pytest.mark.scale
ROOT = Path(__file__).resolve().parent.parent
T2V = "alibaba/wan-2.5/text-to-video"
PAID = {"prompt": "a kite", "model": "wan-2.5-t2v", "aspect": "16:9", "resolution": "480p", "duration": 5}
DRAFT = {"prompt": "a lighthouse", "model": "local-draft-t2v", "aspect": "16:9", "resolution": "480p", "duration": 2}
EDIT_OPS = [{"kind": "trim", "start": 0.2, "end": 1.0}, {"kind": "color_grade", "preset": "cool"}]
MEDIA_SUFFIXES = {".mp4", ".m4a", ".wav", ".mp3", ".webm", ".mov", ".jpg", ".png", ".part"}
TERMINAL = {"succeeded", "failed", "cancelled", "needs-attention"}


def start(command: list[str], env: dict[str, str], home: Path, log: Path, **extra: str) -> subprocess.Popen:
    """`python app.py <command>`; its errors go to `log` (shown when the test fails)."""
    full = {**os.environ, **env, "VIDEO_STUDIO_HOME": str(home), **extra}
    full.pop("PYTEST_CURRENT_TEST", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as err:
        return subprocess.Popen([sys.executable, "app.py", *command], cwd=ROOT, env=full, stdout=subprocess.PIPE,
                                stderr=err, text=True, start_new_session=True)


def web_ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/video-studio/providers", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def view(base: str, job_id: str) -> dict:
    return rest(base, "GET", f"/jobs/{job_id}")


def rest(base: str, method: str, path: str, **kwargs) -> dict | list:
    response = httpx.request(method, f"{base}/api/video-studio{path}", timeout=60, **kwargs)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def test_two_web_two_workers_forty_jobs_one_worker_killed(tmp_path, postgres_url, redis_url, s3_bucket, vendor,
                                                          clip_factory):
    from gradio_client import Client, handle_file

    s3, bucket = s3_bucket
    base_url, fake = vendor
    fake.behave(T2V, download_delay_s=2.0, steps=["created"] + ["processing"] * 8 + ["completed"])
    env = {"VIDEO_STUDIO_DATABASE_URL": postgres_url, "VIDEO_STUDIO_QUEUE": redis_url,
           "VIDEO_STUDIO_MEDIA_URL": f"s3://{bucket}/studio", **s3.env(),
           "WAVESPEED_API_KEY": "test-key", "WAVESPEED_BASE_URL": base_url, "VIDEO_STUDIO_PLAN": "studio",
           "VIDEO_STUDIO_MIN_POLL_S": "0.1", "VIDEO_STUDIO_MAX_POLL_S": "0.2", "VIDEO_STUDIO_TEST_MODE": "1",
           "VIDEO_STUDIO_LINK_SECRET": "scale-test-secret", "LOG_LEVEL": "WARNING"}
    ports = [free_port(), free_port()]
    logs = tmp_path / "logs"
    webs = [start(["serve"], env, tmp_path / f"web-{i}", logs / f"web-{i}.log", GRADIO_SERVER_PORT=str(port),
                  GRADIO_SERVER_NAME="127.0.0.1") for i, port in enumerate(ports)]
    homes = [tmp_path / f"worker-{i}" for i in range(2)]
    workers = [start(["worker", "--concurrency", "3"], env, home, logs / f"worker-{i}.log")
               for i, home in enumerate(homes)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for proc in workers:
            assert "lanes io, render" in proc.stdout.readline()
        for base, proc in zip(bases, webs):
            wait_for(lambda b=base, p=proc: p.poll() is None and web_ready(b), 120, f"the web process at {base}")
        clients = [Client(base + "/", verbose=False) for base in bases]
        source = clients[0].predict(handle_file(str(clip_factory("source.mp4", seconds=1.5, size="320x180"))),
                                    "source", api_name="/import")
        with Database(postgres_url).session() as s:
            source_path = s.get(Asset, source["id"]).path

        paid, other, refused = [], [], []

        def send_all() -> None:  # through both web processes, while the workers run
            for index in range(40):
                base, client = bases[index % 2], clients[index % 2]
                kind = ("paid", "draft", "edit")[index % 3]
                try:
                    if kind == "edit":
                        ops = [{**EDIT_OPS[0], "end": 1.0 + index / 100}, EDIT_OPS[1]]
                        other.append(client.predict({"asset_id": source["id"], "ops": ops, "operation": "edit"},
                                                    api_name="/edit")["job_id"])
                        continue
                    request = {**PAID, "prompt": f"kite {index}"} if kind == "paid" else {**DRAFT,
                                                                                          "prompt": f"tower {index}"}
                    answer = rest(base, "POST", "/create", json=request)
                    (paid if kind == "paid" else other).extend(answer["job_ids"])
                except Exception as exc:  # noqa: BLE001  (reported by the main thread)
                    refused.append(repr(exc))

        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        db = Database(postgres_url)

        def claimed_paid_download() -> str | None:
            with db.session() as s:
                return s.exec(select(Job.claimed_by).where(Job.status == "downloading", Job.provider == "wavespeed",
                                                           col(Job.claimed_by).is_not(None))).first()

        holder = wait_for(claimed_paid_download, 180, "a worker mid-download of a paid job")
        victim = next(p for p in workers if holder.split(":")[1] == str(p.pid))
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(10)
        with db.session() as s:
            orphans = list(s.exec(select(Job.id, Job.provider).where(Job.claimed_by == holder)))
        assert orphans, "the killed worker held jobs mid-step"

        def held_by_the_dead() -> list[str]:
            with db.session() as s:
                return list(s.exec(select(Job.id).where(Job.claimed_by == holder)))

        wait_for(lambda: not held_by_the_dead(), 60, "the other worker to take the killed worker's jobs over")
        paid_orphans = [j for j, provider in orphans if provider == "wavespeed"]
        wait_for(lambda: all(view(bases[0], j)["status"] == "succeeded" for j in paid_orphans), 60,
                 "the killed worker's paid jobs to be finished by the other (60 s)")
        taken_over_s = time.monotonic() - killed_at
        sender.join(120)
        assert not refused and len(paid) == 14 and len(other) == 26, refused
        job_ids = paid + other
        wait_for(lambda: all(view(bases[i % 2], j)["status"] in TERMINAL for i, j in enumerate(job_ids)),
                 180, "every job to end")
        views = [view(bases[0], j) for j in job_ids]
        assert [v["status"] for v in views] == ["succeeded"] * 40, [(v["status"], v["error"]) for v in views]
        assert fake.submits[T2V] == len(paid), "every paid job is sent exactly once, the killed worker's too"
        assert taken_over_s < 60
        outputs = {v["asset_id"] for v in views}
        assert len(outputs) == 40
        for base, client in zip(bases, clients):
            assert outputs <= {a["id"] for a in rest(base, "GET", "/assets")}, f"{base} does not list every output"
            listed = client.predict({"page_size": 100}, api_name="/assets")
            assert listed["total"] == 41, "the 40 outputs and the imported source"
            bad = [(i["operation"], i["file_path"]) for i in listed["items"] if not i["file_path"].startswith("http")]
            assert not bad, bad
            for item in listed["items"]:  # each file_path is the bucket's (presigned) URL of the object
                fetched = httpx.get(item["file_path"], timeout=30)
                assert fetched.status_code == 200 and len(fetched.content) > 1000, item["file_path"]
        assert len(s3.keys(bucket, "studio/")) >= 41, "every output (and the imported source) is in the bucket"
        for home in [h for h, proc in zip(homes, workers) if proc is not victim]:  # the killed one's is left as it died
            scratch = [p for p in (home / "work").rglob("*") if p.is_file() and p.suffix in MEDIA_SUFFIXES]
            assert scratch == [], f"media left in a worker's scratch: {scratch}"
            kept = [p.name for p in (home / "media").rglob("*") if p.is_file()]
            assert set(kept) <= {Path(source_path).name}, f"outputs kept by a worker: {kept}"  # an input copy may stay
    finally:
        for proc in workers + webs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in workers + webs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

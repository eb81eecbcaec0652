"""The throwaway PostgreSQL cluster the storage, durability and benchmark code run against."""

from __future__ import annotations

import os

import pytest
from pg_cluster import ENV_VAR, PostgresCluster, find_bindir


def test_session_cluster_url_is_exported_and_accepts_writes(postgres_url):
    sa = pytest.importorskip("sqlalchemy")

    assert os.environ[ENV_VAR] == postgres_url
    assert postgres_url.startswith("postgresql+psycopg://")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE IF NOT EXISTS cluster_probe (id serial PRIMARY KEY, body text)"
                )
            )
            conn.execute(sa.text("INSERT INTO cluster_probe (body) VALUES ('é ✓')"))
        with engine.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT body FROM cluster_probe ORDER BY id DESC LIMIT 1")
                ).scalar()
                == "é ✓"
            )
            assert conn.execute(sa.text("SHOW fsync")).scalar() == "on"
    finally:
        engine.dispose()


@pytest.mark.skipif(
    find_bindir() is None, reason="PostgreSQL server binaries not installed"
)
def test_a_cluster_runs_as_a_non_root_user_and_leaves_nothing_behind():
    sa = pytest.importorskip("sqlalchemy")

    with PostgresCluster(database="probe") as cluster:
        root = cluster.root
        assert (cluster.data / "PG_VERSION").is_file()
        if os.geteuid() == 0:
            assert cluster.owner in ("postgres", "nobody")
            assert cluster.data.stat().st_uid != 0
        other = cluster.create_database("second")
        engine = sa.create_engine(other)
        try:
            with engine.connect() as conn:
                assert (
                    conn.execute(sa.text("SELECT current_database()")).scalar()
                    == "second"
                )
                assert (
                    conn.execute(sa.text("SELECT current_user")).scalar() == "postgres"
                )
        finally:
            engine.dispose()
    assert not root.exists()

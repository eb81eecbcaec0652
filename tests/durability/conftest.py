"""Durability fixtures: a database per backend with one case manager, a token and a claim, made through the
application layer before the server starts (the server then finds a database that is not new)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from .harness import provision, serve_command_exists


@pytest.fixture(scope="session")
def serve_available() -> None:
    if not serve_command_exists():
        pytest.skip("`noteassist serve` does not exist in this checkout yet; nothing to start and kill")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path):
    """A fresh, provisioned database: a SQLite file, or a throwaway PostgreSQL cluster of the test's own (so
    a test may crash the database server too without touching the session's cluster)."""
    if request.param == "sqlite":
        yield provision(f"sqlite:///{tmp_path / 'durability.db'}")
        return
    from pg_cluster import PostgresCluster, PostgresUnavailable

    try:
        cluster = PostgresCluster().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unavailable in CI (`make test` installs it): {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    try:
        yield replace(provision(cluster.url), cluster=cluster)
    finally:
        cluster.stop()

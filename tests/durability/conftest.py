"""Durability fixtures: a database per backend with one case manager, a token and a claim, made through the
application layer before the server starts (the server then finds a database that is not new)."""

from __future__ import annotations

import itertools

import pytest

from .harness import Provisioned, provision, serve_command_exists

_names = itertools.count(1)


@pytest.fixture(scope="session")
def serve_available() -> None:
    if not serve_command_exists():
        pytest.skip("`noteassist serve` does not exist in this checkout yet; nothing to start and kill")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Provisioned:
    """A fresh, provisioned database on SQLite (a file) or on the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'durability.db'}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        if cluster is None:
            pytest.skip("NOTEASSIST_TEST_POSTGRES_URL names an outside server; fresh databases need the test cluster")
        url = cluster.create_database(f"durability_{next(_names)}")
    return provision(url)

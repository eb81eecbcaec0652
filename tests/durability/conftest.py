"""Durability fixtures: a database per backend with one case manager, a token and a claim, made through the
application layer before the server starts (the server then finds a database that is not new)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from .harness import serve_command_exists

_names = itertools.count(1)


@dataclass
class Provisioned:
    url: str
    token: str
    claim_id: int


@pytest.fixture(scope="session")
def serve_available() -> None:
    if not serve_command_exists():
        pytest.skip("`noteassist serve` does not exist in this checkout yet; nothing to start and kill")


def provision(url: str) -> Provisioned:
    """Schema, a case manager with a token, and a claim assigned to them."""
    from noteassist.app import accounts, caseload
    from noteassist.storage import make_engine, session_factory, upgrade

    upgrade(url)
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with sessions() as session, session.begin():
            admin = accounts.create_user(session, None, "durability-admin", "admin")
            supervisor = accounts.create_user(session, admin, "durability-supervisor", "supervisor")
            accounts.create_user(session, admin, "durability-cm", "case_manager")
            _, token = accounts.create_token(session, admin, "durability-cm", "durability")
            claim = caseload.create_claim(
                session, supervisor, "WC-0000-0001", "Test Claimant", {}, assigned_to=["durability-cm"]
            )
            claim_id = claim.id
    finally:
        engine.dispose()
    return Provisioned(url, token, claim_id)


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

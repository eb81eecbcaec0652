"""Helpers for the API tests: a migrated SQLite database in a temporary folder, one user (and token) of each
role, and the app under FastAPI's TestClient, started (lifespan run, model loaded) once per test module.

`BACKENDS` runs a module's tests on SQLite and on PostgreSQL (the session's throwaway cluster, tests/conftest.py;
skipped where PostgreSQL is not installed, an error in CI): `pytestmark = BACKENDS`.

tests/service is a package (its conftest.py is `service.conftest`, never the `conftest` that other test
modules import from tests/); its modules import these helpers as `.service_api`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CLAIM = EXAMPLES / "claims" / "WC-2231-0457"

#: username -> role; two case managers, so one can be kept out of the other's caseload.
PEOPLE = {"root": "admin", "sue": "supervisor", "alice": "case_manager", "bob": "case_manager",
          "audrey": "auditor"}


def facts_json(path: str | Path) -> dict:
    """A visit-facts (or claim) file as the JSON a client would post: read with the project's own loader
    (times such as 9:30 stay text; plain YAML would read them as numbers), dates as ISO strings."""
    from noteassist.facts.load import read_facts_data

    return json.loads(json.dumps(read_facts_data(str(path))[1], default=str))


def claim_json(folder: Path = CLAIM) -> dict:
    """claim.yaml as JSON, read as the report reads it."""
    return facts_json(folder / "claim.yaml")


def make_database(folder: Path, url: str | None = None) -> tuple[str, dict[str, str]]:
    """A migrated database (`url`, an empty one; default: SQLite in `folder`) with one user of each role;
    (URL, username -> bearer token)."""
    from noteassist.app import accounts
    from noteassist.storage import make_engine, session_factory, upgrade

    url = url or f"sqlite:///{folder / 'service.db'}"
    upgrade(url)
    engine = make_engine(url)
    tokens = {}
    try:
        with session_factory(engine)() as session, session.begin():
            for username, role in PEOPLE.items():
                accounts.create_user(session, None, username, role, display_name=username.title())
                tokens[username] = accounts.create_token(session, None, username, "tests")[1]
    finally:
        engine.dispose()
    return url, tokens


def wait_ready(client: TestClient, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get("/readyz")
        if response.status_code == 200:
            return
        assert response.status_code == 503, response.text
        time.sleep(0.1)
    raise AssertionError("the service did not become ready")


#: A test module's mark: its `api` (module scope) on SQLite, then on a fresh PostgreSQL database.
BACKENDS = pytest.mark.parametrize(
    "api", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True, scope="module")


def postgres_database(request, name: str) -> str:
    """The URL of an empty PostgreSQL database for one test module: a new database on the session's cluster,
    or (a server named by $NOTEASSIST_TEST_POSTGRES_URL from outside) that one, emptied first."""
    import re

    cluster = request.getfixturevalue("postgres_cluster")  # skips when PostgreSQL is absent, fails in CI
    if cluster is not None:
        return cluster.create_database(re.sub(r"\W", "_", name).lower()[:60])
    import os

    from storage.fixtures import ENV_VAR, _reset_postgres

    url = os.environ[ENV_VAR]
    _reset_postgres(url)
    return url


@dataclass
class Api:
    """A started app and the tokens of its users: `api.get("alice", "/v1/claims")`."""

    client: TestClient
    tokens: dict[str, str]
    url: str
    extra: dict = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def request(self, method: str, who: str | None, path: str, **kwargs):
        return self.client.request(method, path, headers={**self.headers(who), **kwargs.pop("headers", {})},
                                   **kwargs)

    def get(self, who, path, **kwargs):
        return self.request("GET", who, path, **kwargs)

    def post(self, who, path, **kwargs):
        return self.request("POST", who, path, **kwargs)

    def put(self, who, path, **kwargs):
        return self.request("PUT", who, path, **kwargs)

    def delete(self, who, path, **kwargs):
        return self.request("DELETE", who, path, **kwargs)


def start_api(folder: Path, url: str | None = None, **settings):
    """Build and start an app on a new database (`url`, empty; default: SQLite in `folder`); yields an Api (use
    as a generator fixture body)."""
    from noteassist.service import create_app
    from noteassist.settings import Settings

    url, tokens = make_database(folder, url)
    app = create_app(Settings(database_url=url, **settings))
    with TestClient(app) as client:
        wait_ready(client)
        yield Api(client, tokens, url)


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]["code"]


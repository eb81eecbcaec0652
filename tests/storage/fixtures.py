"""Database fixtures for storage and app tests: a migrated database per test, on SQLite and PostgreSQL.

`db_url` is parametrised: "sqlite" is a file in tmp_path; "postgresql" is the session's throwaway cluster
(tests/conftest.py `postgres_url`, or $NOTEASSIST_TEST_POSTGRES_URL), skipped when PostgreSQL is not
available. The PostgreSQL database is shared by the session, so each test starts from `base` (no tables)
and leaves it there.

Import them into a test module: `from storage.fixtures import db_url, engine, session, people  # noqa: F401`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import inspect, text

from noteassist.storage import downgrade, make_engine, session_factory, upgrade

ENV_VAR = "NOTEASSIST_TEST_POSTGRES_URL"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        downgrade(engine, "base")
        with engine.begin() as connection:
            # A test may have dropped a guard by hand; nothing of the schema may survive into the next one.
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            connection.execute(text("DROP FUNCTION IF EXISTS noteassist_refuse_change() CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database's URL (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'noteassist.db'}"
        return
    url = os.environ.get(ENV_VAR)
    if not url:
        try:
            url = request.getfixturevalue("postgres_url")
        except pytest.FixtureLookupError:
            pytest.skip(f"PostgreSQL: set {ENV_VAR}")
    _reset_postgres(url)
    yield url
    _reset_postgres(url)


@pytest.fixture
def engine(db_url):
    """An engine on a database migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def Session(engine):
    return session_factory(engine)


@dataclass
class People:
    admin: object
    supervisor: object
    alice: object  # a case manager
    bob: object  # another case manager
    auditor: object


@pytest.fixture
def people(Session) -> People:
    """One user of each role (two case managers), made by the command-line administrator (actor None)."""
    from noteassist.app.accounts import create_user

    with Session() as session, session.begin():
        users = [create_user(session, None, name, role, display_name=name.title())
                 for name, role in (("root", "admin"), ("sue", "supervisor"), ("alice", "case_manager"),
                                    ("bob", "case_manager"), ("audrey", "auditor"))]
    return People(*users)

"""The API tests' fixture: one started app per test module (helpers in service_api.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from .service_api import postgres_database, start_api


@pytest.fixture(scope="module")
def api(request, tmp_path_factory):
    """One started app per test module, on its own database: SQLite, or PostgreSQL in a module marked
    `pytestmark = BACKENDS` (service_api.py)."""
    backend = getattr(request, "param", "sqlite")
    url = postgres_database(request, f"api_{request.module.__name__}") if backend == "postgresql" else None
    yield from start_api(tmp_path_factory.mktemp("service"), url)

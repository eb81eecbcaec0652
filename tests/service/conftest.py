"""The API tests' fixture: one started app per test module (helpers in service_api.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from .service_api import start_api


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """One started app per test module, on its own database."""
    yield from start_api(tmp_path_factory.mktemp("service"))

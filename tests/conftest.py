"""Shared fixtures. Every test runs with the network blocked: notes hold health
information and noteassist must work on machines with no internet (textstat's
syllable data, the spaCy model and templates all come from installed packages)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True, scope="session")
def block_network():
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if sock.family == getattr(socket, "AF_UNIX", None):
            return real_connect(sock, address)
        raise NetworkBlocked(f"test tried to reach the network: {address!r}")

    socket.socket.connect = guarded_connect
    yield
    socket.socket.connect = real_connect


@pytest.fixture(scope="session")
def linter():
    """One linter (one spaCy pipeline) for the whole session, all rules enabled."""
    from noteassist.lint import Linter

    return Linter()


def require_libreoffice() -> None:
    """Skip without LibreOffice and poppler, except in CI, where `make test` installs them and their absence fails."""
    import os
    import shutil

    missing = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing in CI: `make test` should have installed it")
        pytest.skip(f"{', '.join(missing)} not installed; cannot check the rendered document")


def pdf_text(docx, out_dir) -> str:
    """The text of DOCX as LibreOffice prints it (through noteassist's own PDF conversion), via pdftotext."""
    import subprocess

    from noteassist.export.pdf import convert_to_pdf

    require_libreoffice()
    pdf = convert_to_pdf(docx, out_dir)
    result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return result.stdout.decode("utf-8", "replace")


# --- PostgreSQL: one throwaway cluster per session (tests/pg_cluster.py), started only when a selected test
# uses the `postgres_url`/`postgres_cluster` fixture or carries the `postgres` marker. Its URL is exported as
# $NOTEASSIST_TEST_POSTGRES_URL before the first test runs; a URL already in that variable is used instead.
_PG_FIXTURES = {"postgres_url", "postgres_cluster"}


def _wants_postgres(item) -> bool:
    return bool(_PG_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("postgres") is not None


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's throwaway cluster (None when $NOTEASSIST_TEST_POSTGRES_URL names an outside server)."""
    import os

    from pg_cluster import ENV_VAR, PostgresCluster, PostgresUnavailable

    if os.environ.get(ENV_VAR):
        yield None
        return
    try:
        cluster = PostgresCluster().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unavailable in CI (`make test` installs it): {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    os.environ[ENV_VAR] = cluster.url
    try:
        yield cluster
    finally:
        os.environ.pop(ENV_VAR, None)
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """A `postgresql+psycopg://` URL of an empty database on the session's cluster."""
    import os

    from pg_cluster import ENV_VAR

    return os.environ[ENV_VAR]


@pytest.fixture(autouse=True, scope="session")
def _export_postgres_url(request):
    if any(_wants_postgres(item) for item in request.session.items):
        try:
            request.getfixturevalue("postgres_cluster")
        except pytest.skip.Exception:
            pass  # each test that needs it is skipped with the reason when it asks for the fixture
    yield


@pytest.fixture
def loopback_network(monkeypatch):
    """Let this test connect to 127.0.0.1/::1 (a server it started itself); every other address stays blocked."""
    import ipaddress

    guarded = socket.socket.connect
    unguarded = socket.socket.__mro__[1].connect  # _socket.socket.connect, beneath the session's guard

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                if ipaddress.ip_address(address[0]).is_loopback:
                    return unguarded(sock, address)
            except ValueError:
                pass  # a host name: the guard decides
        return guarded(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)

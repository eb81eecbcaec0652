"""`noteassist serve` for real: a subprocess on a loopback port, the database created at start-up, /healthz at once,
/readyz 503 until the model is loaded and 200 after, two workers each answering, the log free of queries."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

NOTEASSIST = Path(sys.executable).with_name("noteassist")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait(port: int, path: str, process: subprocess.Popen, timeout: float = 120) -> list[int]:
    """Poll `path` until it answers 200; every status seen on the way."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            status, _ = _get(port, path)
            seen.append(status)
            if status == 200:
                return seen
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{path} never answered 200: {seen[-5:]}")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_creates_the_database_and_answers_health_then_readiness(tmp_path, loopback_network, workers):
    port = _free_port()
    db = tmp_path / "data" / "service.db"
    db.parent.mkdir()
    log = tmp_path / "server.log"
    command = [str(NOTEASSIST), "serve", "--db", f"sqlite:///{db}", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, "NOTEASSIST_REQUEST_TIMEOUT_SECONDS": "20"})
    try:
        assert _wait(port, "/healthz", process, timeout=60)[-1] == 200
        seen = _wait(port, "/readyz", process)
        assert db.is_file(), "the schema is created at start-up"
        if workers == 1:
            assert 503 in seen, "readiness waits for the model"  # healthz answered before the model was in
        status, body = _get(port, "/v1/claims?claimant=Maria+Diaz")
        assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
        status, body = _get(port, "/openapi.json")
        assert status == 200 and "/v1/render" in json.loads(body)["paths"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    assert "GET /v1/claims 401" in text and "Maria" not in text and "claimant=" not in text

"""A real `noteassist serve` in a subprocess, a small HTTP client for it, and the worker behind a connection.

Shared by the durability tests and bench/service.py. The client is http.client on loopback, one
request per call, so a server killed mid-request shows up as an exception (the save is unacknowledged)
rather than a hang; the caller decides what was acknowledged.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[2]
NOTEASSIST = Path(sys.executable).with_name("noteassist")
EXAMPLE_CLAIM = ROOT / "examples" / "claims" / "WC-2231-0457" / "claim.yaml"


def free_port() -> int:
    """A loopback port nothing listens on now (binding is not connecting: the suite's network guard allows it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command_exists() -> bool:
    """Whether this checkout's CLI has `serve` yet (the durability tests skip, saying so, until it does)."""
    result = subprocess.run(
        [str(NOTEASSIST), "serve", "--help"], check=False, capture_output=True, text=True, timeout=60
    )
    return result.returncode == 0


class ServerDied(RuntimeError):
    pass


class ServerProcess:
    """`noteassist serve --db URL --port P [--workers N]` in its own process group, killed with SIGKILL."""

    def __init__(self, db_url: str, *, workers: int = 1, port: int | None = None, env: dict | None = None):
        self.db_url = db_url
        self.workers = workers
        self.port = port or free_port()
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="na-serve-", suffix=".log")[1])
        self.starts = 0

    def start(self, ready_timeout: float = 180.0, ready_path: str = "/readyz") -> Self:
        """Start and wait until `ready_path` answers 200: /readyz once the model is loaded, /healthz as soon as
        the database is open (uvicorn answers only after the app's start-up opened it)."""
        command = [str(NOTEASSIST), "serve", "--db", self.db_url, "--port", str(self.port)]
        if self.workers != 1:
            command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self.starts += 1
        try:
            self.wait_ready(ready_timeout, ready_path)
        except BaseException:  # not ready, or the run interrupted: leave no server behind
            self.kill()
            raise
        return self

    def wait_ready(self, timeout: float, path: str = "/readyz") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerDied(f"server exited with {self.process.returncode} before ready:\n{self.log_tail()}")
            try:
                status, _ = request(self.port, "GET", path, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise ServerDied(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def signal_kill(self) -> None:
        """SIGKILL the whole process group: a multi-worker server's supervisor and every worker, no clean-up."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def reap(self) -> None:
        """Wait for the killed server to be gone and its port free again."""
        if self.process is None:
            return
        self.process.wait(timeout=30)
        # Workers die with the group; wait until every one is gone, then for the kernel to drop the socket.
        deadline = time.monotonic() + 10
        while _pids_in_group(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._wait_port_free()
        self.process = None

    def kill(self) -> None:
        self.signal_kill()
        self.reap()

    def _wait_port_free(self, timeout: float = 10.0) -> None:
        # Workers in the group die with it, but give the kernel a moment to drop the listening socket.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", self.port))
                    return
                except OSError:
                    time.sleep(0.05)

    def stop(self) -> None:
        self.kill()

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)


def request(
    port: int,
    method: str,
    path: str,
    body: object = None,
    *,
    token: str | None = None,
    timeout: float = 30.0,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, object]:
    """One request; returns (status, parsed JSON or raw bytes). Raises OSError/HTTPException if the server died."""
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    finally:
        if connection is None:
            conn.close()
    if response.getheader("Content-Type", "").startswith("application/json"):
        return response.status, json.loads(raw)
    return response.status, raw


# -- which worker process holds a connection (proof that two workers served two clients) ------------------


def die_with_parent() -> None:
    """In the child before exec: SIGTERM it when the process that started it dies (Linux prctl), so a test
    run killed with SIGKILL leaves no `noteassist serve` behind holding a port and a database."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(frozen=True)
class _TcpEntry:
    local: tuple[str, int]
    remote: tuple[str, int]
    inode: int


def _tcp_entries() -> list[_TcpEntry]:
    entries = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        entries.append(_TcpEntry(_hex_address(fields[1]), _hex_address(fields[2]), int(fields[9])))
    return entries


def _hex_address(text: str) -> tuple[str, int]:
    host, port = text.split(":")
    octets = bytes.fromhex(host)[::-1]  # /proc/net/tcp writes IPv4 addresses little-endian
    return ".".join(str(b) for b in octets), int(port, 16)


def _pids_in_group(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


def worker_of(connection: http.client.HTTPConnection, server: ServerProcess) -> int | None:
    """The pid of the server process holding the far end of this open client connection."""
    if connection.sock is None:
        return None
    client_port = connection.sock.getsockname()[1]
    inodes = {
        e.inode
        for e in _tcp_entries()
        if e.local == ("127.0.0.1", server.port) and e.remote == ("127.0.0.1", client_port) and e.inode
    }
    for pid in _pids_in_group(server.process.pid):
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:[") and int(target[8:-1]) in inodes:
                    return pid
        except (FileNotFoundError, PermissionError):
            continue
    return None


def connections_to_workers(server: ServerProcess, count: int, attempts: int = 100) -> list[http.client.HTTPConnection]:
    """Open keep-alive connections until `count` are held by different worker processes; close the rest."""
    by_worker: dict[int, http.client.HTTPConnection] = {}
    spare = []
    for _ in range(attempts):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        pid = worker_of(conn, server)
        if pid is not None and pid not in by_worker:
            by_worker[pid] = conn
            if len(by_worker) == count:
                break
        else:
            spare.append(conn)
    for conn in spare:
        conn.close()
    assert len(by_worker) == count, f"connections reached {len(by_worker)} process(es), not {count} workers"
    if count > 1:
        assert server.process.pid not in by_worker, "the supervisor itself answered: not a multi-worker server"
    return list(by_worker.values())


def wait_every_worker_ready(server: ServerProcess, timeout: float = 180.0) -> None:
    """/readyz from each worker process in turn (one answering 200 says nothing about the others' models)."""
    deadline = time.monotonic() + timeout
    for conn in connections_to_workers(server, server.workers):
        try:
            while request(server.port, "GET", "/readyz", connection=conn)[0] != 200:
                if time.monotonic() > deadline:
                    raise ServerDied(f"a worker's model not loaded after {timeout:.0f} s:\n{server.log_tail()}")
                time.sleep(0.1)
        finally:
            conn.close()


# -- the draft endpoints the durability tests and the benchmark drive ---------------------------------------


class SaveConflict(Exception):
    """409: the save named a version that is no longer the draft's current one."""

    def __init__(self, current_version: int):
        super().__init__(f"stale base version; current is {current_version}")
        self.current_version = current_version


class DraftApi:
    """The service's draft routes, seen from a client holding one API token."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.token = token

    def _call(self, method: str, path: str, body: object = None, connection=None) -> tuple[int, object]:
        return request(self.port, method, path, body, token=self.token, connection=connection)

    def create_draft(self, claim_id: int, text: str) -> tuple[int, int]:
        status, body = self._call("POST", f"/v1/claims/{claim_id}/drafts", {"text": text})
        assert status == 201, (status, body)
        return body["id"], body["version"]

    def save(self, draft_id: int, base_version: int, text: str, connection=None) -> int:
        """Autosave `text` on top of `base_version`; the new version number, or SaveConflict."""
        status, body = self._call(
            "PUT", f"/v1/drafts/{draft_id}", {"base_version": base_version, "text": text}, connection
        )
        if status == 409:
            return_conflict = body["error"]["current_version"]
            raise SaveConflict(return_conflict)
        assert status in (200, 201), (status, body)
        return body["version"]

    def current_version(self, draft_id: int) -> int:
        status, body = self._call("GET", f"/v1/drafts/{draft_id}")
        assert status == 200, (status, body)
        return body["version"]

    def version_numbers(self, draft_id: int) -> list[int]:
        status, body = self._call("GET", f"/v1/drafts/{draft_id}/versions")
        assert status == 200, (status, body)
        return [item["version"] for item in body]

    def version_text(self, draft_id: int, number: int) -> str:
        status, body = self._call("GET", f"/v1/drafts/{draft_id}/versions/{number}")
        assert status == 200, (status, body)
        return body["text"]

    def versions(self, draft_id: int) -> dict[int, str]:
        """Every stored version of the draft with its text, read back one by one."""
        texts = {}
        for number in self.version_numbers(draft_id):
            texts[number] = self.version_text(draft_id, number)
        return texts


# -- a database with a case manager, a token and a claim, made through the application layer --------------


@dataclass
class Provisioned:
    url: str
    token: str
    claim_id: int
    #: The PostgreSQL cluster the database lives in, when the test owns it (tests/pg_cluster.py).
    cluster: Any = None


def provision(url: str) -> Provisioned:
    """Schema, a case manager with a token, and the example claim assigned to them."""
    import yaml

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
            record = yaml.safe_load(EXAMPLE_CLAIM.read_text(encoding="utf-8"))
            claim = caseload.create_claim(
                session,
                supervisor,
                record["claim"]["claim_number"],
                record["claimant"]["name"],
                record,
                assigned_to=["durability-cm"],
            )
            claim_id = claim.id
    finally:
        engine.dispose()
    return Provisioned(url, token, claim_id)

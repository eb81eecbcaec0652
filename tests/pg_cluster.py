"""A throwaway PostgreSQL cluster in a temporary directory, for tests and the service benchmark.

initdb and pg_ctl refuse to run as root, and CI runs as root, so under root the cluster belongs to the
`postgres` system user that Debian's package creates (else `nobody`) and every server command runs
through `runuser`. The server listens only on a unix socket inside the cluster's own directory (no TCP
port to collide with anything, and in-process tests pass the suite's loopback-only network guard).
`make system-deps` installs the Debian `postgresql` package when the binaries are missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Self
from urllib.parse import quote

ENV_VAR = "NOTEASSIST_TEST_POSTGRES_URL"
DATABASE = "noteassist_test"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) in the cluster's private directory


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed (or the cluster could not start)."""


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: $PG_BINDIR, Debian's newest /usr/lib/postgresql/N/bin, or PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: _version_key(Path(p).parent.name),
    )
    candidates += [Path(p) for p in reversed(debian)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _cluster_owner() -> str | None:
    """The non-root user who owns the cluster when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable(
        "running as root and there is no 'postgres' or 'nobody' user to own the cluster"
    )


class PostgresCluster:
    """initdb + pg_ctl start in a fresh temporary directory; `stop()` stops the server and removes it all."""

    def __init__(self, bindir: Path | None = None, database: str = DATABASE) -> None:
        found = bindir or find_bindir()
        if found is None:
            raise PostgresUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; `make system-deps` installs "
                "Debian's postgresql package"
            )
        self.bindir = found
        self.database = database
        self.owner = _cluster_owner()
        self.root = Path(tempfile.mkdtemp(prefix="na-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.started = False

    @property
    def url(self) -> str:
        """A SQLAlchemy URL for psycopg 3 over the cluster's unix socket."""
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{self.database}"
            f"?host={quote(str(self.socket_dir), safe='')}&port={PORT}"
        )

    def start(self) -> Self:
        try:
            self.socket_dir.mkdir()
            if self.owner:
                # The owner must be able to enter the directory and write the data, socket and log there.
                entry = pwd.getpwnam(self.owner)
                for path in (self.root, self.socket_dir):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
                os.chmod(self.root, 0o755)
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            self._start_server()
            self.started = True
            self._createdb(self.database)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_server(self) -> None:
        options = f"-k {self.socket_dir} -p {PORT} -c listen_addresses='' -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def _createdb(self, name: str) -> None:
        self._run("createdb", "-h", str(self.socket_dir), "-p", str(PORT), "-U", SUPERUSER, name)

    def crash(self) -> None:
        """Stop the server the way a crash does (`pg_ctl stop -m immediate`: no checkpoint, WAL recovery at
        the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop")
        self.started = False

    def restart(self) -> None:
        """Start the server again on the same data directory (after `crash`, it recovers from its WAL)."""
        self._start_server()
        self.started = True

    def create_database(self, name: str) -> str:
        """Create another empty database in this cluster and return its URL (tests that need a clean one)."""
        self._createdb(name)
        return self.url.replace(f"/{self.database}?", f"/{name}?", 1)

    def stop(self) -> None:
        if self.started:
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                )
            except PostgresUnavailable:
                pass  # removing the directory below still takes the data away
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        # The owner may not be able to read our working directory; run from the cluster's own.
        result = subprocess.run(
            command,
            check=False,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            log = (
                self.log.read_text(errors="replace")[-2000:]
                if self.log.exists()
                else ""
            )
            raise PostgresUnavailable(
                f"{tool} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}\n{log}".strip()
            )

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

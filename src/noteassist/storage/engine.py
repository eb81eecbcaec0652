"""Engines and sessions: SQLite tuned for durability, PostgreSQL by URL, and the default database file.

SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged commit survives a power cut, not only a
crash of the process), foreign keys on and a busy timeout, set on every new connection. Every SQLite
transaction starts with `BEGIN IMMEDIATE`: each use case writes an audit event, so each transaction is a
writer, and taking the write lock up front means two writers queue on the busy timeout instead of one
failing half-way with "database is locked" when its snapshot went stale. A read-only session
(`session_factory(engine, read_only=True)`: checking a token, say) begins deferred instead, so it never
queues behind a writer nor holds one up (WAL readers and the writer do not block each other).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NoteassistError

__all__ = ["BUSY_TIMEOUT_MS", "default_database_url", "make_engine", "session_factory"]

#: How long a writer waits for another's lock before giving up (SQLite).
BUSY_TIMEOUT_MS = 30_000
#: Execution option marking a connection's transactions read-only (see `session_factory`).
READ_ONLY = "noteassist_read_only"


def default_database_url() -> str:
    """`sqlite:///` a file under the user's data directory ($XDG_DATA_HOME, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'noteassist' / 'noteassist.db'}"


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs) -> Engine:
    """An engine for `url`: `sqlite:///PATH` (the folder is created) or `postgresql+psycopg://...`.

    Raises NoteassistError for a URL that is not one of those, naming the scheme only (a URL may hold a
    password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise NoteassistError("--db: not a database URL; expected sqlite:///PATH or postgresql+psycopg://...") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_ms, **kwargs)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":  # a bare postgresql:// URL: use psycopg 3, the driver we ship
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif parsed.drivername != "postgresql+psycopg":
            raise NoteassistError(f"--db: {parsed.drivername!r} is not installed; use postgresql+psycopg://...")
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    raise NoteassistError(f"--db: unsupported database {parsed.drivername!r}; "
                          "expected sqlite:///PATH or postgresql+psycopg://...")


def _sqlite_engine(parsed, busy_timeout_ms: int, **kwargs) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NoteassistError(f"--db: cannot create the database folder {folder}: {exc.strerror}") from None
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # Leave transactions to the "begin" hook below: pysqlite's own BEGIN is deferred.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on `engine`. Objects stay readable after commit (a route returns what it just saved).

    `read_only`: for transactions that write nothing, not even an audit event (authentication): on
    SQLite they begin deferred and never take the write lock; on PostgreSQL they are READ ONLY."""
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True}, postgresql_readonly=True)
    return sessionmaker(engine, expire_on_commit=False)

"""Engines and sessions: SQLite tuned for durability, PostgreSQL by URL, and the default database file.

SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged commit survives a power cut, not only a
crash of the process), foreign keys on and a busy timeout, set on every new connection. Every SQLite
transaction starts with `BEGIN IMMEDIATE`: each use case writes an audit event, so each transaction is a
writer, and taking the write lock up front means two writers queue on the busy timeout instead of one
failing half-way with "database is locked" when its snapshot went stale.
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


def default_database_url() -> str:
    """`sqlite:///` a file under the user's data directory ($XDG_DATA_HOME, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'noteassist' / 'noteassist.db'}"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`: `sqlite:///PATH` (the folder is created) or `postgresql+psycopg://...`.

    Raises NoteassistError for a URL that is not one of those, naming the scheme only (a URL may hold a
    password)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise NoteassistError("--db: not a database URL; expected sqlite:///PATH or postgresql+psycopg://...") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":  # a bare postgresql:// URL: use psycopg 3, the driver we ship
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        return engine
    raise NoteassistError(f"--db: unsupported database {parsed.drivername!r}; "
                          "expected sqlite:///PATH or postgresql+psycopg://...")


def _sqlite_engine(parsed, **kwargs) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # Leave transactions to the "begin" hook below: pysqlite's own BEGIN is deferred.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`. Objects stay readable after commit (a route returns what it just saved)."""
    return sessionmaker(engine, expire_on_commit=False)

"""Engines and sessions: SQLite tuned for durability, PostgreSQL by URL, and the default database file.

SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged commit survives a power cut, not only a
crash of the process), foreign keys on and a busy timeout, set on every new connection. Every SQLite
transaction starts with `BEGIN IMMEDIATE`: each use case writes an audit event, so each transaction is a
writer, and taking the write lock up front means two writers queue on the busy timeout instead of one
failing half-way with "database is locked" when its snapshot went stale. A read-only session
(`session_factory(engine, read_only=True)`: checking a token, say) begins deferred instead, so it never
queues behind a writer nor holds one up (WAL readers and the writer do not block each other).

Within one process, writers queue on the engine's `WriteQueue` before `BEGIN IMMEDIATE`: first come, first
served, and the next one starts the moment the last one's COMMIT (or ROLLBACK) returns. SQLite's own busy
handler only polls, with sleeps growing to 100 ms, so 20 writers at once left some waiting seconds while
others went round again. SQLite's lock still decides who writes (other processes, other engines); the
queue only orders this process's writers in front of it, so durability and conflicts are as before.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NoteassistError

__all__ = ["BUSY_TIMEOUT_MS", "WriteQueue", "default_database_url", "make_engine", "session_factory"]

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


class WriteQueue:
    """A first-come, first-served lock: `release` hands it straight to the longest waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds for the lock; False when it did not come."""
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over just as the wait ran out: ours now

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: it is the next writer's now
            else:
                self._held = False


class _QueuedConnection(sqlite3.Connection):
    """pysqlite's connection, giving back its engine's WriteQueue once COMMIT or ROLLBACK has returned (an
    engine "commit" event would fire before the commit's fsync, letting the next writer in to poll)."""

    write_queue: WriteQueue | None = None
    holds_queue = False

    def queue_for_write(self, timeout: float) -> bool:
        """Wait for this engine's turn to write; False when `timeout` seconds passed first."""
        if self.write_queue is None or self.holds_queue:
            return True
        if not self.write_queue.acquire(timeout):
            return False
        self.holds_queue = True
        return True

    def leave_queue(self) -> None:
        if self.holds_queue:
            self.holds_queue = False
            self.write_queue.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()


def _sqlite_engine(parsed, busy_timeout_ms: int, **kwargs) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NoteassistError(f"--db: cannot create the database folder {folder}: {exc.strerror}") from None
    queue = WriteQueue()
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000, "factory": _QueuedConnection},
                           **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        # Leave transactions to the "begin" hook below: pysqlite's own BEGIN is deferred.
        dbapi_connection.isolation_level = None
        dbapi_connection.write_queue = queue
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
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.queue_for_write(busy_timeout_ms / 1000):
            # What SQLite says when its own busy timeout runs out, wrapped as SQLAlchemy wraps it.
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.leave_queue()
            raise

    return engine


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on `engine`. Objects stay readable after commit (a route returns what it just saved).

    `read_only`: for transactions that write nothing, not even an audit event (authentication): on
    SQLite they begin deferred and never take the write lock; on PostgreSQL they are READ ONLY."""
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True}, postgresql_readonly=True)
    return sessionmaker(engine, expire_on_commit=False)

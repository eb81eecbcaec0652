"""SQLite writers of one engine queue first come, first served; readers never wait for them."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from noteassist.storage import make_engine, session_factory
from noteassist.storage.engine import WriteQueue


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}", busy_timeout_ms=400)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE saves (writer INTEGER)")
    yield engine
    engine.dispose()


def _hold_write(Session, entered: threading.Event, leave: threading.Event) -> None:
    with Session() as session, session.begin():
        session.execute(text("INSERT INTO saves VALUES (0)"))
        entered.set()
        leave.wait(10)


def test_writers_take_their_turn_in_the_order_they_came(sqlite_engine):
    Session = session_factory(sqlite_engine)
    entered, leave = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write, args=(Session, entered, leave))
    holder.start()
    assert entered.wait(10)

    def write(n: int) -> None:
        with Session() as session, session.begin():
            session.execute(text("INSERT INTO saves VALUES (:n)"), {"n": n})

    writers = []
    for n in range(1, 9):  # each queued before the next starts: their arrival order is known
        writers.append(threading.Thread(target=write, args=(n,)))
        writers[-1].start()
        time.sleep(0.02)
    leave.set()
    for thread in [holder, *writers]:
        thread.join(10)
    with sqlite_engine.connect() as connection:
        order = [row[0] for row in connection.exec_driver_sql("SELECT writer FROM saves ORDER BY rowid")]
    # SQLite's busy handler would let whichever poller woke first in; the queue keeps arrival order.
    assert order == list(range(9))


def test_a_writer_waits_no_longer_than_the_busy_timeout_and_readers_do_not_wait(sqlite_engine):
    Session = session_factory(sqlite_engine)
    Readers = session_factory(sqlite_engine, read_only=True)
    entered, leave = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write, args=(Session, entered, leave))
    holder.start()
    try:
        assert entered.wait(10)
        started = time.monotonic()
        with Readers() as session, session.begin():
            assert session.execute(text("SELECT count(*) FROM saves")).scalar() == 0  # WAL: the last commit
        assert time.monotonic() - started < 0.3
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), Session() as session, session.begin():
            session.execute(text("INSERT INTO saves VALUES (1)"))
        assert 0.35 < time.monotonic() - started < 5
    finally:
        leave.set()
        holder.join(10)
    # The writer that gave up left nothing behind: the next one goes straight in.
    with Session() as session, session.begin():
        session.execute(text("INSERT INTO saves VALUES (2)"))
    with sqlite_engine.connect() as connection:
        assert [r[0] for r in connection.exec_driver_sql("SELECT writer FROM saves ORDER BY rowid")] == [0, 2]


def test_a_failed_transaction_gives_its_turn_back(sqlite_engine):
    Session = session_factory(sqlite_engine)
    with pytest.raises(OperationalError), Session() as session, session.begin():
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    started = time.monotonic()
    with Session() as session, session.begin():
        session.execute(text("INSERT INTO saves VALUES (1)"))
    assert time.monotonic() - started < 0.3


def test_the_queue_hands_over_to_the_longest_waiter():
    queue = WriteQueue()
    assert queue.acquire(1)
    assert not queue.acquire(0.05)  # a waiter that gave up is out of the line
    got: list[int] = []

    def wait(n: int) -> None:
        assert queue.acquire(10)
        got.append(n)
        queue.release()

    threads = []
    for n in range(5):
        threads.append(threading.Thread(target=wait, args=(n,)))
        threads[-1].start()
        time.sleep(0.02)
    queue.release()
    for thread in threads:
        thread.join(10)
    assert got == [0, 1, 2, 3, 4]
    assert queue.acquire(0)

"""Password guessing at the sign-in page: an account is refused after too many wrong passwords in the window
(even with the right one), one address after too many failures of any kind; the failures are in the audit
trail; a successful sign-in starts the account's count again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from noteassist.app import audit, signin_guard
from noteassist.app.signin_guard import FAILED
from noteassist.storage import make_engine, session_factory
from noteassist.storage.models import AuditEvent, User, utcnow

from .web_client import PASSWORD, start_web


@pytest.fixture()
def web(tmp_path):
    yield from start_web(tmp_path, signin_max_failures=3, signin_address_failures=6, signin_window_minutes=15)


def failures_of(web, username: str) -> list[AuditEvent]:
    engine = make_engine(web.api.url)
    try:
        with session_factory(engine)() as session:
            user_id = session.scalar(select(User.id).where(User.username == username))
            return list(session.scalars(select(AuditEvent).where(AuditEvent.action == FAILED,
                                                                 AuditEvent.entity_id == str(user_id))))
    finally:
        engine.dispose()


def test_an_account_is_refused_after_too_many_wrong_passwords_even_with_the_right_one(web):
    client = web.browser()
    for _ in range(3):
        assert web.sign_in(client, "alice", password="wrong password 1").status_code == 401
    refused = web.sign_in(client, "alice")
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert "na_session" not in client.cookies
    # Another account on the same address still signs in: the account limit is the account's.
    assert web.sign_in(web.browser(), "bob").status_code == 303
    events = failures_of(web, "alice")
    assert len(events) == 3 and all(e.actor_id is None and e.entity == "user" for e in events)
    engine = make_engine(web.api.url)
    with session_factory(engine)() as session:
        assert audit.verify(session).ok  # the failures are links of the chain like any event
    engine.dispose()


def test_the_lock_lifts_once_the_window_has_passed_since_the_oldest_failure(web):
    client = web.browser()
    for _ in range(3):
        web.sign_in(client, "alice", password="wrong password 1")
    assert web.sign_in(client, "alice").status_code == 429
    oldest = min(e.at for e in failures_of(web, "alice"))
    engine = make_engine(web.api.url)
    with session_factory(engine)() as session:
        until = signin_guard.account_locked_until(session, "alice", max_failures=3, window=timedelta(minutes=15))
        assert until == oldest + timedelta(minutes=15)
        assert signin_guard.account_locked_until(session, "alice", max_failures=3, window=timedelta(minutes=15),
                                                 now=until + timedelta(seconds=1)) is None
        assert signin_guard.account_locked_until(session, "alice", max_failures=4,
                                                 window=timedelta(minutes=15)) is None
    engine.dispose()


def test_the_address_limit_forgets_failures_older_than_the_window():
    limiter = signin_guard.AddressLimiter(2, timedelta(minutes=15))
    start = utcnow()
    limiter.failed("10.0.0.1", start)
    limiter.failed("10.0.0.1", start + timedelta(minutes=1))
    with pytest.raises(signin_guard.Locked) as locked:
        limiter.check("10.0.0.1", start + timedelta(minutes=2))
    assert locked.value.until == start + timedelta(minutes=15)
    limiter.check("10.0.0.2", start + timedelta(minutes=2))  # another address is not affected
    limiter.check("10.0.0.1", start + timedelta(minutes=15, seconds=1))  # the first failure has aged out


def test_a_successful_sign_in_starts_the_count_again(web):
    client = web.browser()
    for _ in range(2):
        web.sign_in(client, "alice", password="wrong password 1")
    assert web.sign_in(web.browser(), "alice").status_code == 303
    for _ in range(2):
        assert web.sign_in(client, "alice", password="wrong password 1").status_code == 401
    assert web.sign_in(web.browser(), "alice").status_code == 303


def test_one_address_guessing_across_usernames_is_refused(web):
    client = web.browser()
    for n in range(6):
        assert web.sign_in(client, f"nobody{n}", password="wrong password 1").status_code == 401
    refused = web.sign_in(client, "bob", password=PASSWORD)
    assert refused.status_code == 429 and "Too many failed sign-ins for this computer" in refused.text
    # Unknown usernames leave nothing in the audit trail (there is no account to name).
    engine = make_engine(web.api.url)
    with session_factory(engine)() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == FAILED)).all() == []
    engine.dispose()

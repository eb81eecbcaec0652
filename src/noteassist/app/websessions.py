"""Browser sessions: sign in (password or API token), look a session up, keep it alive, end it.

The cookie holds a random token; only its SHA-256 is stored (as for API tokens), with a CSRF token the page
sends back on every unsafe request. A session is idle once `last_seen_at` is more than `idle_minutes` old:
looking it up then ends it (a later request cannot revive it). `touch` moves `last_seen_at` at most every
`touch_interval(idle_minutes)` seconds, so most requests authenticate without writing.

Audited: "session.create" and "session.end" (ids only); idle ends too, as "session.expire".
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..storage.models import User, WebSession, utcnow
from . import audit
from .accounts import (
    authenticate,
    authenticate_password,
    hash_password,
    hash_token,
    password_needs_rehash,
)
from .errors import Invalid, Unauthorized

__all__ = ["SessionExpired", "SignedIn", "csrf_matches", "end_session", "lookup", "sign_in", "touch",
           "touch_interval"]

#: Longest a live session goes without writing its `last_seen_at` (seconds).
MAX_TOUCH_SECONDS = 30.0
#: A session unused this long is deleted when its user next signs in (the idle limit is at most a day).
STALE_AFTER = timedelta(days=1, hours=1)


class SessionExpired(Unauthorized):
    """The session was idle longer than the idle minutes (or was ended): sign in again."""


@dataclass(frozen=True)
class SignedIn:
    """A live session as a request sees it; `user` is detached from the database session."""

    session_id: int
    user: User
    csrf_token: str
    last_seen_at: datetime


def touch_interval(idle_minutes: float) -> float:
    """Seconds a live session may go without its `last_seen_at` being written: 30, or less for a short idle
    limit (the page subtracts the same slack when it works out when the server will sign it out)."""
    return min(MAX_TOUCH_SECONDS, idle_minutes * 60 / 4)


def sign_in(session: Session, username: str | None, password: str | None, token: str | None) -> tuple[WebSession, str]:
    """A new session for the user of `username` + `password`, or of an API token: (row, cookie token).

    Unauthorized (one message for every wrong guess) otherwise. A password hash made before argon2id is
    stored anew as argon2id once it has verified."""
    if token:
        user = authenticate(session, token.strip())
    elif username and password:
        user = authenticate_password(session, username.strip(), password)
        assert user.password_hash is not None
        if password_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            audit.record(session, user.id, "user.password_rehash", "user", user.id)
    elif username or password:
        raise Invalid("password" if username else "username", "enter both your username and password")
    else:
        raise Invalid("username", "enter your username and password, or an API token")
    plaintext = secrets.token_urlsafe(32)
    now = utcnow()
    # The user's sessions unused for a day are of no use to anyone: they go (their audit events stay).
    session.execute(delete(WebSession).where(WebSession.user_id == user.id,
                                             WebSession.last_seen_at < now - STALE_AFTER))
    row = WebSession(token_hash=hash_token(plaintext), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                     created_at=now, last_seen_at=now)
    session.add(row)
    session.flush()
    audit.record(session, user.id, "session.create", "web_session", row.id)
    return row, plaintext


def _find(session: Session, plaintext: str | None) -> WebSession | None:
    if not plaintext or len(plaintext) > 200 or not plaintext.isascii():
        return None
    return session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(plaintext)))


def lookup(session: Session, plaintext: str | None, idle_minutes: float, now: datetime | None = None) -> SignedIn:
    """The live session of a cookie token, without writing. Unauthorized for an unknown token or an inactive
    user; SessionExpired for an ended or idle one (the caller ends an idle one with `expire`)."""
    row = _find(session, plaintext)
    if row is None:
        raise Unauthorized("sign in first")
    if row.ended_at is not None or not row.user.active:
        raise SessionExpired("the session has ended; sign in again")
    if is_idle(row, idle_minutes, now):
        raise SessionExpired(f"signed out after {idle_minutes:g} minutes without activity")
    session.expunge(row.user)
    return SignedIn(row.id, row.user, row.csrf_token, row.last_seen_at)


def is_idle(row: WebSession, idle_minutes: float, now: datetime | None = None) -> bool:
    return (now or utcnow()) - row.last_seen_at > timedelta(minutes=idle_minutes)


def expire(session: Session, plaintext: str | None, idle_minutes: float, now: datetime | None = None) -> None:
    """End the cookie's session if it is idle (so it stays ended even if the clock were to be set back)."""
    row = _find(session, plaintext)
    if row is not None and row.ended_at is None and is_idle(row, idle_minutes, now):
        row.ended_at = now or utcnow()
        audit.record(session, row.user_id, "session.expire", "web_session", row.id)


def needs_touch(signed_in: SignedIn, idle_minutes: float, now: datetime | None = None) -> bool:
    return (now or utcnow()) - signed_in.last_seen_at >= timedelta(seconds=touch_interval(idle_minutes))


def touch(session: Session, session_id: int, idle_minutes: float, now: datetime | None = None) -> bool:
    """Mark the session as used now; False when it has ended or gone idle meanwhile (it is not revived)."""
    now = now or utcnow()
    moved = session.execute(
        update(WebSession).where(WebSession.id == session_id, WebSession.ended_at.is_(None),
                                 WebSession.last_seen_at >= now - timedelta(minutes=idle_minutes))
        .values(last_seen_at=now).execution_options(synchronize_session=False))
    return moved.rowcount == 1


def end_session(session: Session, plaintext: str | None) -> None:
    """Sign out: the cookie's session ends (nothing happens for an unknown or already ended one)."""
    row = _find(session, plaintext)
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        audit.record(session, row.user_id, "session.end", "web_session", row.id)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))

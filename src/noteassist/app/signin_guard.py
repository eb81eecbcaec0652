"""Throttling password guesses at the sign-in page, and an audit trail of the failures.

Two limits, both over a sliding window of `window` minutes:

- **per account** (`max_account_failures`): a wrong password for an existing account is audited as
  "session.signin_failed" (actor none, entity the user's id) in the audit chain, so the count holds across
  worker processes and restarts, and a reviewer sees the failures. Once an account has that many failures
  in the window since its last successful sign-in, it is refused (even with the right password) until the
  window has passed since the oldest of them. The threshold is deliberately not tiny: anyone who knows a
  username can lock its owner out for `window` minutes, so the limit is set to stop guessing, not typos.
- **per client address** (`max_address_failures`): every failure (unknown usernames and API tokens too)
  counts against the address it came from, in this process's memory: an unknown username has no account to
  audit, and guessing across many usernames from one address is the other attack. Each worker keeps its own
  count, so N workers allow up to N times the limit: it bounds guessing, it is not an exact quota.

Used by service/web/pages.py; the counts read the audit trail (app/audit.py).
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import AuditEvent, User, utcnow
from . import audit

__all__ = ["AddressLimiter", "Locked", "account_locked_until", "record_failure"]

FAILED = "session.signin_failed"


class Locked(Exception):
    """Too many failed sign-ins: refused until `until` (UTC); `scope` is "account" or "address"."""

    def __init__(self, until: datetime, scope: str):
        super().__init__(f"too many failed sign-ins for this {scope}")
        self.until, self.scope = until, scope

    def minutes_left(self, now: datetime) -> int:
        return max(1, -int(-(self.until - now).total_seconds() // 60))


def _user_id(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username.strip())) if username else None


def record_failure(session: Session, username: str) -> None:
    """Audit a wrong password for `username` when it names an account (nothing is stored for an unknown one)."""
    user_id = _user_id(session, username)
    if user_id is not None:
        audit.record(session, None, FAILED, "user", user_id)


def account_locked_until(session: Session, username: str, *, max_failures: int, window: timedelta,
                         now: datetime | None = None) -> datetime | None:
    """When the account of `username` may sign in again, or None when it is not locked."""
    user_id = _user_id(session, username)
    if user_id is None or max_failures <= 0:
        return None
    now = now or utcnow()
    key = str(user_id)
    last_success = session.scalar(
        select(AuditEvent.at).where(AuditEvent.action == "session.create", AuditEvent.actor_id == user_id)
        .order_by(AuditEvent.id.desc()).limit(1))
    since = now - window
    if last_success is not None and last_success > since:
        since = last_success
    failures = session.scalars(
        select(AuditEvent.at).where(AuditEvent.action == FAILED, AuditEvent.entity == "user",
                                    AuditEvent.entity_id == key, AuditEvent.at > since)
        .order_by(AuditEvent.id.desc()).limit(max_failures)).all()
    if len(failures) < max_failures:
        return None
    return min(failures) + window


class AddressLimiter:
    """Failed sign-ins per client address in this process, over a sliding window."""

    def __init__(self, max_failures: int, window: timedelta):
        self.max_failures, self.window = max_failures, window
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, seen: deque[datetime], now: datetime) -> None:
        while seen and seen[0] <= now - self.window:
            seen.popleft()

    def check(self, address: str, now: datetime | None = None) -> None:
        """Raise Locked when `address` has used up its failures."""
        if self.max_failures <= 0:
            return
        now = now or utcnow()
        with self._lock:
            seen = self._failures.get(address)
            if not seen:
                return
            self._prune(seen, now)
            if len(seen) >= self.max_failures:
                raise Locked(seen[0] + self.window, "address")
            if not seen:
                del self._failures[address]

    def failed(self, address: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self._lock:
            seen = self._failures[address]
            self._prune(seen, now)
            seen.append(now)
            # Bound the memory an address-spraying client can take: forget the quietest addresses first.
            if len(self._failures) > 10_000:
                for stale in [a for a, s in self._failures.items() if not s or s[-1] <= now - self.window]:
                    del self._failures[stale]

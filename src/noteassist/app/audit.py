"""The audit trail: one hash-chained event per use case, written in the use case's own transaction.

Each row stores the hash of the row before it (`prev_hash`) and its own `hash`:
sha256(prev_hash + canonical JSON of id, at, actor_id, action, entity, entity_id). Rows carry ids,
actions, users and times only: never note text, a name or a claim number.

Chaining is serialised so two writers never chain off the same row: on SQLite every transaction holds
the database write lock from its start (storage.engine's BEGIN IMMEDIATE); on PostgreSQL `record` takes
a transaction-level advisory lock before reading the last row. The lock is held to commit, so `record`
should be the last statement of a use case: a transaction holding it then waits on nothing else.

`verify` walks the chain in id order and names the first row that was edited (its hash no longer
matches its content), deleted (a gap: a row's prev_hash is not its predecessor's hash and ids skip) or
reordered (a row's prev_hash is another row's hash). Removing rows from the end of the chain leaves no
gap: keep `head()` (the last id and hash) elsewhere now and then, and pass it as `known_head` to catch that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import AuditEvent, User, utcnow
from .errors import Forbidden, Invalid

__all__ = ["GENESIS", "VerifyResult", "event_hash", "head", "list_events", "record", "verify"]

#: The prev_hash of the first event.
GENESIS = "0" * 64
#: PostgreSQL advisory lock key that serialises chaining ("audt").
AUDIT_LOCK = 0x61756474
#: Who may read the audit log.
READERS = ("auditor", "admin")


def event_hash(prev_hash: str, id: int, at: datetime, actor_id: int | None, action: str, entity: str,
               entity_id: str | None) -> str:
    content = json.dumps({"id": id, "at": at.isoformat(), "actor_id": actor_id, "action": action,
                          "entity": entity, "entity_id": entity_id}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def record(session: Session, actor_id: int | None, action: str, entity: str,
           entity_id: str | int | None) -> AuditEvent:
    """Append one event to the chain, in the session's current transaction (flushed, not committed)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_LOCK})")
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev_hash = last.hash if last else GENESIS
    event_id = last.id + 1 if last else 1
    # Microseconds survive both backends' timestamp columns, so the stored row hashes the same later.
    at = utcnow()
    key = None if entity_id is None else str(entity_id)
    event = AuditEvent(id=event_id, at=at, actor_id=actor_id, action=action, entity=entity, entity_id=key,
                       prev_hash=prev_hash,
                       hash=event_hash(prev_hash, event_id, at, actor_id, action, entity, key))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    first_bad_id: int | None = None
    reason: str = "intact"
    checked: int = 0


def verify(session: Session, batch: int = 5000, known_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain from the first event; the first edited, deleted or reordered row, or ok.

    `known_head` is an (id, hash) kept elsewhere earlier (`head()`, `noteassist audit head`): the chain
    must still hold that event unchanged, which catches events cut off its end."""
    columns = (AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.action, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.prev_hash, AuditEvent.hash)
    expected_prev, previous_id, checked = GENESIS, 0, 0
    while True:
        # Plain rows in batches, not ORM objects: a long log is never held in memory or in the session.
        rows = session.execute(select(*columns).where(AuditEvent.id > previous_id)
                               .order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            if known_head is not None and known_head[0] > previous_id:
                return VerifyResult(False, previous_id + 1,
                                    f"deleted: the chain ends at event {previous_id}, before the known head "
                                    f"{known_head[0]}", checked)
            return VerifyResult(True, None, "intact", checked)
        for row in rows:
            if row.prev_hash != expected_prev:
                return VerifyResult(False, row.id, _broken_link(session, row, previous_id), checked)
            recomputed = event_hash(row.prev_hash, row.id, row.at, row.actor_id, row.action, row.entity,
                                    row.entity_id)
            if recomputed != row.hash:
                return VerifyResult(False, row.id, "edited: its content no longer matches its hash", checked)
            if known_head is not None and row.id == known_head[0] and row.hash != known_head[1]:
                return VerifyResult(False, row.id, "edited: it is not the event known as the head", checked)
            expected_prev, previous_id = row.hash, row.id
            checked += 1


def _broken_link(session: Session, row, previous_id: int) -> str:
    """Why a row's prev_hash is not its predecessor's hash."""
    if row.id > previous_id + 1:
        missing = str(previous_id + 1) if row.id == previous_id + 2 else f"{previous_id + 1}..{row.id - 1}"
        return f"deleted: event {missing} before it is missing"
    if session.execute(select(AuditEvent.id).where(AuditEvent.hash == row.prev_hash).limit(1)).first():
        return "reordered: it chains off another event than the one before it"
    if event_hash(row.prev_hash, row.id, row.at, row.actor_id, row.action, row.entity, row.entity_id) == row.hash:
        # The row is as written, but the event it chained off is gone: deleted, and another put in its place.
        return "deleted: the event it chains off is no longer there (replaced by another)"
    return "edited: its prev_hash was changed"


def head(session: Session) -> tuple[int, str] | None:
    """The last event's id and hash (keep a copy elsewhere to detect a truncated tail)."""
    row = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row.id, row.hash) if row else None


def list_events(session: Session, actor: User, limit: int = 100, after_id: int | None = None) -> list[AuditEvent]:
    """Events in id order after `after_id` (auditors and admins only). Reading the log is audited too."""
    if actor.role not in READERS:
        raise Forbidden("only auditors and admins read the audit log")
    if not 1 <= limit <= 1000:
        raise Invalid("limit", "expected 1 to 1000")
    if after_id is not None and not 0 <= after_id <= 2**31 - 1:
        raise Invalid("after_id", "expected an event id")
    query = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
    if after_id is not None:
        query = query.where(AuditEvent.id > after_id)
    events = list(session.scalars(query))
    record(session, actor.id, "audit.list", "audit", None)
    return events

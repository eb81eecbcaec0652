"""The audit trail: one event per use case in the same transaction, a verifiable chain, no PHI."""

from __future__ import annotations

import pytest
import yaml
from conftest import EXAMPLES
from sqlalchemy import func, select, text

from noteassist.app import accounts, audit, caseload
from noteassist.app.errors import Conflict, Forbidden
from noteassist.facts import load_facts
from noteassist.storage import AuditEvent

CLAIM = EXAMPLES / "claims" / "WC-2231-0457"
NUMBER = "WC-2231-0457"


def _count(Session) -> int:
    with Session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def _last(Session) -> AuditEvent:
    with Session() as s:
        return s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()


def _exercise(Session, people) -> dict:
    """Every use case once; returns the ids made. Each step checks it wrote exactly one event."""
    ids: dict = {}

    def step(action, call):
        before = _count(Session)
        with Session() as s, s.begin():
            result = call(s)
        assert _count(Session) == before + 1, action
        event = _last(Session)
        assert event.action == action
        return result

    record = yaml.safe_load((CLAIM / "claim.yaml").read_text())
    facts = load_facts(CLAIM / "2026-10-16-physician-visit.yaml")
    ids["claim"] = step("claim.create", lambda s: caseload.create_claim(
        s, people.supervisor, NUMBER, "Maria Diaz", record, ["alice"]).id)
    step("claim.list", lambda s: caseload.list_claims(s, people.alice))
    step("claim.read", lambda s: caseload.get_claim(s, people.alice, ids["claim"]))
    step("claim.assign", lambda s: caseload.assign(s, people.supervisor, ids["claim"], "bob"))
    ids["contact"] = step("contact.create", lambda s: caseload.add_contact(s, people.alice, ids["claim"], facts).id)
    step("contact.list", lambda s: caseload.list_contacts(s, people.alice, ids["claim"]))
    step("contact.read", lambda s: caseload.get_contact(s, people.alice, ids["contact"]))
    ids["draft"] = step("draft.create", lambda s: caseload.create_draft(
        s, people.alice, ids["claim"], ids["contact"], "Maria Diaz was seen.").draft_id)
    step("draft.save", lambda s: caseload.save_draft(s, people.alice, ids["draft"], 1, "Maria Diaz was seen today."))
    step("draft.read", lambda s: caseload.get_draft(s, people.alice, ids["draft"]))
    step("draft.versions", lambda s: caseload.list_draft_versions(s, people.alice, ids["draft"]))
    step("draft.list", lambda s: caseload.list_drafts(s, people.alice, ids["claim"]))
    ids["note"] = step("note.sign", lambda s: caseload.sign_draft(s, people.alice, ids["draft"], 2, 24).id)
    step("note.read", lambda s: caseload.get_note(s, people.alice, ids["note"]))
    step("note.list", lambda s: caseload.list_notes(s, people.alice, ids["claim"]))
    step("addendum.create", lambda s: caseload.add_addendum(s, people.alice, ids["note"], "Maria Diaz called back.",
                                                             "late information"))
    step("claim.report", lambda s: caseload.claim_contacts_facts(s, people.alice, ids["claim"]))
    step("claim.report", lambda s: caseload.DatabaseClaimSource(s, people.alice, ids["claim"]))
    step("user.list", lambda s: accounts.list_users(s, people.admin))
    ids["token"] = step("token.create", lambda s: accounts.create_token(s, people.admin, "alice", "laptop")[0].id)
    step("token.revoke", lambda s: accounts.revoke_token(s, people.admin, ids["token"]))
    step("audit.list", lambda s: audit.list_events(s, people.auditor))
    return ids


def test_every_use_case_writes_one_event_and_the_chain_verifies(Session, people):
    _exercise(Session, people)
    with Session() as s:
        result = audit.verify(s)
    assert result.ok, result
    assert result.checked == _count(Session) >= 27  # 5 users made + 22 steps


def test_audit_rows_hold_no_claim_number_name_or_note_text(Session, people, engine):
    _exercise(Session, people)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM audit_events")).all()
    dump = repr(rows)
    for phi in (NUMBER, "Maria", "Diaz", "seen today", "called back", "late information", "alice", "laptop"):
        assert phi not in dump


def test_a_refused_request_leaves_no_event_and_a_failed_one_rolls_back_with_its_change(Session, people):
    ids = _exercise(Session, people)
    before = _count(Session)
    with pytest.raises(Forbidden), Session() as s, s.begin():
        caseload.list_claims(s, people.auditor)
    with pytest.raises(Conflict), Session() as s, s.begin():
        caseload.save_draft(s, people.alice, ids["draft"], 1, "stale")
    assert _count(Session) == before


def _drop_guards(engine) -> None:
    """What someone with write access to the database file could do first."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for name in ("audit_events_no_update", "audit_events_no_delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            connection.exec_driver_sql("DROP TRIGGER audit_events_immutable ON audit_events")


def _verify(Session):
    with Session() as s:
        return audit.verify(s)


def test_verify_finds_an_edited_row(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor_id = 999 WHERE id = 12"))
    result = _verify(Session)
    assert (result.ok, result.first_bad_id) == (False, 12)
    assert result.reason.startswith("edited")


def test_verify_finds_an_edited_time_and_an_edited_prev_hash(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET prev_hash = :h WHERE id = 20"), {"h": "f" * 64})
    result = _verify(Session)
    assert (result.first_bad_id, result.reason.split(":")[0]) == (20, "edited")
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET action = 'note.read' WHERE id = 7"))
    assert _verify(Session).first_bad_id == 7


def test_verify_finds_a_deleted_row(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = 9"))
    result = _verify(Session)
    assert (result.ok, result.first_bad_id) == (False, 10)
    assert result.reason.startswith("deleted") and "9" in result.reason


def test_verify_finds_a_deletion_whose_gap_was_closed_up(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = 9"))
        last = connection.execute(text("SELECT max(id) FROM audit_events")).scalar()
        for event_id in range(10, last + 1):  # one by one: a primary key must stay unique at each step
            connection.execute(text("UPDATE audit_events SET id = id - 1 WHERE id = :i"), {"i": event_id})
    result = _verify(Session)
    assert (result.ok, result.first_bad_id) == (False, 9)
    assert result.reason.startswith("edited")  # its id was changed: the row no longer hashes as written


def test_verify_finds_an_event_replaced_by_a_forged_one(Session, people, engine):
    from noteassist.storage.models import utcnow

    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        prev = connection.execute(text("SELECT hash FROM audit_events WHERE id = 8")).scalar()
        connection.execute(text("DELETE FROM audit_events WHERE id = 9"))
    at = utcnow()
    forged = audit.event_hash(prev, 9, at, None, "claim.list", "claim", None)  # well formed, chained to 8
    with Session() as s, s.begin():
        s.add(AuditEvent(id=9, at=at, actor_id=None, action="claim.list", entity="claim", entity_id=None,
                         prev_hash=prev, hash=forged))
    result = _verify(Session)
    assert (result.first_bad_id, result.reason.split(":")[0]) == (10, "deleted")


def test_verify_finds_a_deleted_first_row(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = 1"))
    result = _verify(Session)
    assert (result.first_bad_id, result.reason.split(":")[0]) == (2, "deleted")


def test_verify_finds_reordered_rows(Session, people, engine):
    _exercise(Session, people)
    _drop_guards(engine)
    with engine.begin() as connection:
        # Swap rows 14 and 15 by their ids, as a careless (or careful) hand with SQL would.
        connection.execute(text("UPDATE audit_events SET id = -1 WHERE id = 14"))
        connection.execute(text("UPDATE audit_events SET id = 14 WHERE id = 15"))
        connection.execute(text("UPDATE audit_events SET id = 15 WHERE id = -1"))
    result = _verify(Session)
    assert (result.ok, result.first_bad_id) == (False, 14)
    assert result.reason.startswith("reordered")


def test_the_chain_is_serialised_across_sessions(Session, people):
    # Events recorded from many short transactions chain one after another, never off the same row.
    for _ in range(20):
        with Session() as s, s.begin():
            caseload.list_claims(s, people.supervisor)
    with Session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len({e.prev_hash for e in events}) == len(events)
        assert audit.verify(s).ok


def test_only_auditors_and_admins_read_the_log(Session, people):
    with Session() as s, s.begin():
        for actor in (people.alice, people.supervisor):
            with pytest.raises(Forbidden):
                audit.list_events(s, actor)
        events = audit.list_events(s, people.auditor, limit=2)
        assert [e.id for e in events] == [1, 2]
        assert [e.id for e in audit.list_events(s, people.admin, limit=2, after_id=2)] == [3, 4]


def test_a_known_head_must_still_be_there_unchanged(Session, people, engine):
    _exercise(Session, people)
    with Session() as s:
        known = audit.head(s)
        assert audit.verify(s, known_head=known).ok
        assert not audit.verify(s, known_head=(known[0], "0" * 64)).ok
    with Session() as s, s.begin():
        caseload.list_claims(s, people.supervisor)  # the chain grows past the known head: still fine
    with Session() as s:
        assert audit.verify(s, known_head=known).ok


def test_verifying_in_a_read_only_session_does_not_hold_up_writers(engine, Session, people):
    from noteassist.storage import session_factory

    _exercise(Session, people)
    with session_factory(engine, read_only=True)() as reader, reader.begin():
        assert audit.verify(reader).ok
        with Session() as s, s.begin():  # would wait on the busy timeout if the reader held the lock
            caseload.list_claims(s, people.supervisor)

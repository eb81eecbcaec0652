"""Migration 0002 (the web page): dismissed findings are insert-only like addenda; the new columns round-trip;
a downgrade to 0001 removes exactly what 0002 added and keeps the 0001 guards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from noteassist.storage import downgrade, upgrade


def _draft_with_dismissal(Session) -> int:
    from noteassist.storage import Claim, Draft, FindingDismissal, User, WebSession

    with Session() as session, session.begin():
        user = User(username="u", role="case_manager", active=True)
        session.add(user)
        session.flush()
        claim = Claim(claim_number="C-1", claimant_name="W", data={}, created_by=user.id)
        session.add(claim)
        session.flush()
        contact_at = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
        draft = Draft(claim_id=claim.id, current_version=1, status="open", created_by=user.id,
                      contact_at=contact_at, capture={"who": "Dr. Lee", "when": "2026-05-04T09:30", "line": "x"})
        session.add(draft)
        session.flush()
        session.add(FindingDismissal(draft_id=draft.id, version=1, code="NA101", quote="q", start=0, end=1,
                                     reason="quoted from the report", user_id=user.id))
        session.add(WebSession(token_hash="a" * 64, user_id=user.id, csrf_token="c" * 43))
        return draft.id


@pytest.mark.parametrize("statement", ["UPDATE finding_dismissals SET reason = 'changed'",
                                       "DELETE FROM finding_dismissals"])
def test_a_dismissal_is_never_changed_or_removed(engine, Session, statement):
    _draft_with_dismissal(Session)
    with pytest.raises(DatabaseError, match="immutable"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT reason FROM finding_dismissals")).scalar() == "quoted from the report"


def test_a_quick_capture_keeps_its_contact_time_and_fields(engine, Session):
    from noteassist.storage import Draft

    draft_id = _draft_with_dismissal(Session)
    with Session() as session:
        draft = session.get(Draft, draft_id)
        assert draft.contact_at == datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
        assert draft.capture["who"] == "Dr. Lee"


def test_downgrade_to_0001_removes_the_web_schema_and_keeps_the_note_guards(engine, Session):
    downgrade(engine, "0001")
    names = set(inspect(engine).get_table_names())
    assert "web_sessions" not in names and "finding_dismissals" not in names and "notes" in names
    assert "contact_at" not in {c["name"] for c in inspect(engine).get_columns("drafts")}
    assert "sign_findings" not in {c["name"] for c in inspect(engine).get_columns("notes")}
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            triggers = {row[0] for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            assert triggers == {f"{t}_no_{v}" for t in ("notes", "addenda", "audit_events") for v in ("update", "delete")}
        else:
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE proname = 'noteassist_refuse_change'").scalar() == 1
    upgrade(engine)
    assert "finding_dismissals" in set(inspect(engine).get_table_names())


def test_web_sessions_sign_in_touch_and_expire_on_both_backends(engine, Session, people):
    from datetime import timedelta

    from noteassist.app import accounts, websessions
    from noteassist.app.errors import Unauthorized
    from noteassist.storage.models import utcnow

    with Session() as session, session.begin():
        accounts.set_password(session, None, "alice", "correct horse 12")
    with Session() as session, session.begin():
        row, token = websessions.sign_in(session, "alice", "correct horse 12", None)
        session_id = row.id
    with Session() as session:
        live = websessions.lookup(session, token, 15)
        assert live.user.username == "alice" and live.session_id == session_id
    later = utcnow() + timedelta(minutes=10)
    with Session() as session, session.begin():
        assert websessions.touch(session, session_id, 15, later)
    with Session() as session:  # ten minutes on, touched: 14 minutes after the touch it is still live
        websessions.lookup(session, token, 15, later + timedelta(minutes=14))
    too_late = later + timedelta(minutes=16)
    with Session() as session, session.begin():
        with pytest.raises(websessions.SessionExpired):
            websessions.lookup(session, token, 15, too_late)
        assert not websessions.touch(session, session_id, 15, too_late)  # an idle session is not revived
        websessions.expire(session, token, 15, too_late)
    with Session() as session, pytest.raises(websessions.SessionExpired):
        websessions.lookup(session, token, 15, later)  # ended for good, whatever the clock says
    with Session() as session, pytest.raises(Unauthorized):
        websessions.lookup(session, "not-a-session", 15)


@pytest.mark.parametrize("statement", ["UPDATE dismissal_withdrawals SET user_id = user_id",
                                       "DELETE FROM dismissal_withdrawals"])
def test_a_withdrawal_is_never_changed_or_removed_either(engine, Session, statement):
    from noteassist.storage import DismissalWithdrawal, FindingDismissal

    _draft_with_dismissal(Session)
    with Session() as session, session.begin():
        dismissal = session.query(FindingDismissal).one()
        session.add(DismissalWithdrawal(dismissal_id=dismissal.id, user_id=dismissal.user_id))
    with pytest.raises(DatabaseError, match="immutable"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dismissal_withdrawals")).scalar() == 1

"""Migrations from empty, the downgrade/upgrade round trip, the SQLite pragmas, and the immutability guards."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DatabaseError

from noteassist.storage import (
    Base,
    current_revision,
    downgrade,
    ensure_schema,
    head_revision,
    make_engine,
    upgrade,
)

TABLES = {"users", "api_tokens", "claims", "caseload_assignments", "contacts", "drafts", "draft_versions", "notes",
          "addenda", "audit_events"}


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert ensure_schema(engine) is True
        assert current_revision(engine) == head_revision()
        assert TABLES <= set(inspect(engine).get_table_names())
        assert ensure_schema(engine) is False  # already at head: nothing runs
        with engine.connect() as connection:
            # The migration builds what the models describe: autogenerate finds no difference at all
            # (tables, columns, types, indexes, constraints).
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(db_url):
    upgrade(db_url)
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_full_synchronous_writes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'n.db'}")  # the folder is created
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        engine.dispose()


def test_a_bad_url_is_one_line_without_the_password(tmp_path):
    from noteassist.errors import NoteassistError

    with pytest.raises(NoteassistError) as caught:
        make_engine("mysql://user:secret@db/x")
    assert "secret" not in str(caught.value) and "mysql" in str(caught.value)
    with pytest.raises(NoteassistError, match="postgresql\\+psycopg://"):
        make_engine("postgresql+psycopg2://user:secret@db/x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(NoteassistError, match="cannot create the database folder"):
        make_engine(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def _signed_note(Session):
    from noteassist.storage import Addendum, Claim, Draft, DraftVersion, Note, User
    from noteassist.storage.models import utcnow

    with Session() as session, session.begin():
        user = User(username="u", role="case_manager", active=True)
        session.add(user)
        session.flush()
        claim = Claim(claim_number="C-1", claimant_name="W", data={}, created_by=user.id)
        session.add(claim)
        session.flush()
        draft = Draft(claim_id=claim.id, current_version=1, status="signed", created_by=user.id)
        session.add(draft)
        session.flush()
        session.add(DraftVersion(draft_id=draft.id, version=1, text="t", saved_by=user.id))
        note = Note(claim_id=claim.id, draft_id=draft.id, draft_version=1, text="signed text", sha256="0" * 64,
                    signer_id=user.id, signed_at=utcnow(), late_entry=False)
        session.add(note)
        session.flush()
        session.add(Addendum(note_id=note.id, author_id=user.id, reason="r", text="a", sha256="0" * 64))
        return note.id


@pytest.mark.parametrize("statement", [
    "UPDATE notes SET text = 'changed'",
    "DELETE FROM notes",
    "UPDATE addenda SET text = 'changed'",
    "DELETE FROM addenda",
])
def test_the_database_refuses_to_change_signed_notes_and_addenda(engine, Session, statement):
    _signed_note(Session)
    with pytest.raises(DatabaseError, match="immutable"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT text FROM notes")).scalar() == "signed text"


def test_the_database_refuses_to_change_audit_events(engine, Session):
    from noteassist.app import audit

    with Session() as session, session.begin():
        audit.record(session, None, "user.create", "user", 1)
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="immutable"), engine.begin() as connection:
            connection.execute(text(statement))


def test_downgrade_removes_the_guards_with_the_tables(engine, Session):
    downgrade(engine, "base")
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar() == 0
        else:
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM pg_proc WHERE proname = 'noteassist_refuse_change'").scalar() == 0


def test_a_database_from_a_newer_noteassist_is_refused_not_touched(tmp_path):
    from noteassist.errors import NoteassistError

    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(NoteassistError, match="newer than this noteassist"):
            ensure_schema(engine)
        assert current_revision(engine) == "9999"
    finally:
        engine.dispose()


def test_a_read_only_session_neither_waits_for_nor_blocks_a_writer(db_url):
    from noteassist.storage import User, session_factory

    engine = make_engine(db_url, busy_timeout_ms=2000)
    try:
        upgrade(engine)
        writers, readers = session_factory(engine), session_factory(engine, read_only=True)
        with readers() as reader, reader.begin():
            assert reader.scalars(select(User)).all() == []
            with writers() as writer, writer.begin():  # while the reader's transaction is open
                writer.add(User(username="w", role="admin", active=True))
            # It cannot write: READ ONLY on PostgreSQL; on SQLite the write lock is another's (held by w2).
            with pytest.raises(DatabaseError), writers() as w2, w2.begin():
                w2.execute(text("SELECT 1"))
                reader.add(User(username="r", role="admin", active=True))
                reader.flush()
    finally:
        engine.dispose()

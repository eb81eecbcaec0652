"""The caseload use cases on a real database: roles, hidden caseloads, versioned saves, signing, addenda."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml
from conftest import EXAMPLES
from sqlalchemy import select

from noteassist.adjuster.claim import FolderClaimSource
from noteassist.adjuster.source import load_claim
from noteassist.app import caseload
from noteassist.app.errors import Conflict, Forbidden, Invalid, NotFound
from noteassist.facts import load_facts
from noteassist.storage import Draft, DraftVersion, Note

CLAIM = EXAMPLES / "claims" / "WC-2231-0457"
NUMBER = "WC-2231-0457"


def _record() -> dict:
    return yaml.safe_load((CLAIM / "claim.yaml").read_text())


def _facts(name: str = "2026-10-16-physician-visit.yaml"):
    return load_facts(CLAIM / name)


@pytest.fixture
def claim_id(Session, people):
    """The example claim, on alice's caseload (created by the supervisor)."""
    with Session() as s, s.begin():
        return caseload.create_claim(s, people.supervisor, NUMBER, "Maria Diaz", _record(), ["alice"]).id


@pytest.fixture
def contact_id(Session, people, claim_id):
    with Session() as s, s.begin():
        return caseload.add_contact(s, people.alice, claim_id, _facts()).id


def test_a_case_manager_sees_only_her_caseload(Session, people, claim_id):
    with Session() as s, s.begin():
        assert [c.id for c in caseload.list_claims(s, people.alice)] == [claim_id]
        assert caseload.list_claims(s, people.bob) == []
        assert [c.id for c in caseload.list_claims(s, people.supervisor)] == [claim_id]
        assert caseload.get_claim(s, people.alice, claim_id).claim_number == NUMBER


def test_another_case_managers_claim_is_not_found_not_forbidden(Session, people, claim_id, contact_id):
    with Session() as s, s.begin():
        draft = caseload.create_draft(s, people.alice, claim_id, contact_id, "Draft text.")
    with Session() as s, s.begin():
        for call in (lambda: caseload.get_claim(s, people.bob, claim_id),
                     lambda: caseload.list_contacts(s, people.bob, claim_id),
                     lambda: caseload.get_contact(s, people.bob, contact_id),
                     lambda: caseload.add_contact(s, people.bob, claim_id, _facts()),
                     lambda: caseload.get_draft(s, people.bob, draft.draft_id),
                     lambda: caseload.save_draft(s, people.bob, draft.draft_id, 1, "mine now")):
            with pytest.raises(NotFound):
                call()
        # The same answer as for an id that does not exist at all.
        with pytest.raises(NotFound, match="claim 999 not found"):
            caseload.get_claim(s, people.bob, 999)


def test_admins_and_auditors_read_no_case_content(Session, people, claim_id):
    with Session() as s, s.begin():
        for actor in (people.admin, people.auditor):
            with pytest.raises(Forbidden):
                caseload.list_claims(s, actor)
            with pytest.raises(Forbidden):
                caseload.get_claim(s, actor, claim_id)


def test_a_supervisor_reads_all_and_assigns_but_records_no_drafts(Session, people, claim_id, contact_id):
    with Session() as s, s.begin():
        assert caseload.get_contact(s, people.supervisor, contact_id).claim_id == claim_id
        with pytest.raises(Forbidden):
            caseload.create_draft(s, people.supervisor, claim_id, None, "text")
        with pytest.raises(Forbidden):
            caseload.assign(s, people.alice, claim_id, "bob")
        caseload.assign(s, people.supervisor, claim_id, "bob")
    with Session() as s, s.begin():
        assert [c.id for c in caseload.list_claims(s, people.bob)] == [claim_id]


def test_a_claim_record_is_validated_with_field_paths(Session, people):
    record = _record()
    del record["claim"]["date_of_injury"]
    with Session() as s, s.begin():
        with pytest.raises(Invalid) as caught:
            caseload.create_claim(s, people.supervisor, NUMBER, "Maria Diaz", record)
        assert caught.value.field == "data.claim.date_of_injury"
        with pytest.raises(Invalid) as caught:
            caseload.create_claim(s, people.supervisor, "WC-OTHER", "Maria Diaz", _record())
        assert caught.value.field == "data.claim.claim_number"
        with pytest.raises(Invalid) as caught:
            caseload.create_claim(s, people.supervisor, NUMBER, "Maria Diaz", _record(), ["audrey"])
        assert caught.value.field == "assigned_to[0]"


def test_contacts_keep_their_facts_schema_version_and_time(Session, people, claim_id, contact_id):
    with Session() as s, s.begin():
        contact = caseload.get_contact(s, people.alice, contact_id)
        assert caseload.contact_facts(contact) == _facts()
        assert contact.schema_version == _facts().schema_version
        encounter = _facts().encounter
        # The contact's date and start time on the server's clock, stored and returned in UTC.
        assert contact.contact_at == datetime.combine(encounter.date, encounter.start_time).astimezone()
        assert contact.contact_at.tzinfo is not None
        other = _facts().model_copy(deep=True)
        other.claim.claim_number = "WC-0000-0001"
        with pytest.raises(Invalid) as caught:
            caseload.add_contact(s, people.alice, claim_id, other)
        assert caught.value.field == "claim.claim_number"


SOURCE = [{"start": 0, "end": 2, "text": "v1", "fields": ["encounter.date"], "edited": False}]


def test_saves_number_versions_and_a_stale_save_conflicts_with_the_current_version(Session, people, claim_id):
    with Session() as s, s.begin():
        first = caseload.create_draft(s, people.alice, claim_id, None, "v1", provenance=SOURCE)
    draft_id = first.draft_id
    assert first.version == 1
    with Session() as s, s.begin():
        assert caseload.save_draft(s, people.alice, draft_id, 1, "v2").version == 2
    with Session() as s, s.begin():
        assert caseload.save_draft(s, people.alice, draft_id, 2, "v3").version == 3
    with Session() as s, s.begin(), pytest.raises(Conflict) as caught:
        caseload.save_draft(s, people.alice, draft_id, 2, "lost?")
    assert caught.value.current_version == 3
    with Session() as s, s.begin():
        versions = caseload.list_draft_versions(s, people.alice, draft_id)
        assert [(v.version, v.text) for v in versions] == [(1, "v1"), (2, "v2"), (3, "v3")]
        assert versions[0].provenance == SOURCE
        assert versions[1].provenance == [{"start": 0, "end": 2, "text": "v2", "fields": [], "edited": True}]
        draft, newest = caseload.get_draft(s, people.alice, draft_id)
        assert (draft.current_version, newest.text) == (3, "v3")
        assert caseload.get_draft(s, people.alice, draft_id, 1)[1].text == "v1"
        with pytest.raises(NotFound):
            caseload.get_draft(s, people.alice, draft_id, 9)
        with pytest.raises(Invalid):
            caseload.save_draft(s, people.alice, draft_id, 0, "x")


def test_two_sessions_saving_the_same_version_one_wins_one_conflicts(Session, people, claim_id):
    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "v1").draft_id
    with Session() as a, a.begin():
        caseload.save_draft(a, people.alice, draft_id, 1, "from a")
    with Session() as b, b.begin(), pytest.raises(Conflict) as caught:
        caseload.save_draft(b, people.alice, draft_id, 1, "from b")
    assert caught.value.current_version == 2
    with Session() as s:
        texts = s.scalars(select(DraftVersion.text).where(DraftVersion.draft_id == draft_id)
                          .order_by(DraftVersion.version)).all()
    assert texts == ["v1", "from a"]


def test_signing_stores_the_hash_signer_and_time_and_freezes_the_draft(Session, people, claim_id, contact_id):
    import hashlib

    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, contact_id, "Signed text.\n").draft_id
        caseload.save_draft(s, people.alice, draft_id, 1, "Final text.\n")
    with Session() as s, s.begin():
        with pytest.raises(Conflict) as caught:
            caseload.sign_draft(s, people.alice, draft_id, 1, late_entry_hours=24)
        assert caught.value.current_version == 2
    with Session() as s, s.begin():
        note = caseload.sign_draft(s, people.alice, draft_id, 2, late_entry_hours=24)
    assert note.text == "Final text.\n"
    assert note.sha256 == hashlib.sha256(b"Final text.\n").hexdigest()
    assert note.signer_id == people.alice.id and note.signed_at.tzinfo is not None
    with Session() as s, s.begin():
        with pytest.raises(Conflict):
            caseload.save_draft(s, people.alice, draft_id, 2, "changed after signing")
        with pytest.raises(Conflict):
            caseload.sign_draft(s, people.alice, draft_id, 2, late_entry_hours=24)
    with Session() as s, s.begin():
        assert caseload.get_note(s, people.alice, note.id).text == "Final text.\n"
        assert [n.id for n in caseload.list_notes(s, people.supervisor, claim_id)] == [note.id]


def test_only_the_drafts_author_signs_it(Session, people, claim_id):
    with Session() as s, s.begin():
        caseload.assign(s, people.supervisor, claim_id, "bob")
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "alice's note").draft_id
    with Session() as s, s.begin():
        with pytest.raises(Forbidden):
            caseload.sign_draft(s, people.bob, draft_id, 1, late_entry_hours=24)
        with pytest.raises(Forbidden):
            caseload.sign_draft(s, people.supervisor, draft_id, 1, late_entry_hours=24)


def test_an_addendum_changes_nothing_in_the_signed_note(Session, people, claim_id):
    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "As signed.").draft_id
        note_id = caseload.sign_draft(s, people.alice, draft_id, 1, late_entry_hours=24).id
    with Session() as s, s.begin():
        first = caseload.add_addendum(s, people.alice, note_id, "Correction: left shoulder.", "wrong side")
        caseload.add_addendum(s, people.supervisor, note_id, "QA: reviewed.", "quality review")
        with pytest.raises(Invalid) as caught:
            caseload.add_addendum(s, people.alice, note_id, "text", " ")
        assert caught.value.field == "reason"
    with Session() as s, s.begin(), pytest.raises(NotFound):
        caseload.add_addendum(s, people.bob, note_id, "not my claim", "x")
    with Session() as s, s.begin():
        note = caseload.get_note(s, people.alice, note_id)
        assert note.text == "As signed."
        assert [(a.text, a.reason, a.author_id) for a in note.addenda] == [
            ("Correction: left shoulder.", "wrong side", people.alice.id),
            ("QA: reviewed.", "quality review", people.supervisor.id)]
        assert first.created_at.tzinfo is not None and len(first.sha256) == 64


def test_a_note_signed_long_after_its_contact_is_a_late_entry_with_both_times(Session, people, claim_id,
                                                                             contact_id):
    with Session() as s, s.begin():
        contact_at = caseload.get_contact(s, people.alice, contact_id).contact_at
        prompt = caseload.create_draft(s, people.alice, claim_id, contact_id, "on time").draft_id
        late = caseload.create_draft(s, people.alice, claim_id, contact_id, "late").draft_id
    with Session() as s, s.begin():
        on_time = caseload.sign_draft(s, people.alice, prompt, 1, 24, now=contact_at + timedelta(hours=23))
        overdue = caseload.sign_draft(s, people.alice, late, 1, 24, now=contact_at + timedelta(hours=25))
    assert on_time.late_entry is False
    assert overdue.late_entry is True
    with Session() as s:
        stored = s.get(Note, overdue.id)
        assert stored.contact_at == contact_at
        assert stored.signed_at == contact_at + timedelta(hours=25)


def test_the_database_claim_source_gives_what_the_folder_gives(Session, people, claim_id):
    folder = load_claim(FolderClaimSource(CLAIM))
    with Session() as s, s.begin():
        for contact in folder.contacts:
            if contact.facts is not None:
                caseload.add_contact(s, people.alice, claim_id, contact.facts)
    with Session() as s, s.begin():
        stored = load_claim(caseload.DatabaseClaimSource(s, people.alice, claim_id))
        record, facts = caseload.claim_contacts_facts(s, people.alice, claim_id)
        with pytest.raises(NotFound):
            caseload.DatabaseClaimSource(s, people.bob, claim_id)
    assert stored.record == folder.record == record
    expected = [c for c in folder.contacts if c.facts is not None]
    assert [(c.date, c.start_time, c.party, c.purpose, c.facts) for c in stored.contacts] == \
        [(c.date, c.start_time, c.party, c.purpose, c.facts) for c in expected]
    assert facts == [c.facts for c in expected]
    assert stored.contacts[0].name.startswith("contact ")


def test_the_adjuster_report_builds_from_stored_contacts(Session, people, claim_id, db_url, linter):
    from dataclasses import replace
    from datetime import date

    from noteassist.app.report import build_report, report_config
    from noteassist.lint import Linter

    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the report itself")
    with Session() as s, s.begin():
        for contact in load_claim(FolderClaimSource(CLAIM)).contacts:
            if contact.facts is not None:
                caseload.add_contact(s, people.alice, claim_id, contact.facts)
    with Session() as s, s.begin():
        source = caseload.DatabaseClaimSource(s, people.alice, claim_id)
    run = build_report(source, date(2026, 11, 1), date(2026, 11, 30), linter=Linter(report_config(None)))
    folder_run = build_report(FolderClaimSource(CLAIM), date(2026, 11, 1), date(2026, 11, 30),
                              linter=Linter(report_config(None)))
    # The folder's one text-only note is the only difference: every facts contact reads the same.
    from_facts = [c for c in folder_run.report.contacts if c.from_facts]
    assert len(run.report.contacts) == len(from_facts) >= 5
    assert run.report.executive_summary == folder_run.report.executive_summary
    # The same work status, cited by its record key instead of its file name.
    assert replace(run.report.work_status, source="") == replace(folder_run.report.work_status, source="")
    assert run.report.work_status.source.startswith("contact ")
    assert run.report.report_number == folder_run.report.report_number


def test_concurrent_writers_lose_nothing_and_number_versions_without_gaps(Session, people, claim_id):
    """Threads (separate connections) racing on one draft: every save either lands or gets Conflict."""
    import threading

    from noteassist.app import audit

    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "v1").draft_id
    landed: list[str] = []
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(8):
                with Session() as s:
                    base = s.get(Draft, draft_id).current_version
                try:
                    with Session() as s, s.begin():
                        caseload.save_draft(s, people.alice, draft_id, base, f"{name}-{i}")
                    landed.append(f"{name}-{i}")
                except Conflict as exc:
                    conflicts.append(exc.current_version)
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session() as s:
        versions = s.scalars(select(DraftVersion).where(DraftVersion.draft_id == draft_id)
                             .order_by(DraftVersion.version)).all()
        assert [v.version for v in versions] == list(range(1, len(landed) + 2))
        assert sorted(v.text for v in versions[1:]) == sorted(landed)
        assert len(landed) + len(conflicts) == 32
        assert audit.verify(s).ok


@pytest.mark.parametrize(("text", "provenance", "field"), [
    ("a\x00b", None, "text"),
    ("lone \ud800 surrogate", None, "text"),
    ("fine", [{"sentence": "x\x00"}], "provenance[0].sentence"),
])
def test_text_either_database_cannot_store_as_given_is_invalid_not_a_crash(Session, people, claim_id, text,
                                                                           provenance, field):
    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "v1").draft_id
    with Session() as s, s.begin(), pytest.raises(Invalid) as caught:
        caseload.save_draft(s, people.alice, draft_id, 1, text, provenance)
    assert caught.value.field == field


@pytest.mark.parametrize("bad_id", [0, -1, 2**31, 10**30, True])
def test_ids_no_table_can_hold_are_not_found_not_a_database_error(Session, people, bad_id):
    with Session() as s, s.begin():
        for call in (lambda: caseload.get_claim(s, people.supervisor, bad_id),
                     lambda: caseload.get_contact(s, people.supervisor, bad_id),
                     lambda: caseload.get_draft(s, people.supervisor, bad_id),
                     lambda: caseload.get_note(s, people.supervisor, bad_id),
                     lambda: caseload.list_notes(s, people.supervisor, bad_id)):
            with pytest.raises(NotFound):
                call()


def test_versions_no_table_can_hold_are_invalid_or_not_found(Session, people, claim_id):
    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "v1").draft_id
    with Session() as s, s.begin():
        with pytest.raises(Invalid):
            caseload.save_draft(s, people.alice, draft_id, 2**40, "x")
        with pytest.raises(Invalid):
            caseload.sign_draft(s, people.alice, draft_id, 2**40, 24)
        with pytest.raises(NotFound):
            caseload.get_draft(s, people.alice, draft_id, 2**40)
        with pytest.raises(NotFound):
            caseload.create_draft(s, people.alice, claim_id, 2**40, "x")


def test_a_saved_version_reads_back_byte_for_byte(Session, people, claim_id):
    text = "Line one\r\nLíne twö — “quoted” 😀\ttab   \n\n\ntrailing spaces   "
    with Session() as s, s.begin():
        draft_id = caseload.create_draft(s, people.alice, claim_id, None, "v1").draft_id
        caseload.save_draft(s, people.alice, draft_id, 1, text)
    with Session() as s, s.begin():
        assert caseload.get_draft(s, people.alice, draft_id)[1].text.encode() == text.encode()
        note = caseload.sign_draft(s, people.alice, draft_id, 2, 24)
    assert note.sha256 == caseload.sha256_text(text)
    with Session() as s, s.begin():
        assert caseload.get_note(s, people.alice, note.id).text.encode() == text.encode()


def test_a_claim_number_taken_after_the_check_leaves_the_transaction_usable(Session, people):
    from noteassist.storage import Claim

    with Session() as s, s.begin():
        caseload.create_claim(s, people.supervisor, NUMBER, "Maria Diaz", _record())
    with Session() as s, s.begin():
        # What create_claim does when another request committed the number between its check and its insert.
        twin = Claim(claim_number=NUMBER, claimant_name="Maria Diaz", data={}, created_by=people.supervisor.id)
        assert caseload.insert_unique(s, twin) is False
        assert len(caseload.list_claims(s, people.supervisor)) == 1  # the transaction goes on

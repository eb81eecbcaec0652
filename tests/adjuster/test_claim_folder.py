"""Claim folders: claim.yaml plus contacts; every problem one line naming the file and the field."""

from __future__ import annotations

from datetime import date, time

import pytest

from noteassist.errors import FactsError, NoteassistError, ReportError
from noteassist.facts import load_facts
from noteassist.adjuster import FolderClaimSource, load_claim

from .helpers import EXAMPLE_CLAIM, contact, write_claim, write_contact


def _error(directory) -> ReportError:
    with pytest.raises(ReportError) as info:
        load_claim(directory)
    return info.value


def test_example_claim_loads_in_date_order():
    folder = load_claim(EXAMPLE_CLAIM)
    assert folder.claim_number == "WC-2231-0457"
    assert folder.record.report_cadence_days == 30
    assert folder.record.previous_report.number == 1
    assert folder.record.referral_date == date(2026, 9, 28)
    assert len(folder.contacts) == 12
    dates = [c.date for c in folder.contacts]
    assert dates == sorted(dates) and dates[0] == date(2026, 10, 1) and dates[-1] == date(2026, 11, 30)
    assert dates[-1] - dates[0] >= __import__("datetime").timedelta(days=59)  # two months of contacts


def test_example_claim_has_the_contacts_the_issue_asks_for():
    folder = load_claim(EXAMPLE_CLAIM)
    types = [c.note_type for c in folder.contacts]
    assert types.count("physician-visit") >= 2
    roles = {c.facts.call.party.role for c in folder.contacts if c.facts and c.facts.call}
    assert {"pharmacist", "surgery scheduler", "HR manager", "adjuster"} <= roles
    statuses = [c.facts.work_status.status.value for c in folder.contacts if c.facts and c.facts.work_status]
    assert "off-work" in statuses and statuses[-1] == "modified-duty"
    ur = [r.status.value for c in folder.contacts if c.facts for r in c.facts.referrals]
    assert "non-certified" in ur and "appealed" in ur
    notes = [c for c in folder.contacts if c.facts is None]
    assert [c.name.rsplit(".", 1)[-1] for c in notes] == ["md"]
    assert all(c.label == str(EXAMPLE_CLAIM / c.name) for c in folder.contacts)


def test_note_only_contact_takes_date_type_and_time_from_front_matter():
    note = next(c for c in load_claim(EXAMPLE_CLAIM).contacts if c.facts is None)
    assert (note.date, note.note_type, note.start_time) == (date(2026, 11, 6), "telephonic", time(15, 40))
    assert note.claim_number == "WC-2231-0457"


def test_note_date_and_type_from_file_name(tmp_path):
    folder = write_claim(tmp_path / "c")
    (folder / "2026-04-02-phone-call-with-employer.txt").write_text("Called the employer.\n", encoding="utf-8")
    (folder / "2026-04-03 visit.md").write_text("# Visit\n\nSaw Dr. Lee.\n", encoding="utf-8")
    (folder / "2026-04-04-misc.md").write_text("Record review.\n", encoding="utf-8")
    contacts = load_claim(folder).contacts
    assert [(c.date, c.note_type) for c in contacts] == [
        (date(2026, 4, 2), "telephonic"), (date(2026, 4, 3), "physician-visit"), (date(2026, 4, 4), None)]
    assert contacts[1].title == "Visit"
    assert all(c.facts is None for c in contacts)


def test_docx_note_contact(tmp_path):
    import docx

    folder = write_claim(tmp_path / "c")
    document = docx.Document()
    document.add_paragraph("Telephone call with the adjuster about the MRI authorization.")
    document.save(folder / "2026-04-09-telephonic-adjuster.docx")
    (c,) = load_claim(folder).contacts
    assert (c.date, c.note_type, c.facts) == (date(2026, 4, 9), "telephonic", None)


def test_reports_other_files_and_subfolders_are_not_contacts(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "visit.yaml", contact("2026-04-01"))
    (folder / "2026-05-01-report.md").write_text("---\nnote_type: progress-report\n---\n# Report\n", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".hidden.yaml").write_text("nonsense: [", encoding="utf-8")
    (folder / "~$lock.docx").write_bytes(b"\x00\x01")
    (folder / "old").mkdir()
    write_contact(folder / "old", "visit.yaml", contact("2026-04-02"))
    source = FolderClaimSource(folder)
    loaded = load_claim(source)
    assert [c.name for c in loaded.contacts] == ["visit.yaml"]
    assert sorted(source.ignored) == ["2026-05-01-report.md", "scan.pdf"]


def test_json_contact(tmp_path):
    import json

    folder = write_claim(tmp_path / "c")
    (folder / "call.json").write_text(json.dumps(contact("2026-04-05", "telephonic")), encoding="utf-8")
    (c,) = load_claim(folder).contacts
    assert c.note_type == "telephonic" and c.party.startswith("Karen Whitfield")


def test_missing_claim_yaml(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    write_contact(folder, "visit.yaml", contact("2026-04-01"))
    err = _error(folder)
    assert err.lines() == [err.message]
    assert "claim.yaml" in err.message and "no such file" in err.message
    assert isinstance(err, NoteassistError) and err.exit_code == 2


def test_not_a_folder(tmp_path):
    assert "no such claim folder" in _error(tmp_path / "nope").message
    (tmp_path / "f.yaml").write_text("a: 1\n", encoding="utf-8")
    assert "not a folder" in _error(tmp_path / "f.yaml").message


def test_broken_contact_is_named_with_its_field(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "good.yaml", contact("2026-04-01"))
    bad = write_contact(folder, "bad.yaml", contact("2026-13-45"))
    err = _error(folder)
    assert err.lines() == [f"{bad}: encounter.date: expected a date as YYYY-MM-DD, got '2026-13-45'"]


def test_contact_errors_read_exactly_as_draft_does(tmp_path):
    folder = write_claim(tmp_path / "c")
    bad = folder / "bad.yaml"
    bad.write_text("claim:\n  claim_number: [unclosed\nclaimant: x\n", encoding="utf-8")
    typo = write_contact(folder, "typo.yaml", contact("2026-04-01", subjectve="typo"))
    with pytest.raises(FactsError) as first:
        load_facts(bad)
    with pytest.raises(FactsError) as second:
        load_facts(typo)
    assert _error(folder).lines() == first.value.lines() + second.value.lines()


def test_every_problem_in_the_folder_is_one_line(tmp_path):
    folder = write_claim(tmp_path / "c", report_cadence_days=0)
    write_contact(folder, "a.yaml", contact("2026-04-01", work_status={"status": "on-vacation"}))
    write_contact(folder, "b.yaml", contact("2026-04-02", encounter=None))
    (folder / "c.md").write_text("No date anywhere.\n", encoding="utf-8")
    lines = _error(folder).lines()
    assert len(lines) == 4
    assert lines[0].endswith("claim.yaml: report_cadence_days: Input should be greater than or equal to 1, got 0")
    assert "a.yaml: work_status.status: expected one of" in lines[1]
    assert "b.yaml: encounter:" in lines[2]
    assert "c.md: date_of_service:" in lines[3] and "YYYY-MM-DD" in lines[3]


def test_contact_for_another_claim(tmp_path):
    folder = write_claim(tmp_path / "c")
    data = contact("2026-04-01")
    data["claim"]["claim_number"] = "WC-9999-0001"
    other = write_contact(folder, "other.yaml", data)
    (folder / "2026-04-02-telephonic.md").write_text("---\nclaim_number: WC-8888-0002\n---\nCall.\n", encoding="utf-8")
    lines = _error(folder).lines()  # in file-name order
    assert "2026-04-02-telephonic.md: claim_number: 'WC-8888-0002' is another claim" in lines[0]
    assert lines[1] == (f"{other}: claim.claim_number: 'WC-9999-0001' is another claim; this folder is "
                        "'WC-7001-0042' (claim.yaml)")


def test_bad_note_front_matter(tmp_path):
    folder = write_claim(tmp_path / "c")
    (folder / "a.md").write_text("---\ndate_of_service: 2026-02-30\n---\nx\n", encoding="utf-8")
    (folder / "b.md").write_text("---\ndate_of_service: 2026-04-01\nnote_type: lunch\n---\nx\n", encoding="utf-8")
    lines = _error(folder).lines()
    assert "a.md: date_of_service: expected a date as YYYY-MM-DD" in lines[0]
    assert "b.md: note_type: unknown note type 'lunch'" in lines[1]


def test_schema_version_1_contacts_still_load(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "v1.yaml", contact("2026-04-01", schema_version=1))
    assert load_claim(folder).contacts[0].facts.schema_version == 1


CONTACT_FILES = sorted(p for p in EXAMPLE_CLAIM.glob("2026-*.yaml"))


@pytest.mark.parametrize("path", CONTACT_FILES, ids=lambda p: p.name)
def test_example_contacts_draft_and_lint_without_errors(linter, path):
    from noteassist.render import render_note

    note = render_note(load_facts(path))
    errors = [f for f in linter.lint_text(note).findings if f.severity == "error"]
    assert errors == []


def test_a_human_services_file_in_a_claim_folder_is_one_line(tmp_path):
    import shutil

    from .helpers import ROOT

    folder = write_claim(tmp_path / "c")
    source = ROOT / "examples" / "human-services" / "home-visit-child-welfare.yaml"
    shutil.copy(source, folder / "2026-11-16-visit.yaml")
    err = _error(folder)
    assert "\n" not in str(err) and "2026-11-16-visit.yaml: client: human-services facts are not a contact" in str(err)

"""ClaimSource: load_claim works on any source, not only a folder; problems of every part are collected."""

from __future__ import annotations

from datetime import date

import pytest

from noteassist.adjuster import (
    ClaimRecord,
    ClaimSource,
    Contact,
    FolderClaimSource,
    assemble_report,
    load_claim,
)
from noteassist.errors import ReportError
from noteassist.facts.load import validate_facts

from .helpers import CLAIM, CLAIMANT, CM, EXAMPLE_CLAIM, contact


class MemorySource:
    """A claim held in memory, as a database source would hand it over: no files anywhere."""

    def __init__(self, record: ClaimRecord | None, contacts: list[Contact], problems: list[str] = ()) -> None:
        self.label = "db:claims/7001"
        self._record, self._contacts, self._problems = record, contacts, list(problems)

    def claim_record(self) -> ClaimRecord:
        if self._record is None:
            raise ReportError("db:claims/7001: no claim row")
        return self._record

    def contacts(self) -> list[Contact]:
        if self._problems:
            raise ReportError(self._problems[0], details=self._problems)
        return list(self._contacts)


def _record() -> ClaimRecord:
    return ClaimRecord.model_validate({"schema_version": 2, "claim": CLAIM, "claimant": CLAIMANT, "case_manager": CM})


def _contact(key: str, day: str, **facts) -> Contact:
    visit = validate_facts(contact(day, **facts), key)
    return Contact(name=key, label=f"db:contacts/{key}", date=visit.encounter.date, note_type=visit.note_type,
                   facts=visit, claim_number=visit.claim.claim_number)


def test_a_source_that_is_not_a_folder_makes_a_report():
    later = _contact("contact-2", "2026-05-20", work_status={"status": "full-duty"})
    earlier = _contact("contact-1", "2026-05-06", work_status={"status": "off-work"})
    source = MemorySource(_record(), [later, earlier])
    assert isinstance(source, ClaimSource)

    claim = load_claim(source)
    assert claim.label == "db:claims/7001" and claim.claim_number == "WC-7001-0042"
    assert [c.name for c in claim.contacts] == ["contact-1", "contact-2"]  # ordered by date

    report = assemble_report(claim, date(2026, 5, 1), date(2026, 5, 31))
    assert report.claim_label == "db:claims/7001"
    assert [c.source for c in report.contacts] == ["contact-1", "contact-2"]
    assert report.work_status.status == "full-duty" and report.work_status.source == "contact-2"


def test_problems_of_the_record_and_the_contacts_come_together():
    source = MemorySource(None, [], problems=["db:contacts/9: encounter.date: missing", "db:contacts/10: bad"])
    with pytest.raises(ReportError) as info:
        load_claim(source)
    assert info.value.lines() == ["db:claims/7001: no claim row", "db:contacts/9: encounter.date: missing",
                                  "db:contacts/10: bad"]


def test_a_contact_of_another_claim_is_named_by_its_label():
    stray = _contact("contact-3", "2026-05-06", claim={**CLAIM, "claim_number": "WC-9999-0001"})
    with pytest.raises(ReportError) as info:
        load_claim(MemorySource(_record(), [stray]))
    assert info.value.lines() == ["db:contacts/contact-3: claim.claim_number: 'WC-9999-0001' is another claim; "
                                  "this folder is 'WC-7001-0042' (claim.yaml)"]


def test_a_path_still_means_a_folder():
    by_path = load_claim(EXAMPLE_CLAIM)
    by_source = load_claim(FolderClaimSource(EXAMPLE_CLAIM))
    assert by_path.label == by_source.label == str(EXAMPLE_CLAIM)
    assert [c.name for c in by_path.contacts] == [c.name for c in by_source.contacts]
    assert by_path.record == by_source.record


def test_the_folder_source_reads_its_parts_separately(tmp_path):
    source = FolderClaimSource(EXAMPLE_CLAIM)
    assert source.claim_record().claim.claim_number == "WC-2231-0457"
    names = [c.name for c in source.contacts()]
    assert names == sorted(names)  # file-name order; load_claim orders by date
    empty = tmp_path / "c"
    empty.mkdir()
    with pytest.raises(ReportError, match="claim.yaml: no such file"):
        FolderClaimSource(empty).claim_record()
    assert FolderClaimSource(empty).contacts() == []

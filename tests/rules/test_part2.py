"""NA904: 42 CFR Part 2 information in a note for another agency needs a Part 2 consent on file for that
recipient (error without one) and the redisclosure notice (warning without it); internal notes are not
checked (issue 14 item 3)."""

from __future__ import annotations

import pytest

from noteassist.lint import NoteInput
from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter
from noteassist.lint.rules.part2 import REDISCLOSURE_NOTICE


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA904"]))


def na904(linter: Linter, text: str, **meta):
    result = linter.lint(NoteInput(path="note.txt", text=text, meta=meta)) if meta else linter.lint_text(text)
    return [f for f in result.findings if f.rule == "NA904"]


@pytest.mark.parametrize("text", [
    "To: Harbor Housing\nClient attends the methadone clinic daily and is stable on 80 mg.",
    "Released to: County DSS\nDate of service: 11/20/2026\nClient started Suboxone on 11/02 through the MAT program.",
    "Recipient: Eastside Family Court\nClient completed withdrawal management at Riverside and began SUD counseling.",
    "To: Northgate Employment Services\nClient is in intensive outpatient substance use treatment three evenings a week.",
])
def test_part2_information_for_another_agency_without_consent_is_an_error(linter, text):
    findings = na904(linter, text)
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert findings[0].suggestions == [REDISCLOSURE_NOTICE]
    assert findings[0].text  # points at the wording


def test_a_recipient_in_metadata_and_a_note_from_a_part2_program(linter):
    text = "Group session on coping skills; client shared two strategies and set a goal for the week."
    findings = na904(linter, text, recipient="Harbor Housing", part2=True, agency="Bridgeway Recovery")
    assert len(findings) == 1 and findings[0].start == findings[0].end == 0
    assert "from a Part 2 program" in findings[0].message
    assert na904(linter, text, recipient="Bridgeway Recovery Inc.", part2=True, agency="Bridgeway Recovery") == []


def test_a_current_part2_consent_for_the_recipient_leaves_only_the_notice(linter):
    text = "Client attends the methadone clinic daily and is stable on 80 mg."
    consent = [{"agency": "Harbor Housing", "part2": True, "expires": "2027-03-01"}]
    findings = na904(linter, text, recipient="Harbor Housing", consents=consent, date_of_service="2026-11-20")
    assert [f.severity for f in findings] == ["warning"]
    with_notice = text + "\n\n" + REDISCLOSURE_NOTICE
    assert na904(linter, with_notice, recipient="Harbor Housing", consents=consent, date_of_service="2026-11-20") == []


@pytest.mark.parametrize("consents", [
    [{"agency": "Harbor Housing", "part2": True, "expires": "2026-10-01"}],  # expired before the service
    [{"agency": "County DSS", "part2": True, "expires": "2027-03-01"}],  # another recipient
    [{"agency": "Harbor Housing", "part2": False, "expires": "2027-03-01"}],  # a general release (2.31)
])
def test_an_expired_general_or_other_agency_consent_does_not_count(linter, consents):
    text = "Client attends the methadone clinic daily."
    findings = na904(linter, text, recipient="Harbor Housing", consents=consents, date_of_service="2026-11-20")
    assert [f.severity for f in findings] == ["error"]


def test_a_consent_stated_in_the_note_counts(linter):
    text = ("To: Harbor Housing\nClient attends the methadone clinic daily.\n"
            "42 CFR Part 2 consent for Harbor Housing signed 11/02/2026, on file.\n" + REDISCLOSURE_NOTICE)
    assert na904(linter, text) == []


@pytest.mark.parametrize("text", [
    "Client attends the methadone clinic daily and is stable on 80 mg.",  # internal: no recipient
    "To: Harbor Housing\nClient kept every appointment this month and the housing application is complete.",
    "To: Harbor Housing\nClient reports her brother is in treatment; she is looking for a two-bedroom unit.",
    "To: Harbor Housing\nClient is attending the diabetes education group on Tuesdays.",
])
def test_internal_notes_and_notes_without_part2_information_stay_quiet(linter, text):
    assert na904(linter, text) == []


def test_the_notice_is_configurable_and_must_be_text():
    custom = Linter(LintConfig(select=["NA904"], options={"NA904": {"notice": "See 42 CFR part 2 notice v2024."}}))
    finding = na904(custom, "To: Harbor Housing\nClient takes buprenorphine daily.")[0]
    assert finding.suggestions == ["See 42 CFR part 2 notice v2024."]
    from noteassist.errors import NoteassistError

    with pytest.raises(NoteassistError, match="NA904: notice"):
        Linter(LintConfig(select=["NA904"], options={"NA904": {"notice": ""}})).lint_text("To: X\nmethadone")

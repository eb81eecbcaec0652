"""NA811 late-entry (domain guide 2.1, 2.2): written long after the service without a late-entry label."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.config import config_from_mapping

BODY = ("Met with Ms. Diaz and Dr. Lee at Austin Orthopedic Associates. Dr. Lee continued modified duty "
        "with no lifting over 10 lb.")


@pytest.fixture(scope="module")
def late():
    return Linter(LintConfig(select=["NA811"]))


def lint(linter, text, **meta):
    return linter.lint(NoteInput(text, meta=meta)).findings


def test_three_days_late_is_an_error(late):
    findings = lint(late, BODY, date_of_service="2026-11-17", date_written="2026-11-21 08:00")
    assert [(f.rule, f.category, f.severity, f.start) for f in findings] == [("NA811", "timeliness", "error", 0)]
    # The service has no time: counted from the end of 11/17, so 80 hours.
    assert findings[0].message == "written 3 days (80 h) after the 11/17/2026 service without a 'Late entry' label"
    assert findings[0].suggestions == ["LATE ENTRY for 11/17/2026"]


def test_two_days_late_is_a_warning(late):
    findings = lint(late, BODY, date_of_service="2026-11-18 10:00", date_written="2026-11-19 16:30")
    assert [(f.rule, f.severity) for f in findings] == [("NA811", "warning")]
    assert "1 day (30 h)" in findings[0].message


def test_header_dates_point_at_the_written_date(late):
    text = "Date of service: 11/17/2026 9:30 AM\nDate written: 11/21/2026 4:10 PM\n\n" + BODY
    findings = late.lint_text(text).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA811", "error", "11/21/2026")]


def test_electronic_signature_line(late):
    text = ("Date of service: 11/17/2026\n\n" + BODY
            + "\n\nElectronically signed by Jordan Patel, RN on 11/20/2026 21:40")
    assert [f.rule for f in late.lint_text(text).findings] == ["NA811"]


@pytest.mark.parametrize(
    ("text", "meta"),
    [
        (BODY, {"date_of_service": "2026-11-20 14:00", "date_written": "2026-11-20 21:40"}),
        (BODY, {"date_of_service": "2026-11-20", "date_written": "2026-11-21 09:00"}),
        (BODY, {"date_of_service": "2026-11-20"}),
        (BODY, {"date_written": "2026-11-29"}),
        ("LATE ENTRY: for 11/17/2026, written 11/20/2026.\n" + BODY,
         {"date_of_service": "2026-11-17", "date_written": "2026-11-20 16:00"}),
        ("Late Entry for 11/18/2026\n" + BODY, {"date_of_service": "2026-11-18", "date_written": "2026-11-24"}),
        ("ADDENDUM to the 11/17/2026 note: the MRI report arrived today.\n" + BODY,
         {"date_of_service": "2026-11-17", "date_written": "2026-11-24"}),
    ],
)
def test_quiet(late, text, meta):
    assert lint(late, text, **meta) == []


def test_options_are_honoured():
    linter = Linter(config_from_mapping({"select": ["NA811"], "options": {
        "NA811": {"warn_hours": 48, "error_hours": 120, "labels": ["Delayed entry"]}}}))
    assert lint(linter, BODY, date_of_service="2026-11-18", date_written="2026-11-20 08:00") == []
    findings = lint(linter, BODY, date_of_service="2026-11-17", date_written="2026-11-20 08:00")
    assert [(f.severity, "'Delayed entry'" in f.message) for f in findings] == [("warning", True)]
    assert lint(linter, "Delayed entry.\n" + BODY, date_of_service="2026-11-10", date_written="2026-11-20") == []
    # "Late entry" is no longer a label once the option replaces the list.
    assert lint(linter, "Late entry.\n" + BODY, date_of_service="2026-11-10", date_written="2026-11-20")


def test_relevelled_rule_uses_one_level():
    linter = Linter(config_from_mapping({"select": ["NA811"], "severity": {"NA811": "info"}}))
    findings = lint(linter, BODY, date_of_service="2026-11-10", date_written="2026-11-20")
    assert [f.severity for f in findings] == ["info"]


def test_bad_option_is_a_config_error():
    with pytest.raises(NoteassistError, match="labels"):
        Linter(config_from_mapping({"select": ["NA811"], "options": {"NA811": {"labels": "Late entry"}}}))

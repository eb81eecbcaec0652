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


@pytest.mark.parametrize("stamp", [
    "e-signed 11/21/2026 08:05 K. Amari, LCSW",
    "Signed: K. Amari, LCSW 11/21/2026 19:10",
    "Signed 11/21/26 @ 0805",
    "[11/21/2026 08:12] Note entered by K. Amari",
    "Entered 2026-11-21T08:12",
    "K. Amari, LCSW - signed 11/21/2026 16:20",
])
def test_a_signature_or_entry_stamp_dates_the_note(late, stamp):
    findings = lint(late, BODY + "\n\n" + stamp + "\n", date_of_service="2026-11-17")
    assert [(f.rule, f.severity) for f in findings] == [("NA811", "error")]
    assert findings[0].text in ("11/21/2026", "11/21/26", "2026-11-21")  # the stamp's date


def test_the_latest_signature_counts_not_a_narrative_date(late):
    text = ("Date written: 11/17/2026 18:00\n" + BODY + " She signed the work-status form on 11/25/2026.\n"
            "Electronically signed by K. Amari on 11/19/2026 09:30\n")
    findings = lint(late, text, date_of_service="2026-11-17")
    assert [(f.severity, f.text) for f in findings] == [("warning", "11/19/2026")]


@pytest.mark.parametrize("label", [
    "LATE ENTRY", "**Late Entry** for 11/17", "Late entry: visit of 11/17/2026", "Addendum (11/24/2026)",
    "ADDENDUM \u2014 11/24/2026 09:15", "Addendum to note of 11/17/2026", "This note is a late entry.",
    "[2026-11-24 09:00] Late entry for the home visit",
])
def test_label_wordings_keep_the_note_quiet(late, label):
    text = label + "\n" + BODY + "\nSigned: K. Amari 11/24/2026 09:20\n"
    assert lint(late, text, date_of_service="2026-11-17") == []


def test_the_label_word_in_narrative_labels_nothing(late):
    text = (BODY + " She will sign the lease addendum on Friday.\n"
            "Signed: K. Amari 11/24/2026 09:20\n")
    assert [f.rule for f in lint(late, text, date_of_service="2026-11-17")] == ["NA811"]

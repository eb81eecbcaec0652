"""The note's date written from its own signature and entry stamps (notemeta.written_stamps, date_written_in)."""

from __future__ import annotations

from datetime import date, time

import pytest

from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.notemeta import date_written_in, written_stamps


def when(text):
    found = date_written_in(text)
    return None if found is None else (found.date, found.time)


@pytest.mark.parametrize(("line", "day", "at"), [
    ("e-signed 12/04/2026 07:50 R. Baptiste, LPC", date(2026, 12, 4), time(7, 50)),
    ("E-Signed: 12/04/2026 0750", date(2026, 12, 4), time(7, 50)),
    ("Electronically signed by Rosa Baptiste, LPC on 12/04/2026 16:02", date(2026, 12, 4), time(16, 2)),
    ("ELECTRONICALLY SIGNED BY ROSA BAPTISTE ON 12/04/2026 4:02 PM", date(2026, 12, 4), time(16, 2)),
    ("Signed: R. Baptiste LPC 12/04/2026", date(2026, 12, 4), None),
    ("Signed: R. Baptiste, LPC \u00b7 12/04/2026 16:02", date(2026, 12, 4), time(16, 2)),
    ("Signed 12/4/26 @ 0750", date(2026, 12, 4), time(7, 50)),
    ("Signed December 4, 2026 at 9:15 AM", date(2026, 12, 4), time(9, 15)),
    ("Entered 2026-12-04T08:12", date(2026, 12, 4), time(8, 12)),
    ("Entered by: Omar Reyes, RN  2026-12-04 08:12", date(2026, 12, 4), time(8, 12)),
    ("[12/04/2026 08:12] Note entered by Omar Reyes, RN", date(2026, 12, 4), time(8, 12)),
    ("[2026-12-04 08:12] Signed: O. Reyes RN", date(2026, 12, 4), time(8, 12)),
    ("Date written: 12/04/2026 10:30", date(2026, 12, 4), time(10, 30)),
    ("**Date signed:** 12/04/2026", date(2026, 12, 4), None),
    ("Documented: 12/04/2026 1130 hrs", date(2026, 12, 4), time(11, 30)),
    ("Omar Reyes, RN, CCM, signed 12/04/2026 17:05", date(2026, 12, 4), time(17, 5)),
    ("Omar Reyes, RN - entered 12/04/2026 17:05", date(2026, 12, 4), time(17, 5)),
    ("Prepared by: Omar Reyes, RN     Signed 12/04/2026", date(2026, 12, 4), None),
    ("Author: Omar Reyes, RN   Written: 12/04/2026 13:45", date(2026, 12, 4), time(13, 45)),
    ("WRITTEN: 12/04/2026 17:25 | NCM: Omar Reyes", date(2026, 12, 4), time(17, 25)),
])
def test_signature_and_entry_stamps_in_every_common_form(line, day, at):
    assert when("Home visit with the worker.\n\n" + line + "\n") == (day, at)


@pytest.mark.parametrize("text", [
    "He signed the release on 12/09/2026 at the clinic.",
    "Consent and releases signed. Next visit 12/09/2026.",
    "**Consent:** Signed authorization for records 12/09/2026.",
    "Ms. Abara signed up for the 12/09 class.",
    "| 12/08/2026 | Certified letter | Signed for on 12/09/2026 |",
    "- Naproxen 500 mg twice a day, #60, written 12/09/2026.",
    "The lease must be signed by 12/09/2026 for the deposit.",
    "The MRI report, written 12/09/2026 by Dr. Lum, shows a tear.",
])
def test_narrative_signing_and_writing_is_no_stamp(text):
    assert written_stamps(text) == []


def test_the_latest_stamp_of_the_note_counts():
    text = ("Entered: 12/04/2026 08:12 by O. Reyes\nVisit summary.\n"
            "Electronically signed by Omar Reyes, RN on 12/06/2026 09:00\n")
    assert when(text) == (date(2026, 12, 6), time(9, 0))


def test_an_addendums_stamps_are_the_addendums():
    text = ("Visit summary.\nSigned: O. Reyes RN, 12/04/2026 17:30\n\n"
            "ADDENDUM - 12/09/2026 09:15, O. Reyes RN (adds to the 12/04/2026 visit note above)\n"
            "The MRI report arrived.\nSigned: O. Reyes RN, 12/09/2026 09:20\n")
    assert when(text) == (date(2026, 12, 4), time(17, 30))


def test_a_stamp_span_points_at_its_date():
    text = "Visit.\ne-signed 12/04/2026 07:50 R. Baptiste\n"
    [stamp] = written_stamps(text)
    assert text[stamp.start:stamp.end] == "12/04/2026"


def test_day_first_is_honoured():
    assert when("Signed: R. Baptiste 04/12/2026", ) == (date(2026, 4, 12), None)
    assert date_written_in("Signed: R. Baptiste 04/12/2026", day_first=True).date == date(2026, 12, 4)


def test_metadata_wins_over_the_text():
    linter = Linter(LintConfig(select=["NA811"]))
    note = NoteInput("Visit.\nSigned: R. Baptiste 12/09/2026\n",
                     meta={"date_of_service": "2026-12-04", "date_written": "2026-12-04 18:00"})
    assert linter.lint(note).findings == []


@pytest.mark.parametrize("column", ["Date Signed", "date_signed", "Signed On", "Date Entered"])
def test_an_export_column_named_for_the_signing_date_is_the_date_written(tmp_path, column):
    from noteassist.io.records import read_records

    export = tmp_path / "export.csv"
    export.write_text(f"Note,Date of Service,{column}\n\"Visit with the worker.\",2026-12-04,2026-12-09 10:00\n")
    [record] = read_records(export)
    assert record.meta["date_written"] == "2026-12-09 10:00"
    assert record.meta["date_of_service"] == "2026-12-04"

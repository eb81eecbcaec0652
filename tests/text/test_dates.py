"""The one date finder and parser (noteassist.text.dates): every form, day-first dates, invalid dates."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from noteassist.errors import NoteInputError
from noteassist.text.dates import DATE_PATTERN, When, date_at, find_dates, parse_meta_date

NOV_20 = date(2026, 11, 20)


@pytest.mark.parametrize("written", [
    "11/20/2026", "11/20/26", "2026-11-20", "November 20, 2026", "Nov. 20, 2026", "Nov 20 2026", "NOV 20, 2026",
    "November 20th, 2026", "20 November 2026", "20 Nov 2026", "20-Nov-2026", "20-NOV-26",
])
def test_every_form_is_found_with_its_span(written):
    text = f"Seen on {written}, then discharged."
    assert find_dates(text) == [(8, 8 + len(written), NOV_20)]
    assert re.search(DATE_PATTERN, text).group() == written


def test_a_date_without_a_year_takes_the_reference_year_rolled_forward():
    assert find_dates("Return visit December 4.") == []
    assert find_dates("Return visit December 4.", reference=NOV_20) == [(13, 23, date(2026, 12, 4))]
    # More than six months before the reference: next year's.
    assert find_dates("Recheck on January 8.", reference=NOV_20)[0][2] == date(2027, 1, 8)
    assert re.search(DATE_PATTERN, "Return visit December 4.") is None  # the pattern wants a year


@pytest.mark.parametrize("text", [
    "Seen 02/30/2026.", "Seen 13/01/2026 in error.", "Rated 3/10 today.", "Code 2026-11-20-01.", "ICD S82.841A.",
    "Phone 555-11-2026.", "WC-11/20/2026", "Year 1850-01-01.", "lower may 4 2026",
])
def test_impossible_dates_and_lookalikes_are_not_dates(text):
    assert find_dates(text) == []


def test_day_first_reads_the_first_number_as_the_day():
    text = "Seen 20/11/2026; next 03/04/2027; logged 2026-11-20."
    assert [d for _, _, d in find_dates(text)] == [date(2027, 3, 4), NOV_20]  # 20/11 has no month 20
    assert [d for _, _, d in find_dates(text, day_first=True)] == [NOV_20, date(2027, 4, 3), NOV_20]
    assert find_dates("Seen 11/20/2026.", day_first=True) == []
    assert date_at("20/11/2026 9:40 PM", 0, day_first=True) == When(NOV_20, time(21, 40), None, "text", 0, 10)


def test_date_at_reads_a_time_or_a_time_range_after_the_date():
    assert date_at("11/20/2026 9:40 PM", 0) == When(NOV_20, time(21, 40), None, "text", 0, 10)
    assert date_at("2026-11-20T21:40", 0).time == time(21, 40)
    ranged = date_at("November 20, 2026, 9:30 to 10:15 AM", 0)
    assert (ranged.time, ranged.until) == (time(9, 30), time(10, 15))
    assert date_at("Seen 11/20/2026", 0) is None and date_at("Seen 11/20/2026", 5).date == NOV_20


def test_metadata_dates_from_yaml_iso_and_numeric_forms():
    assert parse_meta_date(NOV_20, "n.md", "date_of_service") == When(NOV_20)
    assert parse_meta_date(datetime(2026, 11, 20, 21, 40, 15), "n.md", "date_written") == When(NOV_20, time(21, 40))
    assert parse_meta_date("2026-11-20", "n.md", "date_of_service") == When(NOV_20)
    assert parse_meta_date("2026-11-20 21:40", "n.md", "date_written").time == time(21, 40)
    assert parse_meta_date("11/20/2026 9:40 PM", "n.md", "date_written") == When(NOV_20, time(21, 40))
    assert parse_meta_date("20/11/2026", "n.md", "date_of_service", day_first=True) == When(NOV_20)
    assert parse_meta_date("03/04/2026", "n.md", "date_of_service", day_first=True).date == date(2026, 4, 3)


def test_a_day_first_metadata_date_without_day_first_names_the_field_and_the_setting():
    with pytest.raises(NoteInputError) as caught:
        parse_meta_date("20/11/2026", "export.csv#3", "date_of_service")
    message = str(caught.value)
    assert message.startswith("export.csv#3: date_of_service: expected a date such as 2026-11-20")
    assert "'20/11/2026'" in message and message.endswith("for day-first dates set day_first = true")


@pytest.mark.parametrize("value", ["2026-02-30", "someday", "11/20/2026 and later", "13/13/2026", "", "2026/11/20"])
def test_unreadable_metadata_dates_are_input_errors_without_the_day_first_hint(value):
    with pytest.raises(NoteInputError, match=r"^n\.md: date_of_injury: expected a date such as 2026-11-20") as caught:
        parse_meta_date(value, "n.md", "date_of_injury")
    assert "day_first" not in str(caught.value)


def test_a_month_first_metadata_date_with_day_first_set_says_so():
    with pytest.raises(NoteInputError, match=r"day_first is set: day, then month\), got '11/20/2026'"):
        parse_meta_date("11/20/2026", "n.md", "date_of_service", day_first=True)


def test_lint_and_the_claim_folder_read_one_notes_front_matter_and_dates_the_same(tmp_path):
    from noteassist.adjuster.claim import _note_contact
    from noteassist.lint import LintConfig, Linter, NoteInput

    note = tmp_path / "call.md"
    note.write_text("---\nnote_type: telephonic\ndate_of_service: 11/20/2026 9:40 PM\n---\nCalled the worker.\n",
                    encoding="utf-8")
    contact = _note_contact(note)
    ctx = Linter(LintConfig(select=["NA901"])).prepare(NoteInput(note.read_text(encoding="utf-8"), path=str(note)))
    assert (contact.date, contact.start_time) == (ctx.meta_info.date_of_service.date, ctx.meta_info.date_of_service.time)
    assert (contact.date, contact.start_time) == (NOV_20, time(21, 40))
    assert contact.note_type == "telephonic"


@pytest.mark.parametrize(("text", "start", "until"), [
    ("11/1/26 @ 0805", time(8, 5), None),
    ("11/20/2026@1740 by the nurse", time(17, 40), None),
    ("11/20/2026 at 0812 hrs", time(8, 12), None),
    ("11/20/2026 2215 K. Amari, RN", time(22, 15), None),
    ("11/20/2026 0930\nNext line", time(9, 30), None),
    ("11/20/2026 1400-1445 home visit", time(14, 0), time(14, 45)),
    ("2026-11-20 @ 9:40 PM", time(21, 40), None),
])
def test_date_at_reads_an_at_sign_and_military_time(text, start, until):
    found = date_at(text, 0)
    assert (found.date.day, found.time, found.until) == (20 if "11/1/" not in text else 1, start, until)


@pytest.mark.parametrize("text", ["11/20/2026 1000 units given", "11/20/2026 2026 total", "11/20/2026 2460.",
                                  "11/20/2026 0805123"])
def test_four_digits_before_a_word_or_more_digits_are_no_time(text):
    assert date_at(text, 0).time is None

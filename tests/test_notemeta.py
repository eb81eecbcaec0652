"""Note metadata: claim number and dates from metadata, then facts, then the note's header; the date finder."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from noteassist.errors import NoteInputError
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.notemeta import date_written_in, written_stamps
from noteassist.text.dates import find_dates, parse_meta_date


@pytest.fixture(scope="module")
def prep():
    linter = Linter(LintConfig(select=["NA901"]))
    return lambda text, **kw: linter.prepare(NoteInput(text, **kw)).meta_info


@pytest.mark.parametrize(
    ("value", "expected_date", "expected_time"),
    [
        ("2026-11-20", date(2026, 11, 20), None),
        ("2026-11-20T21:40", date(2026, 11, 20), time(21, 40)),
        ("2026-11-20 21:40", date(2026, 11, 20), time(21, 40)),
        ("11/20/2026", date(2026, 11, 20), None),
        ("11/20/2026 9:40 PM", date(2026, 11, 20), time(21, 40)),
        (date(2026, 11, 20), date(2026, 11, 20), None),
        (datetime(2026, 11, 20, 21, 40), date(2026, 11, 20), time(21, 40)),
    ],
)
def test_meta_dates(value, expected_date, expected_time):
    when = parse_meta_date(value, "notes.csv:3", "date_written")
    assert (when.date, when.time) == (expected_date, expected_time)


def test_unreadable_meta_date_is_an_input_error(prep):
    with pytest.raises(NoteInputError) as info:
        prep("Visit note.", path="notes.csv:3", meta={"date_written": "yesterday"})
    assert str(info.value) == ("notes.csv:3: date_written: expected a date such as 2026-11-20 or 2026-11-20 14:30, "
                               "got 'yesterday'")


def test_header_fields_in_the_text(prep):
    info = prep("PHYSICIAN VISIT NOTE\nClaim #: WC-2231-0457    Claimant: Maria Diaz\nDOI: 09/14/2026\n"
                "DATE OF SERVICE: 11/20/2026 2:00 PM\nSigned: 11/21/2026 08:15\n\nSeen with Dr. Lee.")
    assert info.claim_number == "WC-2231-0457" and info.claim_number_source == "text"
    assert info.date_of_injury.date == date(2026, 9, 14)
    assert (info.date_of_service.date, info.date_of_service.time) == (date(2026, 11, 20), time(14, 0))
    assert (info.date_written.date, info.date_written.time) == (date(2026, 11, 21), time(8, 15))


def test_claim_number_labels(prep):
    assert prep("Claim Number: 04-118220-TX\nSeen.").claim_number == "04-118220-TX"
    assert prep("Claim No. 7781-22913\nSeen.").claim_number == "7781-22913"
    assert prep("Claimant: Maria Diaz. DOB 03/22/1984.").claim_number is None


def test_metadata_wins_over_facts_and_text(prep):
    info = prep("Claim #: WC-2231-0457\nDate of service: 11/20/2026\n\nSeen.",
                meta={"claim_number": "WC-2231-0999", "date_of_service": "2026-11-19", "carrier": "Lone Star"})
    assert info.claim_number == "WC-2231-0999" and info.claim_number_source == "meta"
    assert info.date_of_service.date == date(2026, 11, 19) and not info.date_of_service.in_text
    assert info.carrier == "Lone Star"


def test_facts_fill_what_metadata_lacks(prep):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    info = prep("Seen with Dr. Lee.", facts=facts)
    assert info.claim_number == "WC-2231-0457" and info.claim_number_source == "facts"
    assert info.date_of_injury.date == date(2026, 9, 14)
    assert info.date_of_service.date == date(2026, 11, 20) and info.date_of_service.time == time(9, 30)


def test_front_matter_is_metadata(prep):
    info = prep("---\nclaim_number: WC-2231-0457\ndate_of_service: 2026-11-20\n---\nSeen with Dr. Lee.\n")
    assert info.claim_number == "WC-2231-0457" and info.date_of_service.date == date(2026, 11, 20)


def test_drafted_header_with_time_range(prep):
    info = prep("## Visit\n\nDate of service: November 20, 2026, 9:30 AM to 10:15 AM at the clinic.\n")
    assert info.date_of_service.time == time(9, 30) and info.date_of_service.until == time(10, 15)


def test_find_dates():
    text = ("Seen 11/20/2026, 11/20/26 and 2026-11-20; November 20, 2026 and Nov. 20, 2026; follow-up December 4 "
            "and January 5. Strength 4/5, BP 120/80, claim WC-2026-11-20, phone 512-555-0147.")
    found = [(text[s:e], d) for s, e, d in find_dates(text, date(2026, 11, 20))]
    assert found == [
        ("11/20/2026", date(2026, 11, 20)), ("11/20/26", date(2026, 11, 20)), ("2026-11-20", date(2026, 11, 20)),
        ("November 20, 2026", date(2026, 11, 20)), ("Nov. 20, 2026", date(2026, 11, 20)),
        ("December 4", date(2026, 12, 4)), ("January 5", date(2027, 1, 5)),
    ]


def test_year_less_dates_need_a_service_date():
    assert [d for _s, _e, d in find_dates("Return visit December 4.")] == []


def test_invalid_dates_are_not_dates():
    assert find_dates("On 13/45/2026 and 02/30/2026.") == []


def test_day_first_config_reads_metadata_and_header_dates_day_first():
    prepare = Linter(LintConfig(select=["NA901"], day_first=True)).prepare
    info = prepare(NoteInput("Date of service: 03/04/2026\nDOI: 20/01/2026\nVisit note.",
                             meta={"date_written": "05/04/2026 10:15"})).meta_info
    assert info.date_of_service.date == date(2026, 4, 3)
    assert info.date_of_injury.date == date(2026, 1, 20)
    assert (info.date_written.date, info.date_written.time) == (date(2026, 4, 5), time(10, 15))


def test_a_day_first_date_without_day_first_is_an_input_error_with_the_hint(prep):
    with pytest.raises(NoteInputError, match=r"date_of_service: .*got '20/11/2026'; for day-first dates set day_first"):
        prep("Visit note.", path="notes.csv#3", meta={"date_of_service": "20/11/2026"})
    # In the text, a date impossible month first is simply not a date.
    assert prep("Date of service: 20/11/2026\nVisit note.").date_of_service is None


# --- the date written from the note's own signature and entry stamps ---

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


def test_metadata_date_written_wins_over_a_signature_line():
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


def test_a_contact_and_its_date_on_the_opening_line_date_the_service():
    from noteassist.lint import Linter, LintConfig

    linter = Linter(LintConfig(select=["NA811"]))
    late = ("Telephone call 03/02/2026 09:00-09:10 with the adjuster about the PT authorization.\n"
            "Plan: call the clinic tomorrow. Signed 03/06/2026 14:00.\n")
    assert [f.rule for f in linter.lint_text(late).findings] == ["NA811"]
    # A next or follow-up visit on the first line is the next appointment, not this contact's date.
    planned = ("Next visit 03/20/2026 with Dr. Ames.\nCalled the worker about her PT start.\n"
               "Signed 03/06/2026 14:00.\n")
    assert linter.lint_text(planned).findings == []


@pytest.mark.parametrize("text, claim", [
    ("Note Type | Telephonic\nClaim # | WC-9126643\nIW | H. Jensen\n", "WC-9126643"),
    ("Date of call | 10/05/2026 14:10\nClaim | WC-9561205\n", "WC-9561205"),
    ("CASEPRO EXPORT | NOTE TYPE: Initial Assessment | CLAIM WC-9162058\nIW: C. Mendoza\n", "WC-9162058"),
])
def test_claim_number_from_pipe_rows_and_export_headers(prep, text, claim):
    assert prep(text).claim_number == claim


def test_prose_claim_is_not_a_label(prep):
    assert prep("Adjuster said the offer for claim WC-9561206 arrived.\n").claim_number is None


@pytest.mark.parametrize("text, day, hour", [
    ("Date of call | 10/05/2026 14:10-14:22\nContact | adjuster\n", 5, 14),
    ("10/02/2026 0915 TC to IW Marcus Bell, outbound. Purpose: PT.\n", 2, 9),
    ("CASEPRO EXPORT | CLAIM WC-9162058\nIW: C. M.\n[10/07/2026 14:00] Contact: telephonic intake w/ IW.\n", 7, 14),
])
def test_service_date_from_pipes_and_log_entries(prep, text, day, hour):
    when = prep(text).date_of_service
    assert (when.date, when.time.hour) == (date(2026, 10, day), hour)


def test_a_signature_entry_is_not_the_service_date(prep):
    assert prep("[10/12/2026 09:15] Signed: I. Solberg RN\n").date_of_service is None


@pytest.mark.parametrize("line, expected", [
    ("Omar Haddad, CADC-T   Entered: 17-Oct-2026 11:02", datetime(2026, 10, 17, 11, 2)),
    ("Signed | Nadia Quesnel, RN | 10/10/2026 17:45", datetime(2026, 10, 10, 17, 45)),
    ("Entered: 6-Oct-2026 08:55", datetime(2026, 10, 6, 8, 55)),
])
def test_written_stamps_in_more_export_forms(line, expected):
    when = date_written_in("Call note.\n" + line + "\n")
    assert datetime.combine(when.date, when.time) == expected


@pytest.mark.parametrize("text, dos, claim", [
    ("note_type=telephonic\nclaim_no=WC-9610412\ndos=2026-10-14; start=10:05\n", date(2026, 10, 14), "WC-9610412"),
    ("HDR;CareTrack\nCLM;WC-9610651;IW;Whitlock, Raymond\nDOS;2026-10-09;TIME;10:00\n", date(2026, 10, 9), "WC-9610651"),
    ("[2026-10-09 16:31] Encounter: Telephonic SOAP, outbound call to IW on 10/05/2026 09:30-09:48\n",
     date(2026, 10, 5), None),
    ("TC to employer Brushy Fork Lumber, re IW Carl Weeks. 10/05/2026 11:20, outbound.\n", date(2026, 10, 5), None),
])
def test_service_date_and_claim_from_exports(prep, text, dos, claim):
    info = prep(text)
    assert (info.date_of_service.date, info.claim_number) == (dos, claim)


def test_a_dob_on_the_first_line_is_not_the_call(prep):
    assert prep("TC to IW Carl Weeks, DOB 10/05/1980 11:20.\n").date_of_service is None


@pytest.mark.parametrize("line, expected", [
    ("signed=R. Okafor RN CCM; e-sig 2026-10-14 10:31", datetime(2026, 10, 14, 10, 31)),
    ("Signed L. Hart 10/16/2026 23:48", datetime(2026, 10, 16, 23, 48)),
    ("entered=2026-10-09 14:12", datetime(2026, 10, 9, 14, 12)),
])
def test_written_stamps_in_export_and_signature_forms(line, expected):
    when = date_written_in("Call note.\n" + line + "\n")
    assert datetime.combine(when.date, when.time) == expected


def test_narrative_signing_is_no_stamp():
    assert date_written_in("Visit.\nSigned the release on 11/02/2026 at the clinic.\n") is None

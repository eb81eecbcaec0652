"""Note metadata: claim number and dates from metadata, then facts, then the note's header; the date finder."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from noteassist.errors import NoteInputError
from noteassist.lint import LintConfig, Linter, NoteInput
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

"""NA801-NA805 date logic (domain guide 5.2): DOI, service, next appointment, MMI, work-status dates."""

from __future__ import annotations

from datetime import date

import pytest

from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.config import config_from_mapping
from noteassist.lint.rules import dates

HEADER = "PHYSICIAN VISIT NOTE\nClaim #: WC-2231-0457\nDate of service: 11/20/2026\nDOI: 09/14/2026\n\n"


@pytest.fixture(scope="module")
def dl():
    return Linter(LintConfig(select=["date-logic"]))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2026, 11, 23))


def found(linter, text, **kwargs):
    return [(f.rule, f.text) for f in linter.lint(NoteInput(text, **kwargs)).findings]


# --- NA801 ---

def test_injury_after_service(dl):
    text = "Claim #: WC-2231-0457\nDate of service: 11/20/2026\nDOI: 12/02/2026\nDOB: 03/22/1984\n\nSeen."
    findings = dl.lint_text(text).findings
    assert [(f.rule, f.severity, f.category, f.text) for f in findings] == [("NA801", "error", "date-logic",
                                                                             "12/02/2026")]
    assert findings[0].message == "date of injury 12/02/2026 is after the date of service 11/20/2026"


def test_injury_after_service_from_metadata(dl):
    note = NoteInput("Seen with Dr. Lee.", meta={"date_of_service": "2026-11-20", "date_of_injury": "2026-11-21"})
    assert [(f.rule, f.start, f.end) for f in dl.lint(note).findings] == [("NA801", 0, 0)]


def test_dob_is_not_a_doi(dl):
    assert found(dl, "Date of service: 11/20/2026\nDOB: 12/02/1984\nDate of injury: September 14, 2026\n") == []


# --- NA802 ---

@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("NEXT APPOINTMENT:\n11/06/2026 at 10:00 AM with Dr. Lee.", "11/06/2026"),
        ("Next appointment: 11/06/2026 with Dr. Lee.", "11/06/2026"),
        ("Maria Diaz returns to Dr. Lee on November 6, 2026 for a re-check.", "November 6, 2026"),
        ("Her next appointment with Dr. Lee is scheduled for 10/18/2026.", "10/18/2026"),
        ("RTC 11/13/2026 per Dr. Lee.", "11/13/2026"),
        ("Follow-up visit was scheduled for November 6 with the PT clinic.", "November 6"),
    ],
)
def test_next_appointment_before_visit(dl, body, span):
    findings = dl.lint_text(HEADER + body).findings
    assert [(f.rule, f.text) for f in findings] == [("NA802", span)]
    assert "before the visit on 11/20/2026" in findings[0].message


@pytest.mark.parametrize(
    "body",
    [
        "Follow-up on 12/04/2026 with Dr. Lee.",
        "At her follow-up on 11/06/2026, Dr. Lee noted improvement in range of motion.",
        "Next appointment: December 4 at 10:00 AM with Dr. Lee.",
        "She returns to Dr. Lee on January 5 for the injection.",
        "The MRI of 10/02/2026 showed a partial-thickness tear. Next visit 12/18/2026.",
        "Dr. Lee last saw her on 11/06/2026. She returns to clinic in four weeks.",
        "NEXT APPOINTMENT:\nLast seen 11/06/2026; next visit 12/18/2026 with Dr. Lee.",
        "Her next appointment was on 11/06/2026 and was moved to 12/04/2026.",
        "Next appointment: 12/18/2026 at 10:00 AM. Dr. Lee reviewed the 11/06/2026 PT note.",
    ],
)
def test_next_appointment_quiet(dl, body):
    assert found(dl, HEADER + body) == []


def test_next_appointment_from_facts(dl):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    facts.next_appointment.date = date(2026, 11, 6)
    assert found(dl, "Seen with Dr. Lee.", facts=facts) == [("NA802", "")]


# --- NA803 ---

def test_service_in_the_future(dl):
    findings = dl.lint_text("Date of service: 12/20/2026\n\nSeen.").findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA803", "warning", "12/20/2026")]
    assert "in the future (today is 11/23/2026)" in findings[0].message


def test_service_after_date_written(dl):
    note = NoteInput("Date of service: 11/20/2026\n\nSeen.", meta={"date_written": "2026-11-19 16:00"})
    findings = dl.lint(note).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA803", "error", "11/20/2026")]
    assert "after the note was written (11/19/2026 16:00)" in findings[0].message


def test_service_written_same_evening_is_quiet(dl):
    note = NoteInput("Date of service: 11/20/2026 2:00 PM\n\nSeen.", meta={"date_written": "11/20/2026 9:40 PM"})
    assert dl.lint(note).findings == []


def test_today_is_monkeypatched(dl, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2026, 12, 31))
    assert found(dl, "Date of service: 12/20/2026\n\nSeen.") == []


# --- NA804 ---

def test_mmi_before_injury(dl):
    findings = dl.lint_text(HEADER + "Dr. Lee placed her at MMI as of 08/01/2026 with a 5% rating.").findings
    assert [(f.rule, f.text) for f in findings] == [("NA804", "08/01/2026")]
    assert findings[0].message == "MMI date 08/01/2026 is before the date of injury 09/14/2026"


def test_mmi_quiet(dl):
    assert found(dl, HEADER + "She is not at MMI; Dr. Lee anticipates MMI by February 15, 2027.") == []


# --- NA805 ---

@pytest.mark.parametrize(
    ("body", "span"),
    [
        ("Modified duty from 11/20/2026 through 11/06/2026 with no lifting over 10 lb.", "11/06/2026"),
        ("Dr. Lee kept her off work 11/20/2026 - 11/10/2026.", "11/10/2026"),
        ("WORK STATUS:\nEffective November 20, 2026 to November 6, 2026, per the DWC-073.", "November 6, 2026"),
    ],
)
def test_work_status_ends_before_start(dl, body, span):
    findings = dl.lint_text(HEADER + body).findings
    assert [(f.rule, f.text) for f in findings] == [("NA805", span)]
    assert "before it starts" in findings[0].message


@pytest.mark.parametrize(
    "body",
    [
        "Modified duty from 11/20/2026 through 12/18/2026 with no lifting over 10 lb.",
        "PT visits 11/20/2026 - 11/06/2026 were reviewed with the clinic.",
    ],
)
def test_work_status_quiet(dl, body):
    assert [f for f in found(dl, HEADER + body) if f[0] == "NA805"] == []


# --- NA806 ---
@pytest.mark.parametrize(
    "body, span",
    [
        ("Report period: 10/12/2026 to 09/13/2026.", "10/12/2026 to 09/13/2026"),
        ("| Report period | 10/11/2026 to 09/12/2026 |", "10/11/2026 to 09/12/2026"),
        ("PT visits 11/20/2026 - 11/06/2026 were reviewed with the clinic.", "11/20/2026 - 11/06/2026"),
    ],
)
def test_period_reversed(dl, body, span):
    assert ("NA806", span) in found(dl, HEADER + body)


@pytest.mark.parametrize(
    "body",
    [
        "Report period: 09/13/2026 to 10/12/2026.",
        "Modified duty from 11/20/2026 through 11/06/2026.",  # NA805's
        "Seen 10/12/2026; prior visit 09/13/2026.",
    ],
)
def test_period_quiet(dl, body):
    assert [f for f in found(dl, HEADER + body) if f[0] == "NA806"] == []


def test_work_status_from_facts(dl):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    facts.work_status.expires = date(2026, 11, 1)  # validation runs on load, not on assignment
    assert ("NA805", "") in found(dl, "Seen with Dr. Lee.", facts=facts)


def test_severity_from_config_is_honoured():
    linter = Linter(config_from_mapping({"select": ["date-logic"], "severity": {"NA802": "warning"}}))
    findings = linter.lint_text(HEADER + "Next appointment: 11/06/2026.").findings
    assert [(f.rule, f.severity) for f in findings] == [("NA802", "warning")]


def test_rendered_examples_are_quiet(dl, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2027, 1, 31))
    from conftest import EXAMPLES
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    for path in sorted(EXAMPLES.glob("*.yaml")):
        facts = load_facts(path)
        assert dl.lint(NoteInput(render_note(facts), facts=facts)).findings == [], path.name


def test_mmi_from_facts(dl):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    facts.mmi.anticipated_date = date(2026, 8, 1)
    findings = dl.lint(NoteInput("Seen with Dr. Lee.", facts=facts)).findings
    assert [(f.rule, f.start, f.message) for f in findings] == [
        ("NA804", 0, "MMI date 08/01/2026 is before the date of injury 09/14/2026")]


def test_one_wrong_injury_date_in_metadata_and_header_is_one_finding(linter):
    note = ("---\nnote_type: telephonic\ndate_of_service: 2026-10-05\ndate_of_injury: 2026-10-20\n---\n"
            "Worker: Lena Ortiz   DOI: 10/20/2026\nCalled the worker about her PT start.\n")
    found = [f for f in linter.lint_text(note).findings if f.rule == "NA801"]
    assert len(found) == 1 and found[0].text == "10/20/2026"


def test_two_mentions_of_mmi_before_one_early_date_are_one_finding(linter):
    note = ("Date of service: 10/05/2026\nDOI: 06/01/2026\n"
            "MMI status: Dr. Reyes placed the worker at MMI as of 04/15/2026 with no impairment.\n")
    found = [f for f in linter.lint_text(note).findings if f.rule == "NA804"]
    assert [f.text for f in found] == ["04/15/2026"]


# --- NA807 ---
@pytest.mark.parametrize("body, span", [
    ("Date of injury: 09/31/2026.", "09/31/2026"),
    ("MMI expected 2026-02-30 per Dr. Lee.", "2026-02-30"),
])
def test_impossible_date(dl, body, span):
    assert ("NA807", span) in found(dl, HEADER + body)


@pytest.mark.parametrize("body", ["Date of injury: 09/30/2026.", "BP 120/80/2026 cohort", "Ratio 3/45/2026x"])
def test_real_dates_and_non_dates_are_quiet(dl, body):
    assert [f for f in found(dl, HEADER + body) if f[0] == "NA807"] == []


def test_a_next_home_visit_before_this_one(dl):
    text = "DAP - Monthly home visit\nDate of service: 10/13/2026\nNext home visit 10/06/2026 at 3:30 PM.\n"
    assert [f[0] for f in found(dl, text)] == ["NA802"]

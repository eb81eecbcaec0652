"""Report assembly: each section against the example claim's files, periods, conflicts, closure, numbering."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml

from noteassist.errors import ReportError
from noteassist.adjuster import assemble_report, load_claim, synthetic_claim

from .helpers import EXAMPLE_CLAIM, contact, write_claim, write_contact

NOV = (date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def folder():
    return load_claim(EXAMPLE_CLAIM)


@pytest.fixture(scope="module")
def november(folder):
    return assemble_report(folder, *NOV, today=TODAY)


def _files_in(start: date, end: date) -> list[dict]:
    """The example's visit-facts files in the period, read straight from disk (not through noteassist)."""
    found = []
    for path in sorted(EXAMPLE_CLAIM.glob("2026-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        day = data["encounter"]["date"]
        if start <= day <= end:
            found.append({**data, "_file": path.name})
    return found


# --- The example claim, November 2026 ---------------------------------------------------------


def test_header_number_and_next_due(november):
    assert november.kind == "progress" and november.note_type == "progress-report"
    assert november.claim.claim_number == "WC-2231-0457"
    assert (november.period_start, november.period_end, november.report_date) == (*NOV, TODAY)
    assert november.report_number == 2  # previous report #1 on October 31, cadence 30 days
    assert november.next_report_due == date(2026, 12, 30)
    assert november.recipients == ["Karen Whitfield, adjuster, Lone Star Mutual Insurance"]


def test_contact_log_is_the_period_in_date_order(november):
    names = sorted(p.name for p in EXAMPLE_CLAIM.iterdir() if p.name.startswith("2026-11"))
    assert [c.source for c in november.contacts] == names
    assert [c.date for c in november.contacts] == sorted(c.date for c in november.contacts)
    note = next(c for c in november.contacts if not c.from_facts)
    # a note known only from its text: who and why come from its "Contact:" field and its Purpose section
    assert (note.source, note.note_type, note.party) == ("2026-11-06-telephonic-worker.md", "telephonic",
                                                         "Maria Diaz, injured worker")
    assert note.purpose.startswith("Check on the home exercise program")
    assert note.title == "Telephonic Contact Note"
    employer = november.contacts[0]
    assert employer.party == "Lena Brooks, HR manager, Brazos Distribution Center"
    assert employer.purpose.startswith("ask the employer about temporary work")


def test_work_status_current_and_history(november):
    visit = _files_in(date(2026, 11, 20), date(2026, 11, 20))[0]["work_status"]
    ws = november.work_status
    assert (ws.status, ws.effective, ws.expires, ws.set_by) == (
        "modified-duty", visit["effective"], visit["expires"], "Dr. Lee")
    assert ws.restrictions == visit["restrictions"]
    assert [(e.status, e.changed, e.previous) for e in november.work_status_history] == [
        ("modified-duty", True, "off-work")]
    assert [r.text for r in november.restrictions] == visit["restrictions"]
    assert all(r.effective == date(2026, 11, 23) and r.expires == date(2026, 12, 16) for r in november.restrictions)
    assert november.changes[0] == ("Work status changed from off work to modified duty effective "
                                   "November 23, 2026, per Dr. Lee.")


def test_return_to_work_forecast(november):
    rtw = november.return_to_work
    assert (rtw.returned_on, rtw.full_duty_target, rtw.source) == (
        date(2026, 11, 23), date(2027, 4, 15), "2026-11-25-telephonic-employer.yaml")


def test_diagnoses_treatment_and_therapy(november):
    (dx,) = november.diagnoses
    assert (dx.icd10, dx.description, dx.first_documented) == (
        "S46.011A", "partial-thickness rotator cuff tear, right shoulder", date(2026, 10, 1))
    treatment = november.treatment
    assert [v.source for v in treatment.visits] == ["2026-11-20-physician-visit.yaml"]
    plan = [item for f in _files_in(*NOV) for item in f.get("treatment_plan", [])]
    assert treatment.plan == plan
    (pt,) = treatment.therapy
    assert (pt.service, pt.used, pt.authorized, pt.remaining, pt.reference) == (
        "physical therapy, right shoulder", 5, 8, 3, "WCA-26-51877")
    assert treatment.medications == ["meloxicam 15 mg by mouth once daily, prescribed by Dr. Lee"]


def test_upcoming_appointments(november):
    assert [(a.date, a.provider, a.upcoming) for a in november.upcoming_appointments] == [
        (date(2026, 12, 11), "Dr. Lee", True),
        (date(2026, 12, 17), "Dr. Lee, Northwest Surgery Center", True),
        (date(2026, 12, 29), "Dr. Lee", True),
    ]


def test_authorizations_latest_status_with_history(november):
    pt, surgery = november.authorizations
    assert (pt.status, pt.reference, pt.requested, pt.decided, pt.changed_in_period) == (
        "overturned", "WCA-26-51877", date(2026, 10, 16), date(2026, 11, 9), True)
    assert [(e.status, e.reference, e.date) for e in pt.history] == [
        ("requested", None, date(2026, 10, 16)),
        ("non-certified", "UR-26-40871", date(2026, 10, 21)),
        ("appealed", "UR-26-40871", date(2026, 10, 28)),
        ("overturned", "WCA-26-51877", date(2026, 11, 9)),
    ]
    assert (surgery.service, surgery.status, surgery.reference) == (
        "right shoulder arthroscopic rotator cuff repair", "pending", "UR-26-47215")


def test_barriers_with_actions(november):
    stated = {}
    for f in _files_in(*NOV):
        for b in f.get("barriers", []):
            stated.setdefault(b["description"], []).append(b["action"])
    assert {b.description: [a for _, a in b.actions] for b in november.barriers} == stated
    assert [b.kind for b in november.barriers] == ["workplace", "logistical", "logistical", "psychosocial"]


def test_mmi_goals_recommendations_decisions(november):
    assert (november.mmi.status, november.mmi.anticipated_date) == ("not-at-mmi", date(2027, 6, 30))
    last = _files_in(date(2026, 11, 30), date(2026, 11, 30))[0]
    assert november.recommendations == last["recommendations"]
    assert [(d.decision, d.due, d.requested_from) for d in november.decisions_needed] == [
        (d["decision"], d["due"], "adjuster") for d in last["decisions_requested"]]
    # the October request to extend case management was decided on November 10: no longer needed
    assert not any("extend case management" in d.decision for d in november.decisions_needed)
    assert {g.goal for g in november.goals} >= {"return to full duty as a warehouse associate"}


def test_plan_is_open_tasks_after_the_period(november):
    assert all(t.due > NOV[1] for t in november.plan)
    assert [t.due for t in november.plan] == sorted(t.due for t in november.plan)
    tasks = {t.task for t in november.plan}
    # the task of sending this very report is not part of its plan (test_report_content.py has the rule)
    assert not any("progress report" in t for t in tasks)
    assert "confirm the modified-duty start date with the employer's HR manager" not in tasks  # done


def test_time_log_matches_the_files(november):
    expected: dict[str, Decimal] = {}
    mileage = 0.0
    for f in _files_in(*NOV):
        for activity, minutes in f["time_spent"].items():
            if activity == "mileage":
                mileage += minutes
            elif minutes:
                expected[activity] = expected.get(activity, Decimal("0")) + Decimal(math.ceil(minutes / 6)) / 10
    log = november.time_log
    assert {k: v for k, v in log.totals.items() if v} == expected
    assert log.total_hours == sum(expected.values()) == Decimal("4.5")
    assert log.mileage == mileage == 24.5
    assert len(log.rows) == 6  # the note-only contact has no time
    visit = next(r for r in log.rows if r.source == "2026-11-20-physician-visit.yaml")
    assert visit.hours == {"face_to_face": Decimal("0.8"), "travel": Decimal("0.5"), "wait": Decimal("0.3"),
                           "documentation": Decimal("0.4")}
    assert visit.total == Decimal("2.0") and not visit.estimated


def test_executive_summary_bottom_line_first(november):
    bullets = november.executive_summary
    assert 3 <= len(bullets) <= 6
    assert bullets[0].startswith("Maria Diaz has been on modified duty since November 23, 2026")
    assert "full duty by April 15, 2027" in bullets[0]
    assert bullets[1] == ("Changes this period: work status from off work to modified duty effective November 23, "
                          "2026. Physical therapy, right shoulder: certified on appeal on November 9, 2026. Right "
                          "shoulder arthroscopic rotator cuff repair: pending utilization review, requested on "
                          "November 20, 2026.")
    assert bullets[2] == ("Decision needed from the adjuster by December 10, 2026: authorize round-trip transportation "
                          "to Northwest Surgery Center on December 17, 2026. Decision needed from the adjuster by "
                          "December 17, 2026: authorize 12 post-operative physical therapy visits if the surgery is "
                          "certified.")
    assert bullets[-1].startswith("Next: Pre-operative visit") and "Next report due December 30, 2026." in bullets[-1]


def test_example_has_no_missing_elements_or_conflicts(november):
    assert november.missing == []
    assert november.contradictions == []


def test_october_report(folder):
    october = assemble_report(folder, date(2026, 10, 1), date(2026, 10, 31), today=date(2026, 10, 31))
    assert october.report_number == 1  # regenerating the first report
    assert october.work_status.status == "off-work" and october.work_status_history[0].changed is False
    (pt,) = october.authorizations
    assert pt.status == "appealed" and pt.appeal_deadline == date(2026, 11, 20)
    assert [d.decision for d in october.decisions_needed] == ["extend case management services beyond the initial 60 days"]
    assert "modified duty by November 20, 2026" in october.executive_summary[0]


# --- Periods ----------------------------------------------------------------------------------


def test_period_boundaries_are_inclusive(tmp_path):
    folder = write_claim(tmp_path / "c")
    for day in ("2026-04-30", "2026-05-01", "2026-05-31", "2026-06-01"):
        write_contact(folder, f"{day}.yaml", contact(day, "telephonic"))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31), today=date(2026, 6, 2))
    assert [c.date for c in report.contacts] == [date(2026, 5, 1), date(2026, 5, 31)]


def test_one_day_period(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-01", "telephonic"))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 1))
    assert len(report.contacts) == 1


def test_empty_period_says_so(folder):
    report = assemble_report(folder, date(2026, 12, 1), date(2026, 12, 31), today=date(2027, 1, 2))
    assert report.is_empty and report.contacts == [] and report.time_log.rows == []
    assert report.empty_notice.startswith("No contacts in the period")
    assert report.executive_summary[0] == "No contacts in the period December 1, 2026 to December 31, 2026."
    assert report.work_status.status == "modified-duty"  # carried over, not invented
    assert report.time_log.total_hours == Decimal("0")
    assert {m.element for m in report.missing} == {"next_appointment", "barriers", "recommendations"}
    assert report.report_number == 3


def test_empty_claim_folder(tmp_path):
    report = assemble_report(load_claim(write_claim(tmp_path / "c")), date(2026, 5, 1), date(2026, 5, 31))
    assert report.is_empty and report.work_status is None
    assert 3 <= len(report.executive_summary) <= 6
    assert [m.element for m in report.missing] == [
        "work_status", "treatment_plan", "next_appointment", "barriers", "recommendations"]


def test_bad_period_and_kind(folder):
    with pytest.raises(ReportError, match="after 'to'"):
        assemble_report(folder, date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(ReportError, match="progress or closure"):
        assemble_report(folder, *NOV, kind="monthly")


# --- Conflicts --------------------------------------------------------------------------------


def test_contradictions_are_reported_not_resolved(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-04", work_status={"status": "off-work", "effective": "2026-05-04"},
                                            next_appointment={"date": "2026-05-01", "provider": "Dr. Lee"}))
    write_contact(folder, "b.yaml", contact("2026-05-05", "telephonic",
                                            work_status={"status": "full-duty", "effective": "2026-05-04"}))
    write_contact(folder, "c.yaml", contact("2026-05-06", "telephonic", referrals=[
        {"service": "MRI of the right knee", "status": "certified", "reference": "UR-1",
         "requested": "2026-05-06", "decided": "2026-05-02"},
        {"service": "knee brace", "status": "certified", "reference": "UR-1", "decided": "2026-05-06"}]))
    write_contact(folder, "d.yaml", contact("2026-05-07", mmi={"status": "at-mmi", "date": "2026-05-07"}))
    data = contact("2026-05-08", mmi={"status": "not-at-mmi"})
    data["claim"]["date_of_injury"] = "2026-03-09"
    write_contact(folder, "e.yaml", data)
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31))
    text = "\n".join(report.contradictions)
    assert "a.yaml: the appointment with Dr. Lee is dated May 1, 2026, before the physician visit of May 4, 2026" in text
    assert ("Two different work statuses are effective May 4, 2026: a.yaml (May 4, 2026) says off work; "
            "b.yaml (May 5, 2026) says full duty.") in text
    assert "c.yaml: the UR decision on MRI of the right knee is dated May 2, 2026, before its request on May 6, 2026." in text
    assert "Reference UR-1 is given for different services: MRI of the right knee in c.yaml; knee brace in c.yaml." in text
    assert "e.yaml (May 8, 2026) says not at MMI after d.yaml (May 7, 2026) placed the worker at MMI." in text
    assert "e.yaml: the date of injury is March 9, 2026; claim.yaml says March 2, 2026." in text
    assert len(report.contradictions) == 6
    # the latest statement still stands as the current status: reported, not resolved
    assert report.work_status.status == "full-duty"


def test_ur_decision_before_a_request_in_another_contact(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-04", referrals=[
        {"service": "physical therapy", "status": "requested", "requested": "2026-05-04"}]))
    write_contact(folder, "b.yaml", contact("2026-05-09", "telephonic", referrals=[
        {"service": "Physical therapy", "status": "certified", "decided": "2026-05-01"}]))
    (line,) = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31)).contradictions
    assert line == ("b.yaml: the UR decision on Physical therapy is dated May 1, 2026, before the request on "
                    "May 4, 2026 recorded in a.yaml.")


def test_conflicts_outside_the_period_are_not_repeated(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-04-04", work_status={"status": "off-work", "effective": "2026-04-04"}))
    write_contact(folder, "b.yaml", contact("2026-04-05", work_status={"status": "full-duty", "effective": "2026-04-04"}))
    write_contact(folder, "c.yaml", contact("2026-05-05", "telephonic"))
    assert assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31)).contradictions == []
    assert len(assemble_report(load_claim(folder), date(2026, 4, 1), date(2026, 4, 30)).contradictions) == 1


# --- Closure ----------------------------------------------------------------------------------


def test_closure_report(tmp_path):
    folder = write_claim(tmp_path / "c", closure={"reason": "rtw-full-duty", "outcome": "back at full duty"})
    write_contact(folder, "a.yaml", contact(
        "2026-05-04", work_status={"status": "full-duty", "effective": "2026-05-04", "set_by": "Dr. Lee"},
        goals=[{"goal": "return to full duty", "status": "met"}],
        referrals=[{"service": "work hardening", "status": "pending"}]))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31), kind="closure")
    c = report.closure
    assert (c.date, c.reason, c.reason_text, c.outcome) == (
        date(2026, 5, 31), "rtw-full-duty", "returned to work at full duty", "back at full duty")
    assert c.final_work_status.status == "full-duty"
    assert [(g.goal, g.status) for g in c.goals] == [("return to full duty", "met")]
    assert c.services == {"physician visit": 1}
    assert c.outstanding == ["Work hardening: pending utilization review"]
    assert report.next_report_due is None and report.note_type == "closure-report"
    assert report.missing == []
    assert report.executive_summary[0] == "Case management closed on May 31, 2026: returned to work at full duty."
    assert report.executive_summary[1:] == [
        "Ana Lopez has been on full duty since May 4, 2026, per Dr. Lee.",
        "Outcome: back at full duty.",
        "Services this period: 1 physician visit.",
        "Outstanding at closure: Work hardening: pending utilization review.",
    ]


def test_closure_reason_from_the_last_contact_and_missing_elements(tmp_path):
    folder = write_claim(tmp_path / "c", closure={"reason": "goals-met"})
    write_contact(folder, "a.yaml", contact("2026-05-04", "telephonic", closure={
        "reason": "mmi-reached", "date": "2026-05-04", "notified": ["adjuster by email on May 4, 2026"]}))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31), kind="closure")
    assert (report.closure.reason, report.closure.date) == ("mmi-reached", date(2026, 5, 4))
    assert report.closure.notified == ["adjuster by email on May 4, 2026"]
    assert [m.element for m in report.missing] == ["work_status", "outcome"]
    no_reason = assemble_report(load_claim(write_claim(tmp_path / "d")), date(2026, 5, 1), date(2026, 5, 31),
                                kind="closure")
    assert [m.element for m in no_reason.missing] == ["closure_reason", "work_status", "outcome"]
    assert no_reason.executive_summary == [
        "No contacts in the period May 1, 2026 to May 31, 2026.",
        "Case management closed on May 31, 2026; the closure reason is not recorded.",
        "The work status of Ana Lopez is not documented.",
        "The outcome against the goals is not recorded.",
        "No open authorization, appointment or decision is recorded at closure.",
    ]


def test_example_closure_report(folder):
    report = assemble_report(folder, date(2026, 10, 1), date(2026, 11, 30), kind="closure", today=TODAY)
    assert 3 <= len(report.executive_summary) <= 6
    assert report.closure.services == {"initial assessment": 1, "physician visit": 2, "telephone call": 9}
    assert report.closure.final_work_status.status == "modified-duty"
    assert "Right shoulder arthroscopic rotator cuff repair: pending utilization review" in report.closure.outstanding[0]
    assert [m.element for m in report.missing] == ["closure_reason", "outcome"]


# --- Report number and due date ---------------------------------------------------------------


@pytest.mark.parametrize(("extra", "end", "number"), [
    ({}, "2026-05-31", 1),
    ({"referral_date": "2026-04-01"}, "2026-04-30", 1),
    ({"referral_date": "2026-04-01"}, "2026-05-31", 2),
    ({"referral_date": "2026-04-01"}, "2026-06-30", 3),
    ({"previous_report": {"number": 3, "date": "2026-04-30"}}, "2026-05-31", 4),
    ({"previous_report": {"number": 3, "date": "2026-04-30"}}, "2026-05-10", 4),
    ({"previous_report": {"number": 3, "date": "2026-04-30"}}, "2026-06-30", 5),
    ({"previous_report": {"number": 3, "date": "2026-04-30"}, "report_cadence_days": 45}, "2026-06-14", 4),
])
def test_report_number(tmp_path, extra, end, number):
    folder = load_claim(write_claim(tmp_path / "c", **extra))
    end_date = date.fromisoformat(end)
    report = assemble_report(folder, end_date - timedelta(days=9), end_date)
    assert report.report_number == number
    assert report.next_report_due == end_date + timedelta(days=folder.record.report_cadence_days)


# --- Time log ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "hours"), [(1, "0.1"), (6, "0.1"), (7, "0.2"), (12, "0.2"), (13, "0.3"),
                                                (59, "1.0"), (60, "1.0"), (61, "1.1")])
def test_time_rounds_up_to_tenths_per_contact(tmp_path, minutes, hours):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-04", "telephonic", time_spent={"telephonic": minutes}))
    write_contact(folder, "b.yaml", contact("2026-05-05", "telephonic", time_spent={"telephonic": minutes}))
    log = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31)).time_log
    assert [r.hours["telephonic"] for r in log.rows] == [Decimal(hours)] * 2
    assert log.totals["telephonic"] == log.total_hours == 2 * Decimal(hours)  # per contact, then summed


def test_time_from_the_encounter_when_no_time_spent(tmp_path):
    folder = write_claim(tmp_path / "c")
    visit = contact("2026-05-04")
    visit["encounter"].update(start_time="09:00", end_time="09:40")
    write_contact(folder, "a.yaml", visit)
    call = contact("2026-05-05", "telephonic")
    call["encounter"]["duration_minutes"] = 8
    write_contact(folder, "b.yaml", call)
    write_contact(folder, "c.yaml", contact("2026-05-06", "telephonic"))  # no time at all: no row
    log = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31)).time_log
    assert [(r.source, r.hours, r.estimated) for r in log.rows] == [
        ("a.yaml", {"face_to_face": Decimal("0.7")}, True), ("b.yaml", {"telephonic": Decimal("0.2")}, True)]
    assert log.total_hours == Decimal("0.9")


# --- Missing elements -------------------------------------------------------------------------


def test_missing_elements_are_named(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-04", "telephonic"))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31))
    assert [(m.element, m.reason) for m in report.missing] == [
        ("work_status", "no contact up to the period end states a work status"),
        ("treatment_plan", "no treatment plan, visit or therapy in the period"),
        ("next_appointment", "no appointment after the period end is recorded"),
        ("barriers", "no barriers were recorded in the period"),
        ("recommendations", "no recommendations or decisions requested in the period"),
    ]


def test_latest_known_appointment_when_none_is_upcoming(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-05-04", next_appointment={"date": "2026-05-20", "provider": "Dr. Lee"}))
    report = assemble_report(load_claim(folder), date(2026, 5, 1), date(2026, 5, 31))
    assert [(a.date, a.upcoming) for a in report.upcoming_appointments] == [(date(2026, 5, 20), False)]
    assert "next_appointment" in {m.element for m in report.missing}


# --- Benchmark helper -------------------------------------------------------------------------


def test_synthetic_claim_is_realistic_and_fast_to_assemble(tmp_path):
    folder = synthetic_claim(tmp_path)
    claim = load_claim(folder)
    assert len(claim.contacts) == 200
    assert sum(c.facts is None for c in claim.contacts) == 20
    span = claim.contacts[-1].date - claim.contacts[0].date
    assert timedelta(days=330) <= span <= timedelta(days=366)
    started = time.perf_counter()
    report = assemble_report(claim, date(2026, 10, 1), date(2026, 10, 31))
    assert time.perf_counter() - started < 0.5
    assert report.contacts and report.work_status and report.time_log.rows and report.contradictions == []
    statuses = {c.facts.work_status.status.value for c in claim.contacts if c.facts and c.facts.work_status}
    assert statuses == {"off-work", "modified-duty", "full-duty"}


def test_synthetic_claim_is_deterministic(tmp_path):
    a = synthetic_claim(tmp_path / "a", contacts=30, months=2)
    b = synthetic_claim(tmp_path / "b", contacts=30, months=2)
    assert [p.read_bytes() for p in sorted(a.iterdir())] == [p.read_bytes() for p in sorted(b.iterdir())]


def test_assembly_does_not_load_spacy():
    code = ("import sys; from datetime import date; from noteassist.adjuster import load_claim, assemble_report; "
            f"assemble_report(load_claim({str(EXAMPLE_CLAIM)!r}), date(2026, 11, 1), date(2026, 11, 30)); "
            "sys.exit('spacy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

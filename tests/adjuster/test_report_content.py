"""What the adjuster report says (issue 10): a clinical status per visit, nothing invented, a plan without
the report itself or repeated tasks, a contact log with no bare "-", decisions and recommendations kept.

Checked on the rendered report text (Markdown, before the DOCX), from small claim folders in tmp_path and
from the example claim, read generically so the example may change.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from noteassist.adjuster import assemble_report, load_claim
from noteassist.adjuster.document import render_report
from noteassist.adjuster.model import TaskEntry
from noteassist.adjuster.plan import is_this_report

from .helpers import EXAMPLE_CLAIM, contact, write_claim, write_contact

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def _report(folder, start=NOV[0], end=NOV[1], kind="progress"):
    report = assemble_report(load_claim(folder), start, end, kind=kind)
    return report, render_report(report)


def _section(text: str, heading: str) -> str:
    """The text under `## heading` up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section {heading!r} in the report"
    return match.group(1)


def _entries(text: str) -> dict[str, str]:
    """The clinical status's entries: '### date: heading' -> its text."""
    section = _section(text, "Clinical status this period")
    parts = re.split(r"^### (.+)$", section, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


WORKER_CALL = {"direction": "outbound", "party": {"name": "Ana Lopez", "role": "injured worker"}}


@pytest.fixture
def after_surgery(tmp_path):
    """A rotator cuff repair in the period: scheduled in October, done November 12, then a physician visit and a
    telephonic follow-up with the worker."""
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "2026-10-28-scheduler.yaml", contact(
        "2026-10-28", "telephonic",
        call={"direction": "outbound", "party": {"name": "Denise Carter", "role": "surgery scheduler"}},
        appointments=[{"date": "2026-11-12", "provider": "Dr. Lee",
                       "purpose": "right shoulder arthroscopic rotator cuff repair"}]))
    write_contact(folder, "2026-11-19-visit.yaml", contact(
        "2026-11-19",
        providers=[{"name": "Alan Lee", "credentials": "MD", "specialty": "orthopedic surgery"}],
        subjective="She rated her right shoulder pain 5/10 and said the sling is uncomfortable at night.",
        objective=["the incision was clean and dry on Dr. Lee's examination"],
        diagnoses=[{"description": "partial-thickness rotator cuff tear, right shoulder", "icd10": "S46.011A",
                    "per": "Dr. Lee"}],
        treatment_plan=["she is status post arthroscopic rotator cuff repair on November 12, 2026",
                        "Dr. Lee recommends physical therapy 2 times a week"]))
    write_contact(folder, "2026-11-26-worker.yaml", contact(
        "2026-11-26", "telephonic", call=WORKER_CALL,
        subjective="She rated her pain 3/10 at rest and sleeps through the night.",
        discussion=["Ms. Lopez said her sling comes off for the home exercises",
                    "Ms. Lopez said the employer called her about a return date"],
        referrals=[{"service": "post-operative physical therapy", "status": "certified",
                    "visits_authorized": 12, "visits_used": 2}],
        diagnoses=[{"description": "partial-thickness rotator cuff tear, right shoulder", "icd10": "S46.011A"},
                   {"description": "adhesive capsulitis, right shoulder", "icd10": "M75.01", "per": "Dr. Lee"}]))
    return folder


# --- 1. Clinical status: per visit, in date order, each statement with the source the facts name --------


def test_clinical_status_per_visit_in_date_order(after_surgery):
    report, text = _report(after_surgery)
    entries = _entries(text)
    assert list(entries) == ["November 19, 2026: physician visit with Alan Lee, MD, orthopedic surgery",
                             "November 26, 2026: telephone call with Ana Lopez, injured worker"]
    assert [e.date for e in report.clinical] == sorted(e.date for e in report.clinical)
    visit, call = entries.values()
    assert "Worker's account (Ana Lopez): She rated her right shoulder pain 5/10" in visit
    assert "- Finding: The incision was clean and dry on Dr. Lee's examination." in visit
    assert "Worker's account (Ana Lopez): She rated her pain 3/10 at rest" in call
    assert "Therapy: Post-operative physical therapy, 2 of 12 authorized visits used." in call
    assert "New diagnosis: adhesive capsulitis, right shoulder (M75.01), per Dr. Lee." in call
    # the diagnosis restated without change is no change
    assert "S46.011A" not in call
    # the worker's account order within an entry: reported, findings, procedures, therapy, diagnoses
    assert call.index("Worker's account") < call.index("Therapy:") < call.index("New diagnosis")


def test_a_procedure_done_in_the_period_is_in_the_clinical_status(after_surgery):
    report, text = _report(after_surgery)
    visit = _entries(text)["November 19, 2026: physician visit with Alan Lee, MD, orthopedic surgery"]
    assert "- Procedure: She is status post arthroscopic rotator cuff repair on November 12, 2026." in visit
    # a recommendation is not a procedure done
    assert "Procedure: Dr. Lee recommends" not in visit
    # the October schedule is not repeated as "scheduled": a later contact reports the repair as done
    assert not any(e.scheduled_by for e in report.clinical)


def test_a_procedure_only_scheduled_is_said_to_be_scheduled(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact(
        "2026-10-28", "telephonic", appointments=[{"date": "2026-11-12", "provider": "Dr. Lee",
                                                   "purpose": "right shoulder arthroscopic rotator cuff repair"}]))
    write_contact(folder, "b.yaml", contact("2026-11-20", "telephonic"))
    _, text = _report(folder)
    entry = _entries(text)["November 12, 2026: right shoulder arthroscopic rotator cuff repair, Dr. Lee"]
    assert ("Scheduled for this date (recorded on October 28, 2026, in the telephone call with Karen Whitfield, "
            "adjuster). No later contact records that it took place.") in entry


def test_a_past_appointment_a_contact_reports_is_a_procedure_not_a_contradiction(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact(
        "2026-11-20", "telephonic", call=WORKER_CALL,
        appointments=[{"date": "2026-11-12", "provider": "Dr. Lee",
                       "purpose": "right shoulder arthroscopic rotator cuff repair"}]))
    report, text = _report(folder)
    entry = _entries(text)["November 20, 2026: telephone call with Ana Lopez, injured worker"]
    assert "- Procedure: Right shoulder arthroscopic rotator cuff repair on November 12, 2026, Dr. Lee." in entry
    assert report.contradictions == []


def test_no_provider_is_credited_that_the_facts_do_not_name(tmp_path):
    """A home assessment lists the treating surgeon among its providers; he was not there."""
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact(
        "2026-11-05", "initial-assessment", encounter={"note_type": "initial-assessment", "date": "2026-11-05",
                                                       "location": "the worker's home"},
        providers=[{"name": "Alan Lee", "credentials": "MD"}],
        objective=["the case manager observed that she holds the right arm at her side"]))
    _, text = _report(folder)
    assert list(_entries(text)) == ["November 5, 2026: initial assessment at the worker's home"]
    assert "Alan Lee" not in _section(text, "Clinical status this period")
    assert "Alan Lee" not in _section(text, "Contact log")
    assert "- Finding: The case manager observed that she holds the right arm at her side." in text


def test_symptoms_in_a_call_without_the_worker_are_not_the_workers_account(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic",
                                            discussion=["Ms. Whitfield said the pain medication claim was paid"]))
    _, text = _report(folder)
    assert "Discussion" not in text
    assert "No symptoms, findings, procedures or therapy visits are recorded for the period." in text


def test_example_clinical_status_has_every_visit_of_the_period():
    claim = load_claim(EXAMPLE_CLAIM)
    _, text = _report(EXAMPLE_CLAIM)
    entries = _entries(text)
    for c in claim.contacts:
        if c.facts and NOV[0] <= c.date <= NOV[1] and c.note_type == "physician-visit":
            heading = next(h for h in entries if h.startswith(f"{c.date:%B} {c.date.day}, {c.date.year}:"))
            body = entries[heading]
            if c.facts.subjective:
                assert f"Worker's account ({claim.record.claimant.name}): " in body
            for finding in c.facts.objective:
                assert finding[1:] in body


# --- 2. Nothing invented: "none" only when a contact recorded it ----------------------------------------

NOTHING_CLAIMS = ("None identified", "No decisions are needed", "None scheduled", "No open tasks",
                  "Nothing is outstanding", "No requests in the period", "MMI not addressed", "No change in")


@pytest.mark.parametrize("kind", ["progress", "closure"])
def test_absent_facts_make_no_none_statement(tmp_path, kind):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic"))
    report, text = _report(folder, kind=kind)
    for claim in NOTHING_CLAIMS:
        assert claim not in text, claim
    if kind == "progress":
        assert "No barriers were recorded this period." in text
        assert "No recommendations or decisions requested were recorded this period." in text
        assert {"barriers", "recommendations"} <= {m.element for m in report.missing}  # stderr still says so


def test_explicit_empty_lists_are_reported_as_none(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic", barriers=[], decisions_requested=[],
                                            mmi={"status": "not-addressed"}))
    report, text = _report(folder)
    assert report.stated_none >= {"barriers", "decisions_requested"}
    assert "- None identified." in _section(text, "Barriers and actions")
    assert "No decisions are needed from the adjuster this period." in text
    assert "No decisions are needed from the adjuster at this time." in _section(text, "Executive summary")
    assert "MMI not addressed by the treating provider yet (as of November 5, 2026)." in text
    assert not {"barriers", "recommendations"} & {m.element for m in report.missing}


def test_no_recommendations_recorded_is_not_no_decisions_needed(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic", recommendations=[]))
    _, text = _report(folder)
    section = _section(text, "Recommendations and decisions needed")
    assert "No new recommendations this period." in section
    assert "No decisions are needed" not in text


def test_an_empty_list_outside_the_period_says_nothing_about_it(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-10-05", "telephonic", barriers=[]))
    write_contact(folder, "b.yaml", contact("2026-11-05", "telephonic"))
    report, text = _report(folder)
    assert "None identified" not in text and "barriers" not in report.stated_none


def test_no_change_only_for_a_status_restated_in_the_period(tmp_path):
    folder = write_claim(tmp_path / "c")
    status = {"status": "modified-duty", "effective": "2026-10-01"}
    write_contact(folder, "a.yaml", contact("2026-10-05", work_status=status))
    write_contact(folder, "b.yaml", contact("2026-11-05", "telephonic"))
    _, quiet = _report(folder)
    assert "No change in" not in quiet
    write_contact(folder, "c.yaml", contact("2026-11-20", work_status=status))
    _, restated = _report(folder)
    assert "No change in work status this period." in restated


# --- 3. The plan never refers to the report itself ------------------------------------------------------


def _task(text: str, due: date | None = date(2026, 12, 2)) -> TaskEntry:
    return TaskEntry(text, "Jordan Patel", due, date(2026, 11, 30), "x.yaml")


@pytest.mark.parametrize("text", [
    "send the November progress report to the adjuster",
    "Fax the monthly update report to the carrier",
    "e-mail the report to Karen Whitfield",
    "submit this report to the TPA",
    "mail the November 2026 case management report to Lone Star Mutual",
    "complete the progress report",
])
def test_a_task_to_send_this_report_is_this_report(text):
    assert is_this_report(_task(text), *NOV, date(2026, 12, 30))


@pytest.mark.parametrize("text,due", [
    ("fax the FCE report to the adjuster", date(2026, 12, 2)),
    ("send the December progress report to the adjuster", date(2026, 12, 30)),
    ("send the progress report to the adjuster", date(2026, 12, 30)),  # due with the next report: that one
    ("ask Dr. Lee's office to send the MRI report", date(2026, 12, 2)),
    ("report the new restriction to the employer", date(2026, 12, 2)),
])
def test_a_task_about_another_report_stays(text, due):
    assert not is_this_report(_task(text, due), *NOV, date(2026, 12, 30))


def test_the_report_task_is_left_out_of_the_plan(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-30", "telephonic", follow_up=[
        {"task": "send the November progress report to the adjuster", "owner": "Jordan Patel", "due": "2026-12-02"},
        {"task": "fax the FCE report to the adjuster", "owner": "Jordan Patel", "due": "2026-12-03"}]))
    _, text = _report(folder)
    plan = _section(text, "Plan for the next period")
    assert "progress report" not in plan
    assert "- Fax the FCE report to the adjuster (Jordan Patel, by December 3, 2026)." in plan


def test_example_plan_has_no_task_about_this_report():
    _, text = _report(EXAMPLE_CLAIM)
    plan = _section(text, "Plan for the next period")
    assert not re.search(r"(?i)\b(send|submit|fax|mail)\b[^\n]*\b(progress|monthly|update|november) report", plan)


# --- 4. Duplicate tasks merged; a task done later is not open -------------------------------------------


def test_a_repeated_task_is_one_line_with_its_current_due_date(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic", follow_up=[
        {"task": "Call the employer about the night shift.", "owner": "Jordan Patel", "due": "2026-12-03"}]))
    write_contact(folder, "b.yaml", contact("2026-11-20", "telephonic", follow_up=[
        {"task": "call employer about the night shift", "owner": "Jordan Patel", "due": "2026-12-08"}]))
    report, text = _report(folder)
    plan = _section(text, "Plan for the next period")
    assert len(report.plan) == 1
    assert ("- Call employer about the night shift (Jordan Patel, by December 8, 2026; first due December 3, "
            "2026).") in plan


def test_near_duplicate_tasks_with_one_owner_and_due_date_merge_and_others_do_not(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-20", follow_up=[
        {"task": "follow the utilization review of the surgery request with the adjuster", "owner": "Jordan Patel",
         "due": "2026-12-04"},
        {"task": "call the adjuster about therapy", "owner": "Jordan Patel", "due": "2026-12-04"}]))
    write_contact(folder, "b.yaml", contact("2026-11-30", "telephonic", follow_up=[
        {"task": "ask the adjuster for the utilization review decision on the surgery", "owner": "Jordan Patel",
         "due": "2026-12-04"},
        {"task": "call the adjuster about surgery", "owner": "Jordan Patel", "due": "2026-12-04"},
        {"task": "ask the adjuster for the utilization review decision on the surgery", "owner": "Dana Cole",
         "due": "2026-12-04"}]))
    report, _ = _report(folder)
    assert sorted((t.task, t.owner) for t in report.plan) == [
        ("ask the adjuster for the utilization review decision on the surgery", "Dana Cole"),
        ("ask the adjuster for the utilization review decision on the surgery", "Jordan Patel"),
        ("call the adjuster about surgery", "Jordan Patel"),
        ("call the adjuster about therapy", "Jordan Patel"),
    ]


def test_a_task_done_by_a_later_contact_is_not_open(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic", follow_up=[
        {"task": "confirm the start date with the employer", "owner": "Jordan Patel", "due": "2026-12-03"}]))
    write_contact(folder, "b.yaml", contact("2026-11-20", "telephonic", follow_up=[
        {"task": "Confirm the start date with the employer.", "owner": "Jordan Patel", "done": True}]))
    report, text = _report(folder)
    assert report.plan == []
    assert "- No open follow-up task is recorded." in text


def test_example_plan_has_one_line_per_task():
    report, _ = _report(EXAMPLE_CLAIM)
    keys = [(re.sub(r"\W+", " ", t.task.casefold()).replace(" the ", " ").strip(), t.owner) for t in report.plan]
    assert len(keys) == len(set(keys))


# --- 5. The contact log never has a bare "-" -------------------------------------------------------------


def _log_rows(text: str) -> list[list[str]]:
    rows = [line for line in _section(text, "Contact log").splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_example_contact_log_says_what_each_contact_was():
    _, text = _report(EXAMPLE_CLAIM)
    rows = _log_rows(text)
    assert rows and all(cell != "-" for row in rows for cell in row)
    for row in (row for row in rows if "(note only)" in row[1]):
        assert row[2] != row[1] and "Contact Note" not in row[2]  # a party, not the note's title


def test_a_note_only_contact_takes_party_and_purpose_from_its_labels(tmp_path):
    folder = write_claim(tmp_path / "c")
    (folder / "2026-11-06-telephonic-worker.md").write_text(
        "# Telephonic Contact Note\n\nParty: Ana Lopez, injured worker; she called the case manager.\n"
        "Purpose: Check on the home exercises. She also asked about mileage.\n\nShe said the exercises help.\n",
        encoding="utf-8")
    (folder / "2026-11-07-call.txt").write_text("Called the pharmacy.\n", encoding="utf-8")
    _, text = _report(folder)
    rows = _log_rows(text)
    assert ["11/06/2026", "Telephonic (note only)", "Ana Lopez, injured worker", "Check on the home exercises"] in rows
    assert ["11/07/2026", "Telephonic (note only)", "not stated", "not stated"] in rows


# --- 6. Decisions requested and recommendations of the period are in the report ------------------------


def test_example_decisions_and_recommendations_are_in_the_report():
    claim = load_claim(EXAMPLE_CLAIM)
    _, text = _report(EXAMPLE_CLAIM)
    section = _section(text, "Recommendations and decisions needed")
    period = [c.facts for c in claim.contacts if c.facts and NOV[0] <= c.date <= NOV[1]]
    decisions = [d for f in period for d in f.decisions_requested if d.decided is None]
    recommendations = [r for f in period for r in f.recommendations]
    assert decisions and recommendations, "the example month has decisions and recommendations"
    for item in [d.decision for d in decisions] + recommendations:
        assert item[1:].rstrip(".") in section, item
    for d in decisions:
        if d.rationale:
            assert d.rationale[1:].rstrip(".") in section


def test_a_past_appointment_is_not_called_upcoming(after_surgery):
    _, text = _report(after_surgery)
    section = _section(text, "Medical status")
    assert ("- November 12, 2026, Dr. Lee: right shoulder arthroscopic rotator cuff repair (the latest appointment "
            "recorded; none after November 30, 2026 is recorded)") in section


def test_who_documented_a_diagnosis_stays_when_a_later_contact_omits_it(after_surgery):
    report, _ = _report(after_surgery)
    assert [(d.icd10, d.per) for d in report.diagnoses] == [("S46.011A", "Dr. Lee"), ("M75.01", "Dr. Lee")]


def test_a_procedure_of_the_period_leads_the_summary_changes(after_surgery):
    report, text = _report(after_surgery)
    summary = _section(text, "Executive summary")
    assert ("- Changes this period: She is status post arthroscopic rotator cuff repair on November 12, 2026."
            in summary)
    assert "Procedure: She is status post arthroscopic rotator cuff repair on November 12, 2026." in report.changes


@pytest.mark.parametrize("text,done", [
    ("she had the rotator cuff repair on November 12, 2026 and will start therapy next week", True),
    ("status post arthroscopic rotator cuff repair on November 12, 2026", True),
    ("Ms. Lopez said she underwent the surgery on November 12", True),
    ("Dr. Lee recommends a right shoulder arthroscopic rotator cuff repair", False),
    ("the surgery is scheduled and will be performed on December 17", False),
    ("the request for the repair was completed on November 20", False),
    ("the MRI was completed on October 2", False),
    ("authorize 12 post-operative physical therapy visits if the surgery is certified", False),
    ("she had the surgical consultation with Dr. Lee on November 3", False),
])
def test_a_procedure_done_is_told_from_one_planned(text, done):
    from noteassist.adjuster.clinical import says_done

    assert says_done(text) is done


def test_the_first_work_status_is_not_called_no_change(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", work_status={"status": "off-work", "effective": "2026-11-05"}))
    write_contact(folder, "b.yaml", contact("2026-11-20", work_status={"status": "off-work", "effective": "2026-11-05",
                                                                       "expires": "2026-12-20"}))
    _, text = _report(folder)
    rows = [line for line in _section(text, "Work status and return to work").splitlines()
            if line.startswith("| 11/")]
    assert rows == ["| 11/05/2026 | off work | - | first recorded |",
                    "| 11/05/2026 | off work | - | same status; new dates or restrictions |"]


def test_a_therapy_count_never_prints_none(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-05", referrals=[
        {"service": "physical therapy", "status": "certified", "visits_authorized": 12}]))
    _, text = _report(folder)
    assert "None" not in text
    assert "Physical therapy: 12 visits authorized (visits used not recorded)." in _section(text, "Medical status")


def test_a_decision_made_in_the_period_is_reported_with_its_outcome(tmp_path):
    folder = write_claim(tmp_path / "c")
    write_contact(folder, "a.yaml", contact("2026-11-10", "telephonic", decisions_requested=[
        {"decision": "extend case management services", "decided": "2026-11-10",
         "outcome": "approved through January 31, 2027"}]))
    report, text = _report(folder)
    section = _section(text, "Recommendations and decisions needed")
    assert ("- Extend case management services: approved through January 31, 2027 (the adjuster, November 10, "
            "2026).") in section
    assert report.decisions_needed == [] and "No decisions are needed" not in text
    assert "recommendations" not in {m.element for m in report.missing}


def test_the_closure_report_has_the_clinical_status_too(after_surgery):
    _, text = _report(after_surgery, kind="closure")
    assert "November 19, 2026: physician visit with Alan Lee, MD, orthopedic surgery" in _entries(text)
    assert text.index("## Clinical status this period") < text.index("## Final medical status")


def test_a_repeated_therapy_count_is_no_therapy_progress(tmp_path):
    folder = write_claim(tmp_path / "c")
    pt = {"service": "physical therapy", "status": "certified", "visits_authorized": 8, "visits_used": 3}
    write_contact(folder, "a.yaml", contact("2026-11-05", "telephonic", referrals=[pt]))
    write_contact(folder, "b.yaml", contact("2026-11-12", "telephonic", referrals=[pt]))
    write_contact(folder, "c.yaml", contact("2026-11-19", "telephonic", referrals=[{**pt, "visits_used": 5}]))
    report, _ = _report(folder)
    assert [(e.date.day, [t.used for t in e.therapy]) for e in report.clinical] == [(5, [3]), (19, [5])]

"""NA101 missing-required-element: labelled sections, prose cues, negation, empty values."""

from __future__ import annotations

import pytest

from noteassist.lint import LintConfig, Linter
from noteassist.notetypes import ELEMENTS

GOOD_PHYSICIAN_VISIT = """\
Date of service: 11/20/2026
Provider: Dr. Anita Patel, MD, orthopedic surgeon (PTP)

SUBJECTIVE
Worker reports low back pain 4/10, down from 6/10. She is sleeping through the night.

OBJECTIVE
Per Dr. Patel's exam, lumbar flexion improved to 70 degrees; straight leg raise negative.

Diagnosis: Lumbar strain (S39.012A), per Dr. Patel.
Treatment plan: Continue physical therapy 2x/week for 4 weeks; home exercise program.
Work status: Modified duty effective 11/20/2026, no lifting over 20 lb, expires 12/04/2026.
Next appointment: 12/04/2026 at 9:00 AM with Dr. Patel.
NCM plan: NCM will fax the work status form to employer HR by 11/21/2026.
"""


@pytest.fixture(scope="module")
def linter():
    return Linter(LintConfig(select=["NA101"]))


def missing(linter, text, note_type="physician-visit"):
    result = linter.lint_text(text, note_type=note_type)
    assert all(f.rule == "NA101" for f in result.findings)
    return {f.to_dict()["element"] for f in result.findings}


def without_line(prefix: str) -> str:
    return "\n".join(line for line in GOOD_PHYSICIAN_VISIT.splitlines() if not line.startswith(prefix)) + "\n"


def test_good_physician_visit_has_no_findings(linter):
    assert missing(linter, GOOD_PHYSICIAN_VISIT) == set()


def test_finding_shape(linter):
    result = linter.lint_text(without_line("Work status:"), note_type="physician-visit")
    (f,) = result.findings
    d = f.to_dict()
    assert d["element"] == "work_status"
    assert d["rule"] == "NA101" and d["category"] == "missing-element" and d["severity"] == "error"
    assert d["start"] == 0 and d["end"] == 0
    assert "work status" in d["message"] and "off work" in d["message"]


@pytest.mark.parametrize(
    ("prefix", "element"),
    [
        ("Diagnosis:", "diagnosis"),
        ("Treatment plan:", "treatment_plan"),
        ("Work status:", "work_status"),
        ("Next appointment:", "next_appointment"),
        ("NCM plan:", "case_manager_plan"),
    ],
)
def test_each_missing_element_fires(linter, prefix, element):
    assert missing(linter, without_line(prefix)) == {element}


def test_empty_note_of_prose_fires_everything(linter):
    text = "Attended visit with the worker. Discussed her concerns."
    assert missing(linter, text) >= {"date_of_service", "diagnosis", "work_status", "next_appointment", "objective"}


@pytest.mark.parametrize(
    "work_status_line",
    [
        "Work status: not addressed",
        "Work status: N/A",
        "Work status: -",
        "Work status: TBD",
        "Work status: Not discussed at this visit.",
        "Work status was not discussed at this visit.",
        "Return to work was not discussed.",
        "Dr. Patel did not address work status.",
        "There was no discussion of return to work.",
    ],
)
def test_negated_or_empty_work_status_fires(linter, work_status_line):
    text = without_line("Work status:") + work_status_line + "\n"
    assert "work_status" in missing(linter, text)


def test_plan_none_fires(linter):
    text = "Date: 03/02/2026\nS: Client reports poor sleep.\nO: Tearful, flat affect.\nA: Mood appears low.\nPlan: none\n"
    assert missing(linter, text, "soap") == {"plan"}


def test_empty_labelled_section_followed_by_another_heading(linter):
    text = without_line("Work status:").replace("NCM plan:", "WORK STATUS:\n\nNCM plan:")
    assert missing(linter, text) == {"work_status"}


def test_empty_label_followed_by_another_field(linter):
    text = without_line("Work status:").replace("NCM plan:", "Work status:\nNCM plan:")
    assert missing(linter, text) == {"work_status"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Dr. Patel released her to full duty with no restrictions effective 11/20/2026.",
        "He remains off work until the next visit.",
        "Modified duty: no lifting over 20 lb, no overhead reaching.",
        "No lifting over 20 lb; may sit or stand as tolerated.",
        "She continues on light duty, 6 hours a day.",
        "Dr. Patel kept him off work pending the MRI.",
        "He is not at MMI and remains off work.",
    ],
)
def test_work_status_in_prose_is_present(linter, sentence):
    text = without_line("Work status:") + sentence + "\n"
    assert "work_status" not in missing(linter, text)


@pytest.mark.parametrize(
    "sentence",
    [
        "Return visit in two weeks.",
        "Next appointment: 12/04/2026 at 9:00 AM with Dr. Lee.",
        "Follow-up in 4 weeks with Dr. Patel.",
        "Follow up PRN.",
        "Next appointment: none scheduled; PRN.",
    ],
)
def test_next_appointment_in_prose_is_present(linter, sentence):
    text = without_line("Next appointment:") + sentence + "\n"
    assert "next_appointment" not in missing(linter, text)


def test_all_caps_cm_export(linter):
    text = """\
DATE OF SERVICE: 11/20/2026
PROVIDER: ANITA PATEL, MD
SUBJECTIVE:
IW REPORTS LOW BACK PAIN 5/10.
OBJECTIVE:
LUMBAR FLEXION 60 DEGREES PER MD EXAM.
DIAGNOSIS:
LUMBAR STRAIN.
TREATMENT PLAN:
CONTINUE PT 2X/WEEK X 4 WEEKS.
WORK STATUS:
MODIFIED DUTY, NO LIFTING OVER 20 LB.
NEXT APPOINTMENT:
12/04/2026
CM PLAN:
NCM TO SEND WORK STATUS TO ADJUSTER.
"""
    assert missing(linter, text) == set()


def test_all_caps_export_with_empty_section(linter):
    text = "DATE OF SERVICE: 11/20/2026\nWORK STATUS:\nNOT ADDRESSED\nNEXT APPOINTMENT:\n12/04/2026\n"
    assert "work_status" in missing(linter, text)


def test_markdown_headings(linter):
    text = GOOD_PHYSICIAN_VISIT.replace("Work status: ", "## Work Status\n\n")
    assert missing(linter, text) == set()


def test_prose_only_physician_visit(linter):
    text = (
        "On 11/20/2026 I attended the visit with Dr. Anita Patel, orthopedic surgeon. "
        "The worker reports low back pain at 5/10 and trouble sleeping. "
        "On exam, lumbar range of motion was limited. "
        "Dr. Patel diagnosed a lumbar strain and ordered physical therapy twice a week for four weeks. "
        "She remains on modified duty with no lifting over 20 lb. "
        "Return visit in two weeks. "
        "I will send the updated restrictions to the employer by 11/21/2026."
    )
    assert missing(linter, text) == set()


def test_soap_note(linter):
    text = (
        "Date: 03/02/2026\n"
        "S: Client reports she is sleeping 5 hours a night.\n"
        "O: Calm, good eye contact.\n"
        "A: Mood appears improved since last session.\n"
        "P: Will meet again on 03/09/2026 to review the sleep log.\n"
    )
    assert missing(linter, text, "soap") == set()


def test_dap_note(linter):
    text = (
        "Session date: 03/02/2026\n"
        "Data: Client stated she missed two shifts this week.\n"
        "Assessment: Attendance barrier appears related to childcare.\n"
        "Plan: CM will send childcare resources by 03/04/2026.\n"
    )
    assert missing(linter, text, "dap") == set()


def test_birp_note_missing_response(linter):
    text = (
        "Date: 03/02/2026\n"
        "Behavior: Client presented as anxious and tearful.\n"
        "Intervention: Educated on sleep hygiene; used motivational interviewing.\n"
        "Response: not documented\n"
        "Plan: Will review the sleep log at next session.\n"
    )
    assert missing(linter, text, "birp") == {"response"}


def test_telephonic_note(linter):
    text = (
        "Date of call: 11/21/2026\n"
        "Spoke with Maria Lopez, adjuster, to request authorization for 8 PT visits. "
        "She approved the request. NCM will notify the PT clinic today."
    )
    assert missing(linter, text, "telephonic") == set()


def test_telephonic_missing_purpose_and_outcome(linter):
    text = "Date of call: 11/21/2026\nCalled the worker's employer.\nNCM will call again tomorrow.\n"
    assert missing(linter, text, "telephonic") == {"purpose", "outcome"}


def test_closure_report(linter):
    text = (
        "Closure date: 12/15/2026\n"
        "Reason for closure: Goals met; worker returned to full duty.\n"
        "Work status: Full duty without restrictions as of 12/01/2026.\n"
        "Outcome: RTW full duty at pre-injury employer.\n"
    )
    assert missing(linter, text, "closure-report") == set()


def test_barriers_none_identified_counts(linter):
    text = (
        "Report period: 11/01/2026 - 11/30/2026\n"
        "Work status: modified duty, no lifting over 20 lb.\n"
        "Treatment plan: PT 2x/week.\n"
        "Next appointment: 12/04/2026.\n"
        "Barriers: none identified.\n"
        "Recommendations: Authorize 8 additional PT visits.\n"
    )
    assert missing(linter, text, "progress-report") == set()


def test_no_note_type_no_findings(linter):
    result = linter.lint_text("Called the worker. Left a voicemail.", note_type=None)
    assert result.note_type is None or all(f.rule == "NA101" for f in result.findings)


def test_lexicon_covers_every_element(linter):
    rule = next(r for r in linter.rules if r.code == "NA101")
    assert set(rule.specs) == set(ELEMENTS)


def test_subheading_under_a_section_belongs_to_it():
    from noteassist.lint import LintConfig, Linter

    note = (
        "## Visit\nDate of service: December 8, 2026.\n\n## Subjective\nHe rated his back pain 3/10.\n\n"
        "## Objective\n- PT note of December 5 recorded flexion of 70 degrees.\n\n"
        "## Assessment\nProgressing toward full duty.\n\n"
        "## Plan\n\nTreatment:\n\n- Complete the remaining 4 physical therapy visits.\n"
    )
    result = Linter(LintConfig(select=["NA101"])).lint_text(note, note_type="soap")
    assert [f.extra["element"] for f in result.findings] == []


_VISIT_WITHOUT_STATUS = (
    "Date of service: 11/20/2026.\nProvider: Dr. Lee, orthopedics, examined the shoulder.\n"
    "Subjective: Worker reports pain 5/10.\nObjective: Exam showed reduced range of motion.\n"
    "Diagnosis: right shoulder strain.\nTreatment plan: PT 2x/week for 4 weeks.\nNext appointment: 12/04/2026.\n"
    "Case manager plan: I will update the adjuster by 11/23/2026.\n"
)


@pytest.mark.parametrize(
    ("sentence", "stated"),
    [
        ("She has not returned to work since the injury.", True),
        ("He is unable to work until cleared by Dr. Lee.", True),
        ("She cannot return to full duty yet; modified duty with no lifting over 10 lb.", True),
        ("Dr. Lee did not release him to work.", True),
        ("He has not been released to any work.", True),
        ("She is not working.", True),
        ("No work for two weeks per Dr. Lee.", True),
        ("Work status was not discussed.", False),
        ("Dr. Lee did not address work status at this visit.", False),
        ("No work status was given.", False),
        ("The employer cannot accommodate restrictions.", False),
    ],
)
def test_negatively_worded_work_status(sentence, stated):
    from noteassist.lint import LintConfig, Linter

    result = Linter(LintConfig(select=["NA101"])).lint_text(_VISIT_WITHOUT_STATUS + sentence,
                                                           note_type="physician-visit")
    missing = {f.extra["element"] for f in result.findings}
    assert ("work_status" not in missing) is stated


# -- conditional elements: restrictions when modified duty (domain guide 1.1) -------------------------------

VISIT = ("Physician visit 11/20/2026 with Dr. Ana Lee, orthopedics. Worker said her low back pain is 4/10. "
         "Exam: lumbar flexion 60 degrees. Diagnosis: lumbar strain. Continue PT 2x/week for 4 weeks. "
         "{status} Next appointment 12/04/2026. NCM will send the status to the employer today.")


@pytest.mark.parametrize("status", [
    "Released to modified duty effective 11/21/2026.",
    "Dr. Lee returned her to work with restrictions as of 11/21/2026.",
    "Work status: light duty per the attached DWC-073.",
])
def test_modified_duty_without_restrictions_is_flagged_at_the_status(linter, status):
    text = VISIT.format(status=status)
    result = linter.lint_text(text, note_type="physician-visit")
    found = [f for f in result.findings if f.extra.get("element") == "restrictions"]
    assert len(found) == 1
    assert found[0].text.lower() in status.lower() and found[0].end > found[0].start
    assert "restrictions" in found[0].message


@pytest.mark.parametrize("status", [
    "Released to modified duty effective 11/21/2026: no lifting over 20 lb and no overhead reaching.",
    "Modified duty from 11/21/2026 through 12/04/2026, seated work only, 4 hours per day.",
    "Light duty: may lift up to 15 pounds occasionally; alternate sitting and standing.",
    "Remains off work; the employer has no modified duty available.",
    "Remains off work because the employer cannot accommodate light duty.",
    "Full duty without restrictions as of 11/21/2026.",
    "Remains off work. Goal: return to modified duty by 12/15/2026.",
    "Remains off work. I will call the employer by 12/01/2026 about a light-duty option.",
    "Remains off work.\n\nGoals\n1. Long term: modified duty in the yard and full duty in spring.\n",
])
def test_restrictions_stated_or_no_modified_duty_stays_quiet(linter, status):
    text = VISIT.format(status=status)
    assert "restrictions" not in missing(linter, text, "physician-visit")


def test_restrictions_field_counts(linter):
    text = VISIT.format(status="Work status: modified duty.\nRestrictions: desk work only until the next visit.\n")
    assert "restrictions" not in missing(linter, text, "physician-visit")


def test_restrictions_checked_where_a_work_status_is_required(linter):
    text = ("Date of service: 11/20/2026\nSpoke with employer HR, Dana Fox, to confirm the start date.\n"
            "Outcome: worker starts light duty on 11/23/2026.\nNCM will call the worker on 11/24/2026.")
    # A phone call about the employer's light-duty start sets no status; the visit note that did must list limits.
    assert missing(linter, text, "telephonic") == set()
    report = ("Report period: 11/01/2026 - 11/30/2026\nWork status: light duty since 11/23/2026.\n"
              "Treatment plan: PT 2x/week.\nNext appointment: 12/04/2026.\nBarriers: none.\n"
              "Recommendations: continue the current plan.")
    assert missing(linter, report, "progress-report") == {"restrictions"}


def test_voicemail_call_still_needs_a_plan(linter):
    text = ("Date of service: 11/20/2026\nCalled adjuster Tom Reyes to request authorization of 8 PT visits. "
            "No answer; left a voicemail with a callback number.")
    assert missing(linter, text, "telephonic") == {"case_manager_plan"}
    with_plan = text + " NCM will call again on 11/23/2026 if no reply."
    assert missing(linter, with_plan, "telephonic") == set()


# -- required elements per note type from config ----------------------------------------------------------

def test_configured_required_elements_replace_the_defaults():
    from noteassist.lint import Linter
    from noteassist.lint.config import config_from_mapping

    config = config_from_mapping({"select": ["NA101"],
                                  "required_elements": {"telephonic": ["date_of_service", "contact"]}})
    text = "Date of service: 11/20/2026\nSpoke with Dr. Lee's office."
    result = Linter(config).lint_text(text, note_type="telephonic")
    assert [f.extra["element"] for f in result.findings] == []
    config = config_from_mapping({"select": ["NA101"],
                                  "required_elements": {"telephonic": ["date_of_service", "contact", "outcome"]}})
    result = Linter(config).lint_text(text, note_type="telephonic")
    assert [f.extra["element"] for f in result.findings] == ["outcome"]


# -- free-text social-services notes (a CSV export) -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Routine appointment. Client reports stable housing. Job training progressing well. Next: 2 weeks.",
    "Client attended scheduled appointment today. Mental health appears stable. Follow-up weekly.",
    "Met with client for routine check-in. Anxiety increased but manageable. Referred to childcare support.",
])
def test_telegraphic_dap_notes_state_data_assessment_and_plan(linter, text):
    assert missing(linter, text, "dap") == {"date_of_service"}


def test_service_date_from_export_metadata_counts(linter):
    from noteassist.lint import NoteInput

    text = "Client attended scheduled appointment today. Mental health appears stable. Follow-up weekly."
    result = linter.lint(NoteInput(text, note_type="dap", meta={"date_of_service": "2026-11-02"}))
    assert [f.extra["element"] for f in result.findings if f.rule == "NA101"] == []


def test_crisis_note_without_a_plan_is_still_flagged(linter):
    text = "Overdose crisis on 11/02/2026. Client reports no housing. High-risk client."
    assert missing(linter, text, "dap") == {"plan"}


def test_labels_with_a_source_count(linter):
    text = VISIT.format(status="Full duty.").replace("Continue PT 2x/week for 4 weeks.", "")
    text += "\nPlan per provider:\n- PT 2x/week for 4 weeks\n"
    assert "treatment_plan" not in missing(linter, text, "physician-visit")


def test_joined_labels_name_each_part_and_assessment_date_is_a_service_date(linter):
    text = ("INITIAL CASE MANAGEMENT ASSESSMENT\nAssessment date: 03/17/2026\n\n2. MECHANISM AND DIAGNOSIS\n"
            "Stepped off a loading dock in the dark. Bimalleolar fracture of the right ankle per Dr. Morrow.\n")
    found = missing(linter, text, "initial-assessment")
    assert not found & {"date_of_service", "mechanism_of_injury", "diagnosis"}


def test_planned_modified_duty_is_not_a_status(linter):
    text = VISIT.format(status="Off work; Dr. Lee plans a release to modified duty after work hardening.")
    assert "restrictions" not in missing(linter, text, "physician-visit")

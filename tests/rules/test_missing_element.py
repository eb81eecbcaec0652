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


# -- issue 9: evidence wherever it stands (each wording differs from the blind note that revealed the cause) --

def _severities(linter, text, note_type):
    result = linter.lint_text(text, note_type=note_type)
    return {f.extra["element"]: (f.severity, f.message) for f in result.findings}


@pytest.mark.parametrize("line", [
    "[03/04/2026 14:22] NCM Plan: fax the DWC-073 to the employer by 03/05/2026.",
    "2026-03-04 14:22 - CM plan: fax the DWC-073 to the employer by 03/05/2026.",
    "03/04/2026 1422 NCM PLAN: fax the DWC-073 to the employer by 03/05/2026.",
    "**NCM next steps:** fax the DWC-073 to the employer by 03/05/2026.",
    "NCM PLAN ........ fax the DWC-073 to the employer by 03/05/2026",
    "Nurse plan | fax the DWC-073 to the employer by 03/05/2026",
])
def test_case_manager_plan_label_behind_stamps_prefixes_and_separators(linter, line):
    assert "case_manager_plan" not in missing(linter, without_line("NCM plan:") + line + "\n")


@pytest.mark.parametrize(("old", "new"), [
    ("SUBJECTIVE\nWorker reports", "Subj: Worker reports"),
    ("OBJECTIVE\nPer Dr. Patel's exam", "Obj: Per Dr. Patel's exam"),
    ("Diagnosis: Lumbar strain", "Dx: Lumbar strain"),
    ("Treatment plan: Continue", "Tx: Continue"),
    ("Work status: Modified duty", "RTW: Modified duty"),
    ("Next appointment: 12/04/2026", "F/U: 12/04/2026"),
])
def test_abbreviated_labels(linter, old, new):
    assert old in GOOD_PHYSICIAN_VISIT
    assert missing(linter, GOOD_PHYSICIAN_VISIT.replace(old, new)) == set()


def test_one_line_telegraphic_phone_note(linter):
    text = ("03/09/2026 14:10 TC from adjuster R. Bloom re IME date. Result: IME set for 03/20/2026 at 09:00 with "
            "Dr. Cho. Plan: NCM to tell IW today and send the IME letter by 03/10/2026.")
    assert missing(linter, text, "telephonic") == set()


def test_one_line_phone_note_without_plan(linter):
    text = "03/09/2026 14:10 TC from adjuster R. Bloom re IME date. Result: IME set for 03/20/2026 at 09:00."
    assert missing(linter, text, "telephonic") == {"case_manager_plan"}


@pytest.mark.parametrize(("text", "absent"), [
    # A call or a voicemail that does not say with whom is no contact.
    ("Date: 03/09/2026\nPurpose: confirm the MRI time.\nOutcome: no answer; voicemail left with my callback number.\n"
     "Plan: try again at 15:00.", {"contact"}),
    ("Date: 03/09/2026\nPurpose: confirm the MRI time.\nOutcome: no answer; left a voicemail for the worker's "
     "daughter.\nPlan: try again at 15:00.", set()),
    ("Date: 03/09/2026\nPhoned Lakeview Imaging to confirm the MRI time.\nOutcome: confirmed for 03/12 at 08:00.\n"
     "Plan: NCM to tell the worker today.", set()),
    ("Date: 03/09/2026\nIncoming call from the claimant's attorney about the IME letter.\nOutcome: letter resent.\n"
     "Plan: NCM to confirm receipt on 03/11.", set()),
])
def test_contact_needs_the_party(linter, text, absent):
    assert missing(linter, text, "telephonic") == absent


def test_purpose_from_a_call_about_something(linter):
    text = ("Date of call: 03/09/2026\nOutbound call to Hanna Berg, HR, about the worker's return-to-work date.\n"
            "Outcome: she confirmed 03/16/2026.\nNCM will tell the adjuster today.")
    assert missing(linter, text, "telephonic") == set()


def test_header_labels_and_run_in_labels(linter):
    text = ("Claim: WC-5512-0090 | Worker: Ida Vance | Treating provider: Dr. Omar Reyes, physiatrist\n"
            "**Visit date.** 03/02/2026\n"
            "**Worker's report.** She says the ache in her wrist is 4/10 after typing.\n"
            "**Findings.** Grip 20 kg on the left, full wrist motion.\n"
            "**Diagnosis.** Left wrist tendinitis.\n"
            "**Treatment.** Hand therapy twice a week for 3 weeks.\n"
            "**Work status.** Full duty.\n"
            "**Scheduled recheck.** 03/23/2026 with Dr. Reyes.\n"
            "**My plan.** Send the therapy referral to the adjuster by 03/03/2026.\n")
    assert missing(linter, text) == set()


def test_findings_and_diagnosis_in_sentences(linter):
    text = without_line("OBJECTIVE").replace("Per Dr. Patel's exam, lumbar flexion improved to 70 degrees; "
                                             "straight leg raise negative.\n", "")
    text = text.replace("Diagnosis: Lumbar strain (S39.012A), per Dr. Patel.\n", "")
    assert missing(linter, text) >= {"objective", "diagnosis"}
    stated = text + "Dr. Patel noted a limp and a well-healed portal scar. She diagnosed two disc bulges.\n"
    assert not missing(linter, stated) & {"objective", "diagnosis"}


def test_worker_report_inside_a_long_sentence(linter):
    text = without_line("Worker reports").replace("SUBJECTIVE\n", "")
    assert "subjective" in missing(linter, text)
    text += ("Her supervisor drove her to the clinic because, as she explained to me in the waiting room, the "
             "numbness in her hand wakes her twice a night.\n")
    assert "subjective" not in missing(linter, text)


def test_date_of_injury_in_prose(linter):
    note = ("INITIAL CASE MANAGEMENT ASSESSMENT\nAssessment date: 03/17/2026\nMr. Olsen hurt his back at work on "
            "March 2, 2026, while lifting a crate of tiles.\nDiagnosis: lumbar strain per Dr. Kim, occupational "
            "medicine.\nWork status: off work.\nBarriers: none identified.\nGoals: full duty by 04/30/2026.\n"
            "CM plan: call Dr. Kim's office on 03/20/2026.\n")
    assert missing(linter, note, "initial-assessment") == set()


def test_late_entry_and_addendum(linter):
    text = ("LATE ENTRY for a visit on 03/02/2026 (written 03/05/2026)\n" + without_line("Date of service:")
            + "ADDENDUM 03/06/2026: Work status: off work per Dr. Patel's office.\n")
    assert "date_of_service" not in missing(linter, text)


@pytest.mark.parametrize(("layout", "element"), [
    ("5. Barriers\n- Lives 40 miles from the clinic.\n", "barriers"),
    ("B \u2014 Behavior\nClient paced and spoke quickly.\n", "behavior"),
    ("Outcome of goals\nGoal 1 met; goal 2 partly met.\n", "outcome"),
    ("Work status at closure: full duty since 03/01/2026.\n", "work_status"),
    ("Closure Date ........ 03/31/2026\n", "closure_date"),
])
def test_label_layouts(linter, layout, element):
    rule = next(r for r in linter.rules if r.code == "NA101")
    from noteassist.text.structure import parse_structure

    doc_text = layout
    result = linter.lint_text(doc_text, note_type="closure-report" if element != "behavior" else "birp")
    assert element not in {f.extra["element"] for f in result.findings}
    assert rule._label_hits(doc_text, parse_structure(doc_text)) or parse_structure(doc_text).blocks


def test_restriction_table_states_the_limits(linter):
    text = VISIT.format(status="Modified duty from 11/21/2026.\n\n| Restriction | Limit |\n|---|---|\n"
                               "| Carrying, left arm | 10 lb |\n| Overhead work | none |\n")
    assert "restrictions" not in missing(linter, text, "physician-visit")


def test_recommendation_under_a_recommendations_label_is_not_a_status(linter):
    report = ("Report period: 11/01/2026 - 11/30/2026\nWork status: off work.\nTreatment plan: PT 2x/week.\n"
              "Next appointment: 12/04/2026.\nBarriers: none.\n"
              "Recommendations:\n1. Authorize work conditioning, the step toward light duty.\n")
    assert missing(linter, report, "progress-report") == set()


def test_a_providers_recommendation_is_not_the_reports(linter):
    report = ("Report period: 11/01/2026 - 11/30/2026\nWork status: off work.\nTreatment plan: surgery pending.\n"
              "Next appointment: 12/04/2026.\nBarriers: none.\nDr. Hale recommended a shoulder arthroscopy.\n")
    assert missing(linter, report, "progress-report") == {"recommendations"}
    assert missing(linter, report + "I recommend that the adjuster approve the arthroscopy.\n",
                   "progress-report") == set()


def test_the_visit_itself_is_not_the_next_appointment(linter):
    text = without_line("Next appointment:").replace("Date of service: 11/20/2026\n",
                                                     "Date of service: 11/20/2026\nWent with IW to her follow-up with Dr. Patel.\n")
    assert "next_appointment" in missing(linter, text)
    assert "next_appointment" not in missing(linter, text + "She sees Dr. Patel again in three weeks.\n")


def test_closure_outcome_is_the_goals_not_the_settlement(linter):
    text = ("Closure date: 12/15/2026\nReason for closure: claim settled; the adjuster closed the referral.\n"
            "Work status: off work.\nNotification: letters to all parties 12/15/2026.\n")
    assert missing(linter, text, "closure-report") == {"outcome"}
    assert missing(linter, text + "Goal 1 (full duty by 11/01/2026) was not met.\n", "closure-report") == set()


@pytest.mark.parametrize(("note_type", "text", "expected"), [
    # Sections S, O and P but no A: "appears" under O is not the assessment.
    ("soap", "Date: 03/02/2026\nS: Client says she slept 4 hours.\nO: Appears tired; arrived late.\n"
             "P: Meet again 03/09/2026.\n", {"assessment"}),
    # D and A but no P: "scheduled" in the data is not the plan.
    ("dap", "Date: 03/02/2026\nD: Client attended 3 of 4 scheduled groups.\nA: Engagement is improving.\n", {"plan"}),
])
def test_sectioned_formats_need_each_section(linter, note_type, text, expected):
    assert missing(linter, text, note_type) == expected


def test_deferred_values_state_nothing(linter):
    note = ("INITIAL CASE MANAGEMENT ASSESSMENT\nAssessment date: 03/17/2026\nDate of injury: 03/02/2026\n"
            "Mechanism: slipped on a wet floor.\nDiagnosis: knee contusion per the ED record.\n"
            "Treating physician: to be determined by the adjuster.\nWork status: off work.\nBarriers: none identified.\n"
            "Goals: pending the first orthopedic visit.\nGoals: none yet.\nCM plan: call the adjuster on 03/18/2026.\n")
    assert missing(linter, note, "initial-assessment") == {"provider", "goals"}


def test_clinical_soap_labels_in_one_line(linter):
    text = ("SUBJECTIVE:, This 3-year-old boy is here for a yearly check; no concerns. OBJECTIVE:, Temperature 98.4, "
            "lungs clear. ASSESSMENT:, Healthy child. PLAN:, Return to the office in one year.")
    assert missing(linter, text + " Date: 03/02/2026.", "soap") == set()
    surgical = ("Date: 03/02/2026\nHISTORY:, Two months of heartburn.\nENDOSCOPIC FINDINGS:, Mild erythema of the "
                "antrum.\nPOSTOPERATIVE DIAGNOSIS:, Gastritis.\nRECOMMENDATIONS:, Omeprazole; return in 6 weeks.\n")
    assert missing(linter, surgical, "soap") == set()
    psych = "Date: 03/02/2026\nS: Feels low.\nO: Flat affect.\nAXIS I: Major depressive disorder, recurrent.\nP: Weekly therapy.\n"
    assert missing(linter, psych, "soap") == set()


def test_unrecognised_layout_is_a_warning_that_says_so(linter):
    prose = ("I went with Mr. Tran to Dr. Ames, hand surgeon, on 03/02/2026. He said the pain is 3/10. Dr. Ames found "
             "full grip. She diagnosed a healed fracture and ordered hand therapy. He remains off work.")
    found = _severities(linter, prose, "physician-visit")
    assert set(found) == {"next_appointment", "case_manager_plan"}
    for severity, message in found.values():
        assert severity == "warning"
        assert "the note's layout was not recognised, so this is a warning" in message
        assert "looked for" in message


def test_recognised_layout_is_an_error_naming_the_evidence(linter):
    found = _severities(linter, without_line("Next appointment:"), "physician-visit")
    severity, message = found["next_appointment"]
    assert severity == "error"
    assert message.startswith("no next appointment") and "looked for" in message and "label" in message


def test_every_cue_group_has_a_rationale():
    import yaml

    from noteassist.lint.rules.elements import LEXICON_PATH

    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    for element, entry in data.items():
        if element.startswith("_"):
            assert entry["why"], element
            continue
        assert entry.get("looked_for"), element
        for group in entry["cues"]:
            assert isinstance(group.get("why"), str) and len(group["why"]) > 20, (element, group)


def test_the_visits_own_date_is_not_the_next_appointment(linter):
    from noteassist.lint import NoteInput

    text = without_line("Next appointment:").replace("Date of service: 11/20/2026\n", "")
    text = "Attended the follow-up visit at Lakeside Ortho on 11/20/2026 with the worker.\n" + text
    result = linter.lint(NoteInput(text, note_type="physician-visit", meta={"date_of_service": "2026-11-20"}))
    assert "next_appointment" in {f.extra["element"] for f in result.findings}
    later = text + "Follow-up visit on 12/11/2026 at 10:00.\n"
    result = linter.lint(NoteInput(later, note_type="physician-visit", meta={"date_of_service": "2026-11-20"}))
    assert "next_appointment" not in {f.extra["element"] for f in result.findings}


def test_medical_history_is_not_the_workers_report(linter):
    text = without_line("Worker reports").replace("SUBJECTIVE\n", "Past medical history: type 2 diabetes.\n")
    assert "subjective" in missing(linter, text)


# -- round-2 causes: a cue must state the element, not merely contain a word ---------------------------------
@pytest.mark.parametrize("value", ["None at this time.", "N/A for now", "none currently", "Not addressed today."])
def test_an_empty_value_with_a_time_qualifier_states_nothing(linter, value):
    text = "Date: 03/02/2026\nD: Client brought her lease.\nA: Stable housing for now.\nP: " + value + "\n"
    assert "plan" in missing(linter, text, "dap")


def test_a_doctors_name_does_not_end_a_label(linter):
    text = GOOD_PHYSICIAN_VISIT.replace("Treatment plan: Continue physical therapy 2x/week for 4 weeks; home exercise "
                                        "program.", "Plan per Dr. Okafor: wrist splint at night; naproxen gel.")
    assert missing(linter, text) == set()


def test_a_label_with_a_spaced_dash_and_a_writers_role(linter):
    text = ("Date of service - 04/07/2026\nDate of injury - 02/11/2026\nMechanism - slipped on ice in the yard.\n"
            "Diagnosis - right ankle sprain.\nProvider - Dr. Lena Ross, podiatrist.\nWork status - off work.\n"
            "Barriers - none identified.\nGoals - walk a full shift by 05/30/2026.\n"
            "Caseworker plan - Mail the intake packet by 04/09/2026.\n")
    assert missing(linter, text, "initial-assessment") == set()
    assert "case_manager_plan" in missing(linter, text.replace("Caseworker plan - Mail the intake packet by "
                                                               "04/09/2026.\n", ""), "initial-assessment")


def test_a_titles_last_words_are_not_a_label(linter):
    text = ("PHONE CONTACT - RIVERBEND CLAIMS\nDate: 05/05/2026\nPurpose: confirm the MRI date.\n"
            "Outcome: MRI confirmed for 05/12/2026.\nCM plan: CM will mail the MRI order on 05/13/2026.\n")
    assert "contact" in missing(linter, text, "telephonic")


def test_subjective_findings_heading_is_the_subjective_section(linter):
    text = ("Date: 06/01/2026\n\nSubjective Findings\nShe said her knee aches after long shifts.\n\n"
            "Objective Findings\nThe PT note lists knee flexion of 120 degrees.\n\nAssessment\nSteady gains.\n\n"
            "Plan\nCall her on 06/08/2026.\n")
    assert missing(linter, text, "soap") == set()


def test_a_call_log_stamp_does_not_hide_whom_the_call_was_with(linter):
    text = ("CALL LOG\nClaim: WC-1111-2222 | DOI 01/05/26\n\n"
            "02/14/26 0930  Inbound call from adjuster about the IME date. Purpose: IME scheduling.\n"
            "02/14/26 0935  Outcome: IME set for 03/01/26.\n02/14/26 0940  CM plan: CM will mail the IME letter.\n")
    assert missing(linter, text, "telephonic") == set()


def test_another_partys_commitment_is_not_the_case_managers_plan(linter):
    base = ("Date: 07/07/2026\nContact: Omar Diaz, adjuster\nPurpose: request a TENS unit decision.\n"
            "Outcome: Pending. ")
    assert "case_manager_plan" in missing(linter, base + "Omar will email the decision by Friday.\n", "telephonic")
    assert "case_manager_plan" not in missing(linter, base + "I will email Omar on Friday for the decision.\n",
                                              "telephonic")
    assert "case_manager_plan" not in missing(linter, base + "Will call Omar Friday for the decision.\n",
                                              "telephonic")


def test_a_specialty_alone_names_no_provider(linter):
    text = without_line("Provider:").replace("Dr. Patel", "the clinic")
    text += "Referred to a pain management clinic near her home.\n"
    assert "provider" in missing(linter, text)
    assert "provider" not in missing(linter, text + "She now sees Maya Chen, physiatrist, at that clinic.\n")


def test_goals_and_targets_are_statements_not_words(linter):
    text = ("Date: 08/01/2026\nDOI: 07/01/2026\nMechanism: fell from a step stool.\nDiagnosis: wrist sprain.\n"
            "Provider: Dr. Ivy Lam.\nWork status: off work.\nBarriers: none identified.\n"
            "Plan: I will ask Dr. Lam about a target date for full duty.\n")
    assert "goals" in missing(linter, text, "initial-assessment")
    assert "goals" not in missing(linter, text + "Her goal is to return to full duty by 09/15/2026.\n",
                                  "initial-assessment")
    assert "goals" not in missing(linter, text + "Target RTW 09/15/2026.\n", "initial-assessment")


def test_closure_reason_is_tied_to_the_closing(linter):
    text = ("Closure date: 10/01/2026\nFinal work status: full duty.\nOutcome: all goals met.\n\n"
            "## MMI\nReached MMI on 09/20/2026 per Dr. Cho.\n")
    assert "closure_reason" in missing(linter, text, "closure-report")
    assert "closure_reason" not in missing(linter, text + "File closed as the worker has reached MMI.\n",
                                           "closure-report")
    assert "closure_reason" not in missing(linter, text + "Reason: return to full duty.\n", "closure-report")


@pytest.mark.parametrize("sentence", [
    "His sleeve was caught in the mixer and his arm was pulled toward the blade.",
    "She was stacking pallets when the top one shifted onto her shoulder.",
    "He felt a sharp pop in his knee stepping down from the cab.",
])
def test_mechanism_told_as_an_event(linter, sentence):
    text = ("Date: 08/01/2026\nDOI: 07/01/2026\nDiagnosis: strain.\nProvider: Dr. Ivy Lam.\nWork status: off work.\n"
            "Barriers: none identified.\nGoals: full duty by 09/15/2026.\nPlan: I will call her weekly.\n\n")
    assert "mechanism_of_injury" in missing(linter, text, "initial-assessment")
    assert "mechanism_of_injury" not in missing(linter, text + sentence + "\n", "initial-assessment")


@pytest.mark.parametrize("sentence", [
    "The plant can offer him light duty in the tool room once he is released.",
    "Light-duty work is available at the depot after that visit.",
])
def test_modified_duty_on_offer_is_not_the_current_status(linter, sentence):
    text = without_line("Work status:") + "Work status: off work through 12/01/2026. " + sentence + "\n"
    assert "restrictions" not in missing(linter, text)


def test_treatment_in_prose_with_frequency_or_dose(linter):
    text = without_line("Treatment plan:")
    assert "treatment_plan" in missing(linter, text)
    assert "treatment_plan" not in missing(linter, text + "She is to keep up OT three times a week.\n")
    assert "treatment_plan" not in missing(linter, text + "Dr. Patel started meloxicam 15 mg daily.\n")


def test_a_header_date_of_birth_or_injury_is_not_the_service_date(linter):
    text = ("Client: J. Moss | DOB 02/03/1980\nDOI: 01/02/2026\nS: Says the brace helps.\nO: Brace on.\n"
            "A: Improving.\nP: Call 02/10.\n")
    assert "date_of_service" in missing(linter, text, "soap")
    assert "date_of_service" not in missing(linter, "Session 02/05/2026\n" + text, "soap")


def test_a_goal_or_a_wish_is_not_the_work_status(linter):
    text = without_line("Work status:")
    assert "work_status" in missing(linter, text + "Her goal is to return to full duty by 01/15/2027.\n")
    assert "work_status" in missing(linter, text + "He wants to go back to work after the holidays.\n")
    assert "work_status" not in missing(linter, text + "She returned to work on regular duty 11/18/2026.\n")


def test_a_bare_therapy_word_orders_no_treatment(linter):
    text = without_line("Treatment plan:")
    assert "treatment_plan" in missing(linter, text + "She has finished 6 therapy sessions; medications reviewed.\n")


def test_a_forecast_in_another_clause_leaves_the_status(linter):
    text = without_line("Work status:") + "She is off work, and Dr. Patel expects her to stay off until 01/05/2027.\n"
    assert "work_status" not in missing(linter, text)


def test_a_surgery_in_the_history_orders_nothing(linter):
    text = without_line("Treatment plan:")
    assert "treatment_plan" in missing(linter, text + "She had surgery on the other knee in 2019.\n")
    assert "treatment_plan" not in missing(linter, text + "Dr. Patel recommended an arthroscopy in January.\n")
    assert "treatment_plan" not in missing(linter, text + "A cortisone injection was scheduled for 12/02/2026.\n")


@pytest.mark.parametrize("sentence", [
    "Goal 2: back to regular duty by 02/01/2027.",
    "Dr. Patel might advance him to full duty at the January visit.",
    "No seated modified duty exists at the depot.",
])
def test_a_target_a_possibility_or_absent_duty_is_not_the_status(linter, sentence):
    assert "work_status" in missing(linter, without_line("Work status:") + sentence + "\n")


def test_a_title_cased_heading_names_no_provider(linter):
    text = "# Physician Visit Note\n" + without_line("Provider:").replace("Dr. Patel", "the clinic")
    assert "provider" in missing(linter, text)


def test_a_follow_up_with_a_titled_provider_and_its_date_is_the_next_appointment(linter):
    note = ("Visit 04/02/2026 09:00 with Dr. Ruth Okafor, orthopedics. The worker reported knee pain 5/10. "
            "Follow-up with Dr. Okafor on 04/30/2026 at 10:15.")
    assert "next_appointment" not in missing(linter, note)
    assert "next_appointment" in missing(linter, note.replace("Follow-up with Dr. Okafor on 04/30/2026 at 10:15.", ""))


CLOSURE_LETTER = """\
To: Ms. Okonkwo, Claims Representative
Subject: Closure of nurse case management

{closing}

Final work status: full duty, no restrictions, per Dr. Marquardt.
Regarding goal attainment, the objective of restoring shoulder function was substantially accomplished.
"""


@pytest.mark.parametrize("closing", [
    "Case management closes effective 10/09/2026. The reason is a settlement of the claim.",
    "I am closing nurse case management on this file as of 10/14/2026. The reason is a return to work at full duty.",
    "Nurse case management services are being discontinued effective 10/09/2026, inasmuch as the claim was "
    "resolved through a settlement.",
])
def test_closure_date_reason_and_outcome_in_letter_prose(linter, closing):
    assert missing(linter, CLOSURE_LETTER.format(closing=closing), "closure-report") == set()


def test_a_reason_that_is_unknown_is_no_reason(linter):
    text = CLOSURE_LETTER.format(closing="Case management closes effective 10/09/2026. The reason is unknown.")
    assert missing(linter, text, "closure-report") == {"closure_reason"}


NARRATIVE_BIRP = """\
Riverside CMH | Case MH-2026-3317 | Individual contact, 10/08/2026, 3:00-3:40 PM | Format: BIRP

Noor arrived on time and spoke at an even pace. {action} She said, "I feel like I can breathe now." \
With her consent, I will call the landlord by 10/09 to ask for a payment plan.
"""


def test_narrative_birp_intervention_is_the_workers_past_action(linter):
    text = NARRATIVE_BIRP.format(action="I walked her through the county rental assistance application.")
    assert "intervention" not in missing(linter, text, "birp")


def test_a_future_action_is_the_plan_not_the_intervention(linter):
    text = NARRATIVE_BIRP.format(action="She has a 10-day notice.")
    assert "intervention" in missing(linter, text, "birp")


def test_an_encounter_field_opening_with_its_date_is_the_service_date(linter):
    base = ("Date of injury: 09/21/2026\nMechanism: twisted to hold a client.\nDiagnosis: meniscus tear.\n"
            "Provider: Dr. Quezada.\nWork status: off work.\nBarriers: possible surgery.\nGoals: RTW by 10/19.\n"
            "CM Plan: call Dr. Quezada on 10/08.\n")
    assert "date_of_service" in missing(linter, "INITIAL ASSESSMENT\n" + base, "initial-assessment")
    with_date = "INITIAL ASSESSMENT\nAssessment: 10/03/2026 13:15-14:05 by telephone with IW.\n" + base
    assert "date_of_service" not in missing(linter, with_date, "initial-assessment")
    next_visit = "INITIAL ASSESSMENT\nNext visit: 10/08/2026 with Dr. Quezada.\n" + base
    assert "date_of_service" in missing(linter, next_visit, "initial-assessment")


def test_a_format_title_is_not_a_label_for_its_sections(linter):
    text = "S/O/A/P - NCM follow-up, Dr. Oduya\nS: reports pain 5/10.\nO: Dr. Oduya found a normal gait.\nP: recheck 11/02.\n"
    assert "assessment" in missing(linter, "Date: 10/20/2026\n" + text, "soap")


def test_the_evidence_says_where_each_element_was_found(linter):
    rule = linter.rules[0]
    ctx = linter.prepare(__import__("noteassist.lint", fromlist=["NoteInput"]).NoteInput(
        GOOD_PHYSICIAN_VISIT, note_type="physician-visit"))
    doc = next(iter(linter.pipeline.pipe([ctx.body])))
    doc._.note = ctx
    _, _, _, evidence = rule.explain(doc)
    start, end, kind = evidence.where["work_status"]
    assert kind == "label" and ctx.body[start:end].startswith("Modified duty")
    assert set(evidence.where) == evidence.present


@pytest.mark.parametrize("signature", [
    "Lucia Ferraro, BA - signed 10/13/2026 08:45",
    "Electronically signed: Thaddeus Kimura, LADC, 09/29/2026 4:40 PM",
    "Marcus Delaney \u2014 11/02/2026 15:40",
])
def test_a_plan_label_followed_only_by_the_signature_states_no_plan(linter, signature):
    text = ("Date of service: 10/13/2026\nData: Client reports sleeping 6 hours.\n"
            "Assessment: Sleep is improving with the new routine.\n\nPlan:\n\n" + signature + "\n")
    assert missing(linter, text, "dap") == {"plan"}


def test_an_appointment_that_looks_like_a_signature_is_still_an_appointment(linter):
    text = without_line("Next appointment") + "\nNEXT APPOINTMENT\nDr. Constantin, 12/10/2026 at 2:30 PM.\n"
    assert "next_appointment" not in missing(linter, text)


def test_an_empty_mechanism_field_does_not_read_the_next_line(linter):
    text = ("Date of assessment: 10/03/2026\nDate of injury: 09/21/2026\nMechanism of injury:\n"
            "Diagnosis: right knee meniscus tear, per Dr. Quezada.\nProvider: Dr. Quezada, orthopedics.\n"
            "Work status: off work.\nBarriers: possible surgery.\nGoals: RTW by 10/19.\nCM Plan: call Dr. Quezada 10/08.\n")
    assert missing(linter, text, "initial-assessment") == {"mechanism_of_injury"}


@pytest.mark.parametrize("sentence, present", [
    ("Modified duty effective 10/13/2026 through 11/10/2026.", False),  # a date, not a pain score
    ("IW verbalized understanding of the 10 lb lifting limit.", False),  # teach-back
    ("If leg pain is not better in four weeks, she will discuss surgery.", False),  # a condition
    ("Neck pain 6/10 with tingling into the thumb.", True),
])
def test_what_is_and_is_not_the_workers_report(linter, sentence, present):
    text = without_line("Worker reports").replace("SUBJECTIVE\n", "") + "\n" + sentence + "\n"
    assert ("subjective" not in missing(linter, text)) is present


KEY_VALUE_TELEPHONIC = """\
SYS=CareTrack v8.2 | EXPORT=NOTE
note_type=telephonic
claim_no=WC-9610412
dos=2026-10-14; start=10:05; end=10:19
contact=IW Marcus Delane, by phone
purpose=check on PT attendance
outcome=reached; attending PT 2x/week
cm_plan=call PT clinic 10/16 for progress note
"""


def test_key_value_export(linter):
    assert missing(linter, KEY_VALUE_TELEPHONIC, "telephonic") == set()
    assert missing(linter, KEY_VALUE_TELEPHONIC.replace("outcome=reached; attending PT 2x/week\n", ""),
                   "telephonic") == {"outcome"}


SEMICOLON_CLOSURE = """\
CT|EXPORT|CLOSURE RPT
CLM;WC-9610651;IW;Whitlock, Raymond;DOB;1969-02-11
DOI;2026-05-06;CLOSURE_DT;2026-10-14;NCM;G. Tran RN CCM
WORK_STATUS;Off work per Dr. I. Kovac through 11/02/2026.
CLOSURE_REASON;claim settled 10/10/2026
OUTCOME;goal 1 met; goal 2 not met
"""


def test_semicolon_export(linter):
    assert missing(linter, SEMICOLON_CLOSURE, "closure-report") == set()
    assert missing(linter, SEMICOLON_CLOSURE.replace("CLOSURE_DT;2026-10-14;", ""), "closure-report") == {"closure_date"}


def test_a_label_followed_by_a_short_phrase(linter):
    text = ("Date of assessment: 10/03/2026\nDate of injury: 09/21/2026\nMechanism: slipped on ice.\n"
            "Diagnosis: ankle sprain per Dr. Lee.\nProvider: Dr. Lee.\nWork status: off work.\n"
            "Barriers I found:\n- no ride to PT\nGoals: RTW by 10/19.\nCM Plan: call Dr. Lee 10/08.\n")
    assert missing(linter, text, "initial-assessment") == set()


def test_a_telegraphic_call_names_its_party(linter):
    text = ("TC to employer Brushy Fork Lumber, HR Mgr Janet Ruiz, re IW Carl Weeks. 10/05/2026 11:20, outbound.\n"
            "Purpose: confirm the modified duty job.\nOutcome: job confirmed for 10/07.\n"
            "Plan: NCM to f/u with Janet 10/06 AM.\n")
    assert missing(linter, text, "telephonic") == set()


CALL = "Date of call: 10/14/2026 10:05\n{contact}Purpose: {purpose}\nOutcome: reached; PT confirmed.\nPlan: {plan}\n"


@pytest.mark.parametrize("contact, purpose, plan, expected", [
    ("", "check PT attendance.", "I will call Ms. Ruiz by 10/16.", {"contact"}),  # a call still to make
    ("Call: outbound to IW, 10:05-10:15\n", "check PT attendance.", "I will call Ms. Ruiz by 10/16.", set()),
    ("Contact: IW Ana Ruiz\n", "Discussion: IW rates pain 4/10.", "I will call PT on 10/16 to confirm.", {"purpose"}),
])
def test_the_contact_and_purpose_of_this_call_not_of_the_next(linter, contact, purpose, plan, expected):
    assert missing(linter, CALL.format(contact=contact, purpose=purpose, plan=plan), "telephonic") == expected


def test_the_day_parties_were_told_is_not_the_closure_date(linter):
    text = ("Closure reason: goals met.\nWork status: full duty.\nOutcome: goal 1 met.\n"
            "The worker and the adjuster were told of the closure by phone on 11/12/2026.\n")
    assert missing(linter, text, "closure-report") == {"closure_date"}


def test_a_tear_on_mri_is_a_finding_not_the_diagnosis(linter):
    text = without_line("Diagnosis").replace("straight leg raise negative.",
                                             "straight leg raise negative. The MRI showed a disc herniation.")
    assert "diagnosis" in missing(linter, text)


def _missing(text: str) -> list[str]:
    from noteassist.lint import Linter

    return [f.extra.get("element") for f in Linter().lint_text(text).findings if f.rule == "NA101"]


def test_a_template_blank_is_an_empty_value():
    base = ("---\nnote_type: dap\ndate_of_service: 2026-11-11\n---\nData: Client brought the renewal packet.\n\n"
            "Assessment: Renewal is on track.\n\nPlan: {plan}\n\nN. Castellano, Case Manager\n")
    assert "plan" in _missing(base.format(plan="***"))
    assert "plan" not in _missing(base.format(plan="Mail the pay stub by 11/20."))


def test_a_client_who_signed_a_form_is_a_response_not_a_sign_off():
    text = ("---\nnote_type: birp\ndate_of_service: 2026-11-01\n---\nBehavior: he was quiet.\n"
            "Intervention: read the letter with him.\nResponse: He signed the appeal form.\nPlan: fax it today.\n")
    assert "response" not in _missing(text)

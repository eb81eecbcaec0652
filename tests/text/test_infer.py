"""Note-type inference: a type only for text that is recognisably a case-management note of that type."""

from __future__ import annotations

import pytest

from noteassist.text.infer import case_management_score, infer_note_type, is_case_management
from noteassist.text.structure import parse_structure


def infer(text: str) -> str | None:
    return infer_note_type(text, parse_structure(text))


# -- clinical text that is not case management: no type ---------------------------------------------------

DISCHARGE_SUMMARY = """\
DISCHARGE SUMMARY
ADMISSION DATE: 03/02/2026   DISCHARGE DATE: 03/06/2026
HOSPITAL COURSE: The patient is a 71-year-old man admitted with community-acquired pneumonia of the right
lower lobe. He was started on intravenous ceftriaxone and azithromycin and improved steadily. On hospital
day 2 he became hypotensive and a rapid response was called; he responded to fluids.
DISCHARGE MEDICATIONS: Amoxicillin-clavulanate 875 mg twice daily for 5 more days.
FOLLOW-UP: See Dr. Okonkwo in the pulmonary clinic in 2 weeks with a repeat chest film. He may return to
work as a librarian when he feels able.
"""

WELL_CHILD = """\
SUBJECTIVE: This 14-month-old girl is brought in by her father for her routine check. She walks holding on,
says three words and eats table food. No fevers.
OBJECTIVE: Weight 9.6 kg, length 77 cm, both at the 50th percentile. Ears clear, heart regular, hips stable.
ASSESSMENT: Healthy toddler, growing and developing normally.
PLAN: Hepatitis A and varicella vaccines today. Next check at 18 months.
"""

OPERATIVE_NOTE = """\
PREOPERATIVE DIAGNOSIS: Symptomatic gallstones.
POSTOPERATIVE DIAGNOSIS: Same.
PROCEDURE: Laparoscopic cholecystectomy.
ANESTHESIA: General endotracheal.
FINDINGS: A thick-walled gallbladder with several stones; no bile leak.
DESCRIPTION: Four ports were placed and the cystic duct and artery were clipped and divided. The
gallbladder was removed in a bag. Estimated blood loss 10 mL. The patient went to recovery in good condition.
"""

CODE_BLUE = (
    "Nursing event note: at 02:15 the patient on bed 4 was found unresponsive and a code blue was called. "
    "Compressions were started, the team arrived within two minutes, and a pulse returned after one shock. "
    "Dr. Haddad examined him and he was moved to the intensive care unit."
)


@pytest.mark.parametrize("text", [DISCHARGE_SUMMARY, WELL_CHILD, OPERATIVE_NOTE, CODE_BLUE])
def test_clinical_text_that_is_not_case_management_gets_no_type(text):
    assert not is_case_management(text, parse_structure(text))
    assert infer(text) is None


def test_a_code_blue_that_was_called_is_not_a_phone_call():
    # With case-management words around it, the hospital event still does not make a telephonic note.
    text = ("Claimant's wife reports that a code blue was called during his surgery on 03/03/2026; the case "
            "manager learned of it from the adjuster's file review.")
    assert infer(text) != "telephonic"


def test_a_soap_section_set_alone_is_not_case_management():
    text = "S: Sore throat for 2 days.\nO: Tonsils red, no exudate.\nA: Viral pharyngitis.\nP: Fluids, rest.\n"
    assert infer(text) is None
    with_client = text.replace("S: Sore", "S: Client reports a sore") + "CM will check in with the client on Friday.\n"
    assert infer(with_client) == "soap"


def test_clinical_notes_linted_without_a_type_have_no_missing_elements():
    from noteassist.lint import LintConfig, Linter

    linter = Linter(LintConfig(select=["NA101"]))
    for text in (DISCHARGE_SUMMARY, WELL_CHILD, OPERATIVE_NOTE, CODE_BLUE):
        result = linter.lint_text(text)
        assert result.note_type is None
        assert result.findings == []


# -- case-management notes: their type ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NCM PHYSICIAN APPT NOTE\nClm: WC-5120-0042 | IW: Ana Ruiz\nProvider: Dr. Ito, MD\nRTW: full duty.", "physician-visit"),
        ("Went with the injured worker to her recheck with Dr. Salas, who examined the elbow and kept her on "
         "modified duty.", "physician-visit"),
        ("[2026-05-04 09:10] TC to IW Omar Diaz re: therapy start. Outcome: reached. CM Plan: call Friday.", "telephonic"),
        ("Spoke with adjuster Lena Ortiz by phone about the MRI authorization; she approved it.", "telephonic"),
        ("INITIAL EVALUATION REPORT - FIELD NURSE CASE MANAGEMENT\nDate of injury: 02/02/2026\nClaim No.: WC-1", "initial-assessment"),
        ("Nurse Case Management Closure Summary\nClaim: WC-5521-0090\nClosure date: 06/30/2026", "closure-report"),
        ("Monthly update report to the adjuster\nReport period: 05/01/2026 - 05/31/2026\nWork status: off work.", "progress-report"),
        ("County Family Services\nB - Behavior: Client met me at the door.\nI - Intervention: Reviewed the safety plan.\n"
         "R - Response: Client signed up for a class.\nP - Plan: Visit again on 11/18.", "birp"),
        ("LANTERN OUTPATIENT - DAP PROGRESS NOTE\nClient: K. M.\nD: Client came on time.\nA: Early action stage.", "dap"),
    ],
)
def test_case_management_notes_get_their_type(text, expected):
    assert infer(text) == expected


def test_score_counts_each_kind_of_vocabulary_once():
    assert case_management_score("adjuster adjuster adjuster") == 2
    assert case_management_score("The client enjoyed the picnic.") == 1
    assert case_management_score("Injured worker seen; adjuster notified; work status modified duty.") == 3


def test_a_peer_recovery_soap_note_is_case_management():
    text = ("SOAP NOTE - PEER SUPPORT\nParticipant: D. Ames, 04/02/2026\n\nSubjective: Wants a ride to detox intake.\n"
            "Objective: On time, brought his ID.\nAssessment: Ready for treatment.\nPlan: Book the van.\n"
            "Kim Lo, Peer Support Specialist\n")
    assert infer(text) == "soap"


@pytest.mark.parametrize("text, expected", [
    ("[CareTrack Export] RPT_TYPE=CLOSURE\nclaim_no=WC-9610355\n", "closure-report"),
    ("CT|EXPORT|CLOSURE RPT\nNOTE_TYPE;closure-report\n", "closure-report"),
    ("Note Type | Telephonic\nClaim # | WC-9126643\n", "telephonic"),
    ("CASEPRO EXPORT | NOTE TYPE: Initial Assessment | CLAIM WC-9162058\n", "initial-assessment"),
    ("Report type: Progress Report   Period: 09/01-09/30\n", "progress-report"),
    ("Visit note. The note type is unclear to me.\n", None),
    ("Note type: something else entirely\n", None),
])
def test_an_exports_own_note_type_field(text, expected):
    from noteassist.text.infer import stated_note_type

    assert stated_note_type(text) == expected


def test_a_stated_type_is_given_not_inferred():
    from noteassist.lint import LintConfig, Linter, NoteInput

    result = Linter(LintConfig(select=["NA101"])).lint(NoteInput("NOTE_TYPE=closure-report\nsummary=done\n"))
    assert (result.note_type, result.note_type_source) == ("closure-report", "given")


def test_a_closure_letter_is_a_closure_report():
    from noteassist.text.infer import infer_note_type
    from noteassist.text.structure import parse_structure

    text = ("Re: Closure of nurse case management - Claim WC-9275502\nTo: claims adjuster\n\n"
            "I closed nurse case management on this claim on October 12, 2026.\n")
    assert infer_note_type(text, parse_structure(text)) == "closure-report"


@pytest.mark.parametrize("text", [
    "New Roots Resettlement - Office visit\nClient: Ms. N. B. (case NR-26-219)\nCaseworker: J. Pell\n"
    "Interpreter: Swahili, by phone\n\nPurpose: lease co-signer problem.\n\nI helped her fill out the request.",
    "Service plan review\nClient: F.D. Meeting in office with client and case manager.\n\n"
    "Goal 2 (primary care): first visit with Dr. Osei on 11/01; next visit 02/2027.",
])
def test_a_human_services_office_visit_is_not_a_physician_visit_nor_a_call(text):
    assert infer_note_type(text, parse_structure(text)) not in ("physician-visit", "telephonic")


def test_an_office_visit_with_workers_comp_words_is_a_physician_visit():
    text = ("Office visit - Dr. Lee, orthopedics\nClaimant: R. Diaz, claim WC-2231-0042\n"
            "NCM attended the appointment. Work status: modified duty.")
    assert infer_note_type(text, parse_structure(text)) == "physician-visit"


def test_a_titled_phone_contact_with_a_case_id_is_telephonic():
    text = ("TELEPHONE NOTE | telephonic\nStaff: H. Greer, Kinship Navigator\nContact: Mr. W.T. (case KC-2210)\n\n"
            "Outcome: he gave me his new hours.")
    assert infer_note_type(text, parse_structure(text)) == "telephonic"

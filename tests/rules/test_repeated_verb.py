"""NA201 repeated-reporting-verb: counts reporting verbs (verbs only) and suggests by subject type."""

from __future__ import annotations

import pytest

from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter
from noteassist.lint.rules.verbs import reporting_verbs


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA2"]))


def na201(linter: Linter, text: str, note_type: str = "physician-visit"):
    return [f for f in linter.lint_text(text, note_type=note_type).findings if f.rule == "NA201"]


RELAYED_FOUR = (
    "Worker relayed that her pain is 6/10 today.\n"
    "Adjuster relayed that the IME is set for 4/12.\n"
    "Employer relayed that modified duty is available.\n"
    "Dr. Smith relayed that PT should continue for four weeks.\n"
)


def test_relayed_four_times_flags_the_fourth(linter):
    findings = na201(linter, RELAYED_FOUR)
    assert len(findings) == 1
    f = findings[0]
    assert f.text == "relayed"
    assert f.start == RELAYED_FOUR.index("relayed", RELAYED_FOUR.index("Dr. Smith"))
    assert f.severity == "warning"
    assert f.category == "repeated-verb"
    assert '"relayed" used 4 times' in f.message


def test_finding_dict_has_lemma(linter):
    data = na201(linter, RELAYED_FOUR)[0].to_dict()
    assert data["lemma"] == "relay"
    assert data["suggestions"]


def test_three_uses_apart_stay_quiet(linter):
    text = (
        "Worker relayed that her pain is 6/10 today.\n"
        "She walked with a cane.\n"
        "Adjuster relayed that the IME is set for 4/12.\n"
        "The IME doctor is in Tulsa.\n"
        "Employer relayed that modified duty is available.\n"
    )
    assert na201(linter, text) == []


def test_noun_report_does_not_count(linter):
    text = (
        "The report was faxed to the adjuster. Worker reported pain 6/10. "
        "Dr. Lee reviewed the MRI report findings with the worker. "
        "The report from Dr. Lee is attached. Claimant reported numbness in the left foot. "
        "CM reviewed the report with the adjuster. Spouse reported that he sleeps poorly."
    )
    assert na201(linter, text) == []


def test_report_noun_findings_phrase_not_counted(linter):
    text = "Report findings were sent. The report findings are pending. Report findings reviewed. Worker reported pain."
    assert na201(linter, text) == []


def test_varied_verbs_stay_quiet(linter):
    text = (
        "Worker described burning pain in the right wrist, rated 5/10. "
        "Dr. Patel found a positive Tinel sign and recommended a splint at night. "
        "She explained that typing for more than an hour makes the numbness worse. "
        "Dr. Patel ordered nerve conduction studies. "
        "CM told the adjuster about the splint. The worker asked about modified duty. "
        "Employer confirmed that a light-duty desk is available."
    )
    assert na201(linter, text) == []


def test_stated_five_times_is_one_finding_at_the_fourth_use(linter):
    text = (
        "Worker stated that her knee locks on stairs. She stated that ice helps.\n"
        "Dr. Gomez stated that the MRI shows a meniscus tear. Dr. Gomez stated surgery is an option.\n"
        "Worker stated she wants to try injections first."
    )
    [finding] = na201(linter, text)
    assert finding.text == "stated" and finding.start == text.index("Dr. Gomez stated surgery") + 10
    assert finding.to_dict()["lemma"] == "state" and finding.to_dict()["count"] == 5
    assert "used 5 times" in finding.message and "(lines 1, 1, 2, 2, 3)" in finding.message


@pytest.mark.parametrize("fourth, kind", [
    ("Dr. Kim noted full range of motion in the shoulder.", "provider"),
    ("Claimant noted that the pain wakes her at night.", "claimant"),
])
def test_suggestions_follow_the_subject_of_the_flagged_use(linter, fourth, kind):
    text = ("Worker noted stiffness in the morning. Adjuster noted the claim is accepted. "
            f"Employer noted she missed two shifts. {fourth}")
    [finding] = na201(linter, text)
    assert finding.suggestions == reporting_verbs()["note"][kind]


def test_case_manager_and_record_subjects(linter):
    text = (
        "This writer noted the worker limping. CM noted swelling at the ankle. "
        "NCM noted the brace was worn. The MRI report noted a partial tear."
    )
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].suggestions == reporting_verbs()["note"]["record"]


def test_opined_provider_alternatives(linter):
    text = (
        "Dr. Smith opined that the worker is at MMI. The IME physician opined the injury is work related. "
        "Dr. Lee opined that restrictions are permanent. The surgeon opined that no surgery is needed."
    )
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].suggestions[:3] == ["concluded", "determined", "found"]


def test_auxiliary_and_nouns_never_counted(linter):
    text = (
        "The note was signed. The notes are in the file. Her statement was taken. "
        "The request is pending. A recommendation was made. Discussion held."
    )
    assert na201(linter, text) == []


def test_share_rule_in_a_busy_note(linter):
    # 11 reporting verbs (recommend, tell, confirm, explain x2, describe, say, agree and report x3),
    # "reported" 3 of them (27 % > 25 %): flagged once, at the third use.
    text = (
        "Worker reported pain 7/10. Dr. Ruiz found tenderness over L4. She reported trouble sleeping. "
        "Dr. Ruiz recommended an MRI. CM told the adjuster about the MRI. Spouse reported she is irritable. "
        "Employer confirmed light duty is available. Worker asked about mileage reimbursement. "
        "The PT explained the home program. Dr. Ruiz described the MRI findings. The adjuster said the MRI is "
        "authorized. The employer agreed to a later start. The pharmacist explained the refill."
    )
    [finding] = na201(linter, text)
    assert finding.to_dict()["lemma"] == "report" and "3 of 11 reporting verbs" in finding.message


def test_three_uses_in_a_short_note_stay_quiet(linter):
    # 3 of 8 reporting verbs: ordinary writing in a short note (min_reporting_verbs is 10).
    text = (
        "Worker reported pain 7/10. Dr. Ruiz found tenderness over L4. She reported trouble sleeping. "
        "Dr. Ruiz recommended an MRI. CM told the adjuster about the MRI. Spouse reported she is irritable. "
        "Employer confirmed light duty is available. Worker asked about mileage reimbursement."
    )
    assert na201(linter, text) == []


def test_share_rule_off_below_min_reporting_verbs(linter):
    text = "Worker reported pain 7/10. She reported trouble sleeping. Dr. Ruiz recommended an MRI."
    assert na201(linter, text) == []


def test_max_uses_option_honoured():
    linter = Linter(LintConfig(select=["NA201"], options={"NA201": {"max_uses": 1}}))
    text = "Worker relayed that her pain is 6/10 today. Adjuster relayed that the IME is set for 4/12."
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].start == text.index("relayed", 20)
    assert "used 2 times" in findings[0].message


def test_relevelled_severity():
    linter = Linter(LintConfig(select=["NA201"], severity={"NA201": "error"}))
    assert {f.severity for f in na201(linter, RELAYED_FOUR)} == {"error"}


def test_a_document_saying_something_is_not_the_writers_verb(linter):
    text = ("He said he received a letter from the county saying his benefits will stop. He said he did not know "
            "which pay stubs they wanted. He skipped lunch twice this week. He said the food bank helps.")
    assert na201(linter, text) == []


def test_table_cells_are_data_not_prose(linter):
    rows = "\n".join(f"| Service {n} | requested on 11/{n:02d}/2026 |" for n in range(1, 6))
    text = f"| Service | Status |\n| --- | --- |\n{rows}\n"
    assert na201(linter, text) == []


def test_quoted_words_and_base_forms_are_not_counted(linter):
    text = ('He said school is hard. His mother works nights. Then: "I can just say no to them," he '
            "said. We talked about what he could say next time.")
    assert na201(linter, text) == []


def test_one_verb_in_three_sentences_in_a_row_is_flagged_below_the_count(linter):
    text = ("Met the worker at the clinic. Dr. Amari opined that the tear is work related. "
            "Dr. Amari opined that surgery is reasonable. Dr. Amari opined that MMI is months away. "
            "The next visit is in four weeks.")
    [finding] = na201(linter, text)
    assert finding.severity == "warning" and finding.to_dict()["lemma"] == "opine"
    assert finding.start == text.index("opined", text.index("MMI") - 30)  # the use that completes the run
    assert "3 sentences in a row" in finding.message


def test_a_run_of_two_or_a_broken_run_stays_quiet(linter):
    text = ("She stated that the brace helps. She stated that she sleeps better. The swelling is down. "
            "She stated that she wants to drive again.")
    assert na201(linter, text) == []


def test_two_uses_in_one_sentence_are_one_step_of_the_run(linter):
    text = ("He stated the pain is worse and stated he stopped the pills. He stated he wants an injection. "
            "The clinic is closed on Friday.")
    assert na201(linter, text) == []


def test_the_run_length_is_an_option():
    linter = Linter(LintConfig(select=["NA201"], options={"NA201": {"max_in_a_row": 2}}))
    text = "She stated that the brace helps. She stated that she sleeps better. The swelling is down."
    assert [f.to_dict()["lemma"] for f in na201(linter, text)] == ["state"]
    off = Linter(LintConfig(select=["NA201"], options={"NA201": {"max_in_a_row": 0}}))
    assert na201(off, RELAYED_FOUR.replace("Dr. Smith relayed", "Dr. Smith wrote")) == []


FILLER = ["Dr. Lee recommended a home program.", "The adjuster confirmed the visit.", "CM explained the plan.",
          "The employer said light duty is open.", "The PT described the exercises.", "The nurse told her to rest.",
          "Her husband agreed to drive her.", "The pharmacist requested the card."]


def long_note(reported: int) -> str:
    """Forty reporting verbs: eight verbs in rotation (four or five uses each) and `reported` far apart."""
    sentences = [FILLER[n % len(FILLER)] for n in range(40 - reported)]
    step = len(sentences) // reported
    for i in reversed(range(reported)):
        sentences.insert(i * step, "The worker reported less pain.")
    return " ".join(sentences)


def test_a_long_note_allows_more_uses_of_a_common_verb(linter):
    # Forty reporting verbs: five "reported" (12 % of them) and five of each filler verb, over a fixed 3 but
    # ordinary writing in a long note.
    assert na201(linter, long_note(5)) == []
    # Seven is over 15 % of forty.
    [finding] = na201(linter, long_note(7))
    assert finding.to_dict()["lemma"] == "report" and "used 7 times" in finding.message


def test_denies_down_a_review_of_systems_is_a_negative_list(linter):
    text = ("Review of systems:\nConstitutional: Denies fever or chills.\nEyes: Denies blurred vision.\n"
            "Cardiac: Denies chest pain.\nRespiratory: Denies cough.\nGI: Denies nausea.\n")
    assert na201(linter, text) == []
    text = ("He denied that he was drinking. He denied that he missed work. She denied that he was at the bar. "
            "He denied that he owed rent.")
    assert [f.to_dict()["lemma"] for f in na201(linter, text)] == ["deny"]


def test_passive_finding_statements_are_not_reporting_verbs(linter):
    # Exam and procedure findings written in the passive have no speaker: "X is noted", "no Y noted".
    text = (
        "Exam: Mild warmth over the left knee is noted.\n"
        "No drainage noted at the incision.\n"
        "A small effusion was noted on palpation, and no crepitus was noted with flexion.\n"
        "It should be noted that the brace was fitting well.\n"
        "Range of motion was checked in both knees and no deficits were noted.\n"
    )
    assert na201(linter, text) == []


def test_active_or_attributed_noted_still_counts(linter):
    text = (
        "Dr. Smith noted that the fracture is healing.\n"
        "Worker noted that the pain wakes her at night.\n"
        "Adjuster noted the IME date as 4/12.\n"
        "Stiffness in the morning was noted by the therapist.\n"
    )
    findings = na201(linter, text)
    assert len(findings) == 1 and findings[0].extra["lemma"] == "note"


def test_findings_read_as_active_past_and_a_run_of_denied_symptoms(linter):
    text = (
        "Two short runs of ectopy noted.\n"
        "Occasional skipped beats noted.\n"
        "Mild ischemic changes noted in the lateral leads.\n"
        "Brief pauses noted.\n"
        "CHEST: The worker denies chronic cough, coughing up blood, waking at night short of breath, or wheezing.\n"
        "GI: She denies nausea, vomiting after meals, passing dark stools, or heartburn.\n"
        "SKIN: He denies rash, itching around the scar, peeling skin, or bruising.\n"
        "NEURO: Denies numbness, tingling in the fingers, dropping things, or headaches.\n"
    )
    assert na201(linter, text) == []


def test_a_denied_event_stays_a_reporting_verb(linter):
    text = ("Worker denied that he was drinking before the fall. Supervisor denied that the floor was wet. "
            "Coworker denied seeing the fall. Worker denied that anyone helped him up.\n")
    assert [f.extra["lemma"] for f in na201(linter, text)] == ["deny"]


def test_denied_having_a_symptom_is_a_pertinent_negative(linter):
    text = ("He denied having any numbness before the fall. She denies experiencing headaches. "
            "He denied having chest pain on the stairs. She denied having a fever last week.\n")
    assert na201(linter, text) == []


def test_an_organisation_noting_in_a_letter_still_counts(linter):
    # the parser may read "noted" here as a participle; a speaker with what it said is reported speech
    text = ("He is off work until 10/30, and the school district noted in its letter that no light duty is open. "
            "Dr. Lee noted that the scan is clean. The therapist noted that he walks with a cane. "
            "Worker noted that the pain is worse at night.\n")
    assert [f.extra["lemma"] for f in na201(linter, text)] == ["note"]

"""Attribution rules NA601-NA604 on realistic case-note sentences: where they must fire and stay quiet."""

from __future__ import annotations

import csv

import pytest

from conftest import EXAMPLES, ROOT
from noteassist.facts import load_facts
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.render import render_note

CORPUS = ROOT.parent / "shared" / "corpora" / "case-note-simulator" / "synthetic-case-notes.csv"


@pytest.fixture(scope="module")
def linter():
    return Linter(LintConfig(select=["NA6"]))


def found(linter, text):
    return [(f.rule, f.text) for f in linter.lint_text(text).findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was noted that the worker is tolerating modified duty.", [("NA601", "noted")]),
        ("Noted that worker is improving.", [("NA601", "Noted")]),
        ("Stated that she will return to work on Monday.", [("NA601", "Stated")]),
        ("Phone call with the IW. Pain was reported as 6/10.", [("NA601", "reported")]),
        ("The employer opined that she could return next week.", [("NA602", "opined")]),
        ("The worker opined that therapy is not helping.", [("NA602", "opined")]),
        ("Reviewed restrictions with the worker, who verbalized understanding.",
         [("NA603", "verbalized understanding")]),
        ("## Objective\nWorker appears to be in pain and seems anxious.", [("NA604", "appears"), ("NA604", "seems")]),
        ("Objective: apparently limping.", [("NA604", "apparently")]),
        ("S: IW reports pain 5/10.\nO: Worker appears to be guarding the left arm.\nA: Strain, improving.\n"
         "P: NCM to call Dr. Lee.", [("NA604", "appears")]),
    ],
)
def test_fires(linter, text, expected):
    if any(rule == "NA604" for rule, _ in expected):
        # the objective-section check is for case-management notes (a note type); text alone gets none
        findings = linter.lint(NoteInput(text, note_type="soap")).findings
        assert [(f.rule, f.text) for f in findings] == expected
    else:
        assert found(linter, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It was noted by Dr. Lee that range of motion improved.",
        "Dr. Lee noted in the 11/02/2026 report that flexion improved to 150 degrees.",
        "The report was faxed to the adjuster.",
        "Dr. Patel opined within a reasonable degree of medical probability that the tear is work related.",
        "The IME physician opined that the worker is at MMI.",
        "Worker verbalized understanding of the 10 lb lifting limit.",
        "She verbalized understanding by repeating the schedule back.",
        "## Subjective\nShe said the pain seems worse at night.",
        "## Objective\nWorker appeared for the appointment on time.",
        "## Assessment\nShe appears to be progressing toward full duty.",
        "Discussed coping strategies and reviewed medication adherence with the client.",
        "Reports stable housing in a subsidized unit.",
        "- Ibuprofen 600 mg three times a day\n- Dr. Castellanos opined that the tear is work related.",
        "A second epidural may follow if surgery is not advised.",
        "Per Dr. Ruiz's IME report dated 10/02/2026, full range of motion was noted.",
        "According to the PT progress note, 8 of 12 visits were reported as completed.",
    ],
)
def test_stays_quiet(linter, text):
    assert found(linter, text) == []


def test_every_rule_documents_a_bad_example_that_fires_and_a_good_one_that_does_not(linter):
    from noteassist.lint import all_rules

    for code, rule in all_rules().items():
        if code.startswith("NA6"):
            assert any(r == code for r, _ in found(linter, rule.bad)), code
            assert found(linter, rule.good) == [], code


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_drafted_examples_are_attributed(linter, example):
    assert linter.lint(NoteInput(render_note(load_facts(example)))).findings == []


def test_public_corpus_wording_does_not_trip_the_objective_rule(linter):
    if not CORPUS.exists():
        pytest.skip("synthetic case-note corpus (../shared/corpora) not available")
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        texts = sorted({row["case_note"] for row in csv.DictReader(fh)})
    # These notes have no objective section, so "appears stable" is the writer's assessment, not a finding;
    # and a telegraphic "Discussed coping strategies" has a plain subject, the writer.
    hits = [(f.rule, f.text) for r in linter.lint_many(NoteInput(t) for t in texts) for f in r.findings]
    assert hits == []


# --- issue 9: false alarms on clinical text nobody here wrote, fixed by their general cause ----------------

@pytest.mark.parametrize("text", [
    # an examiner's finding, stated in the exam or procedure where it was found
    "PHYSICAL EXAMINATION:\nMild crepitus is noted over the left patella.",
    "## Objective\nNo swelling is noted at the incision.",
    "LUNGS: Scattered rhonchi are noted at both bases.",
    "DESCRIPTION OF PROCEDURE:\nThe joint was irrigated. It was noted that the cartilage was intact.",
    # a finding stated as found, anywhere, and a result tied to the test it came from
    "The lumbar MRI was reviewed and a small disc bulge was noted at L4-5.",
    "Mild swelling was noted over the lateral malleolus.",
    "The wound culture was reported positive for staph on 10/03/2026.",
    # the writer drawing attention, not someone's report
    "It should also be noted that the carrier's letter of 10/02/2026 accepted the claim.",
    "It must be noted that she drove herself to the visit.",
    # senses that report nothing
    "An arthroscopy is indicated for the persistent locking.",
    "He was observed overnight on the orthopedic floor.",
    "The worker is advised to keep the splint on at night.",
    "Restrictions were discussed with the worker and her supervisor.",
])
def test_na601_quiet_on_findings_emphasis_and_other_senses(linter, text):
    assert [f for f in found(linter, text) if f[0] == "NA601"] == []


@pytest.mark.parametrize(("text", "word"), [
    ("## Objective\nIt was noted that the worker was limping.", "noted"),
    ("It was indicated that she would return on Monday.", "indicated"),
    ("Phone call with the IW. The worker was advised to stay off work until the MRI.", "advised"),
    ("Phone call with the IW and the adjuster. Return to work was discussed.", "discussed"),
    ("Phone call with the IW. Back pain was reported as 7/10 after the shift.", "reported"),
])
def test_na601_still_fires_where_the_source_is_hidden(linter, text, word):
    assert ("NA601", word) in found(linter, text)


@pytest.mark.parametrize("text", [
    "If you opine that the tear is work related, please state the basis.",
    "Question 3: Did the employer opine on causation?",
    "Please ask whether the employer opined on modified duty.",
])
def test_na602_quiet_on_a_forms_question_or_a_condition(linter, text):
    assert [f for f in found(linter, text) if f[0] == "NA602"] == []


@pytest.mark.parametrize("text", [
    "FINDINGS:\nThe disc space at L5-S1 appears narrowed on the lumbar films.",
    "Objective: the CT report says the fracture line appears healed.",
])
def test_na604_quiet_in_an_imaging_reading(linter, text):
    assert [f for f in found(linter, text) if f[0] == "NA604"] == []


def test_na604_still_fires_on_an_impression_of_the_person(linter):
    from noteassist.lint import NoteInput

    text = "Objective: She seems anxious and the wound appears clean."
    findings = linter.lint(NoteInput(text, note_type="soap")).findings
    assert ("NA604", "seems") in [(f.rule, f.text) for f in findings]
    # a clinician's own examination (no case-management note type) is written this way
    assert [f for f in found(linter, text) if f[0] == "NA604"] == []


@pytest.mark.parametrize("text", [
    "CAUSATION..........Dr. Imani opined that the sprain is work related.",
    "Causation and MMI: Dr. Ferrer opined that the fracture is work related.",
    "Reviewed the job description with Dr. Okoye.\n- She opined that he can do the seated tasks.",
])
def test_na602_finds_the_physician_behind_a_label_a_title_or_a_pronoun(linter, text):
    assert [f for f in found(linter, text) if f[0] == "NA602"] == []


def test_na602_pronoun_for_the_worker_is_still_flagged(linter):
    text = "Called the worker about the visit. He opined that the PT is not helping."
    assert ("NA602", "opined") in found(linter, text)


def test_na602_pronoun_takes_the_previous_sentences_subject(linter):
    ime = "Dr. Alvarez examined Ms. Grant on 11/02/2026.\n- He opined that the tear is work related."
    assert [f for f in found(linter, ime) if f[0] == "NA602"] == []
    call = "The adjuster said UR received the request from Dr. Ng on 10/21. He opined that it would be approved."
    assert ("NA602", "opined") in found(linter, call)


@pytest.mark.parametrize("text, flagged", [
    ("other=Noted that he has been mowing his lawn.", "Noted"),
    ("Word is that the employer already filled his old position.", "Word is"),
    ("The employer is said to be planning to eliminate his position.", "said"),
    ("Reportedly, he had been horsing around before the fall.", "Reportedly"),
    ("It was determined that further case management is not needed.", "determined"),
])
def test_hearsay_and_hidden_sources(text, flagged):
    from noteassist.lint import LintConfig, Linter

    findings = Linter(LintConfig(select=["NA601"])).lint_text(text, note_type="telephonic").findings
    assert [f.text for f in findings] == [flagged]


@pytest.mark.parametrize("text", [
    "Per the supervisor, word is that the job was filled.",
    "Reportedly per Dr. Lee's note, he had been lifting.",
    "Dr. Lee determined that he is at MMI.",
])
def test_sourced_accounts_are_quiet(text):
    from noteassist.lint import LintConfig, Linter

    assert Linter(LintConfig(select=["NA601"])).lint_text(text, note_type="telephonic").findings == []


def test_a_pronoun_after_a_doctors_diagnosis_is_the_doctor():
    from noteassist.lint import LintConfig, Linter

    text = ("Dr. Morrow's diagnosis is a grade II left ankle sprain. He opined, within a reasonable degree of medical "
            "probability, that the sprain is from the fall at work.")
    assert Linter(LintConfig(select=["NA602"])).lint_text(text, note_type="physician-visit").findings == []


@pytest.mark.parametrize("text, flagged", [
    ("Co-workers are saying he plans to quit.", "Co-workers are saying he"),
    ("Per report, the landlord plans to file for eviction.", "Per report"),
])
def test_unnamed_sources(text, flagged):
    from noteassist.lint import LintConfig, Linter

    findings = Linter(LintConfig(select=["NA601"])).lint_text(text, note_type="dap").findings
    assert [f.text for f in findings] == [flagged]


@pytest.mark.parametrize("text", [
    "The patient was advised to protect the hip by limiting bending for a week.",
    "The risks and benefits of the surgical excision were discussed.",
    "It has been reported in the literature that patients can develop cramps.",
])
def test_a_clinicians_own_counselling_is_quiet_in_clinical_text(linter, text):
    # no note type: not a case-management note, so the writer's own counselling has a plain source
    assert [f for f in found(linter, text) if f[0] == "NA601"] == []

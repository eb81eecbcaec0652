"""NA401-NA405 stigmatizing-language: fire on the lexicon terms, stay quiet on benign clinical senses."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from noteassist.facts import load_facts
from noteassist.lint import NoteInput
from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter
from noteassist.lint.registry import all_rules
from noteassist.lint.rules.stigma import lexicon
from noteassist.render import render_note

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpora" / "case-note-simulator" / "synthetic-case-notes.csv"


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA4"]))


def hits(linter: Linter, text: str, code: str):
    return [f for f in linter.lint_text(text).findings if f.rule == code]


FIRES = {
    "NA401": [
        ("Client is a known addict and was seen at the shelter today.", "addict"),
        ("Worker has a history of substance abuse per intake.", "substance abuse"),
        ("UDS was dirty for opioids on 3/2/2025.", "dirty"),
        ("Client reports she has been clean for six months.", "clean"),
        ("Worker relapsed on heroin last week and missed PT.", "relapsed"),
        ("Mother is an alcoholic and lives in the home.", "alcoholic"),
        ("Client reports a drug habit of several years.", "drug habit"),
    ],
    "NA402": [
        ("Worker is non-compliant with the home exercise program.", "non-compliant"),
        ("Worker refused the epidural steroid injection.", "refused"),
        ("Worker complains of low back pain radiating to the left leg.", "complains of"),
        ("Pt c/o neck pain 7/10 today.", "c/o"),
        ("Claimant was demanding at the front desk.", "demanding"),
        ("He is a poor historian regarding prior injuries.", "poor historian"),
        ("She is wheelchair-bound since the fall.", "wheelchair-bound"),
        ("He suffers from chronic pain after the crush injury.", "suffers from"),
        ("Worker was combative with the PT staff.", "combative"),
    ],
    "NA403": [
        ("Worker claims her pain is still 10/10.", "claims"),
        ("She insists she cannot lift more than five pounds.", "insists"),
        ("Claimant alleges the injury occurred on the loading dock.", "alleges"),
        ("He supposedly attended all PT sessions.", "supposedly"),
    ],
    "NA404": [
        ("Worker is malingering to stay off work.", "malingering"),
        ("Worker has lawyered up and will not return calls.", "lawyered up"),
        ("The alleged injury occurred on 2/1/2025.", "alleged injury"),
        ("There is clear secondary gain here.", "secondary gain"),
    ],
    "NA405": [
        ("The diabetic was seen in clinic today.", "diabetic"),
        ("The patient is an epileptic.", "epileptic"),
        ("Diabetics need regular foot checks.", "Diabetics"),
    ],
}

QUIET = {
    "NA401": [
        "Client disclosed a history of child abuse.",
        "Referral made for elder abuse, physical abuse and sexual abuse screening.",
        "Domestic abuse safety plan reviewed with client.",
        "The incision is clean and dry.",
        "Crisis: increased substance use. Addiction referral made.",
        "No alcoholic beverages per discharge instructions.",
    ],
    "NA402": [
        "Lung compliance was within normal limits.",
        "Medication compliance was reviewed with the worker.",
        "Antibiotic resistance noted on culture.",
        "The pharmacy refused to fill it.",
        "The carrier refused authorization pending UR.",
        "The job is physically demanding.",
        "Osteopathic manipulative treatment was performed.",
    ],
    "NA403": [
        "The claims adjuster called to confirm the IME date.",
        "The claim was accepted on 3/1/2025.",
        "Workers' compensation claims are filed with the state board.",
        "Claim number verified with the claims examiner.",
        "Worker reports 10/10 pain and states she cannot lift.",
    ],
    "NA404": [
        "Worker reports 6/10 pain and is represented by counsel.",
        "The reported injury occurred on 2/1/2025.",
        "Dr. Lee recommended a functional capacity evaluation.",
    ],
    "NA405": [
        "He has a diabetic foot ulcer on the left heel.",
        "Diabetic neuropathy limits standing tolerance.",
        "Worker, who has diabetes, attended the visit.",
        "Epileptic seizures are controlled on medication.",
    ],
}


@pytest.mark.parametrize(
    ("code", "text", "term"), [(c, t, term) for c, cases in FIRES.items() for t, term in cases], ids=lambda v: str(v)[:40]
)
def test_fires(linter, code, text, term):
    findings = hits(linter, text, code)
    assert [f.text for f in findings] == [term]
    f = findings[0]
    assert f.category == "stigmatizing-language"
    assert f.suggestions
    assert f.start == text.index(term)
    assert term.lower() in f.message.lower()


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, cases in QUIET.items() for t in cases], ids=lambda v: str(v)[:40])
def test_quiet(linter, code, text):
    assert hits(linter, text, code) == []


def test_unattributed_wc_term_is_error(linter):
    (f,) = hits(linter, "Worker is malingering.", "NA404")
    assert f.severity == "error"


@pytest.mark.parametrize(
    "text",
    [
        "Per Dr. Smith's IME report dated 3/4/2025, findings are consistent with malingering.",
        "Dr. Smith's IME report states symptom magnification was present.",
        "The IME physician documented symptom magnification.",
    ],
)
def test_attributed_wc_term_is_info(linter, text):
    (f,) = hits(linter, text, "NA404")
    assert f.severity == "info"
    assert "attributed" in f.message


def test_severities_and_suggestions(linter):
    assert [f.severity for f in hits(linter, "Worker is non-compliant.", "NA402")] == ["warning"]
    (f,) = hits(linter, "Worker refused the injection.", "NA402")
    assert "declined" in f.suggestions
    (f,) = hits(linter, "The diabetic was seen.", "NA405")
    assert "person with diabetes" in f.suggestions


def test_rule_docs_complete():
    rules = {code: cls for code, cls in all_rules().items() if code.startswith("NA4")}
    assert set(rules) == {"NA401", "NA402", "NA403", "NA404", "NA405"}
    for cls in rules.values():
        assert cls.category == "stigmatizing-language"
        assert cls.scope == "sentence"
        assert cls.source and cls.explanation and cls.bad and cls.good
    # What each rule's lemma patterns and context checks read (tests/lint/test_single_rule.py proves it).
    assert rules["NA401"].reads == rules["NA402"].reads == frozenset({"token.pos", "token.lemma", "token.dep"})
    assert rules["NA403"].reads == frozenset({"token.pos", "token.tag", "token.lemma", "token.dep"})
    assert rules["NA404"].reads == frozenset({"doc.sents"})
    assert rules["NA405"].reads == frozenset({"token.pos", "token.dep"})
    for code, entries in lexicon().items():
        for entry in entries:
            assert entry["term"] and entry["prefer"] and entry["source"], (code, entry)
            assert entry.get("phrases") or entry.get("lemmas"), (code, entry)


def test_bad_examples_fire_good_examples_quiet(linter):
    for code, cls in all_rules().items():
        if code.startswith("NA4"):
            assert hits(linter, cls.bad, code), code
            assert hits(linter, cls.good, code) == [] or code == "NA404", code
    good404 = hits(linter, all_rules()["NA404"].good, "NA404")
    assert all(f.severity == "info" for f in good404)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_rendered_examples_have_no_na4_findings(linter, example):
    result = linter.lint(NoteInput(render_note(load_facts(example)), path=example.name))
    assert [f"{f.rule} {f.text}" for f in result.findings if f.rule.startswith("NA4")] == []


def test_corpus_has_no_hits_on_benign_phrases(linter):
    if not CORPUS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CORPUS} is missing; CI runs with ../shared beside the clone")
        pytest.skip("synthetic case-note corpus (../shared/corpora) not available")
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        texts = sorted({row["case_note"] for row in csv.DictReader(fh) if row.get("case_note")})
    assert texts
    bad = []
    for result, text in zip(linter.lint_many(NoteInput(t) for t in texts), texts):
        for f in result.findings:
            window = text[max(0, f.start - 15): f.end + 15].lower()
            if "medication compliance" in window or "substance use" in window:
                bad.append((f.rule, f.text, window))
    assert bad == []


@pytest.mark.parametrize("text", [
    "**Worker:** Gerald Pike | **Claim:** WC-1348-6621 | **Jurisdiction:** Pennsylvania",
    "Florida claim WC-1330-1902, adjuster Dana Fox.",
    "Claim #: WC-2231-0457",
    "Substance Abuse History:\nNone reported by the worker.",
    "She has relapsing-remitting MS, diagnosed in 2015, unrelated to the claim.",
])
def test_header_labels_claim_numbers_and_disease_course_are_not_judgements(linter, text):
    assert [f for f in linter.lint_text(text).findings if f.category == "stigmatizing-language"] == []


def test_relapse_into_use_is_still_flagged(linter):
    found = [f.text for f in linter.lint_text("The worker relapsed last month and missed two PT visits.").findings
             if f.rule == "NA401"]
    assert found == ["relapsed"]


# --- issue 9: false alarms on clinical text nobody here wrote, fixed by their general cause ----------------

@pytest.mark.parametrize("text", [
    "Discharge instructions: keep the surgical site clean and dry for five days.",
    "He was told to keep the burn clean and covered at work.",
    "Dressing removed; the graft bed looks clean with no drainage.",
    "On arrival she was clean and neatly dressed, with good eye contact.",
    "The apartment was clean and the refrigerator was stocked.",
])
def test_clean_in_wound_care_or_appearance_is_not_a_substance_term(linter, text):
    assert hits(linter, text, "NA401") == []


@pytest.mark.parametrize(("text", "term"), [
    ("Participant says he has stayed clean since his discharge in March.", "clean"),
    ("Her weekly toxicology screen came back dirty.", "dirty"),
])
def test_clean_as_abstinence_or_a_screen_result_is_still_flagged(linter, text, term):
    assert [f.text for f in hits(linter, text, "NA401")] == [term]


@pytest.mark.parametrize("text", [
    "Explained the program rule: if a tenant refuses two offers, the voucher lapses.",
    "The consent form says the member has the right to refuse any service.",
    "She may refuse the blood draw at any point.",
    "Unless the claimant refuses, the nurse will attend the next visit.",
])
def test_a_hypothetical_or_a_right_to_refuse_is_not_judgemental(linter, text):
    assert hits(linter, text, "NA402") == []


def test_an_actual_refusal_is_still_flagged(linter):
    assert [f.text for f in hits(linter, "Yesterday the claimant refused the MRI.", "NA402")] == ["refused"]


@pytest.mark.parametrize(("text", "term"), [
    ("He failed physical therapy after eight sessions.", "failed physical therapy"),
    ("The client was agitated when the visit started.", "agitated"),
])
def test_failed_treatment_and_agitated_describe_the_person(linter, text, term):
    assert [f.text for f in hits(linter, text, "NA402")] == [term]


@pytest.mark.parametrize("text", [
    "A fusion was planned after failed conservative management.",
    "Diagnosis: failed back surgery syndrome.",
    "Psychiatry is treating an agitated depression.",
    "Her son has a lazy eye and wears a patch.",
])
def test_failed_and_agitated_and_lazy_in_clinical_terms_stay_quiet(linter, text):
    assert hits(linter, text, "NA402") == []


@pytest.mark.parametrize("text", [
    "Apparently the lumbar MRI was read as normal by the radiologist.",
    "The cardiology group apparently felt a stress test was not needed.",
    "Apparently, she was started on gabapentin by her family doctor.",
    "A nodule that apparently is unchanged was seen on the chest film.",
    "Apparently the carrier has stopped authorizing chiropractic visits.",
])
def test_apparently_about_a_test_record_or_another_clinician_is_not_a_doubt_marker(linter, text):
    assert hits(linter, text, "NA403") == []


@pytest.mark.parametrize("text", [
    "Apparently he slipped on the loading ramp.",
    "She apparently missed her last two appointments.",
])
def test_apparently_about_the_persons_account_is_still_flagged(linter, text):
    assert [f.text.lower() for f in hits(linter, text, "NA403")] == ["apparently"]


@pytest.mark.parametrize(("text", "term"), [
    ("Client denies any drinking this week, although staff observed him drinking on 10/02.", "denies"),
    ("He denied using, but the urine screen on 09/14 was positive for fentanyl.", "denied"),
    ("Though a bottle was found in her bag, she denies drinking.", "denies"),
])
def test_denies_set_against_other_evidence_is_a_doubt_marker(linter, text, term):
    assert [f.text for f in hits(linter, text, "NA403")] == [term]


@pytest.mark.parametrize("text", [
    "She denies chest pain, fever, or shortness of breath.",
    "Denies numbness or tingling in the hand.",
    "He denies headache but reports mild nausea in the mornings.",
    "She denied a cough but did note some soreness along the ribs.",
    "Worker denies fever, though she has had some chills at night.",
    "The adjuster denied the request for a second opinion.",
])
def test_denies_as_a_clinical_negative_is_not_flagged(linter, text):
    assert hits(linter, text, "NA403") == []


@pytest.mark.parametrize("text", [
    "The IME by Dr. Ruiz found no evidence of malingering or symptom magnification.",
    "Effort on grip testing was full; she is not malingering per the FCE.",
    "Symptom magnification was not seen on the Waddell testing.",
    "The psychologist's testing was negative for secondary gain.",
    "Malingering was ruled out by the neuropsychologist.",
])
def test_a_negated_wc_term_is_not_an_accusation(linter, text):
    assert hits(linter, text, "NA404") == []


def test_an_asserted_wc_term_next_to_a_negation_elsewhere_is_still_an_error(linter):
    (f,) = hits(linter, "He is not working and seems to be malingering.", "NA404")
    assert f.severity == "error"


def test_dsm_diagnosis_names_keep_their_wording(linter):
    assert hits(linter, "Axis I: major depressive disorder; rule out alcohol abuse.", "NA401") == []
    assert [f.text for f in hits(linter, "He has a long history of alcohol abuse.", "NA401")] == ["alcohol abuse"]

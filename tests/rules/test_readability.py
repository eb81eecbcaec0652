"""NA301-NA304 readability: prose paragraphs only, targets by audience."""

from __future__ import annotations

import pytest

from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter

ADJUSTER = "progress-report"
INTERNAL = "physician-visit"

LONG = (
    "Worker attended the appointment with Dr. Smith today and reported that her low back pain has improved "
    "since starting physical therapy but that she still cannot lift more than ten pounds at work."
)
JARGON = (
    "Claimant demonstrates persistent symptomatology consistent with lumbosacral radiculopathy necessitating "
    "additional interventional pain management consultation prior to consideration of operative intervention. "
)
PLAIN = "The worker saw the doctor today. Her back pain is better. She will go back to work on Monday. She can lift ten pounds. "


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA3"]))


def rules(result, code):
    return [f for f in result.findings if f.rule == code]


def test_long_adjuster_sentence_fires_with_exact_span(linter):
    text = "# Visit summary\n\n" + LONG + " She is doing well.\n"
    findings = rules(linter.lint_text(text, note_type=ADJUSTER), "NA303")
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "warning"
    assert f.text == LONG
    assert f.start == text.index(LONG)
    assert f.end == f.start + len(LONG)
    assert f.suggestions == ["split into two sentences"]


def test_long_sentence_in_a_field_or_list_item_counts_but_not_in_a_table(linter):
    text = "# Visit summary\n\n- " + LONG + "\n\nPlan: " + LONG + "\n\n| Note | " + LONG + " |\n"
    found = [f for f in linter.lint_text(text, note_type=ADJUSTER).findings if f.rule == "NA303"]
    assert len(found) == 2
    assert all(f.text == LONG.strip() for f in found)  # the value only, not the "- " or "Plan: " label
    assert rules(linter.lint_text("| Note | " + LONG + " |\n", note_type=ADJUSTER), "NA303") == []


def test_long_sentence_in_heading_is_ignored(linter):
    text = "## " + LONG + "\n\nShe is doing well.\n"
    assert rules(linter.lint_text(text, note_type=ADJUSTER), "NA303") == []


def test_internal_note_uses_higher_limit_and_info(linter):
    # 33 words: over the adjuster limit (25) but under the internal limit (35).
    assert rules(linter.lint_text(LONG, note_type=INTERNAL), "NA303") == []
    longer = LONG[:-1] + " because the warehouse job requires repeated lifting of boxes from the floor to shoulder height."
    findings = rules(linter.lint_text(longer, note_type=INTERNAL), "NA303")
    assert len(findings) == 1
    assert findings[0].severity == "info"


def test_internal_short_plain_sentences_quiet(linter):
    text = "Worker seen with Dr. Lee today.\n\n" + PLAIN * 3
    assert linter.lint_text(text, note_type=INTERNAL).findings == []


def test_jargon_adjuster_prose_fires_grade_and_ease(linter):
    text = "# Progress\n\n" + JARGON * 6
    result = linter.lint_text(text, note_type=ADJUSTER)
    assert result.metrics["prose_words"] >= 100
    grade = rules(result, "NA301")
    assert len(grade) == 1
    assert grade[0].severity == "warning"
    assert "target is 12" in grade[0].message
    assert grade[0].start == text.index("Claimant")
    ease = rules(result, "NA302")
    assert len(ease) == 1 and ease[0].severity == "warning"
    # Every sentence is above grade 18, but the whole prose is over target: NA301 says it once.
    assert rules(result, "NA304") == []


def test_one_jargon_sentence_in_plain_adjuster_prose_is_info(linter):
    text = "# Progress\n\n" + PLAIN * 5 + JARGON + PLAIN
    result = linter.lint_text(text, note_type=ADJUSTER)
    assert rules(result, "NA301") == []
    hard = rules(result, "NA304")
    assert [(f.severity, f.text) for f in hard] == [("info", JARGON.strip())]


def test_jargon_sentences_in_an_internal_note_are_for_clinical_peers(linter):
    text = PLAIN * 5 + JARGON + PLAIN
    assert rules(linter.lint_text(text, note_type=INTERNAL), "NA304") == []


RUN_ON_WORDS = ("the worker came to the clinic and then he waited for the doctor and then the doctor saw him and "
                "said the knee was better").split()


def run_on(words: int) -> str:
    return " ".join((RUN_ON_WORDS * 10)[:words]).capitalize() + "."


def test_a_sentence_twice_the_internal_limit_is_a_warning(linter):
    assert [f.severity for f in rules(linter.lint_text(run_on(69), note_type=INTERNAL), "NA303")] == ["info"]
    far = rules(linter.lint_text(run_on(70), note_type=INTERNAL), "NA303")
    assert [f.severity for f in far] == ["warning"]
    assert "70 words" in far[0].message and "2.0 times" in far[0].message
    factor = Linter(LintConfig(select=["NA303"], options={"NA303": {"warn_factor": 3}}))
    assert [f.severity for f in factor.lint_text(run_on(70), note_type=INTERNAL).findings] == ["info"]


def test_a_relevelled_long_sentence_rule_keeps_its_level_far_over_the_limit():
    linter = Linter(LintConfig(select=["NA303"], severity={"NA303": "info"}))
    assert [f.severity for f in linter.lint_text(run_on(80), note_type=INTERNAL).findings] == ["info"]


def test_a_header_line_of_fields_is_not_prose(linter):
    header = "Claim WC-7781-2040 \u00b7 Worker: Ana Ruiz \u00b7 Adjuster: Lee Park"
    text = "**Monthly report**\n" + header + "\n\n" + JARGON * 6
    result = linter.lint_text(text, note_type=ADJUSTER)
    [grade] = rules(result, "NA301")
    assert grade.start == text.index("Claimant")  # on the first paragraph of prose, not the header line
    spaced = "Claim #: WC-7781-2040    Worker: Ana Ruiz    DOI: 11/02/2025"
    assert linter.lint_text(spaced + "\n\n" + PLAIN * 6, note_type=ADJUSTER).metrics["prose_words"] == \
        linter.lint_text(PLAIN * 6, note_type=ADJUSTER).metrics["prose_words"]


def test_a_one_line_record_of_fields_is_no_long_sentence(linter):
    record = ("12/02/2026 10:40 | Call to adjuster Lee Park of Harbor Mutual about the worker Ana Ruiz, claim "
              "WC-7781-2040 | Purpose: ask whether the MRI was approved | Outcome: approved on 12/01, "
              "reference UR-5512 | Plan: tell the clinic and the worker by 12/03 and book the scan.")
    assert rules(linter.lint_text(record, note_type=INTERNAL), "NA303") == []


@pytest.mark.parametrize("line", [
    "Medications: naproxen 500 mg twice a day with food, omeprazole 20 mg every morning before breakfast, "
    "gabapentin 300 mg at bedtime for nerve pain, cyclobenzaprine 5 mg at night as needed for spasm, and "
    "acetaminophen 500 mg up to three times a day.",
    "Review of systems: no fever, no chills, no night sweats, no weight loss, no chest pain, no palpitations, "
    "no cough, no shortness of breath, no nausea, no vomiting, no diarrhea, no rash, no numbness, no weakness.",
])
def test_a_list_written_on_one_line_is_no_long_sentence(linter, line):
    assert rules(linter.lint_text(line, note_type=INTERNAL), "NA303") == []


def test_a_long_sentence_with_a_few_commas_still_counts(linter):
    text = ("The worker said that the pain in her right knee, which began after she slipped on the wet floor of "
            "the loading dock in September, has kept her from sleeping through the night, and that she now "
            "takes the bus to physical therapy three times a week because her husband works the day shift.")
    assert [f.rule for f in rules(linter.lint_text(text, note_type=INTERNAL), "NA303")] == ["NA303"]


def test_jargon_internal_note_is_info(linter):
    result = linter.lint_text(JARGON * 6, note_type=INTERNAL)
    assert [f.severity for f in rules(result, "NA301")] == ["info"]
    assert [f.severity for f in rules(result, "NA302")] == ["info"]


def test_plain_adjuster_prose_quiet(linter):
    result = linter.lint_text(PLAIN * 6, note_type=ADJUSTER)
    assert result.metrics["prose_words"] >= 100
    assert result.findings == []


def test_short_jargon_skipped_by_min_words(linter):
    result = linter.lint_text(JARGON * 2, note_type=ADJUSTER)
    assert rules(result, "NA301") == [] and rules(result, "NA302") == []


def test_relevelled_rule_keeps_user_level():
    linter = Linter(LintConfig(select=["NA303"], severity={"NA303": "error"}))
    findings = linter.lint_text(LONG, note_type=ADJUSTER).findings
    assert [f.severity for f in findings] == ["error"]


def test_options_change_limits():
    linter = Linter(LintConfig(select=["NA303"], options={"NA303": {"adjuster_max_words": 40}}))
    assert linter.lint_text(LONG, note_type=ADJUSTER).findings == []


def test_a_credential_period_ends_a_sentence(linter):
    text = ("He has finished 5 of 8 pain-psychology sessions with Dr. Lena Ortiz, PhD. Dr. Ortiz reports less fear "
            "of movement and better sleep, and she expects him to finish the program in December.")
    assert rules(linter.lint_text(text, note_type=ADJUSTER), "NA303") == []


@pytest.mark.parametrize("line", [
    # doses counted in words, as dictated
    "She takes oxycodone two tablets every six hours for pain, tramadol one tablet at night when the pain "
    "wakes her, and ibuprofen 600 mg with meals for the swelling in her wrist and her elbow since the fall.",
    # a long enumeration of risks, items of a few words each
    "Risks of the procedure were reviewed with the worker, including bleeding, infection, injury to nearby "
    "nerves, stiffness of the wrist, failure of the hardware, need for removal of the hardware, a second "
    "operation, and a longer time off work.",
])
def test_longer_enumerations_and_spelled_doses_are_lists(linter, line):
    assert rules(linter.lint_text(line, note_type=INTERNAL), "NA303") == []


STEPS = ("The knee was prepped and draped in the usual sterile fashion and the portals were made with a number "
         "eleven blade, and the scope was passed into the joint where the torn edge of the meniscus was trimmed "
         "back to a stable rim with a shaver.")


def test_a_procedure_narrative_in_an_internal_note_is_for_clinicians(linter):
    narrative = "PROCEDURE IN DETAIL: " + STEPS + "\n\nThe portals were closed with nylon. " + STEPS + "\n"
    assert rules(linter.lint_text(narrative, note_type=INTERNAL), "NA303") == []
    # the same sentence under another label, or in an adjuster report, still counts
    elsewhere = "HISTORY: " + STEPS + "\n"
    assert len(rules(linter.lint_text(elsewhere, note_type=INTERNAL), "NA303")) == 1
    assert len(rules(linter.lint_text(narrative, note_type=ADJUSTER), "NA303")) == 2
    # a run-on twice the limit is still a warning inside the narrative
    far = rules(linter.lint_text("DESCRIPTION OF OPERATION: " + run_on(72) + "\n", note_type=INTERNAL), "NA303")
    assert [f.severity for f in far] == ["warning"]


def test_a_run_of_graded_strength_findings_is_a_list(linter):
    line = ("On the left side the shoulder abductors were 4/5, the elbow flexors were 4+/5 against resistance, the "
            "wrist extensors were 3-/5 with pain at the end of range, and the grip on that side was 4/5 compared with "
            "the right.")
    assert rules(linter.lint_text(line, note_type=INTERNAL), "NA303") == []


def test_semicolons_end_sentences_and_field_runs_are_no_sentence():
    from noteassist.lint import LintConfig, Linter

    linter = Linter(LintConfig(select=["NA303"]))
    steps = "; ".join(f"call the employer about seated task number {i} by 10/1{i}" for i in range(6)) + "."
    assert linter.lint_text("CM plan: " + steps, note_type="initial-assessment").findings == []
    run = "|".join(f"Field{i}:value number {i} with several words in it" for i in range(8))
    assert linter.lint_text(run, note_type="soap").findings == []
    long = " ".join(["word"] * 40) + "."
    assert [f.rule for f in linter.lint_text(long, note_type="soap").findings] == ["NA303"]

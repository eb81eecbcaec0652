"""NA902 psychotherapy content and NA903 unrelated sensitive conditions, in adjuster-facing documents only."""

from __future__ import annotations

import pytest

from noteassist.lint import LintConfig, Linter


@pytest.fixture(scope="module")
def sensitive():
    return Linter(LintConfig(select=["NA902", "NA903"]))


def hits(linter, text, note_type="progress-report"):
    return [(f.rule, f.text) for f in linter.lint_text(text, note_type=note_type).findings]


@pytest.mark.parametrize("sentence, span", [
    ("In session she disclosed ongoing conflict with her supervisor.", "In session she disclosed"),
    ("During the session he talked about his divorce and his anger at the foreman.",
     "During the session he talked about"),
    ("Per Dr. Park, the worker told her therapist that she feels worthless.", "told her therapist that"),
    ("She disclosed a history of childhood trauma to her psychologist.",
     "disclosed a history of childhood trauma to her psychologist"),
    ("Dr. Park processed his feelings about the accident over four sessions.", "processed his feelings"),
])
def test_psychotherapy_session_content_is_flagged_in_reports(sensitive, sentence, span):
    found = hits(sensitive, "Mental health: " + sentence)
    assert ("NA902", span) in found


@pytest.mark.parametrize("sentence", [
    "Attending weekly CBT with Dr. Park, 6 of 12 sessions completed; Dr. Park reports improved sleep and mood.",
    "Psychology: 4 sessions authorized, 3 attended; next session 12/02/2026.",
    "The worker missed one session because of a transportation problem; the clinic rescheduled it.",
])
def test_therapy_status_and_progress_stay_quiet(sensitive, sentence):
    assert hits(sensitive, sentence) == []


def test_a_link_that_is_negated_is_no_link(sensitive):
    assert ("NA903", "HIV") in hits(sensitive, "He is followed at an HIV clinic, which did not affect his recovery.")
    assert hits(sensitive, "HIV medication interactions are affecting wound healing per Dr. Ortiz.") == []


def test_session_content_with_a_date(sensitive):
    for text in ("In session on 10/06 she told Dr. Park she blames her supervisor.",
                 "In her 10/02 session she disclosed that she has nightmares."):
        assert {rule for rule, _ in hits(sensitive, text)} == {"NA902"}, text


def test_internal_notes_are_not_checked(sensitive):
    text = "In session she disclosed conflict with her supervisor. She is HIV-positive."
    assert hits(sensitive, text, note_type="soap") == []
    assert hits(sensitive, text, note_type="physician-visit") == []
    assert {rule for rule, _ in hits(sensitive, text, note_type="closure-report")} == {"NA902", "NA903"}


@pytest.mark.parametrize("sentence, span", [
    ("Past history includes HIV, well controlled.", "HIV"),
    # two matters close together in one sentence are one finding
    ("The worker is going through a divorce and a custody dispute.", "divorce and a custody dispute"),
    ("She is also in the second trimester of a pregnancy.", "trimester of a pregnancy"),
    ("She mentioned a prior psychiatric hospitalization in 2019.", "psychiatric hospitalization"),
    ("He attends a methadone clinic on weekday mornings.", "methadone clinic"),
    ("The employer questioned his immigration status.", "immigration status"),
])
def test_unrelated_sensitive_conditions_are_flagged(sensitive, sentence, span):
    found = hits(sensitive, sentence)
    assert ("NA903", span) in found
    finding = next(f for f in sensitive.lint_text(sentence, note_type="progress-report").findings if f.rule == "NA903")
    assert finding.severity == "warning" and "adjuster" in finding.message


@pytest.mark.parametrize("sentence", [
    "Dr. Ortiz reports that the worker's HIV medication interacts with the proposed NSAID.",
    "Baseline HIV testing after the needlestick exposure on 10/02/2026 was negative.",
    "Per Dr. Ortiz, uncontrolled diabetes is delaying wound healing.",
    "Worker completed the aids-to-daily-living assessment with the occupational therapist.",
    "The STD-1 short-term disability form was faxed to the employer.",
])
def test_sensitive_terms_tied_to_the_claim_or_other_senses_stay_quiet(sensitive, sentence):
    assert hits(sensitive, sentence) == []


def test_agency_terms_can_be_added_and_removed():
    from noteassist.lint.config import config_from_mapping

    config = config_from_mapping({"select": ["NA903"], "options": {
        "NA903": {"extra_terms": {"gambling debts": "omit"}, "remove_terms": ["divorce"]}}})
    linter = Linter(config)
    text = "The worker has gambling debts and is going through a divorce."
    assert [f.text for f in linter.lint_text(text, note_type="progress-report").findings] == ["gambling debts"]


def test_the_sentence_that_carries_on_a_session_account_is_flagged(sensitive):
    text = ("Mr. Pell told me that in session she talked about her years in foster care. She also told him she "
            "fears her boyfriend will leave her. She has finished 10 of 12 sessions.")
    found = hits(sensitive, text)
    assert ("NA902", "She also told him she fears her boyfriend will leave her.") in found
    assert not any("10 of 12" in span for _, span in found)


def test_session_content_with_words_before_session(sensitive):
    text = "In their last session he told Dr. Ortiz that he still has nightmares about his father."
    assert [rule for rule, _ in hits(sensitive, text)] == ["NA902"]


def test_one_retold_session_is_one_finding(sensitive):
    text = ("In session she disclosed to Dr. Strand that her marriage is strained, and Dr. Strand's process notes "
            "describe her crying about her divorce.")
    assert [rule for rule, _ in hits(sensitive, text)] == ["NA902"]

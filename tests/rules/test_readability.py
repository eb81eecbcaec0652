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
    assert rules(result, "NA304"), "each jargon sentence is above grade 18"
    assert all(f.severity == "info" for f in rules(result, "NA304"))


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

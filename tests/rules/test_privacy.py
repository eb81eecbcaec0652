"""NA901 social-security-number: dashed SSNs anywhere, 9-digit runs near "SSN"."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.lint import LintConfig, Linter, NoteInput

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def linter():
    return Linter(LintConfig(select=["NA901"]))


def found(linter, text, note_type=None):
    result = linter.lint_text(text, note_type=note_type) if note_type else linter.lint_text(text)
    assert all(f.rule == "NA901" and f.severity == "error" and f.category == "privacy" for f in result.findings)
    return [(f.text, f.suggestions) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "span", "last4"),
    [
        ("Verified identity with SSN 123-45-6789 and date of birth.", "123-45-6789", "6789"),
        ("Worker's social security number is 234 56 7890 per the intake form.", "234 56 7890", "7890"),
        ("SS# 345678901 on the employer's first report.", "345678901", "8901"),
        ("Soc sec: 456-78-9012; DOB 03/22/1984.", "456-78-9012", "9012"),
        ("Adjuster read back 567-89-0123 to confirm the claimant.", "567-89-0123", "0123"),
        ("Employer listed 987654321 as the worker's SSN on the wage statement.", "987654321", "4321"),
        ("SSN 912-34-5678 was written on the referral.", "912-34-5678", "5678"),
    ],
)
def test_fires(linter, text, span, last4):
    assert found(linter, text) == [(span, ["XXX-XX-" + last4])]


def test_message(linter):
    finding = linter.lint_text("SSN 123-45-6789.", note_type="physician-visit").findings[0]
    assert finding.message == "Social Security number in the note; remove it or keep only the last 4 digits"


@pytest.mark.parametrize(
    "text",
    [
        "Called Dr. Lee's office at 512-555-0147 to confirm the visit.",
        "Claim number: WC-2231-0457. Employer: Brazos Distribution Center.",
        "Date of injury 2026-09-14; next visit 12/18/2026.",
        "Diagnosis: lumbar strain (ICD-10 S39.012A).",
        "Verified identity with the last 4 of the SSN (6789) and DOB.",
        "Pharmacy NPI 123456789 was on the rejected claim.",
        "Reference 912-34-5678 on the fax cover sheet.",
        "Employer policy number 000-12-3456 listed on the first report.",
    ],
)
def test_quiet(linter, text):
    assert found(linter, text) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_rendered_examples_have_no_findings(linter, path):
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    assert linter.lint_text(render_note(load_facts(path))).findings == []


@pytest.mark.parametrize(
    ("note", "span"),
    [
        (NoteInput("Claim #: 345678901\nDate of service: 11/20/2026\n\nSeen with Dr. Lee."), "345678901"),
        (NoteInput("Seen with Dr. Lee.", meta={"claim_number": "234-56-7890"}), ""),
        (NoteInput("Claim number: 456789012\nSeen with Dr. Lee."), "456789012"),
    ],
)
def test_ssn_shaped_claim_number(linter, note, span):
    findings = linter.lint(note).findings
    assert [(f.rule, f.category, f.severity, f.text) for f in findings] == [("NA901", "privacy", "error", span)]
    assert "shape of a Social Security number" in findings[0].message


def test_ssn_shaped_claim_number_already_flagged_once(linter):
    findings = linter.lint_text("Claim #: 123-45-6789\nSeen with Dr. Lee.").findings
    assert [f.text for f in findings] == ["123-45-6789"]


def test_real_claim_numbers_are_not_ssns(linter):
    assert linter.lint(NoteInput("Claim #: WC-2231-0457\nSeen.", meta={"claim_number": "04-118220-TX"})).findings == []

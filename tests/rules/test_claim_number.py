"""NA701 claim-number-mismatch and NA702 claim-number-pattern (domain guide 5.2)."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.config import config_from_mapping
from noteassist.lint.rules.claim_number import edit_kind

HEADER = "PHYSICIAN VISIT NOTE\nClaim #: WC-2231-0457    Claimant: Maria Diaz\nDate of service: 11/20/2026\n\n"


@pytest.fixture(scope="module")
def claims():
    return Linter(LintConfig(select=["NA701", "NA702"]))


def found(linter, text, **kwargs):
    return [(f.rule, f.severity, f.text) for f in linter.lint(NoteInput(text, **kwargs)).findings]


@pytest.mark.parametrize(
    ("body", "span", "kind"),
    [
        ("Faxed the DWC-073 to the adjuster under claim WC-2231-0475.", "WC-2231-0475", "swapped"),
        ("Emailed Karen Whitfield the PT request for WC-2231-0458 today.", "WC-2231-0458", "differs"),
        ("Adjuster asked that all bills reference claim # WC-2231-045.", "WC-2231-045", "missing"),
        ("Per the adjuster, the RFA was logged to WC-22310-0457.", "WC-22310-0457", "extra"),
        ("The RFA was sent on 11/12/2026 and UR logged it under WC-2231-457.", "WC-2231-457", "missing"),
    ],
)
def test_one_edit_away_is_an_error(claims, body, span, kind):
    findings = claims.lint_text(HEADER + body).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA701", "error", span)]
    assert "WC-2231-0457" in findings[0].message and kind in findings[0].message
    assert findings[0].suggestions == ["WC-2231-0457"]
    assert findings[0].category == "claim-number"


def test_metadata_claim_number_checks_the_header(claims):
    findings = claims.lint(NoteInput(HEADER + "Seen with Dr. Lee.", meta={"claim_number": "WC-2231-0475"})).findings
    assert [(f.rule, f.text) for f in findings] == [("NA701", "WC-2231-0457")]


@pytest.mark.parametrize(
    "body",
    [
        "Faxed the DWC-073 to the adjuster under claim WC-2231-0457.",
        "Bills go to claim wc-2231-0457 per the adjuster.",
        "Employer policy number WC-2231-0458 is on the first report of injury.",
        "Called Dr. Lee's office at 512-555-0147; NPI 1234567890; diagnosis code S46.011A.",
        "UR approved 8 PT visits, reference UR-8841, on 11/19/2026.",
        "UR reference WC-2231-0458 was issued for the MRI request.",
        "Authorization #: WC-2231-0458 covers 8 visits.",
        "Her prior claim WC-2231-0456 for the left knee closed in 2024.",
        "DOB 03/22/1984. MRI of 10/02/2026. Next visit 12/18/2026 at 10:00 AM.",
        "Board file number WC-2231-0459 was assigned by the state.",
    ],
)
def test_other_identifiers_are_quiet(claims, body):
    assert found(claims, HEADER + body) == []


def test_clearly_different_labelled_claim_is_a_warning(claims):
    findings = claims.lint(NoteInput(HEADER + "Claim #: WC-9182-3345 on the fax cover sheet.",
                                     meta={"claim_number": "WC-2231-0457"})).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA701", "warning", "WC-9182-3345")]


def test_without_a_known_claim_number_mentions_are_compared(claims):
    text = ("Date of service: 11/20/2026\nThe adjuster confirmed claim WC-2231-0457 is accepted. "
            "Sent the PT request under claim WC-2231-0475.")
    findings = claims.lint_text(text).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA701", "warning", "WC-2231-0475")]
    assert "WC-2231-0457" in findings[0].message


def test_without_a_claim_number_different_claims_are_quiet(claims):
    text = "Discussed claim WC-2231-0457 and her older claim WC-2019-8812 with the adjuster."
    assert found(claims, text) == []


def test_configured_pattern_makes_unlabelled_numbers_comparable():
    linter = Linter(config_from_mapping({"select": ["NA701"],
                                         "options": {"NA701": {"default_pattern": r"LS\d{8}"}}}))
    text = "Date of service: 11/20/2026\nReferral LS20261120 received. Updated the adjuster on LS20261102 today."
    assert [f.text for f in linter.lint_text(text).findings] == ["LS20261102"]
    quiet = Linter(LintConfig(select=["NA701"]))
    assert quiet.lint_text(text).findings == []


def test_edit_kinds():
    assert edit_kind("WC-2231-0475", "WC-2231-0457") == "two characters are swapped"
    assert edit_kind("WC-2231-0457", "WC-2231-0457") is None
    assert edit_kind("WC-2231-9999", "WC-2231-0457") is None


# --- NA702 -----------------------------------------------------------------------------------------

PATTERNS = {"select": ["NA702"], "options": {"NA702": {"patterns": {"Lone Star Mutual": r"WC-\d{4}-\d{4}"}}}}


def test_carrier_pattern_mismatch_is_an_error():
    linter = Linter(config_from_mapping(PATTERNS))
    findings = linter.lint(NoteInput("Claim #: WC-2231-457\nSeen.", meta={"carrier": "Lone Star Mutual"})).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [("NA702", "error", "WC-2231-457")]
    assert "Lone Star Mutual" in findings[0].message


def test_carrier_pattern_match_and_other_carrier_are_quiet():
    linter = Linter(config_from_mapping(PATTERNS))
    assert linter.lint(NoteInput("Claim #: WC-2231-0457\nSeen.", meta={"carrier": "lone star mutual"})).findings == []
    assert linter.lint(NoteInput("Claim #: 88-1123-77\nSeen.", meta={"carrier": "Gulf Coast Casualty"})).findings == []


def test_default_pattern():
    linter = Linter(config_from_mapping({"select": ["NA702"], "options": {"NA702": {"default_pattern": r"\d{10}"}}}))
    assert [f.text for f in linter.lint_text("Claim #: 20261120-01\nSeen.").findings] == ["20261120-01"]


@pytest.mark.parametrize(("claim", "problem"), [("0000000", "all zeros"), ("WC 2231 0457", "characters"),
                                                ("WC12", "characters long")])
def test_basic_sanity_without_a_pattern(claims, claim, problem):
    findings = claims.lint(NoteInput("Seen with Dr. Lee.", meta={"claim_number": claim})).findings
    assert [(f.rule, f.start, f.end) for f in findings] == [("NA702", 0, 0)] and problem in findings[0].message


def test_ssn_shaped_claim_number_is_left_to_privacy(claims):
    assert claims.lint(NoteInput("Seen.", meta={"claim_number": "123-45-6789"})).findings == []


def test_bad_pattern_is_a_config_error():
    with pytest.raises(NoteassistError, match="invalid regular expression"):
        Linter(config_from_mapping({"select": ["NA702"], "options": {"NA702": {"default_pattern": "WC-("}}}))


def test_claim_number_from_facts(claims):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    note = NoteInput("Sent the DWC-073 to the adjuster for claim WC-2231-0475 today.", facts=facts)
    assert [(f.rule, f.text) for f in claims.lint(note).findings] == [("NA701", "WC-2231-0475")]


def test_rendered_examples_are_quiet(claims):
    from conftest import EXAMPLES
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    for path in sorted(EXAMPLES.glob("*.yaml")):
        facts = load_facts(path)
        assert claims.lint(NoteInput(render_note(facts), facts=facts)).findings == [], path.name

"""One SSN pattern (noteassist.text.identifiers), shared by NA901, NA702, the visit facts and report masking."""

from __future__ import annotations

import pytest

from noteassist.text.identifiers import mask, mask_ssns, ssn_shaped, ssn_spans


@pytest.mark.parametrize(("value", "shaped"), [
    ("123-45-6789", True), ("123456789", True), ("12345-6789", True), ("WC-2231-0457", False),
    ("123-456-7890", False), ("1234567890", False), ("123 45 6789", False),
])
def test_ssn_shaped_is_the_whole_value(value, shaped):
    assert ssn_shaped(value) is shaped


def test_spans_masks_and_keywords():
    text = "SSN 123 45 6789 on file; call 555-123-4567; claim WC-123-45-6789; 666-12-3456 is never issued; 219-09-9999."
    spans = ssn_spans(text)
    assert [text[s:e] for s, e in spans] == ["123 45 6789", "219-09-9999"]
    assert mask("219-09-9999") == "XXX-XX-9999"
    assert mask_ssns(text).count("XXX-XX-") == 2 and "219-09-9999" not in mask_ssns(text)


def test_the_rules_and_the_facts_use_this_pattern():
    from noteassist.facts.models import Claim
    from noteassist.lint.rules import claim_number, privacy

    assert privacy.ssn_spans is ssn_spans and privacy.mask_ssns is mask_ssns
    assert claim_number.ssn_shaped is ssn_shaped
    with pytest.raises(ValueError, match="Social Security number"):
        Claim(claim_number="123-45-6789", date_of_injury="2026-09-14")

r"""Privacy (NA9xx, privacy). Source: ../shared/domain.md section 6.3.

NA901 flags a full Social Security number, as text/identifiers.py finds them: the dashed form
123-45-6789 anywhere (with a valid area and group number), and any 9-digit run (123456789, 123 45 6789,
or dashed) within about 30 characters of "SSN", "SS#", "social security" or "soc sec". It also reports a
note whose claim number (from metadata, visit facts or the "Claim #:" header, see notemeta.py) has the
SSN shape NNN-NN-NNNN or 9 digits (domain guide section 5.2): some systems still use the SSN as the claim
identifier.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...text.identifiers import mask, mask_ssns, ssn_shaped, ssn_spans
from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

#: The SSN helpers live in text/identifiers.py; re-exported here for callers that import them from the rule.
__all__ = ["SocialSecurityNumber", "mask", "mask_ssns", "ssn_spans"]


@register
class SocialSecurityNumber(Rule):
    code = "NA901"
    name = "social-security-number"
    category = "privacy"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A full Social Security number in the note."
    explanation = (
        "A full SSN in a case note travels with every report, attachment and export of that note and is an "
        "identity-theft risk; workers' compensation forms have been moving to the last four digits only "
        "(Texas DWC-073 uses the last 4). Identify the worker by claim number and date of birth instead, and "
        "if a form needs the SSN, pass it through the form, not the narrative. The rule flags the dashed "
        "pattern 123-45-6789 anywhere and any 9-digit run near \"SSN\" or \"social security\"."
    )
    bad = "Verified identity with SSN 123-45-6789 and DOB."
    good = "Verified identity with the last 4 of the SSN (6789), claim number and DOB."
    source = "domain.md section 6.3 (keep out of adjuster reports: full SSN)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        text = text_of(doc)
        spans = ssn_spans(text)
        for start, end in spans:
            masked = mask(text[start:end])
            yield self.finding(doc, start, end,
                               "Social Security number in the note; remove it or keep only the last 4 digits",
                               [masked], fix=masked)
        yield from self._claim_number(doc, set(spans))

    def _claim_number(self, doc: Doc, spans: set[tuple[int, int]]) -> Iterable[Finding]:
        """Domain guide 5.2: reject a claim number shaped like an SSN, wherever the number came from."""
        ctx = doc._.note
        if ctx is None:
            return
        info = ctx.meta_info
        if not info.claim_number or not ssn_shaped(info.claim_number):
            return
        start, end = info.claim_number_span
        if (start, end) in spans:
            return
        yield self.finding(doc, start, end,
                           f"claim number {info.claim_number} has the shape of a Social Security number; use the "
                           "carrier's claim number and keep the SSN out of the note")

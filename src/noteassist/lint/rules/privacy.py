r"""Privacy (NA9xx, privacy). Source: ../shared/domain.md section 6.3.

NA901 flags a full Social Security number: the dashed form 123-45-6789 anywhere (with a valid
area and group number), and any 9-digit run (123456789, 123 45 6789, or dashed) within about 30
characters of "SSN", "SS#", "social security" or "soc sec". Phone numbers (3-3-4), claim numbers
(WC-2231-0457), dates and ICD codes do not have the 3-2-4 shape. It also reports a note whose claim
number (from metadata, visit facts or the "Claim #:" header, see notemeta.py) has the SSN shape
NNN-NN-NNNN or 9 digits (domain guide section 5.2): some systems still use the SSN as the claim identifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

# Not part of a longer code: no word character or hyphen on either side ("WC-123-45-6789").
_DASHED = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
_RUN = re.compile(r"(?<![\w-])(?:\d{9}|\d{3} \d{2} \d{4})(?![\w-])")
_SSN_SHAPE = re.compile(r"^\d{3}-?\d{2}-?\d{4}$")
_KEYWORD = re.compile(r"(?i)\b(?:SSN|SS\s?#|social\s+security|soc\.?\s?sec)")
_NEAR = 30


def _valid(area: str, group: str, serial: str) -> bool:
    """SSA never issues area 000, 666 or 900-999, group 00 or serial 0000."""
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


def ssn_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every full SSN in `text`, by the rule's patterns, in order."""
    keywords = [(m.start(), m.end()) for m in _KEYWORD.finditer(text)]

    def near_keyword(start: int, end: int) -> bool:
        return any(-_NEAR <= start - k_end <= _NEAR or -_NEAR <= k_start - end <= _NEAR for k_start, k_end in keywords)

    spans = {(m.start(), m.end()) for m in _DASHED.finditer(text)
             if _valid(*m.groups()) or near_keyword(m.start(), m.end())}
    spans |= {(m.start(), m.end()) for m in _RUN.finditer(text) if near_keyword(m.start(), m.end())}
    return sorted(spans)


def mask(ssn: str) -> str:
    """123-45-6789 -> XXX-XX-6789: the last four digits, as Texas DWC-073 prints them."""
    return "XXX-XX-" + re.sub(r"\D", "", ssn)[-4:]


def mask_ssns(text: str) -> str:
    """`text` with every full SSN masked; for documents that must never carry one (adjuster reports)."""
    for start, end in reversed(ssn_spans(text)):
        text = text[:start] + mask(text[start:end]) + text[end:]
    return text


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
        if not info.claim_number or not _SSN_SHAPE.match(info.claim_number):
            return
        start, end = info.claim_number_span
        if (start, end) in spans:
            return
        yield self.finding(doc, start, end,
                           f"claim number {info.claim_number} has the shape of a Social Security number; use the "
                           "carrier's claim number and keep the SSN out of the note")

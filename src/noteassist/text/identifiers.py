"""Social Security numbers: the one pattern for finding, masking and rejecting them.

A full SSN is the dashed form 123-45-6789 anywhere (with an area and group number SSA issues), or any
9-digit run (123456789, 123 45 6789, or dashed) within about 30 characters of "SSN", "SS#", "social
security" or "soc sec". Phone numbers (3-3-4), claim numbers (WC-2231-0457), dates and ICD codes do not
have the 3-2-4 shape. NA901 reports them, adjuster reports mask them, and a claim number with the shape
(`ssn_shaped`) is refused by the visit facts and reported by NA901 instead of NA702.
"""

from __future__ import annotations

import re

__all__ = ["mask", "mask_ssns", "ssn_shaped", "ssn_spans"]

# Not part of a longer code: no word character or hyphen on either side ("WC-123-45-6789").
_DASHED = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
_RUN = re.compile(r"(?<![\w-])(?:\d{9}|\d{3} \d{2} \d{4})(?![\w-])")
#: A whole value with the shape of an SSN: NNN-NN-NNNN or 9 digits.
_SHAPE = re.compile(r"^\d{3}-?\d{2}-?\d{4}$")
_KEYWORD = re.compile(r"(?i)\b(?:SSN|SS\s?#|social\s+security|soc\.?\s?sec)")
_NEAR = 30


def ssn_shaped(value: str) -> bool:
    """The whole value is shaped like an SSN (123-45-6789 or 123456789): some systems still use the SSN as
    the claim identifier (domain guide 5.2)."""
    return bool(_SHAPE.match(value))


def _issued(area: str, group: str, serial: str) -> bool:
    """SSA never issues area 000, 666 or 900-999, group 00 or serial 0000."""
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


def ssn_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every full SSN in `text`, in order."""
    keywords = [(m.start(), m.end()) for m in _KEYWORD.finditer(text)]

    def near_keyword(start: int, end: int) -> bool:
        return any(-_NEAR <= start - k_end <= _NEAR or -_NEAR <= k_start - end <= _NEAR for k_start, k_end in keywords)

    spans = {(m.start(), m.end()) for m in _DASHED.finditer(text)
             if _issued(*m.groups()) or near_keyword(m.start(), m.end())}
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

"""Claim numbers (NA7xx, claim-number). Source: ../shared/domain.md section 5.2.

The note's claim number comes from its metadata, its visit facts or its header
("Claim #: WC-2231-0457"; see notemeta.py). NA701 compares every claim-number-like
string in the body with it: a string one keystroke away (one character changed,
two adjacent characters swapped, one character dropped or added) is a typo that
sends the adjuster's mail to the wrong file. Strings that differ more are other
identifiers (policy, authorization, phone, NPI, ICD-10, dates) and stay quiet, as
does a number introduced as another claim ("her prior claim WC-2231-0456").
NA702 checks the claim number itself against the carrier's configured pattern and
the basic sanity of section 5.2. An SSN-shaped claim number is reported by NA901
(privacy).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...errors import NoteassistError
from ...text.dates import DATE_RE
from ...text.identifiers import ssn_shaped
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

_ID = r"[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){3,29}"


@lru_cache(maxsize=64)
def _token_re(low: int, high: int) -> re.Pattern[str]:
    """Identifier-shaped tokens of `low`..`high` characters with a digit: letters, digits, inner "-" or "/"."""
    return re.compile(rf"(?<![\w/-])(?=[A-Za-z/-]*\d)[A-Za-z0-9]"
                      rf"(?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){{{low - 1},{high - 1}}}(?![\w-]|/\w)")


# "claim WC-2231-0457", "claim #: ...", "claim no. ...", "claim number ..."
_MENTION = re.compile(
    rf"(?i)\bclaim(?:[ \t]*(?:number|num\.?|no\.?|id|ref\.?))?[ \t]*(?:#[ \t]*)?[:|]?[ \t]*(?P<id>{_ID})(?![\w-]|/\w)"
)
# A labelled mention: "Claim #: X", "Claim number: X", "Claim: X".
_LABELLED = re.compile(r"(?i)claim(?:[ \t]*(?:number|num\.?|no\.?|id|ref\.?))?[ \t]*(?:#[ \t]*[:|]?|[:|])")
_PHONE = re.compile(r"^\(?\d{3}\)?[-. ]?\d{3}-\d{4}$")
_ICD10 = re.compile(r"^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
_SANE_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/]*$")
# A label just before a token that says it is another identifier: "policy no. X", "auth #X", "UR reference X",
# "NPI: X". Only connecting words may stand between label and number, so "UR logged it under WC-368-0271"
# is still read as a claim number.
_OTHER_ID = re.compile(
    r"(?i)\b(?:policy|pol|NPI|auth(?:orization)?|(?<!claim )ref(?:erence)?|UR|phone|tel|fax|cell|board|EAMS|ADJ"
    r"|(?:file|group|member|case|order)[ \t]*(?:number|no\.?|#)|account|acct|invoice|Rx|confirmation|conf"
    r"|tracking|DEA|license|lic|PO)\b\.?"
    r"(?:[ \t]*(?:#|:|-|number|num\.?|no\.?|ref(?:erence)?|id|code|is|was|of|request|decision|approval|denial))*"
    r"[ \t]*$"
)
# "her prior claim WC-2231-0456": another claim of the same worker, whatever its number.
_OTHER_CLAIM = re.compile(
    r"(?i)\b(?:prior|previous|other|older|earlier|second|separate|related|another|old|closed|different|former)"
    r"[ \t]+(?:WC[ \t]+|comp[ \t]+)?claims?\b[^.\n;]{0,20}$"
)
_CONTEXT = 40


def edit_kind(found: str, expected: str) -> str | None:
    """How `found` differs from `expected` when it is exactly one edit away, else None."""
    a, b = found.upper(), expected.upper()
    if a == b:
        return None
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return "one character differs"
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]:
            return "two characters are swapped"
        return None
    if abs(len(a) - len(b)) != 1:
        return None
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    if short[i:] != long_[i + 1:]:
        return None
    return "one character is missing" if len(a) < len(b) else "one character is extra"


def _alnum(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def _shape(value: str) -> str:
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", value))


def _other_identifier(value: str) -> bool:
    return bool(DATE_RE.fullmatch(value) or _PHONE.match(value) or _ICD10.match(value))


def _pattern_for(options: dict[str, Any], compiled: dict[str, re.Pattern[str]], default: re.Pattern[str] | None,
                 carrier: str | None) -> re.Pattern[str] | None:
    if carrier:
        key = carrier.strip().lower()
        if key in compiled:
            return compiled[key]
    return default


def _compile_patterns(rule: Rule) -> tuple[dict[str, re.Pattern[str]], re.Pattern[str] | None]:
    patterns = rule.options.get("patterns") or {}
    if not isinstance(patterns, dict):
        raise NoteassistError(f"options for {rule.code}: patterns: expected a table of carrier = regex")
    compiled = {}
    for carrier, pattern in list(patterns.items()) + [("", rule.options.get("default_pattern"))]:
        if not pattern:
            continue
        try:
            compiled[str(carrier).strip().lower()] = re.compile(str(pattern))
        except re.error as exc:
            where = f"patterns.{carrier}" if carrier else "default_pattern"
            raise NoteassistError(f"options for {rule.code}: {where}: invalid regular expression: {exc}") from None
    return compiled, compiled.pop("", None)


class _ClaimRule(Rule):
    defaults = {"patterns": {}, "default_pattern": None}

    def __init__(self, config):
        super().__init__(config)
        self.patterns, self.default_pattern = _compile_patterns(self)


@register
class ClaimNumberMismatch(_ClaimRule):
    code = "NA701"
    name = "claim-number-mismatch"
    category = "claim-number"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A claim number in the body that is one typo away from the note's claim number."
    explanation = (
        "The claim number must be the same string in the header, the body and the footer of every workers' "
        "compensation document (domain guide section 5.2); a note filed or mailed under a number with one "
        "wrong, missing, extra or swapped character reaches the wrong claim file, and health information goes "
        "to the wrong adjuster. The rule compares every claim-number-like string in the note (anything with the "
        "shape of the note's claim number, anything after \"claim\"/\"claim #\"/\"claim no.\", and strings matching "
        "the carrier's configured pattern) with the note's claim number from its metadata, facts or header. "
        "Strings that differ by more than one edit are other identifiers (policy, authorization, phone, NPI) and "
        "pass, as do numbers introduced as another claim (\"prior claim\"). A labelled \"Claim #:\" with a "
        "clearly different number of the same shape is a warning. When the note has no known claim number, two "
        "claim numbers one edit apart inside the note are a warning. Options: `patterns` (carrier name = regex) "
        "and `default_pattern` make strings matching a carrier's format count as claim numbers."
    )
    bad = "Claim #: WC-2231-0457\n...\nFaxed the DWC-073 to the adjuster under claim WC-2231-0475."
    good = "Claim #: WC-2231-0457\n...\nFaxed the DWC-073 to the adjuster under claim WC-2231-0457."
    source = "domain.md section 5.2 (claim number: same string in header, footer, filename and body)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        info = ctx.meta_info
        text = ctx.body
        pattern = _pattern_for(self.options, self.patterns, self.default_pattern, info.carrier)
        candidates = self._candidates(text, info.claim_number, pattern)
        if info.claim_number:
            yield from self._against(doc, candidates, info.claim_number)
        else:
            yield from self._among(doc, candidates)

    def _candidates(self, text: str, expected: str | None, pattern: re.Pattern[str] | None) -> list[tuple]:
        """(start, end, value, mentioned_as_claim, labelled), in text order, other identifiers removed."""
        found: dict[tuple[int, int], tuple] = {}
        for m in _MENTION.finditer(text):
            value = m.group("id")
            if any(c.isdigit() for c in value):
                labelled = bool(_LABELLED.match(text, m.start(), m.start("id")))
                found[(m.start("id"), m.end("id"))] = (m.start("id"), m.end("id"), value, True, labelled)
        if expected or pattern:
            lengths = (len(expected) - 1, len(expected) + 1) if expected else (0, 0)
            tokens = _token_re(4, 30) if pattern else _token_re(max(4, lengths[0]), max(4, lengths[1]))
            for m in tokens.finditer(text):
                value = m.group()
                if (m.start(), m.end()) in found:
                    continue
                near = expected and lengths[0] <= len(value) <= lengths[1]
                if near or (pattern and pattern.fullmatch(value)):
                    found[(m.start(), m.end())] = (m.start(), m.end(), value, False, False)
        out = []
        for start, end, value, mentioned, labelled in sorted(found.values()):
            if expected and _alnum(value) == _alnum(expected):
                out.append((start, end, value, mentioned, labelled))
                continue
            if _other_identifier(value) and not (expected and _other_identifier(expected)):
                continue
            before = text[max(0, start - _CONTEXT):start]
            if _OTHER_CLAIM.search(before) or (not mentioned and _OTHER_ID.search(before)):
                continue
            out.append((start, end, value, mentioned, labelled))
        return out

    def _against(self, doc: Doc, candidates: list[tuple], expected: str) -> Iterable[Finding]:
        for start, end, value, _mentioned, labelled in candidates:
            if _alnum(value) == _alnum(expected):
                continue
            kind = edit_kind(value, expected) or edit_kind(_alnum(value), _alnum(expected))
            if kind:
                yield self.finding(doc, start, end,
                                   f"claim number {value} does not match the note's claim number {expected} "
                                   f"({kind})", [expected])
            elif labelled and _shape(value) == _shape(expected):
                yield self.finding(doc, start, end,
                                   f"claim number {value} differs from the note's claim number {expected}; "
                                   "check that this note is filed on the right claim", [expected],
                                   severity="warning" if self.level == "error" else self.level)

    def _among(self, doc: Doc, candidates: list[tuple]) -> Iterable[Finding]:
        seen: list[tuple[int, int, str]] = []
        for start, end, value, _mentioned, _labelled in candidates:
            for _s, _e, earlier in seen:
                if _alnum(earlier) != _alnum(value) and (edit_kind(value, earlier)
                                                         or edit_kind(_alnum(value), _alnum(earlier))):
                    yield self.finding(doc, start, end,
                                       f"claim number {value} differs by one character from {earlier} earlier in "
                                       "the note; check which one is right", [earlier],
                                       severity="warning" if self.level == "error" else self.level)
                    break
            seen.append((start, end, value))


@register
class ClaimNumberPattern(_ClaimRule):
    code = "NA702"
    name = "claim-number-pattern"
    category = "claim-number"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "The note's claim number does not match the carrier's format, or fails basic sanity checks."
    explanation = (
        "Carriers and TPAs each set their own claim-number format, so there is no universal regex (domain guide "
        "section 5.2): configure one per carrier (`patterns`, carrier name = regex, matched against the note's "
        "`carrier` metadata) or a `default_pattern`, and the rule reports a claim number in the note's metadata "
        "or header that does not match it in full. Without a pattern it applies only the basic checks of "
        "section 5.2: 5 to 20 characters, letters, digits, '-' or '/', and not all zeros. A claim number shaped "
        "like a Social Security number is reported by NA901 (privacy) instead."
    )
    bad = "Claim #: 2231-457\nCarrier: Lone Star Mutual  (pattern for Lone Star Mutual: WC-\\d{4}-\\d{4})"
    good = "Claim #: WC-2231-0457\nCarrier: Lone Star Mutual"
    source = "domain.md section 5.2 (matches the per-carrier pattern when configured; otherwise basic sanity)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        info = doc._.note.meta_info
        value = info.claim_number
        if not value or ssn_shaped(value):
            return
        start, end = info.claim_number_span
        problem = None
        if not 5 <= len(value) <= 20:
            problem = f"is {len(value)} characters long; expected 5 to 20"
        elif not _SANE_CHARS.match(value):
            problem = "has characters other than letters, digits, '-' and '/'"
        elif set(value) <= {"0", "-", "/"}:
            problem = "is all zeros"
        else:
            pattern = _pattern_for(self.options, self.patterns, self.default_pattern, info.carrier)
            if pattern is not None and not pattern.fullmatch(value):
                whose = f"{info.carrier}'s" if info.carrier and info.carrier.strip().lower() in self.patterns \
                    else "the configured"
                problem = f"does not match {whose} claim-number format {pattern.pattern}"
        if problem:
            yield self.finding(doc, start, end, f"claim number {value} {problem}")

"""What is known about a note besides its prose: claim number, carrier, and its dates.

The claim-number, date-logic, timeliness and copy-forward rules all need the
note's claim number and its dates of service, writing and injury. `note_meta`
gathers them once per note (`NoteContext.meta_info` caches it), taking each
key from the first source that has it:

1. `ctx.meta`: front matter merged with `NoteInput.meta` (CSV/JSONL export
   columns). Canonical keys: `id`, `author`, `claim_number`, `carrier`,
   `note_type`, `date_of_service`, `date_written`, `date_of_injury`.
2. `ctx.facts`: the visit facts the note was drafted from, if any.
3. Labelled fields in the note text: "Claim #: WC-2231-0457", "Claim number:",
   "DOI: 03/02/2026", "Date of injury:", "Date of service:", "DOS:",
   "Date written:"/"Signed:" lines, "Electronically signed by ... on ...", and a
   bare "Date:" in the first lines.

Dates are read by text/dates.py, the one date parser: metadata dates in ISO
(`2026-11-20`, `2026-11-20T21:40`, `2026-11-20 21:40`) or numeric (`11/20/2026`,
`11/20/2026 9:40 PM`) form, or a date/datetime from YAML; anything else is a
`NoteInputError` naming the file and the key. Numeric dates are month first unless
the configuration sets `day_first` (`NoteContext.day_first`). Dates found in the
text that cannot be read are simply not used.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..text.dates import When, date_at, parse_meta_date
from .model import NoteMeta

if TYPE_CHECKING:
    from .model import NoteContext

META_KEYS = ("id", "author", "claim_number", "carrier", "note_type", "date_of_service", "date_written",
             "date_of_injury")
DATE_KEYS = ("date_of_service", "date_written", "date_of_injury")

_CLAIM_ID = r"(?P<id>[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){3,29})(?![\w-])"
# "Claim #: X", "Claim No. X", "Claim number: X", "Claim: X" -- a label, not "on claim X" in prose.
_CLAIM_LABEL = re.compile(
    r"(?i)\bclaim(?:[ \t]*(?:number|num\.?|no\.?|id)[ \t]*(?:#[ \t]*)?:?|[ \t]*#[ \t]*:?|[ \t]*:)[ \t]*" + _CLAIM_ID
)
_DOS_LABEL = re.compile(
    r"(?i)\b(?:date(?:/time)?[ \t]+of[ \t]+(?:service|visit|contact|encounter|call|assessment|appointment|session)"
    r"|(?:service|visit|contact|call|assessment|appointment|session|encounter)[ \t]+date|(?-i:DOS))(?:\*\*)?[ \t]*[:\-]?(?:\*\*)?[ \t]*(?:on[ \t]+)?(?=\S)"
)
_DOI_LABEL = re.compile(
    r"(?i)\b(?:date[ \t]+of[ \t]+injury|injury[ \t]+date|(?-i:DOI|D/I))(?:\*\*)?[ \t]*[:\-]?(?:\*\*)?[ \t]*"
    r"(?:(?:of|on|was|is)[ \t]+)?(?=\S)"
)
_WRITTEN_LABEL = re.compile(
    r"(?im)(?:^[ \t]*(?:\*\*)?(?:date[ \t]+(?:written|signed|entered|documented)|date/time[ \t]+(?:signed|written)"
    r"|written|signed|entered|documented)(?:[ \t]+on)?(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*"
    r"|\belectronically[ \t]+signed(?:[ \t]+by[ \t][^\n]{1,80}?)?[ \t]+(?:on|at)[ \t]+)(?=\S)"
)
_BARE_DATE_LABEL = re.compile(r"(?im)^[ \t]*(?:\*\*)?date(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*(?=\S)")
_BARE_DATE_LINES = 10
#: Public names for the label patterns the date rules reuse.
DOS_LABEL, DOI_LABEL = _DOS_LABEL, _DOI_LABEL


# --- the note's metadata -------------------------------------------------------------------------

def _labelled_date(pattern: re.Pattern[str], body: str, day_first: bool, limit: int | None = None) -> When | None:
    for m in pattern.finditer(body, 0, limit if limit is not None else len(body)):
        found = date_at(body, m.end(), day_first=day_first)
        if found is not None:
            return found
    return None


def _text_of(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def note_meta(ctx: NoteContext) -> NoteMeta:
    """Gather the note's metadata: `ctx.meta`, then `ctx.facts`, then labelled fields in the text."""
    meta, facts, path = ctx.meta or {}, ctx.facts, ctx.path
    body = ctx.text[ctx.body_offset:]
    day_first = getattr(ctx, "day_first", False)  # a context made for a previous note may not say
    info = NoteMeta()

    for key in ("id", "author", "carrier", "note_type", "claim_number"):
        setattr(info, key, _text_of(meta.get(key)))
    if info.claim_number:
        info.claim_number_source = "meta"
    for key in DATE_KEYS:
        value = meta.get(key)
        if value is not None and str(value).strip():
            setattr(info, key, parse_meta_date(value, path, key, day_first=day_first))

    if facts is not None:
        claim = facts.claim
        if info.claim_number is None and claim.claim_number:
            info.claim_number, info.claim_number_source = claim.claim_number, "facts"
        info.carrier = info.carrier or claim.carrier or claim.tpa
        info.note_type = info.note_type or facts.note_type
        info.author = info.author or facts.case_manager.name
        if info.date_of_service is None:
            enc = facts.encounter
            info.date_of_service = When(enc.date, enc.start_time, enc.end_time, "facts")
        if info.date_of_injury is None:
            info.date_of_injury = When(claim.date_of_injury, source="facts")

    info.labelled_claims = [(m.start("id"), m.end("id"), m.group("id"))
                            for m in _CLAIM_LABEL.finditer(body) if any(c.isdigit() for c in m.group("id"))]
    if info.claim_number is None and info.labelled_claims:
        start, end, value = info.labelled_claims[0]
        info.claim_number, info.claim_number_source, info.claim_number_span = value, "text", (start, end)
    elif info.claim_number is not None:
        for start, end, value in info.labelled_claims:
            if value.upper() == info.claim_number.upper():
                info.claim_number_span = (start, end)
                break

    if info.date_of_service is None:
        info.date_of_service = _labelled_date(_DOS_LABEL, body, day_first)
        if info.date_of_service is None:
            lines_end = _nth_line_end(body, _BARE_DATE_LINES)
            info.date_of_service = _labelled_date(_BARE_DATE_LABEL, body, day_first, limit=lines_end)
    # Year-less dates are not trusted here: "DOI: March 2" could be either year.
    if info.date_of_injury is None:
        info.date_of_injury = _labelled_date(_DOI_LABEL, body, day_first)
    if info.date_written is None:
        info.date_written = _labelled_date(_WRITTEN_LABEL, body, day_first)
    return info


def _nth_line_end(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos == -1:
            return len(text)
    return pos

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

Metadata dates accept ISO (`2026-11-20`, `2026-11-20T21:40`, `2026-11-20 21:40`)
and US (`11/20/2026`, `11/20/2026 9:40 PM`) forms, or a date/datetime from YAML;
anything else is a `NoteInputError` naming the file and the key. Dates found in
the text that cannot be read are simply not used.

`find_dates` is the small date finder the rules share for prose: `11/20/2026`,
`11/20/26`, `2026-11-20`, `November 20, 2026`, `Nov. 20, 2026`, `20 November 2026`,
and `December 4` without a year (year from the service date, rolled forward a year
when that would put it more than 6 months before the service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from ..errors import NoteInputError

if TYPE_CHECKING:
    from .engine import NoteContext

META_KEYS = ("id", "author", "claim_number", "carrier", "note_type", "date_of_service", "date_written",
             "date_of_injury")
DATE_KEYS = ("date_of_service", "date_written", "date_of_injury")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Capitalised month names only: "may" and "march" in lower case are usually not dates.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
          r"|JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
          r"|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)")
_DATE_BODY = (
    r"(?:(?P<m1>\d{1,2})/(?P<d1>\d{1,2})/(?P<y1>\d{4}|\d{2})(?![\d/]|-\d)"
    r"|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?!\d|-\d)"
    rf"|(?P<mon3>{_MONTH})\.?[ \t]+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?:,?[ \t]+(?P<y3>\d{{4}}))?(?![\d:/]|\.\d)"
    rf"|(?P<d4>\d{{1,2}})[ \t]+(?P<mon4>{_MONTH})\.?,?[ \t]+(?P<y4>\d{{4}})(?!\d))"
)
DATE_RE = re.compile(r"(?<![\w/.-])" + _DATE_BODY)
_HALF = r"[AaPp]\.?[Mm]\.?(?!\w)"


def _clock_re(p: str) -> str:
    return (rf"(?:(?P<{p}h>\d{{1,2}}):(?P<{p}m>\d{{2}})(?::\d{{2}}(?:\.\d+)?)?(?:[ \t]*(?P<{p}x>{_HALF}))?"
            rf"|(?P<{p}hh>\d{{1,2}})[ \t]*(?P<{p}xx>{_HALF}))")


# A time right after a date: "11/20/2026 9:40 PM", "2026-11-20T21:40", "November 20, 2026, 9:30 AM to 10:15 AM".
_TIME_AFTER = re.compile(
    r"(?:T|,?[ \t]+(?:at[ \t]+)?|,[ \t]*)" + _clock_re("a")
    + r"(?:[ \t]*(?:-|–|—|to|until)[ \t]*" + _clock_re("b") + ")?"
)
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


@dataclass(frozen=True)
class When:
    """A date, with a time of day when one is known, and where it came from.

    `start`/`end` are offsets into the note body when `source == "text"`, else 0.
    `until` is the end of a time range ("9:30 AM to 10:15 AM").
    """

    date: date
    time: time | None = None
    until: time | None = None
    source: str = "meta"
    start: int = 0
    end: int = 0

    @property
    def in_text(self) -> bool:
        return self.source == "text"

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end) if self.in_text else (0, 0)

    def label(self) -> str:
        return f"{self.date.month:02d}/{self.date.day:02d}/{self.date.year}"


@dataclass
class NoteMeta:
    """What the rules know about a note besides its prose. Spans are offsets into the note body."""

    id: str | None = None
    author: str | None = None
    claim_number: str | None = None
    claim_number_source: str | None = None
    claim_number_span: tuple[int, int] = (0, 0)
    carrier: str | None = None
    note_type: str | None = None
    date_of_service: When | None = None
    date_written: When | None = None
    date_of_injury: When | None = None
    #: Every claim-number label found in the text: (start, end, value), body offsets.
    labelled_claims: list[tuple[int, int, str]] = field(default_factory=list)


# --- dates ---------------------------------------------------------------------------------------

def _valid_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_year(month: int, day: int, reference: date | None) -> date | None:
    """A year-less "December 4": the reference's year, or the next year when that is > 6 months earlier."""
    if reference is None:
        return None
    best = _valid_date(reference.year, month, day)
    if best is not None and (reference - best).days > 183:
        best = _valid_date(reference.year + 1, month, day)
    return best


def _date_from_match(m: re.Match[str], reference: date | None) -> date | None:
    if m.group("m1"):
        year = int(m.group("y1"))
        if len(m.group("y1")) == 2:
            year += 2000
        return _valid_date(year, int(m.group("m1")), int(m.group("d1")))
    if m.group("y2"):
        return _valid_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    if m.group("mon3"):
        month, day = _MONTHS[m.group("mon3")[:3].lower()], int(m.group("d3"))
        if m.group("y3"):
            return _valid_date(int(m.group("y3")), month, day)
        return _resolve_year(month, day, reference)
    return _valid_date(int(m.group("y4")), _MONTHS[m.group("mon4")[:3].lower()], int(m.group("d4")))


def find_dates(text: str, reference: date | None = None) -> list[tuple[int, int, date]]:
    """Every date in `text` as (start, end, date).

    Year-less dates ("December 4") are found only when `reference` (the service date) is given; they
    take its year, rolled forward a year when that would put them more than 6 months before it.
    """
    found = []
    for m in DATE_RE.finditer(text):
        value = _date_from_match(m, reference)
        if value is not None:
            found.append((m.start(), m.end(), value))
    return found


def _clock(m: re.Match[str], p: str) -> time | None:
    hour_s = m.group(p + "h") or m.group(p + "hh")
    if hour_s is None:
        return None
    hour, minute = int(hour_s), int(m.group(p + "m") or 0)
    half = (m.group(p + "x") or m.group(p + "xx") or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def date_at(text: str, pos: int, reference: date | None = None, source: str = "text") -> When | None:
    """The date (and time) starting exactly at `pos`, or None."""
    found = _date_and_time(text, pos, reference, source)
    return found[0] if found else None


def _date_and_time(text: str, pos: int, reference: date | None, source: str) -> tuple[When, int] | None:
    """(When, offset after the date and any time that follows it)."""
    m = DATE_RE.match(text, pos)
    if not m:
        return None
    value = _date_from_match(m, reference)
    if value is None:
        return None
    start_time = until = None
    consumed = m.end()
    t = _TIME_AFTER.match(text, m.end())
    if t:
        start_time = _clock(t, "a")
        if start_time is not None:
            consumed = t.end()
            if t.group("bh") or t.group("bhh"):
                until = _clock(t, "b")
                # "9:30 to 10:15 AM": the first time takes the second's half of the day.
                if until and not (t.group("ax") or t.group("axx")) and (t.group("bx") or t.group("bxx")):
                    if until.hour >= 12 and start_time.hour < 12 and start_time.hour + 12 <= until.hour:
                        start_time = time(start_time.hour + 12, start_time.minute)
    return When(value, start_time, until, source, m.start(), m.end()), consumed


def parse_meta_date(value: Any, path: str, key: str) -> When:
    """A metadata date: date/datetime from YAML, or an ISO or US string. Raises NoteInputError."""
    if isinstance(value, datetime):
        return When(value.date(), value.time().replace(tzinfo=None, second=0, microsecond=0))
    if isinstance(value, date):
        return When(value)
    text = str(value).strip()
    if isinstance(value, str) and text:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            has_time = bool(re.search(r"[T ]\d", text))
            return When(parsed.date(), parsed.time().replace(second=0, microsecond=0) if has_time else None)
        found = _date_and_time(text, 0, None, "meta")
        if found is not None and not text[found[1]:].strip():
            when = found[0]
            return When(when.date, when.time, when.until, "meta")
    raise NoteInputError(
        f"{path}: {key}: expected a date such as 2026-11-20 or 2026-11-20 14:30, got {text!r}"
    )


# --- the note's metadata -------------------------------------------------------------------------

def _labelled_date(pattern: re.Pattern[str], body: str, reference: date | None = None,
                   limit: int | None = None) -> When | None:
    for m in pattern.finditer(body, 0, limit if limit is not None else len(body)):
        found = date_at(body, m.end(), reference)
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
    info = NoteMeta()

    for key in ("id", "author", "carrier", "note_type", "claim_number"):
        setattr(info, key, _text_of(meta.get(key)))
    if info.claim_number:
        info.claim_number_source = "meta"
    for key in DATE_KEYS:
        value = meta.get(key)
        if value is not None and str(value).strip():
            setattr(info, key, parse_meta_date(value, path, key))

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
        info.date_of_service = _labelled_date(_DOS_LABEL, body)
        if info.date_of_service is None:
            lines_end = _nth_line_end(body, _BARE_DATE_LINES)
            info.date_of_service = _labelled_date(_BARE_DATE_LABEL, body, limit=lines_end)
    # Year-less dates are not trusted here: "DOI: March 2" could be either year.
    if info.date_of_injury is None:
        info.date_of_injury = _labelled_date(_DOI_LABEL, body)
    if info.date_written is None:
        info.date_written = _labelled_date(_WRITTEN_LABEL, body)
    return info


def _nth_line_end(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos == -1:
            return len(text)
    return pos

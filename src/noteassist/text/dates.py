"""Dates and times in note text and metadata: the one date finder and parser.

`find_dates` finds `11/20/2026`, `11/20/26`, `2026-11-20`, `November 20, 2026`, `Nov. 20, 2026`,
`20 November 2026`, and `December 4` without a year (year from a reference date, rolled forward a
year when that would put it more than 6 months before it). `date_at` reads a date, and a time or a time
range after it, at one offset. `parse_meta_date` reads a metadata value (an export column, front matter):
ISO and US forms, or a date/datetime from YAML. `DATE_PATTERN` is the same set of forms, with a year, as a
regular expression to build other patterns from (the element cues' `{DATE}`).

Numeric dates are month first (11/20/2026 is November 20) unless `day_first` is set, as agencies outside
the US configure it (`day_first = true`): then 20/11/2026 is 20 November and 03/04/2026 is 3 April. A
date that is impossible in the configured order is no date in the text, and an error in metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..errors import NoteInputError

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
    rf"|(?P<d4>\d{{1,2}})[ \t]+(?P<mon4>{_MONTH})\.?,?[ \t]+(?P<y4>\d{{4}})(?!\d)"
    # EHR stamps: "17-Oct-2026", "6-OCT-26".
    rf"|(?P<d5>\d{{1,2}})-(?P<mon5>{_MONTH})-(?P<y5>\d{{4}}|\d{{2}})(?![\w-]))"
)
DATE_RE = re.compile(r"(?<![\w/.-])" + _DATE_BODY)
#: A date with a year in any of the forms above, without capture groups, to embed in other patterns.
DATE_PATTERN = r"(?<![\w/.-])" + re.sub(r"\(\?P<\w+>", "(?:", _DATE_BODY.replace(r"(?:,?[ \t]+(?P<y3>\d{4}))?",
                                                                               r",?[ \t]+\d{4}"))
_HALF = r"[AaPp]\.?[Mm]\.?(?!\w)"


# Four digits are a time only where a time ends: a line end, punctuation, a name or "by"/"to" ("0805 J. Ortiz",
# "0805 by", "1400-1445"); never before a lower-case word or more digits ("1000 units", "0805 2026").
_MILITARY_END = r"(?=[ \t]*(?:\r?\n|$)|[ \t]*[|;,.)\]\u2013\u2014-](?!\d)|[ \t]*[\u2013\u2014-]\d{4}|[ \t]+(?:[A-Z(\[]|(?:by|for|to|until|and)\b))"


def _clock_re(p: str, end: str = _MILITARY_END) -> str:
    # 9:40 PM, 21:40, 21:40:05, 9 PM, and military time: 0805, 2140 hrs (four digits, 00-23 then 00-59);
    # the second time of a range ("1400-1445 home visit") needs no `end`.
    return (rf"(?:(?P<{p}h>\d{{1,2}}):(?P<{p}m>\d{{2}})(?::\d{{2}}(?:\.\d+)?)?(?:[ \t]*(?P<{p}x>{_HALF}))?"
            rf"|(?P<{p}hh>\d{{1,2}})[ \t]*(?P<{p}xx>{_HALF})"
            rf"|(?P<{p}mh>[01]\d|2[0-3])(?P<{p}mm>[0-5]\d)(?:[ \t]*(?:hrs?|h)\b|{end}))")


# A time right after a date: "11/20/2026 9:40 PM", "2026-11-20T21:40", "November 20, 2026, 9:30 AM to 10:15 AM",
# "11/1/26 @ 0805", "11/03/2026 at 0812 hrs".
_TIME_AFTER = re.compile(
    r"(?:T|,?[ \t]+(?:(?:at|@|from)[ \t]*)?|,[ \t]*|[ \t]*@[ \t]*)" + _clock_re("a")
    + r"(?:[ \t]*(?:-|–|—|to|until)[ \t]*" + _clock_re("b", r"(?![\d:])") + ")?"
)
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


def _date_from_match(m: re.Match[str], reference: date | None, day_first: bool = False) -> date | None:
    if m.group("m1"):
        year = int(m.group("y1"))
        if len(m.group("y1")) == 2:
            year += 2000
        first, second = int(m.group("m1")), int(m.group("d1"))
        return _valid_date(year, second, first) if day_first else _valid_date(year, first, second)
    if m.group("y2"):
        return _valid_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    if m.group("mon3"):
        month, day = _MONTHS[m.group("mon3")[:3].lower()], int(m.group("d3"))
        if m.group("y3"):
            return _valid_date(int(m.group("y3")), month, day)
        return _resolve_year(month, day, reference)
    if m.group("d5"):
        year = int(m.group("y5")) + (2000 if len(m.group("y5")) == 2 else 0)
        return _valid_date(year, _MONTHS[m.group("mon5")[:3].lower()], int(m.group("d5")))
    return _valid_date(int(m.group("y4")), _MONTHS[m.group("mon4")[:3].lower()], int(m.group("d4")))


def find_dates(text: str, reference: date | None = None, *, day_first: bool = False) -> list[tuple[int, int, date]]:
    """Every date in `text` as (start, end, date).

    Year-less dates ("December 4") are found only when `reference` (the service date) is given; they
    take its year, rolled forward a year when that would put them more than 6 months before it.
    """
    found = []
    for m in DATE_RE.finditer(text):
        value = _date_from_match(m, reference, day_first)
        if value is not None:
            found.append((m.start(), m.end(), value))
    return found


def _clock(m: re.Match[str], p: str) -> time | None:
    hour_s = m.group(p + "h") or m.group(p + "hh") or m.group(p + "mh")
    if hour_s is None:
        return None
    hour, minute = int(hour_s), int(m.group(p + "m") or m.group(p + "mm") or 0)
    half = (m.group(p + "x") or m.group(p + "xx") or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def date_at(text: str, pos: int, reference: date | None = None, source: str = "text", *,
            day_first: bool = False) -> When | None:
    """The date (and time) starting exactly at `pos`, or None."""
    found = _date_and_time(text, pos, reference, source, day_first)
    return found[0] if found else None


def _date_and_time(text: str, pos: int, reference: date | None, source: str,
                   day_first: bool = False) -> tuple[When, int] | None:
    """(When, offset after the date and any time that follows it)."""
    m = DATE_RE.match(text, pos)
    if not m:
        return None
    value = _date_from_match(m, reference, day_first)
    if value is None:
        return None
    start_time = until = None
    consumed = m.end()
    t = _TIME_AFTER.match(text, m.end())
    if t:
        start_time = _clock(t, "a")
        if start_time is not None:
            consumed = t.end()
            if t.group("bh") or t.group("bhh") or t.group("bmh"):
                until = _clock(t, "b")
                # "9:30 to 10:15 AM": the first time takes the second's half of the day.
                if until and not (t.group("ax") or t.group("axx")) and (t.group("bx") or t.group("bxx")):
                    if until.hour >= 12 and start_time.hour < 12 and start_time.hour + 12 <= until.hour:
                        start_time = time(start_time.hour + 12, start_time.minute)
    return When(value, start_time, until, source, m.start(), m.end()), consumed


def parse_meta_date(value: Any, path: str, key: str, *, day_first: bool = False) -> When:
    """A metadata date: date/datetime from YAML, or an ISO or numeric string (month first unless
    `day_first`). Raises NoteInputError naming `path` and `key`."""
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
        found = _date_and_time(text, 0, None, "meta", day_first)
        if found is not None and not text[found[1]:].strip():
            when = found[0]
            return When(when.date, when.time, when.until, "meta")
    if day_first:
        raise NoteInputError(f"{path}: {key}: expected a date such as 2026-11-20, 2026-11-20 14:30 or 20/11/2026 "
                             f"(day_first is set: day, then month), got {text!r}")
    hint = "; for day-first dates set day_first = true" if _reads_day_first(text) else ""
    raise NoteInputError(f"{path}: {key}: expected a date such as 2026-11-20 or 2026-11-20 14:30, got {text!r}{hint}")


def _reads_day_first(text: str) -> bool:
    """'20/11/2026' is no month-first date but a day-first one: the writer's system puts the day first."""
    found = _date_and_time(text, 0, None, "meta", day_first=True)
    return found is not None and not text[found[1]:].strip()


#: The day rules judge "in the future" against: the machine's date, unless a caller fixes it (`judged_on`).
_JUDGED_ON: ContextVar[date | None] = ContextVar("noteassist_judged_on", default=None)


def today() -> date:
    """Today's date, or the day fixed by `judged_on` (a labelled corpus written as of a date)."""
    return _JUDGED_ON.get() or date.today()


@contextmanager
def judged_on(day: date | None) -> Iterator[None]:
    """Judge dates as of `day` inside the block: a corpus labelled on 9 December reads the same on any later day."""
    token = _JUDGED_ON.set(day)
    try:
        yield
    finally:
        _JUDGED_ON.reset(token)

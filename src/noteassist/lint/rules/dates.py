"""Date logic (NA80x, date-logic). Source: ../shared/domain.md section 5.2.

Section 5.2 orders a claim's dates: DOI <= every service date <= the date the note
is written; the next appointment after the visit; MMI not before the DOI; a work
status that expires on or after it starts. Each rule checks the note's metadata and
visit facts (see notemeta.py) and its text, and points at the offending date in the
text (offset 0 when the date is known only from metadata or facts).

Text checks read only explicit phrases, for precision: "Date of injury:"/"DOI",
"next appointment", "returns to Dr. Lee on", "RTC", "follow-up scheduled for" or a
"Next Appointment" section, "MMI ... on/as of/by DATE", and date ranges ("from
11/20/2026 through 12/18/2026", "11/20/2026 - 12/18/2026") in a sentence about work
status. A follow-up that already happened ("at her follow-up on 11/06/2026") is not
a next appointment; a date of birth is not a date of injury.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from ...text.dates import When, date_at, find_dates
from ...text.dates import today as text_today
from ..notemeta import DOI_LABEL
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ...text.sentences import Sentences
    from ..model import Finding


def today() -> date:
    """Today's date (text/dates.py: the machine's, or the day a labelled corpus was written as of); a function
    here so tests can monkeypatch it."""
    return text_today()


_NEXT_APPOINTMENT = re.compile(
    r"(?i)\b(?:next[ \t]+(?:scheduled[ \t]+)?(?:(?:home|office|field|clinic|in-person|individual|family|joint)[ \t]+)?"
    r"(?:appointment|appt\.?|visit|follow[- ]?up|re-?check|evaluation|re-?evaluation|session|meeting)"
    r"|return[ \t]+(?:visit|appointment|appt\.?)"
    r"|(?:returns|will[ \t]+return|is[ \t]+to[ \t]+return|scheduled[ \t]+to[ \t]+return|to[ \t]+return)"
    r"[ \t]+to[ \t]+(?:the[ \t]+)?(?:clinic|office|(?:Dr\.?|Doctor)[ \t]+[A-Z][\w'-]+)"
    r"|(?:will[ \t]+return|scheduled[ \t]+to[ \t]+return)"
    r"|\bRTC\b"
    r"|follow[- ]?up(?:[ \t]+(?:appointment|appt\.?|visit))?[ \t]+(?:is[ \t]+|was[ \t]+|has[ \t]+been[ \t]+)?"
    r"(?:scheduled|set|booked|made)"
    r")"
)
_NEXT_SECTION = re.compile(r"^(?:next (?:appointment|visit|follow[- ]?up)s?|return visit|follow[- ]?up appointment"
                           r"|follow[- ]?up|rtc|next appointment date)$")
_MMI = re.compile(r"(?i)\b(?:MMI|maximum[ \t]+medical[ \t]+improvement|permanent[ \t]+and[ \t]+stationary)\b")
_WORK_WORDS = re.compile(
    r"(?i)\b(?:duty|off[ \t]+work|no[ \t]+work|work[ \t]+status|restrictions?|RTW|return[ \t]+to[ \t]+work"
    r"|TTD|TPD|out[ \t]+of[ \t]+work|excused[ \t]+from[ \t]+work|light[ \t]+work|sedentary[ \t]+work)\b"
)
_RANGE_JOIN = re.compile(r"^[ \t]*,?[ \t]*(?:through|thru|to|until|till|-|–|—)[ \t]*$", re.I)
_WINDOW = 90
_SPACE = re.compile(r"\s*")
_PAST = re.compile(r"(?i)\b(?:last|previous(?:ly)?|prior|was|were|had|seen|saw|attended|completed|cancel+ed|missed"
                   r"|moved|rescheduled|ago)\b")


def _gap_is_one_clause(sentences: Sentences, start: int, end: int) -> bool:
    """Offsets `start` and `end` are close and in one clause: the same sentence, no semicolon between."""
    return end >= start and end - start <= _WINDOW and end < sentences.clause_around(start)[1]


def _explicit_dates(doc: Doc) -> list[tuple[int, int, date]]:
    """Dates with a year, found once per note."""
    scratch = doc._.note.scratch
    if "dates" not in scratch:
        scratch["dates"] = find_dates(doc._.note.body, day_first=doc._.note.day_first)
    return scratch["dates"]


def _dates_after(dates: list[tuple[int, int, date]], sentences: Sentences, pos: int,
                 past: bool = False) -> tuple[int, int, date] | None:
    """The first date after `pos` in the same clause, within the window.

    With `past`, leading white space is skipped and a date after a past-tense marker ("last seen",
    "was", "attended") is not returned: "Next appointment: was 11/06/2026, moved to ..." is history.
    """
    text = sentences.text
    if past:
        pos = _SPACE.match(text, pos).end()
    for start, end, value in dates:
        if start >= pos:
            if not _gap_is_one_clause(sentences, pos, start) or (past and _PAST.search(text, pos, start)):
                return None
            return start, end, value
    return None


def _reversed_ranges(doc: Doc) -> Iterator[tuple[tuple[int, int, date], tuple[int, int, date], bool]]:
    """Explicit date ranges ("11/20/2026 through 11/06/2026") whose end is before their start, with whether the
    range is a work status's (its sentence or section speaks of duty, restrictions, being off work)."""
    ctx = doc._.note
    text = ctx.body
    dates = _explicit_dates(doc)
    for (s1, e1, d1), (s2, e2, d2) in zip(dates, dates[1:]):
        if d2 >= d1 or not _RANGE_JOIN.match(text[e1:s2]):
            continue
        start, end = ctx.sentences.around(s1, e2)
        section = ctx.structure.section_at(s1)
        of_work = bool(_WORK_WORDS.search(text, start, end)) or bool(section and "work" in section.label)
        yield (s1, e1, d1), (s2, e2, d2), of_work


def _at(when: When, fallback: When | None = None) -> tuple[int, int]:
    if when.in_text:
        return when.span
    if fallback is not None and fallback.in_text:
        return fallback.span
    return 0, 0


def _fmt(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


@register
class InjuryAfterService(Rule):
    code = "NA801"
    name = "injury-after-service"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "The date of injury is after the date of service."
    explanation = (
        "A service for a work injury cannot come before the injury (domain guide section 5.2: DOI <= every "
        "service date <= report date). A DOI after the visit is almost always a typo in the year or a "
        "transposed month and day, and it makes the adjuster question every other date in the report. The "
        "rule compares the date of injury from the note's metadata, visit facts or a \"Date of injury:\"/\"DOI\" "
        "label with the date of service; a date of birth is not read as a DOI."
    )
    bad = "Date of service: 11/20/2026\nDOI: 12/02/2026"
    good = "Date of service: 11/20/2026\nDOI: 09/14/2026"
    source = "domain.md section 5.2 (DOI <= every service date <= report date)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        info = doc._.note.meta_info
        service = info.date_of_service
        if service is None:
            return
        reported: set[tuple[int, int]] = set()
        injuries: list[When] = [info.date_of_injury] if info.date_of_injury else []
        text = doc._.note.body
        for m in DOI_LABEL.finditer(text):
            found = date_at(text, m.end(), day_first=doc._.note.day_first)
            if found is not None:
                injuries.append(found)
        # One finding per wrong date: the header's "DOI: 11/03/2026" and the same date in the metadata are one
        # mistake, reported where the text shows it.
        by_date: dict[date, When] = {}
        for injury in injuries:
            if injury.date > service.date:
                kept = by_date.get(injury.date)
                if kept is None or (injury.in_text and not kept.in_text):
                    by_date[injury.date] = injury
        for injury in by_date.values():
            span = _at(injury, service)
            if span in reported:
                continue
            reported.add(span)
            yield self.finding(doc, *span, f"date of injury {_fmt(injury.date)} is after the date of service "
                                           f"{_fmt(service.date)}")


@register
class NextAppointmentBeforeVisit(Rule):
    code = "NA802"
    name = "next-appointment-before-visit"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "The next appointment is dated before the visit the note documents."
    explanation = (
        "The next appointment (return visit, follow-up, RTC) must come after the visit (domain guide section "
        "5.2). A next-appointment date before the service date is usually last visit's date carried forward, "
        "and the adjuster and employer plan modified duty and authorizations around it. The rule reads the "
        "visit facts, a \"Next appointment\" section or field, and phrases such as \"next appointment on\", "
        "\"returns to Dr. Lee on\", \"RTC\" and \"follow-up scheduled for\"; a follow-up that already happened "
        "(\"at her follow-up on 11/06/2026\") is not read as the next one. Year-less dates (\"December 4\") take "
        "the service date's year."
    )
    bad = "Date of service: 11/20/2026\nNext appointment: 11/06/2026 with Dr. Lee."
    good = "Date of service: 11/20/2026\nNext appointment: 12/18/2026 with Dr. Lee."
    source = "domain.md section 5.2 (next-appointment date is after the visit date)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        info = ctx.meta_info
        service = info.date_of_service
        if service is None:
            return
        text = ctx.body
        if "dates_with_yearless" not in ctx.scratch:
            ctx.scratch["dates_with_yearless"] = find_dates(text, service.date, day_first=ctx.day_first)
        dates = ctx.scratch["dates_with_yearless"]
        candidates: dict[tuple[int, int], date] = {}
        starts = [m.end() for m in _NEXT_APPOINTMENT.finditer(text)]
        starts += [s.start for s in ctx.structure.sections if _NEXT_SECTION.match(s.label)]
        starts += [b.value_start for b in ctx.structure.fields() if _NEXT_SECTION.match(b.label)]
        for pos in starts:
            found = _dates_after(dates, ctx.sentences, pos, past=True)
            if found:
                candidates[found[:2]] = found[2]
        facts = ctx.facts
        # getattr: human-services facts (schema 3) have no next appointment, MMI or work status.
        nxt_appointment = getattr(facts, "next_appointment", None)
        if nxt_appointment is not None and nxt_appointment.date:
            nxt = nxt_appointment.date
            if nxt < facts.encounter.date and not any(v == nxt for v in candidates.values()):
                yield self.finding(doc, 0, 0, f"next appointment {_fmt(nxt)} is before the visit on "
                                              f"{_fmt(facts.encounter.date)}")
        for (start, end), value in sorted(candidates.items()):
            if value < service.date:
                yield self.finding(doc, start, end, f"next appointment {_fmt(value)} is before the visit on "
                                                    f"{_fmt(service.date)}")


@register
class ServiceDateInFuture(Rule):
    code = "NA803"
    name = "service-date-in-future"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "The date of service is in the future, or after the date the note was written."
    explanation = (
        "A note documents something that happened: its service date cannot be later than today or than the "
        "date the note was written and signed (domain guide section 5.2: service date <= report date; section "
        "2.2: never backdate or pre-date an entry). A future service date is usually a wrong year or month; a "
        "note written before its service is a pre-charted note. The rule compares the date of service from "
        "metadata, facts or the header with `date_written` (an error) and with today's date on the machine "
        "running the check (a warning: that clock, its time zone, or a note drafted for a scheduled contact "
        "can be behind it)."
    )
    bad = "Date of service: 12/20/2026\nDate written: 11/20/2026 4:10 PM"
    good = "Date of service: 11/20/2026\nDate written: 11/20/2026 4:10 PM"
    source = "domain.md sections 5.2 (service date <= report date) and 2.2 (entries are dated when written)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        info = doc._.note.meta_info
        service, written = info.date_of_service, info.date_written
        if service is None:
            return
        now = today()
        if service.date > now:
            # Against the linting machine's clock (time zones, drafts for a scheduled contact): a warning.
            yield self.finding(doc, *_at(service), f"date of service {_fmt(service.date)} is in the future "
                                                   f"(today is {_fmt(now)})",
                               severity="warning" if self.level == "error" else self.level)
            return
        if written is None:
            return
        before = written.date < service.date
        if written.date == service.date and written.time and service.time:
            before = written.time < service.time
        if before:
            when = _fmt(written.date) + (f" {written.time:%H:%M}" if written.time else "")
            yield self.finding(doc, *_at(service), f"date of service {_fmt(service.date)} is after the note was "
                                                   f"written ({when})")


@register
class MMIBeforeInjury(Rule):
    code = "NA804"
    name = "mmi-before-injury"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "The MMI date (reached or anticipated) is before the date of injury."
    explanation = (
        "Maximum medical improvement is reached after an injury, never before it (domain guide section 5.2: "
        "the MMI date is not before the DOI; section 5.1 defines MMI). An MMI date before the DOI is a typo or "
        "a date from another claim, and MMI dates drive benefits and impairment ratings. The rule reads the "
        "visit facts (MMI date or anticipated date) and a date that follows \"MMI\" or \"maximum medical "
        "improvement\" in the same sentence (\"placed at MMI on\", \"anticipates MMI by\"), and compares it with "
        "the note's date of injury."
    )
    bad = "DOI: 09/14/2026. Dr. Lee placed her at MMI as of 08/01/2026."
    good = "DOI: 09/14/2026. Dr. Lee anticipates MMI by 02/15/2027."
    source = "domain.md section 5.2 (MMI date is not before DOI)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        injury = ctx.meta_info.date_of_injury
        if injury is None:
            return
        text = ctx.body
        dates = _explicit_dates(doc)
        seen: set[date] = set()
        spans: set[tuple[int, int]] = set()
        for m in _MMI.finditer(text):
            found = _dates_after(dates, ctx.sentences, m.end())
            # "MMI / impairment: ... at MMI as of 05/28/2026": two mentions, one date, one finding.
            if found and found[2] < injury.date and found[:2] not in spans:
                spans.add(found[:2])
                seen.add(found[2])
                yield self.finding(doc, found[0], found[1], f"MMI date {_fmt(found[2])} is before the date of "
                                                            f"injury {_fmt(injury.date)}")
        mmi = getattr(ctx.facts, "mmi", None)
        if mmi is not None:
            for value in (mmi.date, mmi.anticipated_date):
                if value and value < injury.date and value not in seen:
                    seen.add(value)
                    yield self.finding(doc, 0, 0, f"MMI date {_fmt(value)} is before the date of injury "
                                                  f"{_fmt(injury.date)}")


@register
class WorkStatusEndsBeforeStart(Rule):
    code = "NA805"
    name = "work-status-ends-before-start"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A work status (modified duty, off work) expires before it starts."
    explanation = (
        "A work status runs from an effective date to an expiration or re-evaluation date, and the end must "
        "not be before the start (domain guide section 5.2; section 5.1 on the DWC-073 dates). A reversed "
        "range leaves the employer and adjuster without a valid status and usually hides a wrong month. The "
        "rule reads date ranges (\"from 11/20/2026 through 12/18/2026\", \"11/20/2026 - 12/18/2026\") in a "
        "sentence about duty, work status, restrictions or being off work, and the visit facts' work status "
        "`effective` and `expires`."
    )
    bad = "Modified duty from 11/20/2026 through 11/06/2026 with no lifting over 10 lb."
    good = "Modified duty from 11/20/2026 through 12/18/2026 with no lifting over 10 lb."
    source = "domain.md section 5.2 (work-status expiration date >= effective date)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        for (s1, e1, d1), (s2, e2, d2), of_work in _reversed_ranges(doc):
            if of_work:
                yield self.finding(doc, s2, e2, f"work status ends {_fmt(d2)}, before it starts ({_fmt(d1)})")
        status = getattr(ctx.facts, "work_status", None)
        if status is not None and status.effective and status.expires and status.expires < status.effective:
            yield self.finding(doc, 0, 0, f"work status ends {_fmt(status.expires)}, before it starts "
                                          f"({_fmt(status.effective)})")


@register
class PeriodEndsBeforeStart(Rule):
    code = "NA806"
    name = "period-ends-before-start"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A date range (a report period, an authorization, a treatment course) ends before it starts."
    explanation = (
        "A period runs forward: a report period, an authorized course of therapy or a restriction from one date "
        "to a later one (domain guide section 5.2 orders a claim's dates). \"Report period: 10/12/2026 to "
        "09/13/2026\" tells the adjuster nothing reliable and usually hides a wrong month. The rule reads explicit "
        "ranges (\"10/12/2026 to 11/12/2026\", \"from 10/12/2026 through 11/12/2026\", \"10/12/2026 - 11/12/2026\"); "
        "a reversed work-status range is NA805's."
    )
    bad = "Report period: 10/12/2026 to 09/13/2026."
    good = "Report period: 09/13/2026 to 10/12/2026."
    source = "domain.md section 5.2 (dates in order)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        text = doc._.note.body
        for (s1, _, d1), (_, e2, d2), of_work in _reversed_ranges(doc):
            if not of_work:  # NA805 reports a reversed work status
                yield self.finding(doc, s1, e2, f"the period {text[s1:e2]!r} ends {_fmt(d2)}, before it starts "
                                                 f"({_fmt(d1)}); check the dates")


# A date that cannot exist: "09/31/2026", "2026-02-30", "13/05/2026" read month first.
_DATE_SHAPE = re.compile(r"(?<![\w/.-])(?:(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2}))(?![\w/-])")


@register
class ImpossibleDate(Rule):
    code = "NA807"
    name = "impossible-date"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A date that does not exist on the calendar (\"09/31/2026\", \"2026-02-30\")."
    explanation = (
        "A date with a day its month does not have, or a month over 12, cannot be right: the other date checks "
        "cannot read it, and an adjuster or auditor who meets it doubts the rest of the record (domain guide "
        "section 5.2). A numeric date is reported only when it is impossible read month first and day first "
        "alike (\"09/31/2026\", \"31/09/2026\"), since a note may mix writers."
    )
    bad = "Date of injury: 09/31/2026."
    good = "Date of injury: 09/30/2026."
    source = "domain.md section 5.2 (dates in order, and real)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        from datetime import date as _date

        def real(year: int, month: int, day: int) -> bool:
            try:
                _date(year, month, day)
            except ValueError:
                return False
            return True

        ctx = doc._.note
        for m in _DATE_SHAPE.finditer(ctx.body):
            if m.group("y"):
                first, second, year = int(m.group("m")), int(m.group("d")), int(m.group("y"))
                # Impossible read either way: a note may mix month-first and day-first writers.
                readings = [(year, first, second), (year, second, first)]
            else:
                year = int(m.group("y2"))
                readings = [(year, int(m.group("m2")), int(m.group("d2")))]
            if not 1990 <= year <= 2100 or any(not 1 <= part <= 31 for part in readings[0][1:]):
                continue  # not a date at all (a ratio, a code)
            if not any(real(*reading) for reading in readings):
                yield self.finding(doc, m.start(), m.end(),
                                   f"{m.group(0)} is not a real date; check the day and the month")

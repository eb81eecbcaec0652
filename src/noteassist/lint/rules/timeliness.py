"""Timeliness (NA81x, timeliness). Source: ../shared/domain.md sections 2.1 and 2.2.

NA811 compares when a note was written (`date_written` from metadata, or the
latest stamp of the note's own signature or entry, see notemeta.py) with the
service it documents. Deadlines differ by contract, so both thresholds are options; the
defaults are the guide's: a warning after 24 hours, an error after 72 hours. A note
labelled as a late entry or an addendum is exactly what the guide asks for and is
quiet; the word labels the note where a label stands (a line's start, "Late entry
for 11/03", "Addendum (11/05/2026)", "Addendum to note of ...", "This is a late
entry"), not in narrative ("to sign the lease addendum"). A service without a time of day counts from the end of that day and a
written date without a time from the start of its day, so the rule errs towards
silence. Without both dates there is nothing to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time
from typing import TYPE_CHECKING

from ...errors import NoteassistError
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding


# A label labels the note: at the start of a line ("LATE ENTRY", "**Addendum (11/05/2026)**", "[...] Late entry:"),
# as the note's self-description ("This is a late entry"), or followed by what a label is followed by: a colon,
# a dash, a bracket, a date, "for 11/03", "of the visit", "to note of ...". In narrative ("sign the lease
# addendum.") the word labels nothing.
_LABEL_LEAD = r"^[ \t>*_#\u2022-]*(?:\[[^\]\n]{4,40}\][ \t]*)?"
_SELF_DESCRIBED = r"(?<!\w)(?:is|as|this)[ \t]+(?:an?[ \t]+)?"
_LABEL_TAIL = (r"[*_]*[ \t]*(?::|\u2014|\u2013|-|\(|\[|\d|$"
               r"|(?:for|of|re|regarding|dated|written|entered)\b"
               r"|to\b[^\n.;]{0,40}?\b(?:note|visit|entry|record|report|contact|session|call|documentation|\d))")


@register
class LateEntry(Rule):
    code = "NA811"
    name = "late-entry"
    category = "timeliness"
    severity = "warning"
    reads = frozenset()
    scope = "note"
    defaults = {"warn_hours": 24, "error_hours": 72, "labels": ["Late entry", "Addendum"]}
    summary = "Written long after the service without a \"Late entry\" label."
    explanation = (
        "Notes are expected within a reasonable time of the service, commonly 24 to 48 hours, and later "
        "entries get more audit scrutiny (domain guide section 2.1). A delayed note must be clearly identified "
        "as a late entry, dated when written, and refer to the date it documents (section 2.2, CMS PIM 3.3.2.5 "
        "and AHIMA); Medicare contractors disregard entries that are not. The rule warns when the note was "
        "written more than `warn_hours` (24) after the service and reports an error after `error_hours` (72), "
        "unless the note carries one of `labels` (\"Late entry\", \"Addendum\"). A service with no time counts "
        "from the end of its day; a written date with no time from the start of its day."
    )
    bad = "Date of service: 11/17/2026\nDate written: 11/20/2026 4:10 PM\nMet with the worker at the clinic..."
    good = ("LATE ENTRY for 11/17/2026, written 11/20/2026 4:10 PM by J. Patel, RN.\n"
            "Date of service: 11/17/2026\nMet with the worker at the clinic...")
    source = "domain.md sections 2.1 (timeliness thresholds) and 2.2 (late entries are labelled)"

    def __init__(self, config):
        super().__init__(config)
        try:
            self.warn_hours = float(self.options["warn_hours"])
            self.error_hours = float(self.options["error_hours"])
        except (TypeError, ValueError):
            raise NoteassistError(f"options for {self.code}: warn_hours and error_hours must be numbers") from None
        labels = self.options["labels"]
        if isinstance(labels, str) or not all(isinstance(x, str) and x.strip() for x in labels):
            raise NoteassistError(f"options for {self.code}: labels: expected a list of words")
        self.labels = [x.strip() for x in labels]
        words = "|".join(r"[\s-]+".join(re.escape(w) for w in label.split()) for label in self.labels)
        self.label_re = re.compile(
            rf"(?im)(?:{_LABEL_LEAD}|{_SELF_DESCRIBED})(?:{words})(?!\w)|(?<!\w)(?:{words})(?!\w)(?={_LABEL_TAIL})"
        ) if words else None

    def check(self, doc: Doc) -> Iterable[Finding]:
        info = doc._.note.meta_info
        service, written = info.date_of_service, info.date_written
        if service is None or written is None:
            return
        if self.label_re is not None and self.label_re.search(doc._.note.text):
            return
        served = datetime.combine(service.date, service.until or service.time or time(23, 59, 59))
        wrote = datetime.combine(written.date, written.time or time(0, 0))
        hours = (wrote - served).total_seconds() / 3600
        if hours <= self.warn_hours:
            return
        severity = "error" if hours > self.error_hours else "warning"
        if self.level != self.severity:  # re-levelled in config: one level for both thresholds
            severity = self.level
        days = int(hours // 24)
        span = written.span if written.in_text else (0, 0)
        label = self.labels[0] if self.labels else "Late entry"
        yield self.finding(
            doc, *span,
            f"written {days} day{'s' if days != 1 else ''} ({round(hours)} h) after the {service.label()} service "
            f"without a '{label}' label",
            [f"{label.upper()} for {service.label()}"],
            severity=severity,
        )

"""The report's plan for the next period: one line per open task, with its current due date.

Contacts repeat a task ("follow the utilization review of the surgery request", then "ask the adjuster
for the utilization review decision on the surgery") and later mark it done. Read oldest first:

- **The same task** is the same owner and the same words once case, punctuation and articles are set
  aside; or the same owner, the same due date and mostly the same content words (at least three shared,
  and at least half of all). The latest contact's wording and due date stand; a due date that moved is
  kept as `earlier_due` so the report can say so.
- **Done**: a task marked `done: true` by its own contact or a later one is not open; a task repeated
  later as not done is open again.
- **Open** means not done and due after the period end, or with no due date and set in the period.
- **Not this report**: a task to send, submit, mail, fax or write this report (for instance "send the
  November progress report to the adjuster") is left out of the report it would refer to: a
  progress/update/monthly/status/case management report, or a report named by a month of the period, or
  just "the report", due before the next report is (any, for a closure report). A task about another
  report ("fax the FCE report", "send the December report") stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .claim import Contact
from .model import TaskEntry

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_ARTICLES = {"a", "an", "the"}
_FILLER = _ARTICLES | {"to", "of", "for", "on", "with", "and", "or", "in", "at", "by", "from", "about", "that",
                       "this", "her", "his", "their", "its", "ms", "mr", "mrs", "dr", "is", "be", "if"}
_SELF_REPORT = re.compile(
    r"(?i)\b(?:send|submit|mail|fax|e-?mail|deliver|forward|write|prepare|complete|finish|draft)\b[^.;]*?"
    r"\b(?:the|this|my|our)\s+(?P<kind>(?:(?:" + "|".join(_MONTHS) + r"|\d{4}|monthly|progress|update|status"
    r"|case[- ]management|closure|adjuster(?:'s)?)[\s,]+)*)report\b"
)
_REPORT_KINDS = re.compile(r"(?i)\b(?:monthly|progress|update|status|case[- ]management|closure)\b")


@dataclass
class _Task:
    words: str  # normalised text
    content: frozenset[str]
    owner: str
    due: date | None
    entry: TaskEntry | None  # None: done, or no longer open
    moved_from: date | None = None  # the first due date, once a later contact moves it


def open_tasks(history: list[Contact], start: date, end: date, next_report_due: date | None) -> list[TaskEntry]:
    """The plan: open tasks of `history` (contacts with facts up to `end`, oldest first), merged, by due date."""
    tasks: list[_Task] = []
    for c in history:
        for t in c.facts.follow_up:
            words = _normalise(t.task)
            content = frozenset(w for w in words.split() if w not in _FILLER)
            owner = t.owner.casefold().strip()
            slot = next((s for s in reversed(tasks) if _same(s, words, content, owner, t.due)), None)
            if slot is None:
                slot = _Task(words, content, owner, t.due, None)
                tasks.append(slot)
            moved = slot.moved_from or (slot.due if slot.due and t.due and slot.due != t.due else None)
            slot.words, slot.content, slot.due, slot.moved_from = words, content, t.due, moved
            if t.done:
                slot.entry = None
            elif (t.due and t.due > end) or (t.due is None and start <= c.date <= end):
                slot.entry = TaskEntry(t.task, t.owner, t.due, c.date, c.name, earlier_due=moved if moved != t.due else None)
            else:
                slot.entry = None
    found = [s.entry for s in tasks if s.entry and not is_this_report(s.entry, start, end, next_report_due)]
    return sorted(found, key=lambda t: (t.due or date.max, t.set_on))


def is_this_report(task: TaskEntry, start: date, end: date, next_report_due: date | None) -> bool:
    """A task whose subject is the report for `start`..`end` itself (see the module docstring)."""
    m = _SELF_REPORT.search(task.task)
    if not m:
        return False
    kind = m.group("kind").casefold()
    named = {i + 1 for i, name in enumerate(_MONTHS) if re.search(rf"\b{name}\b", kind)}
    if named:
        return bool(named & _months(start, end))
    if kind.strip() and not _REPORT_KINDS.search(kind) and not re.search(r"\badjuster", kind):
        return False
    return next_report_due is None or task.due is None or task.due < next_report_due


def _months(start: date, end: date) -> set[int]:
    months, year, month = set(), start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 12:
        months.add(month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _same(slot: _Task, words: str, content: frozenset[str], owner: str, due: date | None) -> bool:
    if slot.owner != owner:
        return False
    if slot.words == words:
        return True
    shared = len(slot.content & content)
    union = len(slot.content | content)
    return due is not None and slot.due == due and shared >= 3 and 2 * shared >= union


def _normalise(text: str) -> str:
    words = re.sub(r"[^\w\s/-]", " ", text.casefold()).split()
    return " ".join(w for w in words if w not in _ARTICLES)

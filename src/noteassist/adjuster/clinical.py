"""The report's clinical status: per contact of the period, in date order, what an adjuster reads first.

For each physician visit of the period, and each other contact with clinical facts: what the worker reported (`subjective`, the
worker's own account), the findings (`objective`, each item as written: it names its own source),
the clinical points of the `discussion` when the worker took part (each names its speaker), procedures done, therapy visits
used against authorized (`referrals`, when the count differs from the last one stated), then diagnosis
changes. Nothing is attributed to anyone the
facts do not name: the entry's heading names the contact and its party, and each line keeps its
own source.

A procedure counts as done in the period when

- a contact of the period records it in its `treatment_plan` or `discussion` in words that say it
  happened ("she had the rotator cuff repair on November 12", "status post arthroscopic repair"),
  not that it is planned ("recommends", "requested", "pending", "scheduled", "if ..."); or
- an `appointments` entry whose purpose is a procedure is dated in the period and on or before the
  contact that records it (the contact reports it as past); or
- such an entry is dated in the period and only earlier contacts record it: the report lists it as
  scheduled for that date, naming the contact that set it, and does not claim it took place (unless a
  contact on or after that date reports a procedure of the same kind, which is then the entry).

The words that mark a procedure and "it happened" are small closed lists (below); a procedure said
some other way is still in the contact's discussion or treatment plan, just not under Procedures.
"""

from __future__ import annotations

import re
from datetime import date

from ..facts.models import Appointment, Referral, VisitFacts
from .claim import Contact
from .model import NOTE_TYPE_WORDS, ClinicalEntry, TherapyCount

#: Words that name a procedure (an operation, injection or scope), not a visit or a test.
PROCEDURE = re.compile(
    r"(?i)\b(?:surgery|surgical|operation|procedure|repair|arthroscop\w*|\w+ectomy|\w+otomy|\w+plasty|\w+scopy"
    r"|fusion|decompression|debridement|injections?|injected|nerve block|ablation|(?:tunnel|trigger finger) release)\b"
)
#: Words that say a procedure happened.
DONE = re.compile(
    r"(?i)\b(?:underwent|had (?:a|an|the|her|his|their|surgery)|(?:was|were) (?:performed|done|completed)"
    r"|performed|completed|status post|s/p|since (?:the|her|his|their) (?:surgery|repair|procedure|operation)"
    r"|after (?:the|her|his|their) (?:surgery|repair|procedure|operation))\b"
)
#: Words that say it has not happened yet (a plan, a request, a condition).
NOT_YET = re.compile(
    r"(?i)\b(?:recommends?|recommended|requests?|requested|pending|schedul\w+|will|would|plans?|planned|if"
    r"|await\w*|authoriz\w+|candidate|consider\w*|tentative\w*|until|before (?:the )?(?:surgery|procedure))\b"
)
#: Discussion points about symptoms or recovery (the worker's account as a party reported it).
CLINICAL = re.compile(
    r"(?i)\bpain\b|\d+(?:\.\d+)?\s*/\s*10\b|\bsymptoms?\b|\bswell\w*|\bnumb(?:ness|ed)?\b|\btingl\w*|\bstiff\w*|\bweakness\b"
    r"|\bsleep\w*|\brange of motion\b|\bstrength\b|\bsling\b|\bincision\b|\bwound\b|\bfever\b|\bmedications?\b"
    r"|\bhome exercises?\b"
)


#: Words that make a procedure word part of a visit about it ("surgical consultation", "surgery follow-up").
VISIT = re.compile(r"(?i)\b(?:consult\w*|visit|evaluation|follow-?up|re-?check|clearance|opinion|review)\b")


def is_procedure(text: str | None) -> bool:
    return bool(text and PROCEDURE.search(text) and not VISIT.search(text))


#: Where one clause of a statement ends and the next begins: "she had the repair on November 12 and will
#: start therapy" is a procedure done, then a plan.
_CLAUSE = re.compile(r"[;,:]|\s(?:and|but|then|while)\s", re.IGNORECASE)


def says_done(text: str) -> bool:
    """A statement that a procedure happened: one clause with a procedure word and a 'done' word, and no 'not
    yet' word in that clause."""
    return any(is_procedure(clause) and DONE.search(clause) and not NOT_YET.search(clause)
               for clause in _CLAUSE.split(text))


def clinical_status(history: list[Contact], start: date, end: date, worker: str) -> list[ClinicalEntry]:
    """One entry per contact of `start`..`end` (inclusive) that has clinical facts, and one per procedure dated
    in the period that only an earlier appointment records; by date. `history` is every contact with facts
    up to `end`, by date (diagnosis changes are judged against all of it)."""
    entries: list[ClinicalEntry] = []
    seen_dx: dict[str, str] = {}
    reported_procedures: set[tuple[date, str]] = set()
    scheduled: dict[tuple[date, str], ClinicalEntry] = {}
    counts: dict[str, tuple[int | None, int | None]] = {}  # service -> last (used, authorized) stated
    for c in history:
        f = c.facts
        changes = _diagnosis_changes(f, seen_dx)
        if not start <= c.date <= end:
            for r in f.referrals:
                _new_count(r, counts)
            for a in f.appointments:
                if a.date and start <= a.date <= end and a.date > c.date and is_procedure(a.purpose):
                    scheduled[_key(a)] = _scheduled(a, c)
            continue
        entry = ClinicalEntry(date=c.date, heading=_heading(c), source=c.name)
        if f.subjective:
            entry.reported, entry.reported_by = f.subjective, worker
        entry.findings = list(f.objective)
        with_worker = _with_worker(f, worker)
        for item in f.discussion:
            if says_done(item):
                entry.procedures.append(item)
            elif with_worker and CLINICAL.search(item):
                entry.discussed.append(item)
        entry.procedures += [item for item in f.treatment_plan if says_done(item)]
        for a in f.appointments:
            if a.date and a.date <= c.date and start <= a.date <= end and is_procedure(a.purpose):
                entry.procedures.append(_appointment_text(a))
                reported_procedures.add(_key(a))
            elif a.date and start <= a.date <= end and a.date > c.date and is_procedure(a.purpose):
                scheduled[_key(a)] = _scheduled(a, c)
        entry.therapy = [TherapyCount(r.service, r.visits_used, r.visits_authorized, r.reference, c.date)
                         for r in f.referrals if _new_count(r, counts)]
        entry.diagnosis_changes = changes
        if c.note_type == "physician-visit" or any((entry.reported, entry.findings, entry.discussed, entry.procedures,
                                                     entry.therapy, changes)):
            entries.append(entry)
    reported = [(e.date, _procedure_words(p)) for e in entries for p in e.procedures]
    entries += [e for key, e in scheduled.items() if key not in reported_procedures
                and not any(day >= e.date and words & _procedure_words(e.heading) for day, words in reported)]
    return sorted(entries, key=lambda e: (e.date, e.scheduled_by is None))


def _new_count(r: Referral, counts: dict[str, tuple[int | None, int | None]]) -> bool:
    """Whether this referral states therapy visits that differ from the last count stated for its service
    (and remember it): a call that repeats "3 of 8" is no therapy progress."""
    if r.visits_used is None and r.visits_authorized is None:
        return False
    key = r.service.casefold()
    count = (r.visits_used, r.visits_authorized)
    new = counts.get(key) != count
    counts[key] = count
    return new


def _procedure_words(text: str) -> set[str]:
    return {w.casefold() for w in PROCEDURE.findall(text)}


def _key(a: Appointment) -> tuple[date, str]:
    return (a.date, (a.purpose or "").casefold().strip(" ."))


def _appointment_text(a: Appointment) -> str:
    text = (a.purpose or "procedure").strip().rstrip(".")
    return f"{text} on {_d(a.date)}" + (f", {a.provider}" if a.provider else "")


def _scheduled(a: Appointment, c: Contact) -> ClinicalEntry:
    heading = (a.purpose or "procedure").strip().rstrip(".") + (f", {a.provider}" if a.provider else "")
    return ClinicalEntry(date=a.date, heading=heading, source=c.name, scheduled_by=_heading(c), scheduled_on=c.date)


def _with_worker(f: VisitFacts, worker: str) -> bool:
    """The worker took part: a call with the worker, or an in-person contact (a visit, an assessment) that
    does not list other participants only. Only then is a symptom in the discussion the worker's account."""
    def is_worker(name: str, role: str | None) -> bool:
        return name.casefold() == worker.casefold() or bool(role and re.search(r"(?i)worker|claimant|patient", role))
    if f.call is not None:
        return is_worker(f.call.party.name, f.call.party.role)
    if f.participants:
        return any(is_worker(p.name, p.role) for p in f.participants)
    return f.encounter.modality.value in ("in-person", "video")


def _heading(c: Contact) -> str:
    kind = NOTE_TYPE_WORDS.get(c.note_type, "contact")
    if c.party:
        return f"{kind} with {c.party}"
    where = c.facts.encounter.location if c.facts else None
    return f"{kind} at {where}" if where else kind


def _diagnosis_changes(f: VisitFacts, seen: dict[str, str]) -> list[str]:
    """Diagnoses this contact adds or rewords, against every earlier contact (`seen`: key -> wording)."""
    changes: list[str] = []
    had_any = bool(seen)
    for d in f.diagnoses:
        key = (d.icd10 or d.description).casefold()
        text = d.description + (f" ({d.icd10})" if d.icd10 else "") + (f", per {d.per}" if d.per else "")
        if key not in seen:
            changes.append(("New diagnosis: " if had_any else "Diagnosis: ") + text)
        elif seen[key].casefold() != d.description.casefold():
            changes.append(f"Diagnosis now recorded as {text} (was {seen[key]})")
        seen[key] = d.description
    return changes


def _d(day: date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else "an unknown date"

"""Claim consistency between notes (NA703, claim-number; NA808, date-logic). Source: ../shared/domain.md
sections 1.0 (the worker's name with a second identifier, DOB or claim number), 5.2 (one claim number, one
set of claim dates) and 1.7 (accurate records).

One claim has one injured worker, one date of birth and one date of injury. Two notes of the same claim
that state different ones are a contradiction in a legal record: one of them is wrong, and whichever it
is, the adjuster cannot tell from the file. The rules compare what each note states (notemeta.py: the
metadata, the visit facts, or the "Claimant:", "DOB:", "DOI:" labels) with the FIRST earlier note on the
same claim that states it: a note the caller gave as earlier (`--previous`), then the notes before this
one in the same run (`NoteContext.index`, the copy-forward fingerprints, which carry these values and
never the text). Only the later note of a contradicting pair is reported, naming the first note, so a
contradiction is one finding. Notes with no claim number are never compared, nor are notes of different
claims; nor are notes keyed only by an agency's case number, which may cover a whole family.

Dates are compared as dates, so 9/14/2026, September 14, 2026 and 2026-09-14 agree. Names are compared
as people are named in notes: accents, case, titles (Ms., Mr., Dr.), middle initials and punctuation do
not count, and a name that leaves words out ("Ms. Diaz", "Maria Diaz" for "Maria Elena Diaz") is the same
person; a given name may be the short form of the other ("Rob", "Robert"). A name with a word the other
lacks on both sides ("Maria Diaz" and "Mario Diaz", "Maria Diaz" and "Maria Ortiz") is a different name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from ..notemeta import NAME_TITLES
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..fingerprints import Fingerprint
    from ..model import Finding, NoteContext

#: Words after a name that are not part of it when names are compared.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Shortest given name read as the short form of a longer one ("Rob" for "Robert", not "R" or "Al").
_SHORT_FORM = 3


def _fmt(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


def earlier_stating(ctx: NoteContext, attr: str) -> Iterator[Fingerprint]:
    """The earlier notes on this note's claim that state `attr`, first first: the notes the caller gave as
    earlier, then the notes before this one in the run. Never this note itself, never another claim."""
    mine = ctx.fingerprint
    if mine is None or mine.claim is None:
        return
    for other in ctx.previous:
        if other.claim == mine.claim and getattr(other, attr) is not None:
            yield other
    if ctx.index is None:
        return
    for other in ctx.index.on_claim(mine.claim):
        if not other.given and other.position >= mine.position:
            continue  # this note, or one after it: the later note of a pair is the one reported
        if other.claim == mine.claim and getattr(other, attr) is not None:
            yield other


def _same_claim(ctx: NoteContext) -> str:
    return f"same claim {ctx.meta_info.claim_number}"


def name_words(name: str) -> list[str]:
    """A name as compared: accents and case folded, punctuation dropped, titles, suffixes and initials left out."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()
    words = "".join(ch if ch.isalnum() else " " if ch in " \t,.-\u2010\u2011" else "" for ch in folded).split()
    return [w for w in words if len(w) > 1 and w not in NAME_TITLES and w not in _SUFFIXES]


def same_person(a: str, b: str) -> bool:
    """Whether two ways of writing a claimant's name can name the same person (see the module docstring)."""
    x, y = name_words(a), name_words(b)
    if not x or not y:
        return True  # nothing left to compare ("Ms. D."): not a clearly different name
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    rest = list(long_)
    for word in short:
        match = next((w for w in rest if w == word), None)
        if match is None and len(word) >= _SHORT_FORM:
            match = next((w for w in rest if w.startswith(word) or (len(w) >= _SHORT_FORM and word.startswith(w))),
                         None)
        if match is None:
            return False
        rest.remove(match)
    return True


@register
class ConflictingClaimDates(Rule):
    code = "NA808"
    name = "conflicting-claim-dates"
    category = "date-logic"
    severity = "error"
    reads = frozenset()
    scope = "batch"
    summary = "The date of injury or of birth differs from an earlier note on the same claim."
    explanation = (
        "A claim has one date of injury and one claimant with one date of birth (domain guide section 5.2: the "
        "claim's dates are checked against each other; section 1.0: the DOB is the worker's second identifier; "
        "section 1.7: records must be accurate). Two notes of the "
        "same claim with different ones are a contradiction in a legal record: the adjuster, the carrier and a "
        "hearing officer read both, and a wrong DOI or DOB sends a bill, a report or a benefit to the wrong "
        "claim. The rule compares the dates each note states (front matter, export columns, visit facts, or a "
        "\"DOI:\"/\"Date of injury:\" and \"DOB:\"/\"Date of birth:\" label) with the first earlier note on the "
        "same claim in the run, or given with `--previous`, and reports the later note with the first note's "
        "value and path. Dates are compared as dates: 9/14/2026, September 14, 2026 and 2026-09-14 agree. Notes "
        "of different claims, and notes with no claim number, are not compared."
    )
    bad = ("Two notes on claim WC-2231-0457: the 10/01/2026 assessment says \"DOI: 09/14/2026\", the 11/17/2026 "
           "call says \"DOI: 08/10/2026\".")
    good = "Every note on claim WC-2231-0457 gives the date of injury as 09/14/2026 (in whatever date format)."
    source = "domain.md sections 5.2 (a claim's dates), 1.0 (DOB as the second identifier) and 1.7 (accurate records)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        mine = ctx.fingerprint
        if mine is None or mine.claim is None:
            return
        info = ctx.meta_info
        for attr, label, stated in (("date_of_injury", "date of injury", info.date_of_injury),
                                    ("date_of_birth", "date of birth", info.date_of_birth)):
            value = getattr(mine, attr)
            if value is None:
                continue
            first = next(earlier_stating(ctx, attr), None)
            if first is None or getattr(first, attr) == value:
                continue
            start, end = stated.span if stated is not None else (0, 0)
            yield self.finding(doc, start, end,
                               f"{label} {_fmt(value)} differs from {_fmt(getattr(first, attr))} in {first.path} "
                               f"({_same_claim(ctx)})",
                               [f"check the {label} against the claim file and correct the note that is wrong"],
                               field=attr, value=value.isoformat(), expected=getattr(first, attr).isoformat(),
                               differs_from=first.path)


@register
class ConflictingClaimantName(Rule):
    code = "NA703"
    name = "conflicting-claimant-name"
    category = "claim-number"
    severity = "warning"
    reads = frozenset()
    scope = "batch"
    summary = "The claimant's name differs from an earlier note on the same claim."
    explanation = (
        "A claim number belongs to one injured worker (domain guide section 1.0: every note names the worker "
        "with a second identifier, the DOB or the claim number; section 5.2: one claim number throughout). A "
        "note on the claim that names another worker is either filed on the wrong "
        "claim or names the wrong person, and either way the record is wrong (section 1.7). The rule compares "
        "the claimant's name each note states (front matter, visit facts, or a \"Claimant:\"/\"Worker:\"/"
        "\"IW:\" label) with the first earlier note on the same claim in the run, or given with `--previous`. "
        "Spelling variants of one name are the same person: accents, case, titles, middle initials and a "
        "name with words left out (\"María Díaz\", \"Ms. Diaz\", \"Maria E. Diaz\" for \"Maria Diaz\") are not "
        "reported; a name with a word the other lacks on both sides (\"Mario Diaz\") is. A warning, not an "
        "error: a legal name change or a second surname can explain it."
    )
    bad = "Two notes on claim WC-2231-0457: one for \"Claimant: Maria Diaz\", the next for \"Claimant: Mario Diaz\"."
    good = "Notes on claim WC-2231-0457 for \"Maria Diaz\", \"María Díaz\" and \"Ms. Diaz\": one person."
    source = "domain.md sections 1.0 (the worker's name and a second identifier), 5.2 and 1.7 (accurate records)"

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        mine = ctx.fingerprint
        if mine is None or mine.claim is None or mine.claimant is None:
            return
        first = next(earlier_stating(ctx, "claimant"), None)
        if first is None or same_person(mine.claimant, first.claimant):
            return
        start, end = ctx.meta_info.claimant_span
        yield self.finding(doc, start, end,
                           f"claimant name {mine.claimant} differs from {first.claimant} in {first.path} "
                           f"({_same_claim(ctx)})",
                           ["check the claim number and the worker's name against the claim file"],
                           field="claimant", value=mine.claimant, expected=first.claimant, differs_from=first.path)

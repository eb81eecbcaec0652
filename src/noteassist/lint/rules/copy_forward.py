"""Copy-forward (NA82x, copy-forward). Sources: ../shared/domain.md sections 2.2 and 1.7.

NA821 compares a note with the EARLIER notes on the same claim, by their fingerprints
(fingerprints.py: 5-word shingles with dates and numbers normalised, hashed with blake2b; no note
text is kept): the notes the engine has seen so far in the same stream (`NoteContext.index`,
which a caller may fill with notes from elsewhere) and the notes the caller gives as
`NoteInput.previous`. "Earlier" means an earlier date of service, or an earlier place in the
stream when the dates are equal or unknown; previous notes count as earlier unless their service
date is later. Similarity is the Jaccard index of the shingle sets. The same template filled with
different visit content shares its headings and stock phrases but few 5-word runs, and stays well
below the threshold. The same note given twice (identical text, same or unknown service date) is a
duplicate, not a clone, and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...errors import NoteassistError
from ..fingerprints import Fingerprint, similarity
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding


def _fmt(value) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


@register
class ClonedNote(Rule):
    code = "NA821"
    name = "cloned-note"
    category = "copy-forward"
    severity = "warning"
    reads = frozenset()
    scope = "batch"
    defaults = {"threshold": 0.8, "min_words": 40}
    summary = "The note is nearly identical to an earlier note on the same claim."
    explanation = (
        "Each note must document the encounter it is dated for: records must be accurate and reflect the "
        "services provided (domain guide section 1.7, NASW Code 3.04). A note copied forward from the previous "
        "visit with only the dates changed repeats last visit's pain scores, exam and plan as if they were new; "
        "new information about an earlier note belongs in a labelled addendum (section 2.2). The rule compares "
        "the note with earlier notes on the same claim in the same batch, and with previous notes given by the "
        "caller, using 5-word shingles with dates and numbers normalised; at or above `threshold` (0.8 Jaccard "
        "similarity: a clone with one sentence rewritten scores about 0.84, the same template filled in for a "
        "new visit about 0.6) it reports the closest one. Notes under `min_words` (40) words are skipped; short "
        "telephone notes are often alike for good reason."
    )
    bad = ("11/20/2026 note for WC-2231-0457: the 11/13/2026 note with only the dates changed (same pain scores, "
           "same exam, same plan).")
    good = "11/20/2026 note for WC-2231-0457: this visit's own account, exam findings, plan and next steps."
    source = "domain.md sections 1.7 (records reflect the services provided) and 2.2 (addenda, not rewrites)"

    def __init__(self, config):
        super().__init__(config)
        try:
            self.threshold = float(self.options["threshold"])
            self.min_words = int(self.options["min_words"])
        except (TypeError, ValueError):
            raise NoteassistError(f"options for {self.code}: threshold must be a number and min_words a whole "
                                  "number") from None
        if not 0 < self.threshold <= 1:
            raise NoteassistError(f"options for {self.code}: threshold: expected a number above 0 and at most 1")

    def check(self, doc: Doc) -> Iterable[Finding]:
        ctx = doc._.note
        mine = ctx.fingerprint
        if mine is None or mine.words < self.min_words or not mine.shingles:
            return
        my_date = mine.date_of_service
        candidates: list[Fingerprint] = []
        if mine.claim is not None and ctx.index is not None:
            for other in ctx.index.on_claim(mine.claim):
                if other.position == mine.position and other.path == mine.path:
                    continue
                if other.given:  # an earlier note a caller's index supplies
                    if self._earlier_given(mine, other):
                        candidates.append(other)
                    continue
                other_date = other.date_of_service
                if my_date and other_date and other_date != my_date:
                    if other_date > my_date:
                        continue
                elif other.position > mine.position:
                    continue
                elif other.digest == mine.digest:
                    continue  # the same note given twice, not a clone
                candidates.append(other)
        candidates += [other for other in ctx.previous if self._earlier_given(mine, other)]

        best, best_score = None, 0.0
        a = mine.shingles
        for other in candidates:
            b = other.shingles
            if not b or min(len(a), len(b)) / max(len(a), len(b)) < self.threshold:
                continue
            score = similarity(a, b)
            if score > best_score:
                best, best_score = other, score
        if best is None or best_score < self.threshold:
            return
        of = f" of {_fmt(best.date_of_service)}" if best.date_of_service else ""
        yield self.finding(doc, 0, 0, f"nearly identical ({round(best_score * 100)} %) to {best.path}{of}",
                           similarity=round(best_score, 2), similar_to=best.path)

    @staticmethod
    def _earlier_given(mine: Fingerprint, other: Fingerprint) -> bool:
        """A note the caller gave as earlier: on the same claim (or either unknown), not dated after this one,
        and not this very note again."""
        if mine.claim and other.claim and other.claim != mine.claim:
            return False
        my_date, other_date = mine.date_of_service, other.date_of_service
        if my_date and other_date and other_date > my_date:
            return False
        return not (other.digest == mine.digest and (not my_date or not other_date or other_date == my_date))

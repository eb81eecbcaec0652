"""Copy-forward (NA82x, copy-forward). Sources: ../shared/domain.md sections 2.2 and 1.7.

NA821 compares a note with the EARLIER notes on the same claim: the other notes of
the same `Linter.lint_many` batch (`NoteContext.batch`) and the notes the caller
gives as `NoteInput.previous` (label, text). "Earlier" means an earlier date of
service, or an earlier place in the batch when the dates are equal or unknown;
previous notes count as earlier unless their service date is later. Notes are
compared as sets of 5-word shingles (lower-cased, with every date and number
replaced by a placeholder, so a clone with only its dates changed still matches),
by Jaccard similarity. The same template filled with different visit content shares
its headings and stock phrases but few 5-word runs, and stays well below the
threshold. The same note given twice (identical text, same or unknown service
date) is a duplicate, not a clone, and is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ...errors import NoteassistError
from ...text.dates import DATE_RE
from ..notemeta import NoteMeta, note_meta
from ..registry import Rule, register
from ...text.frontmatter import split_front_matter

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import NoteContext
    from ..model import Finding

_SHINGLE = 5
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|#")


def fingerprint(body: str) -> tuple[int, frozenset[int]]:
    """(word count, set of hashed 5-word shingles) with dates and numbers normalised."""
    text = _NUMBER.sub(" # ", DATE_RE.sub(" # ", body)).lower()
    words = _WORD.findall(text)
    return len(words), frozenset(hash(tuple(words[i:i + _SHINGLE])) for i in range(len(words) - _SHINGLE + 1))


def _claim_key(info: NoteMeta) -> str | None:
    return re.sub(r"[^0-9A-Za-z]", "", info.claim_number).upper() if info.claim_number else None


def _entry(ctx: NoteContext) -> dict[str, Any]:
    """This note's fingerprint, cached on the context for the other notes of the batch."""
    if "copy_forward" not in ctx.scratch:
        body = ctx.text[ctx.body_offset:]
        words, shingles = fingerprint(body)
        ctx.scratch["copy_forward"] = {"path": ctx.path, "info": ctx.meta_info, "body": body.strip(),
                                       "words": words, "shingles": shingles, "claim": _claim_key(ctx.meta_info)}
    return ctx.scratch["copy_forward"]


def _same_claim(ctx: NoteContext, claim: str) -> list[tuple[int, NoteContext]]:
    """(batch position, context) of the batch's notes on `claim`; the index is built once per batch."""
    holder = ctx.batch[0].scratch
    if "copy_forward_index" not in holder:
        index: dict[str, list[tuple[int, NoteContext]]] = {}
        for position, other in enumerate(ctx.batch):
            key = _claim_key(other.meta_info)
            if key is not None:
                index.setdefault(key, []).append((position, other))
        holder["copy_forward_index"] = index
    return holder["copy_forward_index"].get(claim, [])


def _previous_entries(ctx: NoteContext) -> list[dict[str, Any]]:
    return [_previous_entry(label, text) for label, text in ctx.previous]


@lru_cache(maxsize=256)
def _previous_entry(label: str, text: str) -> dict[str, Any]:
    """A previous note's fingerprint; cached, since a caller usually gives the same previous notes to many notes."""
    meta, offset = split_front_matter(text)
    try:
        info = note_meta(SimpleNamespace(meta=meta, facts=None, path=label, text=text, body_offset=offset))
    except NoteassistError:  # an unreadable date in its front matter: use what the text says
        info = note_meta(SimpleNamespace(meta={}, facts=None, path=label, text=text, body_offset=offset))
    body = text[offset:]
    words, shingles = fingerprint(body)
    return {"path": label, "info": info, "body": body.strip(), "words": words, "shingles": shingles,
            "claim": _claim_key(info)}


@register
class ClonedNote(Rule):
    code = "NA821"
    name = "cloned-note"
    category = "copy-forward"
    severity = "warning"
    needs = frozenset()
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
        if not ctx.previous and (len(ctx.batch) <= 1 or _claim_key(ctx.meta_info) is None):
            return
        mine = _entry(ctx)
        if mine["words"] < self.min_words or not mine["shingles"]:
            return
        claim = mine["claim"]
        my_date = mine["info"].date_of_service.date if mine["info"].date_of_service else None
        candidates = []
        if claim is not None and len(ctx.batch) > 1:
            same = _same_claim(ctx, claim)
            position = next(i for i, c in same if c is ctx)
            for index, other_ctx in same:
                if other_ctx is ctx:
                    continue
                other = _entry(other_ctx)
                other_date = other["info"].date_of_service.date if other["info"].date_of_service else None
                if my_date and other_date and other_date != my_date:
                    if other_date > my_date:
                        continue
                elif index > position:
                    continue
                elif other["body"] == mine["body"]:
                    continue  # the same note given twice, not a clone
                candidates.append(other)
        for other in _previous_entries(ctx):
            other_claim = other["claim"]
            if claim and other_claim and other_claim != claim:
                continue
            other_date = other["info"].date_of_service.date if other["info"].date_of_service else None
            if my_date and other_date and other_date > my_date:
                continue
            if other["body"] == mine["body"] and (not my_date or not other_date or other_date == my_date):
                continue
            candidates.append(other)

        best, best_score = None, 0.0
        a = mine["shingles"]
        for other in candidates:
            b = other["shingles"]
            if not b or min(len(a), len(b)) / max(len(a), len(b)) < self.threshold:
                continue
            common = len(a & b)
            score = common / (len(a) + len(b) - common)
            if score > best_score:
                best, best_score = other, score
        if best is None or best_score < self.threshold:
            return
        when = best["info"].date_of_service
        of = f" of {when.label()}" if when else ""
        yield self.finding(doc, 0, 0, f"nearly identical ({round(best_score * 100)} %) to {best['path']}{of}",
                           similarity=round(best_score, 2), similar_to=best["path"])

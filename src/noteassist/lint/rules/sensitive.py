"""Sensitive content in adjuster-facing documents (NA902, NA903; privacy). Source: ../shared/domain.md 6.1-6.3.

Progress and closure reports go to a claims adjuster, a business reader outside the treating
relationship. Two things stay out of them: psychotherapy-session content (45 CFR 164.501 sets
psychotherapy notes apart; a report gives status and progress only) and sensitive conditions that
have nothing to do with the claim (HIV, reproductive health, genetic information, unrelated
psychiatric history, substance-use treatment, immigration status, family conflict). Both are
review-level warnings: the writer may have a reason, and the rule cannot know every link to the
claim, so a sentence that ties the condition to recovery or the injury ("affecting wound healing",
"needlestick exposure") stays quiet. Internal notes are not checked.

Terms are data in sensitive.yaml, compiled into one regular expression per rule (no loop over
terms per note); `extra_terms` and `remove_terms` adjust them per agency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..lexicon import LEXICON_OPTIONS, extra_terms, removed_terms
from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding

#: A sentence that carries on a retold session: "She also told him ...", "He said that ...".
_CONTINUES = re.compile(
    r"(?:She|He|They|The\s+(?:worker|claimant|client))\s+(?:also\s+)?"
    r"(?:told|said|shared|disclosed|described|talked|admitted|revealed|expressed|cried|spoke|confided)\b")


# A negation just before a linking cue: "did not affect", "does not delay", "no effect on", "unrelated to".
_NEGATED_LINK = re.compile(r"(?i)(?:\b(?:not|never|no|without|unrelated\s+to|nothing\s+to\s+do\s+with)\b|n't)[\w\s']{0,20}$")


@lru_cache(maxsize=1)
def sensitive_lexicon() -> dict[str, Any]:
    return yaml.safe_load(Path(__file__).with_name("sensitive.yaml").read_text(encoding="utf-8")) or {}


def _literal(term: str) -> str:
    """A whole-word, case-insensitive, any-spacing regex for a literal term."""
    return r"(?<![\w-])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w-])"


def _alternation(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("(?i)" + "|".join(_literal(w) for w in words)) if words else None


class _AdjusterContentRule(Rule):
    """A lexicon of terms flagged only in documents whose audience is the adjuster."""

    category = "privacy"
    severity = "warning"
    reads = frozenset()
    scope = "sentence"
    defaults = LEXICON_OPTIONS
    lexicon_key: str = ""

    def __init__(self, config):
        super().__init__(config)
        removed = removed_terms(self)
        entries = [e for e in sensitive_lexicon().get(self.lexicon_key, []) if str(e["term"]).lower() not in removed]
        self.prefer = {str(e["term"]).lower(): e.get("prefer") for e in entries}
        # An entry is a literal term, or a regular expression with the term as its name.
        parts = [e["pattern"] if "pattern" in e else _literal(str(e["term"])) for e in entries]
        for term, prefer in extra_terms(self).items():
            parts.append(_literal(term))
            self.prefer[term.lower()] = prefer[0] if prefer else None
        self.pattern = re.compile("(?i)" + "|".join(f"(?:{p})" for p in parts)) if parts else None

    def applies(self, doc: Doc) -> bool:
        note = doc._.note
        return note is not None and note.audience == "adjuster" and self.pattern is not None

    def related(self, sentence: str) -> bool:
        return False

    def message(self, found: str) -> str:
        raise NotImplementedError

    def check(self, doc: Doc) -> Iterable[Finding]:
        if not self.applies(doc):
            return
        text = text_of(doc)
        sentences = doc._.note.sentences
        spans: list[list[int]] = []
        for m in self.pattern.finditer(text):
            if self.related(text[slice(*sentences.around(m.start(), m.end()))]):
                continue
            # One disclosure is one finding: "the second trimester of a pregnancy" names it twice.
            if spans and m.start() - spans[-1][1] <= 30 and "\n" not in text[spans[-1][1]:m.start()] and \
                    sentences.around(m.start(), m.end()) == sentences.around(*spans[-1]):
                spans[-1][1] = m.end()
            else:
                spans.append([m.start(), m.end()])
        for start, end in spans:
            first = self.pattern.match(text, start).group(0)
            yield self.finding(doc, start, end, self.message(first), self.suggestions(first))

    def suggestions(self, found: str) -> list[str]:
        return []


@register
class PsychotherapyContent(_AdjusterContentRule):
    code = "NA902"
    name = "psychotherapy-content"
    lexicon_key = "psychotherapy"
    summary = "Psychotherapy-session content in a document for the adjuster."
    explanation = (
        "Psychotherapy notes, a mental-health professional's record of what was said and worked on in "
        "session, are kept apart from the medical record and need the worker's specific authorization to "
        "disclose (45 CFR 164.501). A report to the adjuster may give status and progress: attendance, the "
        "number of sessions, the treating psychologist's summary of symptoms, function and prognosis. It must "
        "never repeat what the worker disclosed or explored in session. Checked in progress and closure reports."
    )
    bad = "In session she disclosed ongoing conflict with her supervisor and childhood trauma."
    good = "Attending weekly CBT, 6 of 12 sessions completed; Dr. Park reports improved sleep and mood."
    source = "domain.md 6.2 (psychotherapy notes, 45 CFR 164.501) and 6.3"

    def check(self, doc: Doc) -> Iterable[Finding]:
        """Session content, and the sentences right after it that carry on the account ("She also told him
        she fears ..."): once a report starts retelling a session, the next sentence usually does too."""
        if not self.applies(doc):
            return
        text = text_of(doc)
        sentences = doc._.note.sentences
        flagged: set[tuple[int, int]] = set()
        for m in self.pattern.finditer(text):
            sentence = sentences.around(m.start(), m.end())
            if sentence in flagged:
                continue  # one retold session is one finding, however many cues its sentence has
            flagged.add(sentence)
            yield self.finding(doc, m.start(), m.end(), self.message(m.group(0)), self.suggestions(m.group(0)))
            end = m.end()
            # The sentences after it in the same paragraph, while they carry on the account.
            while (following := sentences.following(end, same_line=True)) is not None:
                start, stop = following
                if not _CONTINUES.match(text, start):
                    break
                yield self.finding(doc, start, stop, "this sentence carries on the account of a therapy session; "
                                   "leave session content out of an adjuster report", self.suggestions(""))
                end = stop

    def message(self, found: str) -> str:
        return (f'"{found}": psychotherapy-session content does not belong in an adjuster report; '
                "give attendance and the provider's status summary instead")

    def suggestions(self, found: str) -> list[str]:
        return ["attending (therapy), N of M sessions completed; (provider) reports (progress in function)"]


@register
class UnrelatedSensitiveCondition(_AdjusterContentRule):
    code = "NA903"
    name = "unrelated-sensitive-condition"
    lexicon_key = "sensitive_condition"
    summary = "A sensitive condition or personal matter unrelated to the claim in a document for the adjuster."
    explanation = (
        "An adjuster report carries only what is relevant and material to the worker's medical and vocational "
        "recovery (NC 11 NCAC 23C .0107(f); NASW Code 3.04). Sensitive conditions unrelated to the injury (HIV, "
        "reproductive health, genetic information, unrelated psychiatric history), substance-use treatment "
        "records (42 CFR Part 2), immigration status, sexual orientation and family conflict stay out. Include a "
        "comorbidity only when it affects recovery or return to work, stated functionally and attributed; a "
        "sentence that makes that link (\"affecting wound healing per Dr. Ortiz\") is not flagged."
    )
    bad = "Worker is HIV-positive and going through a divorce; PT continues 2x/week."
    good = "Dr. Ortiz reports that the worker's diabetes is delaying wound healing; PT continues 2x/week."
    source = "domain.md 6.3 (keep out of adjuster reports: unrelated medical conditions)"

    def __init__(self, config):
        super().__init__(config)
        self.related_pattern = _alternation(str(t) for t in sensitive_lexicon().get("related", []))
        # A sentence that retells a session is NA902's finding: a divorce told in it is part of that disclosure.
        session = [e["pattern"] for e in sensitive_lexicon().get("psychotherapy", []) if "pattern" in e]
        self.session_pattern = re.compile("(?i)" + "|".join(f"(?:{p})" for p in session)) if session else None

    def related(self, sentence: str) -> bool:
        """Whether the sentence ties the condition to the claim ("which did not affect his recovery" and "no
        effect on healing" say the opposite), or is session content, reported once by NA902."""
        if self.session_pattern is not None and self.session_pattern.search(sentence):
            return True
        if self.related_pattern is None:
            return False
        for m in self.related_pattern.finditer(sentence):
            if not _NEGATED_LINK.search(sentence[max(0, m.start() - 30):m.start()]):
                return True
        return False

    def message(self, found: str) -> str:
        return (f'"{found}": a sensitive matter with no stated link to the claim in an adjuster report; omit it, '
                "or state how it affects recovery or return to work and who says so")

    def suggestions(self, found: str) -> list[str]:
        prefer = self.prefer.get(found.lower()) or self.prefer.get("hiv")
        return [prefer] if prefer else []

"""A positive risk screen needs its response on the record (NA131, safety). Source: issue 14 and
../shared/domain.md 1.6 (the plan has an owner and a date).

When a suicide-risk, homicide-risk, child-safety or domestic-violence screen is positive, the note is
where a reviewer, the next worker on call or a court later looks for what was done about it: the safety
plan, the crisis line given, the referral or hand-off for evaluation, means restriction, who was notified,
the report made, the next contact and its date. A positive screen with none of these anywhere in the note
is an error. The rule reads clauses, not words: "denies suicidal ideation", "screened negative", "no
present danger", "history of SI in 2019" and "asked whether she has thoughts of suicide" are not positive
screens this contact. Patterns are data in safety.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Finding


_CONTRAST = re.compile(r"(?i)\b(?:but|however|although|though|yet|while)\b")


@lru_cache(maxsize=1)
def safety_lexicon() -> dict[str, Any]:
    return yaml.safe_load(Path(__file__).with_name("safety.yaml").read_text(encoding="utf-8")) or {}


def _any_of(patterns: Iterable[str], at_word_start: bool = False) -> re.Pattern[str]:
    """One case-insensitive alternation; white space in a pattern never crosses a line (a line is a statement).
    `at_word_start`: every pattern opens on a word, so the search tries the alternation only where a word
    starts (three to four times faster on a note than trying it at every character)."""
    body = "|".join(f"(?:{p})" for p in patterns).replace(r"\s", r"[^\S\n]")
    return re.compile(r"(?i)\b(?=\w)(?:" + body + ")" if at_word_start else "(?i)" + body)


@register
class PositiveScreenWithoutSafetyPlan(Rule):
    code = "NA131"
    name = "positive-screen-without-safety-plan"
    category = "safety"
    severity = "error"
    reads = frozenset()
    scope = "note"
    summary = "A positive risk screen (suicide, homicide, child safety, domestic violence) with no safety plan or follow-up."
    explanation = (
        "A positive screen obliges a response, and the note is the record of it. When the note says a suicide-"
        "risk, homicide-risk, child-safety or domestic-violence screen was positive (\"endorsed passive suicidal "
        "ideation\", \"C-SSRS positive\", \"present danger identified\", \"screened positive for IPV\"), it must "
        "also say what was done: a safety plan made or reviewed, a crisis line (988) given, a referral or warm "
        "hand-off for evaluation, means restriction, who was notified (supervisor, prescriber, CPS, police), or "
        "the follow-up contact and its date. Negated and past findings (\"denies SI\", \"no present danger\", "
        "\"history of SI\") are not positive screens. One finding per risk, at its first positive statement."
    )
    bad = "Client endorsed passive suicidal ideation over the past week. Discussed housing search; next visit in two weeks."
    good = ("Client endorsed passive suicidal ideation over the past week, no plan or intent. Completed a Stanley-Brown "
            "safety plan with her; she has the 988 number. Supervisor notified; follow-up call tomorrow 11/21.")
    source = "issue 14 (risk and safety screening); domain.md 1.6 (plan actionable, owner and date)"

    def __init__(self, config):
        super().__init__(config)
        lexicon = safety_lexicon()
        self.screens = {name: (str(s["label"]), _any_of(s["patterns"], at_word_start=True))
                        for name, s in lexicon["screens"].items()}
        self.negation = re.compile("(?i)" + lexicon["negations"])
        self.answer = _any_of(lexicon["answers"])
        self.answer_negation = re.compile("(?i)" + lexicon["answer_negations"])
        self.blank_answer = re.compile("(?im)" + lexicon["blank_answer"])

    def positive_screens(self, text: str, sentences) -> Iterable[tuple[str, re.Match[str]]]:
        """(label, match) for the first positive, non-negated statement of each risk."""
        for label, pattern in self.screens.values():
            for m in pattern.finditer(text):
                start, _ = sentences.clause_around(m.start(), m.end())
                # "denied SI but endorsed thoughts of being better off dead": the negation stays in its half.
                start = self._after_contrast(text, start, m.start())
                if self.negation.search(text, start, m.end()):
                    continue
                yield label, m
                break

    def _after_contrast(self, text: str, start: int, at: int) -> int:
        """Where the half of a clause holding `at` begins: "denied SI but endorsed ..." splits at "but"."""
        turn = _CONTRAST.search(text, start, at)
        while turn is not None:
            start = turn.end()
            turn = _CONTRAST.search(text, start, at)
        return start

    def answered(self, text: str, sentences) -> bool:
        """Whether the note documents a response: an answer that is neither negated ("no safety plan was
        made") nor an empty template field ("Safety plan: ***")."""
        for m in self.answer.finditer(text):
            if self.blank_answer.match(text, m.end()):
                continue
            start, _ = sentences.clause_around(m.start(), m.end())
            if self.answer_negation.search(text, self._after_contrast(text, start, m.start()), m.start()):
                continue
            return True
        return False

    def check(self, doc: Doc) -> Iterable[Finding]:
        text = text_of(doc)
        sentences = doc._.note.sentences
        positives = list(self.positive_screens(text, sentences))
        if not positives or self.answered(text, sentences):
            return
        for label, m in positives:
            yield self.finding(
                doc, m.start(), m.end(),
                f"positive {label} (\"{m.group(0)}\") with no safety plan or follow-up in this note; document "
                "what was done: the safety plan, crisis resources given, who was notified, the referral, and the "
                "next contact with its date",
                ["Completed a safety plan with (client) (warning signs, coping steps, contacts, 988); (supervisor) "
                 "notified; follow-up (call/visit) on (date)."],
                screen=label,
            )

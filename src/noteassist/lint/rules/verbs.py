"""Reporting-verb repetition (NA2xx, repeated-verb). Source: ../shared/domain.md section 3.

Case notes are reported speech; one verb ("relayed", "noted", "stated") carried
through a whole note hides who said what. NA201 counts reporting verbs (by
lemma, verbs only) and flags a verb once, at its first use past the limit, suggesting alternatives
that fit the subject of that use: a provider, the claimant, the case manager,
a record, or someone else. It checks adjacency too, as Vale's `repetition` does:
the same verb in three sentences in a row is flagged even below the count limit
(domain guide 3: "vary it when 3+ sentences in a row use it"). In a long note the
count limit grows with the note's reporting verbs (`long_note_share`), so forty
reporting verbs do not trip a fixed 3 for every common verb. "Denies fever,
chills, ..." down a review of systems is a clinical negative list (guide 3:
"fine in clinical review-of-systems style"), not a repeated reporting verb. Nor is
a finding statement: "tenderness is noted", "no edema noted", "it should be noted that"
(a finding verb in the passive, with nobody doing the noting) records what an exam or
procedure found; "Dr. Smith noted", "noted by the surgeon" stay reporting verbs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..lexicon import LEXICON_OPTIONS, extra_terms, removed_terms
from ..registry import Rule, register, text_of
from ..tokens import words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..model import Finding

SUBJECT_TYPES = ("provider", "claimant", "case_manager", "record", "other")

_PROVIDER = {
    "dr", "dr.", "doctor", "physician", "surgeon", "md", "m.d.", "pa", "pa-c", "np", "provider", "therapist",
    "ime", "orthopedist", "neurologist", "physiatrist", "chiropractor", "psychologist", "psychiatrist", "pt",
    "clinician", "specialist", "examiner", "nurse", "practitioner",
}
_CLAIMANT = {
    "worker", "claimant", "client", "patient", "she", "he", "they", "iw", "employee", "ee", "injured", "mr.", "ms.",
    "mrs.", "mr", "ms", "mrs",
}
_CASE_MANAGER = {"i", "cm", "ncm", "rncm", "we"}
_RECORD = {
    "report", "reports", "record", "records", "mri", "x-ray", "xray", "x-rays", "xrays", "note", "notes", "form",
    "ct", "emg", "ncs", "imaging", "study", "letter", "chart", "scan", "results", "result", "exam", "examination",
}
_RELATIVE = {"who", "that", "which"}


@lru_cache(maxsize=1)
def reporting_verbs() -> dict[str, dict[str, list[str]]]:
    """Lemma -> {subject type -> alternatives}, from reporting_verbs.yaml."""
    data = yaml.safe_load((Path(__file__).with_name("reporting_verbs.yaml")).read_text(encoding="utf-8")) or {}
    return {str(lemma).lower(): {k: [str(a) for a in v] for k, v in (alts or {}).items()} for lemma, alts in data.items()}


def _quoted(text: str, offset: int) -> bool:
    """Inside a quotation on its line: an odd number of double quotes before the offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return (before.count('"') + before.count("\u201c") - before.count("\u201d")) % 2 == 1 or (
        before.count("\u201c") > before.count("\u201d"))


def _subject(verb: Token) -> Token | None:
    """The speaker of a reporting verb: nsubj, else the passive agent ("by X"), else nsubjpass.

    A verb in a conjunction ("reported pain and relayed ...") borrows its head verb's subject;
    a relative "who" resolves to the noun the clause modifies.
    """
    seen = 0
    token = verb
    while token is not None and seen < 10:
        seen += 1
        subj = agent = passive = None
        for child in token.children:
            if child.dep_ == "nsubj" and subj is None:
                subj = child
            elif child.dep_ == "nsubjpass" and passive is None:
                passive = child
            elif child.dep_ == "agent":
                agent = next((c for c in child.children if c.dep_ == "pobj"), None)
        found = subj or agent or passive
        if found is not None:
            if found.lower_ in _RELATIVE and token.dep_ == "relcl":
                return token.head
            return found
        if token.dep_ == "conj" and token.head is not token:
            token = token.head
            continue
        return None
    return None


def subject_type(subject: Token | None) -> str:
    """provider, claimant, case_manager, record or other, from the subject's head word and modifiers."""
    if subject is None:
        return "other"
    head = subject.lower_
    lefts = [t.lower_ for t in subject.lefts]
    words = {head, *lefts}
    if head in _CASE_MANAGER or (head == "manager" and "case" in lefts) or (head == "writer" and "this" in lefts):
        return "case_manager"
    if head in _RECORD:
        return "record"
    if words & _PROVIDER:
        return "provider"
    if words & _CLAIMANT:
        return "claimant"
    return "other"


def _pertinent_negative(verb: Token) -> bool:
    """'Denies fever, chills', 'He denied any numbness', 'Cardiac: Denies chest pain.': a symptom as the object
    or a subjectless telegraphic line, the clinical negative of a review of systems. 'Denied that he was
    drinking', 'denied drinking' (a clause) stay reporting verbs."""
    deps = {c.dep_ for c in verb.children}
    # "denies chronic cough, coughing up blood, waking at night, wheezing or night sweats": a run of symptoms,
    # even when the parser reads a gerund in it as a clause.
    after = verb.doc.text[verb.idx:verb.sent.end_char]
    if "dobj" in deps and after.count(",") >= 2 and "that" not in after.lower().split()[:3]:
        return True
    # "denied having any symptoms", "denies experiencing numbness": a symptom behind a verb of having.
    if any(c.dep_ == "xcomp" and c.lemma_.lower() in ("have", "experience") and c.tag_ == "VBG"
           and any(g.dep_ == "dobj" for g in c.children) for c in verb.children):
        return True
    if deps & {"ccomp", "xcomp", "advcl"}:
        return False
    if "dobj" in deps:
        return True
    # Telegraphic: "Denies" opens its sentence or a field's value, with no subject.
    text = verb.doc.text
    lead = text[text.rfind("\n", 0, verb.idx) + 1:verb.idx]
    return "nsubj" not in deps and not re.split(r"[:.;!?]", lead)[-1].strip(" \t*_-")


# Verbs that also state a finding ("swelling is noted", "no fracture seen"): in the passive they carry no
# speaker, so they are exam or procedure findings, not reported speech.
_PEOPLE = {"adjuster", "employer", "supervisor", "manager", "family", "wife", "husband", "mother", "father", "son",
           "daughter", "coworker", "staff", "team", "attorney", "spouse", "parent", "parents", "caregiver"}
_ORGANISATION = {"district", "company", "employer", "carrier", "insurer", "clinic", "hospital", "office", "agency",
                 "department", "school", "pharmacy", "union", "board"}
_FINDING_VERBS = {"note", "observe", "see", "find", "identify", "appreciate", "visualize"}


def _finding_subject(subject: Token) -> bool:
    """A subject that is a thing found (swelling, ectopy), not a person, organisation or record that speaks."""
    return (subject.pos_ == "NOUN" and subject_type(subject) == "other" and subject.lower_ not in _PEOPLE
            and subject.ent_type_ not in ("PERSON", "ORG") and not any(
                t.lower_ in _ORGANISATION for t in subject.subtree))


def _finding_statement(verb: Token) -> bool:
    """'Tenderness is noted', 'no edema noted', 'none were noted', 'It should be noted that': a finding verb as a
    past participle (passive or reduced passive) with no agent. 'Dr. X noted', 'noted by the surgeon' and a
    telegraphic 'Noted worker limping' opening its sentence (the writer's own note) are not findings."""
    if verb.lemma_.lower() not in _FINDING_VERBS:
        return False
    if verb.tag_ != "VBN":
        # "Two runs of ectopy noted." parsed as an active past: a finding for its subject, with no object or
        # clause noted; "Adjuster noted the delay", "Worker noted that ..." and a person's "he noted" are not.
        deps = {c.dep_ for c in verb.children}
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        return (verb.tag_ == "VBD" and subject is not None and not deps & {"dobj", "ccomp", "xcomp", "attr", "prep"}
                and _finding_subject(subject))
    if any(c.dep_ == "agent" for c in verb.children):
        return False
    # "the school district noted in its letter that ...", read as a participle: a speaker and what it said.
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and (any(c.dep_ == "ccomp" for c in verb.children) or not _finding_subject(subject)):
        return False
    opens = _opens_sentence(verb)
    return not (opens and not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass", "expl") for c in verb.children))


def _opens_sentence(verb: Token) -> bool:
    """Only markup (`*`, `_`, `-`, `:`, spaces) before the verb in its sentence. Read backwards from the verb,
    stopping at the first word or the sentence's first token: building the text from the sentence start, or
    finding that start with `verb.sent` (which walks the sentence), for each verb was quadratic."""
    doc, j = verb.doc, verb.i
    while j > 0 and not doc[j].is_sent_start:
        j -= 1
        chunk = doc[j].text + (doc[j].whitespace_ if j < verb.i - 1 else "")
        if chunk.strip(" \t*_-:"):
            return False
    return True


def _sentence_index(doc: Doc):
    """Offset -> index of its sentence in the note's one segmentation (text.sentences)."""
    note = doc._.note
    if note is not None:
        return note.sentences.index_at
    from ...text.sentences import split_sentences

    return split_sentences(text_of(doc)).index_at


def _run_end(tokens: list[Token], sentence_of, length: int) -> int | None:
    """Index in `tokens` of the use that completes the first run of `length` consecutive sentences using the
    verb, or None."""
    run, last = 0, None
    for index, token in enumerate(tokens):
        sentence = sentence_of(token.idx)
        if sentence == last:
            continue
        run = run + 1 if last is not None and sentence == last + 1 else 1
        last = sentence
        if run >= length:
            return index
    return None


@register
class RepeatedReportingVerb(Rule):
    code = "NA201"
    name = "repeated-reporting-verb"
    category = "repeated-verb"
    severity = "warning"
    reads = frozenset({"token.pos", "token.tag", "token.lemma", "token.dep"})
    scope = "note"
    defaults = {"max_uses": 3, "max_share": 0.25, "min_reporting_verbs": 10, "max_in_a_row": 3,
                "long_note_share": 0.15, **LEXICON_OPTIONS}
    summary = "One reporting verb carries too much of the note."
    explanation = (
        "Case notes are reported speech. When one verb (\"relayed\", \"noted\", \"stated\") is used over and "
        "over, the reader cannot tell who said what, how certain it is, or whether it was an observation, a "
        "record or an opinion. The rule counts reporting verbs by lemma and flags a verb used more than `max_uses` "
        "times (once, at its first use past the limit, listing the lines of every use), or "
        "a verb used `max_uses` times that is also over `max_share` of the note's reporting verbs (with at least "
        "`min_reporting_verbs` in the note), or a verb in `max_in_a_row` (3) sentences in a row, whatever its "
        "count. In a long note the count limit is `long_note_share` (15 %) of its reporting verbs when that is "
        "more than `max_uses`. \"Denies\" with a symptom as its object (\"Denies fever, chills\") is a "
        "pertinent negative, and a passive finding verb with no agent (\"tenderness is noted\", \"no edema "
        "noted\") is an exam or procedure finding: neither is counted. "
        "Suggestions depend on who the subject is: a provider, the worker, the case manager, or a record. "
        "`extra_terms` adds verbs by lemma (with alternatives) and `remove_terms` drops lemmas from the count."
    )
    bad = (
        "Worker relayed pain 6/10. Dr. Smith relayed that PT should continue. Adjuster relayed the IME date. "
        "Employer relayed that modified duty is available."
    )
    good = (
        "Worker rated pain 6/10. Dr. Smith recommended PT continue. Adjuster passed on the IME date. "
        "Employer confirmed that modified duty is available."
    )
    source = "domain.md section 3 (reporting verbs: overused verbs, alternatives, when to use)"

    def __init__(self, config):
        super().__init__(config)
        removed = removed_terms(self)
        self.table = {lemma: alts for lemma, alts in reporting_verbs().items() if lemma not in removed}
        self.table.update({lemma.lower(): {"other": alts} for lemma, alts in extra_terms(self).items()})

    def check(self, doc: Doc) -> Iterable[Finding]:
        table = self.table
        uses: dict[str, list[Token]] = {}
        # Table cells are data ("requested on 11/20/2026" in an authorization table), not the writer's prose.
        note = doc._.note
        cells = [(b.start, b.end) for b in note.structure.blocks if b.kind == "table_row"] if note is not None else []
        # Only the tokens whose lemma is in the table can count; the checks below decide whether they do.
        for i in words(doc).lemma(table):
            token = doc[i]
            if token.pos_ != "VERB":
                continue
            if cells and any(start <= token.idx < end for start, end in cells):
                continue
            # Reported speech is told in the past or present: "what he could say", "I can just say" (inside a
            # quotation) and "will report" are not the writer's reporting verbs.
            if token.tag_ == "VB" or _quoted(text_of(doc), token.idx):
                continue
            # "a letter saying benefits stop": a document's content, not the writer's choice of verb.
            if token.tag_ == "VBG" and token.dep_ in ("acl", "advcl") and not any(
                    c.dep_ == "nsubj" for c in token.children):
                continue
            lemma = token.lemma_.lower()
            if lemma == "deny" and _pertinent_negative(token):
                continue
            if _finding_statement(token):
                continue
            if lemma in table:
                uses.setdefault(lemma, []).append(token)
        total = sum(len(tokens) for tokens in uses.values())
        max_uses = int(self.options["max_uses"])
        max_share = float(self.options["max_share"])
        min_total = int(self.options["min_reporting_verbs"])
        in_a_row = int(self.options["max_in_a_row"])
        # A long note has room for more uses of a common verb: forty reporting verbs allow six of one.
        count_limit = max(max_uses, int(total * float(self.options["long_note_share"])))
        sentence_of = _sentence_index(doc)
        for lemma, tokens in uses.items():
            count = len(tokens)
            # Over the count limit, or at the limit while dominating a note with plenty of reporting verbs:
            # three "said" among seven verbs is ordinary writing, and a false alarm costs the writer's trust.
            over_count = count > count_limit
            over_share = count >= max_uses and total >= min_total and count / total > max_share
            run_end = _run_end(tokens, sentence_of, in_a_row) if in_a_row > 1 else None
            if not (over_count or over_share or run_end is not None):
                continue
            # One finding per verb, at its first use past the limit (or the use that completes the run of
            # sentences in a row), listing where the others are.
            first = tokens[min(count_limit if over_count else max_uses, count - 1)] \
                if over_count or over_share else tokens[run_end]
            surface = first.text.lower()
            note = doc._.note
            offset, full = (note.body_offset, note.text) if note is not None else (0, text_of(doc))
            lines = ", ".join(str(full.count("\n", 0, offset + t.idx) + 1) for t in tokens)
            if over_count or over_share:
                share = f" ({count} of {total} reporting verbs)" if over_share and not over_count else ""
                message = (f'"{surface}" used {count} times{share}; vary the verb or name who said what '
                           f"(lines {lines})")
            else:
                message = (f'"{surface}" in {in_a_row} sentences in a row; vary the verb or name who said what '
                           f"(lines {lines})")
            kind = subject_type(_subject(first))
            alternatives = table[lemma].get(kind) or table[lemma].get("other", [])
            yield self.finding(doc, first.idx, first.idx + len(first.text), message, alternatives,
                               lemma=lemma, count=count)

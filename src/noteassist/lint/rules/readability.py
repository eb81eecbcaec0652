"""Readability (NA3xx, readability). Source: ../shared/domain.md section 4.

Scores prose paragraphs only: headings, labelled fields, list items and tables
distort sentence-length formulas (4.2 caveats). Targets depend on the reader:
adjuster reports (non-clinician business reader) warn at FKGL > 12 and
FRE < 40; internal notes for clinical peers get information only, except a
sentence twice its audience's length limit, which is a warning for any reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ...errors import NoteassistError
from .. import metrics
from ..registry import Rule, register

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ...text.structure import Block
    from ..model import Finding

_SOURCE = "domain.md section 4 (4.1 targets found, 4.2 recommended noteassist targets)"


def _audience(doc: Doc) -> str:
    note = doc._.note
    return note.audience if note is not None else "internal"


def _prose_blocks(doc: Doc) -> list[Block]:
    note = doc._.note
    return metrics.prose_blocks(note.body, note.structure) if note is not None else []


# Steps of a procedure, told in the passive: "the wound was irrigated ... and closed", "fragments were drilled".
_PROCEDURE_STEP = re.compile(
    r"(?i)\b(?:was|were)\s+(?:\w+ly\s+)?(?:irrigated|closed|incised|removed|drilled|placed|dissected|retracted|"
    r"sutured|excised|cauterized|opened|prepped|draped|exposed|achieved|inspected|approximated|injected|harvested|"
    r"inserted|advanced|identified)\b")
_ENUMERATOR = re.compile(r"(?:^|\s|,)\(?\d{1,2}\)")


def _procedure_steps(text: str) -> bool:
    return len(_PROCEDURE_STEP.findall(text)) >= 2


# A dose with its unit: "ibuprofen 800 mg", "0.5 mL", "2 tabs".
_DOSE = re.compile(r"(?i)(?<![\w.])\d+(?:\.\d+)?[ \t]*(?:mg|mcg|\u00b5g|g|ml|units?|iu|meq|tabs?|tablets?|caps?|puffs?)\b")
# A count spelled out, as dictation writes it: "two tablets", "one capsule", "half a tab".
_SPELLED_DOSE = re.compile(r"(?i)\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half an?|a half)[ \t]+"
                           r"(?:tabs?|tablets?|caps?|capsules?|puffs?|drops?|sprays?|patch(?:es)?)\b")
# A graded exam finding: muscle strength "4/5", "3-/5", "4+/5".
_GRADE = re.compile(r"(?<![\w/])[0-5][+-]?/5\b")
_LIST_MIN_ITEMS = 6
_LIST_ITEM_WORDS = 3
# A longer enumeration ("risks include bleeding, infection, damage to nerves, need for further surgery, ...",
# "denies pain or burning with urination, blood in the urine, ..."): many items of a few words each.
_LONG_LIST_MIN_ITEMS = 8
_LONG_LIST_ITEM_WORDS = 5


def is_list(text: str) -> bool:
    """A list written on one line rather than a sentence: three or more doses ("Medications: naproxen 500 mg
    twice a day, omeprazole 20 mg daily, ..."), or six or more comma- or semicolon-separated items of three
    words or fewer in the middle ("Denies fever, chills, night sweats, cough, ...")."""
    if len(_DOSE.findall(text)) + len(_SPELLED_DOSE.findall(text)) >= 3 or len(_GRADE.findall(text)) >= 4:
        return True
    items = sorted(metrics.word_count(item) for item in re.split(r"[,;]", text) if item.strip())
    middle = items[len(items) // 2] if items else 0
    return (len(items) >= _LIST_MIN_ITEMS and middle <= _LIST_ITEM_WORDS) or (
        len(items) >= _LONG_LIST_MIN_ITEMS and middle <= _LONG_LIST_ITEM_WORDS)


# The label of a procedure narrative: "DESCRIPTION OF PROCEDURE:", "Operative technique", "PROCEDURE IN DETAIL".
# Not the reasons for it, its risks or the consent ("Indications for procedure", "Risks of surgery").
_PROCEDURE_LABEL = re.compile(r"\b(?:procedures?|operations?|operative|technique|surgical course)\b")
_NOT_NARRATIVE_LABEL = re.compile(r"\b(?:indications?|history|risks?|consent|plan|reason|complications?|"
                                  r"recommend\w*|name|title|date|code)\b")


def procedure_narrative(structure, offset: int) -> bool:
    """Whether `offset` is under a label that names a procedure narrative: the nearest heading or field label
    before it ("DESCRIPTION OF PROCEDURE: The patient was brought ...", and the paragraphs after it up to the
    next label)."""
    label = structure.label_at(offset)
    return bool(_PROCEDURE_LABEL.search(label)) and not _NOT_NARRATIVE_LABEL.search(label)


def prose_sentences(doc: Doc, with_fields: bool = False) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each sentence inside a prose paragraph (`NoteContext.sentences`), clipped to it.

    `with_fields` adds the values of "Label: value" fields and list items ("A: Worker is progressing ..."),
    where long sentences hide as often as in paragraphs; a field's label is not part of its sentence.
    """
    note = doc._.note
    if note is None:
        return
    kinds = ("paragraph", "field", "list_item") if with_fields else ("paragraph",)
    text = note.body
    spans = [(b.value_start if b.kind != "paragraph" else b.start, b.end)
             for b in note.structure.blocks
             if b.kind in kinds and not (b.kind == "paragraph" and metrics.is_field_line(text[b.start:b.end]))]
    if not spans:
        return
    first = 0  # spans before `first` end before this sentence starts, so before every later one (text order)
    for s_start, s_end in note.sentences:
        while first < len(spans) and spans[first][1] <= s_start:
            first += 1
        for index in range(first, len(spans)):
            block_start, block_end = spans[index]
            if block_end <= s_start:
                continue
            if block_start >= s_end:
                break
            start, end = max(s_start, block_start), min(s_end, block_end)
            chunk = text[start:end]
            stripped = chunk.strip().rstrip("|\u00b7").rstrip()  # a field separator closing the sentence
            if stripped:
                start += len(chunk) - len(chunk.lstrip())
                yield start, start + len(stripped), stripped


class _AudienceRule(Rule):
    """Severity by audience: warning for adjuster readers, info for internal notes, unless re-levelled."""

    def level_for(self, audience: str) -> str:
        if self.level != self.severity:
            return self.level
        return "warning" if audience == "adjuster" else "info"

    def _prose(self, doc: Doc) -> tuple[str, list[Block]] | None:
        blocks = _prose_blocks(doc)
        if not blocks:
            return None
        prose = doc._.note.prose
        if metrics.word_count(prose) < int(self.options["min_words"]):
            return None
        return prose, blocks


class _DocumentScoreRule(_AudienceRule):
    """A whole-prose score against the audience's limit, reported on the first prose paragraph."""

    #: Computes the score from the prose text; None when there is no prose.
    score: Callable[[str], float | None]
    #: Option names of the limit per audience ("adjuster_..." and "internal_...").
    limit_option: str
    #: True when a higher score is worse (grade level), False when lower is worse (reading ease).
    higher_is_worse: bool
    suggestions: tuple[str, ...]

    def message(self, score: float, audience: str, limit: float) -> str:
        raise NotImplementedError

    def check(self, doc: Doc) -> Iterable[Finding]:
        # A whole-note score has a target only for a known audience; text that is not recognisably a
        # case-management note (no note type) has none (domain guide 4.2: clinical notes, no official target).
        if doc._.note is not None and doc._.note.note_type is None:
            return
        found = self._prose(doc)
        if found is None:
            return
        prose, blocks = found
        score = self.score(prose)
        audience = _audience(doc)
        limit = self.options[f"{audience if audience == 'adjuster' else 'internal'}_{self.limit_option}"]
        if score is None or (score <= limit if self.higher_is_worse else score >= limit):
            return
        first = blocks[0]
        yield self.finding(doc, first.start, first.end, self.message(score, audience, limit),
                           list(self.suggestions), severity=self.level_for(audience))


@register
class GradeLevelTooHigh(_DocumentScoreRule):
    code = "NA301"
    name = "grade-level-too-high"
    category = "readability"
    severity = "warning"
    reads: frozenset[str] = frozenset()  # the prose text only
    scope = "prose"
    defaults = {"adjuster_max_grade": 12, "internal_max_grade": 16, "min_words": 100}
    summary = "The note's prose reads above the grade level its audience needs."
    explanation = (
        "Flesch-Kincaid grade level of the note's prose paragraphs (headings, fields, lists and tables left "
        "out). Adjuster reports go to non-clinician business readers: aim for grade 10 or below and fix "
        "anything above 12. Internal notes for clinical peers get an information-level finding only above 16. "
        "Skipped below `min_words` prose words, where the formula is unstable. Formulas miss jargon and "
        "abbreviations, so a passing score does not mean the text is plain."
    )
    bad = (
        "Claimant demonstrates persistent symptomatology consistent with lumbosacral radiculopathy necessitating "
        "additional interventional pain management consultation prior to consideration of operative intervention."
    )
    good = "The worker still has low back pain going down the leg. The doctor wants a pain specialist to see him before surgery is considered."
    source = _SOURCE
    score = staticmethod(metrics.flesch_kincaid_grade)
    limit_option = "max_grade"
    higher_is_worse = True
    suggestions = ("shorten sentences", "replace medical terms with plain words or define them")

    def message(self, score: float, audience: str, limit: float) -> str:
        return f"prose reads at grade {score:.1f}; the {audience} target is {limit} or below"


@register
class ReadingEaseTooLow(_DocumentScoreRule):
    code = "NA302"
    name = "reading-ease-too-low"
    category = "readability"
    severity = "warning"
    reads: frozenset[str] = frozenset()  # the prose text only
    scope = "prose"
    defaults = {"adjuster_min_ease": 40, "internal_min_ease": 20, "min_words": 100}
    summary = "The note's prose scores below the Flesch Reading Ease its audience needs."
    explanation = (
        "Flesch Reading Ease (0-100, higher is easier) of the note's prose paragraphs. Insurance-form statutes "
        "set 40-50 as the floor for non-expert readers, so adjuster reports warn below 40; internal notes get "
        "an information-level finding below 20. Skipped below `min_words` prose words."
    )
    bad = GradeLevelTooHigh.bad
    good = GradeLevelTooHigh.good
    source = _SOURCE
    score = staticmethod(metrics.flesch_reading_ease)
    limit_option = "min_ease"
    higher_is_worse = False
    suggestions = ("shorten sentences", "use shorter, plainer words")

    def message(self, score: float, audience: str, limit: float) -> str:
        return f"reading ease {score:.1f} is below the {audience} target of {limit}"


@register
class LongSentence(_AudienceRule):
    code = "NA303"
    name = "long-sentence"
    category = "readability"
    severity = "warning"
    reads: frozenset[str] = frozenset()  # the note's sentences (text layer), no parse
    scope = "sentence"
    defaults = {"adjuster_max_words": 25, "internal_max_words": 35, "warn_factor": 2}
    summary = "A prose sentence is longer than its audience can take in at once."
    explanation = (
        "Plain-language guidance keeps sentences to about 20 words. Adjuster reports warn above 25 words; "
        "internal notes get an information-level finding above 35, and a warning when the sentence is "
        "`warn_factor` (2) times that or longer (70 words): a run-on a reviewer sends back whoever reads it. "
        "Sentences in paragraphs, field values (\"A: ...\") and list items count; headings, tables, header "
        "lines of fields and lists written on one line (a medication list, a run of pertinent negatives, a list "
        "of risks) do not. In an internal note, a sentence of a procedure narrative (under a label such as "
        "\"Description of procedure\") is flagged only when it is `warn_factor` times the limit, and so is any "
        "sentence of a text that is not recognisably a case-management note (no note type, and not its vocabulary)."
    )
    bad = (
        "Worker attended the appointment with Dr. Smith today and reported that her low back pain has improved "
        "since starting physical therapy but that she still cannot lift more than ten pounds at work."
    )
    good = (
        "Worker saw Dr. Smith today. She reported less low back pain since starting physical therapy. "
        "She still cannot lift more than ten pounds at work."
    )
    source = _SOURCE

    @classmethod
    def limit(cls, config, audience: str) -> int:
        options = {**cls.defaults, **config.options_for(cls)}
        return int(options["adjuster_max_words" if audience == "adjuster" else "internal_max_words"])

    def check(self, doc: Doc) -> Iterable[Finding]:
        audience = _audience(doc)
        limit = self.limit(self.config, audience)
        level = self.level_for(audience)
        try:
            far = float(self.options["warn_factor"]) * limit
        except (TypeError, ValueError):
            raise NoteassistError(f"options for {self.code}: warn_factor must be a number") from None
        structure = doc._.note.structure if doc._.note is not None else None
        for start, end, text in prose_sentences(doc, with_fields=True):
            if text.count("|") >= 3:
                continue  # an export's run of fields ("NoteType:SOAP|Claim:...|IW:..."), not a sentence
            # A sentence ends at a period, a semicolon or a colon (domain guide 4.1, the statutes' way of
            # counting): "...by 10/09; send ... by 10/12; call ..." is a run of short instructions.
            words = max(metrics.word_count(part) for part in re.split(r";", text))
            if words > limit and not is_list(text):
                far_over = words >= far and self.level == self.severity  # a re-levelled rule keeps its level
                # A procedure narrative in a note for clinical peers is written for the team that reads it
                # step by step ("... was incised, and the fascia was opened, and ..."): only a run-on far
                # over the limit is worth their time.
                if audience != "adjuster" and not far_over and structure is not None \
                        and procedure_narrative(structure, start):
                    continue
                # Text that is not recognisably a case-management note (no note type: a discharge summary, an
                # operative report) is written by and for clinicians: only a run-on far over the limit counts.
                if doc._.note is not None and not doc._.note.case_management and (
                        not far_over or _procedure_steps(text) or len(_ENUMERATOR.findall(text)) >= 2
                        or (structure is not None and procedure_narrative(structure, start))):
                    continue  # and never an operative step or a numbered list of findings
                yield self.finding(
                    doc, start, end,
                    f"sentence has {words} words; keep {audience} sentences to {limit} or fewer"
                    + (f" (this one is {words / limit:.1f} times that)" if far_over else ""),
                    ["split into two sentences"],
                    severity="warning" if far_over else level,
                )


@register
class HardSentence(Rule):
    code = "NA304"
    name = "hard-sentence"
    category = "readability"
    severity = "info"
    reads: frozenset[str] = frozenset()  # the note's sentences (text layer), no parse
    scope = "sentence"
    defaults = {"min_words": 12, "max_grade": 18, "audiences": ["adjuster"]}
    summary = "A prose sentence scores above grade 18 on its own."
    explanation = (
        "Flesch-Kincaid grade of a single prose sentence of at least `min_words` words. A score above "
        "`max_grade` means long words packed into a long sentence, usually medical jargon a lay reader "
        "cannot follow. Information only: formulas are rough on one sentence. It points at the hard "
        "sentence in otherwise readable prose, for the `audiences` who are lay readers (adjuster reports; "
        "clinical peers reading internal notes know the terms, domain guide 4.2). When the whole prose is "
        "already over its grade target (NA301), that one finding says it; a sentence NA303 already flags as "
        "too long is not flagged again either."
    )
    bad = GradeLevelTooHigh.bad
    good = GradeLevelTooHigh.good
    source = _SOURCE

    def check(self, doc: Doc) -> Iterable[Finding]:
        audience = _audience(doc)
        audiences = self.options["audiences"]
        if audience not in ([audiences] if isinstance(audiences, str) else audiences) \
                or self._whole_prose_over_target(doc, audience):
            return
        min_words = int(self.options["min_words"])
        max_grade = float(self.options["max_grade"])
        # A sentence already over NA303's length limit gets one finding, not two: splitting it is the fix.
        long_limit = LongSentence.limit(self.config, _audience(doc)) if self.config.is_enabled(LongSentence) else None
        for start, end, text in prose_sentences(doc):
            words = metrics.word_count(text)
            if words < min_words or (long_limit is not None and words > long_limit):
                continue
            grade = metrics.grade_level(text)
            if grade is not None and grade > max_grade:
                yield self.finding(
                    doc, start, end,
                    f"sentence reads at grade {grade:.1f}; use plainer words or split it",
                    ["split into two sentences", "replace medical terms with plain words"],
                )

    def _whole_prose_over_target(self, doc: Doc, audience: str) -> bool:
        """Whether the note's prose as a whole is over its audience's grade target, as NA301 judges it."""
        options = {**GradeLevelTooHigh.defaults, **self.config.options_for(GradeLevelTooHigh)}
        prose = doc._.note.prose
        if metrics.word_count(prose) < int(options["min_words"]):
            return False
        grade = metrics.flesch_kincaid_grade(prose)
        limit = options[f"{'adjuster' if audience == 'adjuster' else 'internal'}_max_grade"]
        return grade is not None and grade > limit

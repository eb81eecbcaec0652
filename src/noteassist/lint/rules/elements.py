"""Missing required elements (NA1xx, missing-element).

Source: domain guide 1.1-1.6 and CONTRACT.md "Note types and their required elements".
An element is present when the note's text states it: under a heading or field label
that names it (with a value that is not empty or negated, "Plan: none", "Work status:
not addressed"), or in prose through a cue that its sentence does not negate ("He
remains off work" counts; "Return to work was not discussed" does not). The cue
lexicon is data: `elements.yaml` next to this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ...text.dates import DATE_PATTERN
from ...text.sentences import split_sentences
from ..model import Finding
from ..registry import Rule, register, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ...text.sentences import Sentences
    from ...text.structure import Block, NoteStructure

LEXICON_PATH = Path(__file__).with_name("elements.yaml")

# A value that states nothing: "none", "n/a", "not addressed", "TBD", "-".
_EMPTY_VALUE = re.compile(
    r"^\W*(?:none|n/?a|na|nil|unknown|unk|tbd|tba|not applicable|not addressed|not discussed|not documented|"
    r"not reviewed|not provided|not stated|not given|not available|not obtained|not assessed|not specified|"
    r"not known|not done|no information|no info|blank|-+|\?+)?\W*$",
    re.I,
)
_NONE_VALUE = re.compile(r"^\W*(?:none|nil|n/?a)\b", re.I)
# "Dr. Lee did not address work status", "was not discussed at this visit".
_NEGATED_STATEMENT = re.compile(
    r"\b(?:not|never|n't)\s+(?:been\s+|be\s+|yet\s+)?(?:address|discuss|document|review|provide|give|given|"
    r"state|specif|assess|obtain|determin|mention|cover)\w*",
    re.I,
)
_NEGATORS = {"not", "n't", "no", "never", "without", "neither", "nor", "none"}
_CLAUSE_BREAK = {",", ";", ":", "but", "and", "or", "while", "although", "however", "."}
_WINDOW = 5
#: Elements a record's metadata states (a CSV column, front matter), as a system header does.
_FROM_METADATA = ("date_of_service", "date_of_injury")
_LIST_FIELD = re.compile(r"^(?:[-*+\u2022]|\d{1,3}[.)])\s+(?:\*\*)?([^:\n]{1,50}?)(?:\*\*)?:(?:\*\*)?\s*(.*)$")


def normalize(label: str) -> str:
    """Label as compared with the lexicon: lowercase, '&' -> 'and', '(s)'/'(...)' dropped, spaces collapsed."""
    label = re.sub(r"[*_#:`]", " ", label.lower()).replace("&", " and ")
    label = re.sub(r"\([^)]*\)", " ", label)
    # "Plan per provider", "Work status per Dr. Lee", "Restrictions from the PTP": the label is what precedes.
    label = re.sub(r"\s+(?:per|from|by|according to)\s+.*$", "", label)
    return re.sub(r"\s+", " ", label).strip(" .-")


@dataclass
class ElementSpec:
    id: str
    message: str
    labels: frozenset[str]
    allow_none: bool = False
    phrases: list[str] = field(default_factory=list)
    patterns: list[list[dict]] = field(default_factory=list)
    #: (compiled regex, first_lines or 0 for anywhere)
    regexes: list[tuple[re.Pattern[str], int]] = field(default_factory=list)
    #: Regexes that state the element although worded negatively ("has not returned to work" is a work
    #: status; "no lifting over 10 lb" is a restriction), so negation does not cancel them.
    states: list[re.Pattern[str]] = field(default_factory=list)
    #: For a conditional element (notetypes.CONDITIONAL_ELEMENTS): regexes that make it required, and
    #: regexes that, anywhere in the same sentence, cancel the trigger.
    required_when: list[re.Pattern[str]] = field(default_factory=list)
    not_when: list[re.Pattern[str]] = field(default_factory=list)
    #: The conditional element is checked only in notes that require this element.
    only_with: str | None = None
    #: Present when some prose sentence carries no cue of these elements (DAP "data" is what is left
    #: once assessment and plan statements are set aside).
    unclaimed_by: tuple[str, ...] = ()


def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, ElementSpec]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs: dict[str, ElementSpec] = {}
    for element, entry in data.items():
        regexes = []
        for item in entry.get("regex", []):
            item = item if isinstance(item, dict) else {"pattern": item}
            pattern = item["pattern"].replace("{DATE}", DATE_PATTERN)  # a date as text/dates.py reads it
            regexes.append((re.compile(pattern), int(item.get("first_lines", 0))))
        specs[element] = ElementSpec(
            id=element,
            message=entry.get("message", f"no {element.replace('_', ' ')}"),
            labels=frozenset(normalize(x) for x in entry.get("labels", [])),
            allow_none=bool(entry.get("allow_none", False)),
            phrases=[p.lower() for p in entry.get("phrases", [])],
            patterns=entry.get("patterns", []),
            regexes=regexes,
            states=[re.compile(pattern) for pattern in entry.get("states", [])],
            required_when=[re.compile(pattern) for pattern in entry.get("required_when", [])],
            not_when=[re.compile(pattern) for pattern in entry.get("not_when", [])],
            only_with=entry.get("only_with"),
            unclaimed_by=tuple(entry.get("unclaimed_by", ())),
        )
    return specs


@register
class MissingRequiredElement(Rule):
    code = "NA101"
    name = "missing-required-element"
    category = "missing-element"
    severity = "error"
    reads = frozenset({"token.pos", "token.lemma", "token.dep", "doc.sents"})
    scope = "note"
    summary = "A note type's required element (work status, next appointment, plan...) is not stated."
    explanation = (
        "Each note type has elements a reviewer or adjuster looks for first: a physician-visit note needs the date "
        "of service, provider, subjective and objective findings, diagnosis, treatment plan, work status, next "
        "appointment and the case manager's plan; telephonic, assessment, SOAP/DAP/BIRP, progress and closure notes "
        "have their own lists. An element counts when the text states it, under a heading or field label or in "
        "prose (\"He remains off work\", \"Return visit in two weeks\"). An empty or negated statement (\"Work "
        "status: not addressed\", \"Plan: none\", \"Work status was not discussed\") does not count: ask the "
        "provider or state the element explicitly."
    )
    bad = "Seen by Dr. Lee on 11/20/2026. Lumbar strain. Continue PT 2x/week. Work status was not discussed."
    good = "Seen by Dr. Lee on 11/20/2026. Lumbar strain. Continue PT 2x/week. Modified duty, no lifting over 20 lb."
    source = "domain guide 1.1-1.6; CONTRACT.md note types"

    def __init__(self, config):
        super().__init__(config)
        self.specs = load_lexicon()
        self._label_index: dict[str, set[str]] = {}
        for spec in self.specs.values():
            for label in spec.labels:
                self._label_index.setdefault(label, set()).add(spec.id)
        self._phrase_matcher = None
        self._matcher = None
        self._vocab = None

    # -- matchers, compiled once per rule instance (per vocab) -------------------------------------------------
    def _matchers(self, doc: Doc):
        if self._vocab is not doc.vocab:
            from spacy.matcher import Matcher, PhraseMatcher

            phrase_matcher = PhraseMatcher(doc.vocab, attr="LOWER")
            matcher = Matcher(doc.vocab)
            tokenizer = _tokenizer_for(doc)
            for spec in self.specs.values():
                if spec.phrases:
                    phrase_matcher.add(spec.id, [tokenizer(p) for p in spec.phrases])
                if spec.patterns:
                    matcher.add(spec.id, spec.patterns)
            self._phrase_matcher, self._matcher, self._vocab = phrase_matcher, matcher, doc.vocab
        return self._phrase_matcher, self._matcher

    # -- the check --------------------------------------------------------------------------------------------
    def check(self, doc: Doc) -> Iterable[Finding]:
        note = doc._.note
        if note is None:
            return
        required = self.config.required_for(note.note_type)
        # A conditional element is reported at the words that call for it ("modified duty").
        triggers = {e: span for e, span in self.triggered(text_of(doc), note.structure, note.sentences).items()
                    if e not in required and self.specs[e].only_with in (None, *required)}
        required += tuple(triggers)
        if not required:
            return
        # A case-management export states the service date in its own column, the note's header.
        present = {e for e in _FROM_METADATA if e in required and note.meta.get(e)}
        present |= self.present_elements(doc, note.structure, set(required) - present)
        for element in required:
            if element in present or element not in self.specs:
                continue
            start, end = triggers.get(element, (0, 0))
            yield self.finding(doc, start, end, self.specs[element].message, element=element)

    def triggered(self, text: str, structure: NoteStructure | None = None,
                  sentences: Sentences | None = None) -> dict[str, tuple[int, int]]:
        """Conditional elements this text calls for, with the span of the first trigger that its clause
        does not cancel ("no modified duty available" cancels) and that is not in a Goals section."""
        sentences = sentences if sentences is not None else split_sentences(text)
        found: dict[str, tuple[int, int]] = {}
        for element, spec in self.specs.items():
            hits = sorted((m.start(), m.end()) for regex in spec.required_when for m in regex.finditer(text))
            for start, end in hits:
                section = structure.section_at(start) if structure is not None else None
                if section is not None and "goal" in section.label:
                    continue
                clause = text[slice(*sentences.clause_around(start, end))]
                if not any(cancel.search(clause) for cancel in spec.not_when):
                    found[element] = (start, end)
                    break
        return found

    def present_elements(self, doc: Doc, structure: NoteStructure, wanted: set[str]) -> set[str]:
        present = self._labelled(text_of(doc), structure, wanted)
        if wanted <= present:
            return present
        present |= self._prose(doc, structure, wanted - present)
        return present

    def _labelled(self, text: str, structure: NoteStructure, wanted: set[str]) -> set[str]:
        present: set[str] = set()
        blocks = structure.blocks
        for i, block in enumerate(blocks):
            if block.kind == "heading":
                elements = self._elements_for(block.label) & wanted
                if elements and (value := self._heading_content(blocks, i)) is not None:
                    present |= {e for e in elements if self._states(e, value)}
            elif block.kind == "field":
                elements = self._elements_for(block.label) & wanted
                value = text[block.value_start:block.end]
                present |= {e for e in elements if self._states(e, value)}
            elif block.kind == "list_item" and (m := _LIST_FIELD.match(block.text)):
                present |= {e for e in self._elements_for(m.group(1)) & wanted if self._states(e, m.group(2))}
            elif block.kind == "table_row":
                cells = [c.strip() for c in block.text.strip().strip("|").split("|")]
                if len(cells) >= 2:
                    value = " ".join(cells[1:])
                    present |= {e for e in self._elements_for(cells[0]) & wanted if self._states(e, value)}
        return present

    def _heading_content(self, blocks: list[Block], index: int) -> str | None:
        """Text under a heading up to the next heading of the same or a higher level (subheadings belong to
        it: "## Plan" then "Treatment:"); None when empty or another element's field follows."""
        content = []
        level = blocks[index].level
        for block in blocks[index + 1:]:
            if block.kind == "heading" and block.level <= level:
                break
            if not content and block.kind == "field" and self._elements_for(block.label):
                return None
            content.append(block.text)
        return "\n".join(content) if content else None

    def _elements_for(self, label: str) -> set[str]:
        """Elements a label names: "Work status" -> work_status; a joined label such as "Mechanism and
        diagnosis" or "Subjective/Objective" names each of its parts."""
        label = normalize(label)
        found = self._label_index.get(label)
        if found is not None:
            return found
        parts = [p for p in re.split(r"\s+and\s+|\s*[/&,]\s*", label) if p]
        if len(parts) < 2:
            return set()
        return set().union(*(self._label_index.get(part, set()) for part in parts))

    def _states(self, element: str, value: str) -> bool:
        """Whether a labelled value states something (not blank, 'none', 'not addressed')."""
        value = value.strip()
        if self.specs[element].allow_none and _NONE_VALUE.match(value):
            return True
        if _EMPTY_VALUE.match(value):
            return False
        return not (_NEGATED_STATEMENT.search(value) and len(value.split()) <= 12)

    def _prose(self, doc: Doc, structure: NoteStructure, wanted: set[str]) -> set[str]:
        phrase_matcher, matcher = self._matchers(doc)
        label_zones = structure.label_zones()
        present: set[str] = set()
        strings = doc.vocab.strings
        matches = [*phrase_matcher(doc), *matcher(doc)]
        for match_id, start, end in matches:
            element = strings[match_id]
            if element not in wanted or element in present:
                continue
            span = doc[start:end]
            if any(zs <= span.start_char < ze for zs, ze in label_zones):
                continue
            if not _negated(span):
                present.add(element)
        for element in wanted - present:
            if self.specs[element].unclaimed_by and self._unclaimed_sentence(doc, matches, element, label_zones):
                present.add(element)
                continue
            if any(regex.search(text_of(doc)) for regex in self.specs[element].states):
                present.add(element)
                continue
            for regex, first_lines in self.specs[element].regexes:
                if self._regex_hit(doc, regex, first_lines):
                    present.add(element)
                    break
        return present

    def _unclaimed_sentence(self, doc: Doc, matches, element: str, label_zones) -> bool:
        """A prose sentence that no cue of the claiming elements touches: in a DAP note, a statement that is
        neither assessment nor plan ("Job loss, housing risk. Kids with relative.") is data."""
        claiming = set(self.specs[element].unclaimed_by)
        strings = doc.vocab.strings
        claimed = {doc[start].sent.start for match_id, start, _ in matches if strings[match_id] in claiming}
        for sent in doc.sents:
            if sent.start in claimed or any(zs <= sent.start_char < ze for zs, ze in label_zones):
                continue
            if sum(t.is_alpha for t in sent) >= 2:
                return True
        return False

    def _regex_hit(self, doc: Doc, regex: re.Pattern[str], first_lines: int) -> bool:
        text = text_of(doc)
        if first_lines:
            lines = [m for m in re.finditer(r"[^\n]*\S[^\n]*", text)][:first_lines]
            text_end = lines[-1].end() if lines else 0
        else:
            text_end = len(text)
        for m in regex.finditer(text, 0, text_end):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is None or not _negated(span):
                return True
        return False


def _tokenizer_for(doc: Doc):
    """Make phrase-pattern Docs with the tokenizer of the vocab's pipeline (blank English fallback)."""
    import spacy

    nlp = spacy.blank(doc.lang_ or "en")
    return nlp.make_doc


def _negated(span: Span) -> bool:
    """True when the cue's sentence negates it: a negator just before it in the same clause,
    a `neg` on the verb it hangs from, or "not addressed/discussed..." right after it."""
    doc = span.doc
    sent = span.sent if doc.has_annotation("SENT_START") else doc[max(0, span.start - 20):min(len(doc), span.end + 20)]
    # 1. negator in the clause just before the cue.
    for i in range(span.start - 1, max(sent.start, span.start - _WINDOW) - 1, -1):
        tok = doc[i]
        low = tok.lower_
        if low in _CLAUSE_BREAK or tok.is_punct or "\n" in tok.text:
            break
        if low in _NEGATORS:
            return True
    # 2. `neg` dependent on the verb the cue hangs from (not counting negators inside the cue).
    if doc.has_annotation("DEP"):
        tok = span.root
        for _ in range(4):
            if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
                break
            tok = tok.head
        same_clause = ";" not in text_of(doc)[min(tok.idx, span.start_char):max(tok.idx, span.start_char)]
        if tok.pos_ in ("VERB", "AUX") and same_clause and not (span.start <= tok.i < span.end):
            if any(c.dep_ == "neg" and not (span.start <= c.i < span.end) for c in tok.children):
                return True
    # 3. "... was not discussed" after the cue, within its clause.
    after = text_of(doc)[span.end_char:sent.end_char]
    after = re.split(r"[;\n]|\bbut\b", after, maxsplit=1)[0]
    return bool(_NEGATED_STATEMENT.match(after.strip()) or _NEGATED_STATEMENT.search(" ".join(after.split()[:6])))

"""Missing required elements (NA1xx, missing-element).

Source: domain guide 1.0-1.6 and CONTRACT.md "Note types and their required elements".
An element counts as present from the evidence a QA reviewer accepts, wherever it stands:

- a label that names it, in any layout: "Label: value", a heading, "**Label.** value", a label behind a
  timestamp or an author-role prefix ("[2026-09-30 10:10] CM Plan: ..."), a numbered or lettered section
  ("8. Case manager plan", "B - Behavior"), dot leaders ("Closure Date ..... 10/30/2026"), a pipe
  ("NCM PLAN | ..."), a table whose first column is headed by the label, or a label after a sentence in a
  one-line note ("TC to IW ... Purpose: ... Plan: ..."); abbreviations ("CM Plan", "Tx", "RTW", "f/u") are
  labels of the lexicon; the value must not be empty or negated ("Plan: none", "Work status: not addressed",
  "Goals: to be set");
- a sentence that states it: phrases, token patterns and regexes, and parse cues that read the verb's
  lemma, its subject and its objects from the dependency parse ("Dr. Paulsen found a healed scar", "She
  diagnosed fractures", "Outbound call to Dana Whitfield", "he told me that he felt...") and that its
  sentence does not negate ("Return to work was not discussed" does not count).

In a SOAP, DAP or BIRP note laid out in its sections, a section element counts only from its own label.
When the layout was not recognised well enough to be sure (few recognised labels, mostly one block of
prose), the finding is a warning that says so, never an error. The cue lexicon,
with a rationale per cue group, is data: `elements.yaml` next to this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ...text.dates import DATE_PATTERN, find_dates
from ...text.sentences import split_sentences
from ..model import Finding
from ..registry import Rule, register, text_of
from ..tokens import TokenPatterns, words

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ...text.sentences import Sentences
    from ...text.structure import Block, NoteStructure

LEXICON_PATH = Path(__file__).with_name("elements.yaml")

# A value that states nothing: "none", "n/a", "not addressed", "TBD", "-", "none yet", "to be set".
_EMPTY_VALUE = re.compile(
    r"^\W*(?:none|n/?a|na|nil|unknown|unk|tbd|tba|not applicable|not addressed|not discussed|not documented|"
    r"not reviewed|not provided|not stated|not given|not available|not obtained|not assessed|not specified|"
    r"not known|not done|no information|no info|blank|-+|\?+)?"
    # "None at this time", "N/A today", "none currently": a time qualifier adds nothing to the value.
    r"(?:\s+(?:at\s+(?:this|the\s+present)\s+time|at\s+present|currently|for\s+now|as\s+of\s+now|today|"
    r"this\s+(?:visit|session|time|call|period)))?\W*$",
    re.I,
)
# A value deferred to later states nothing yet: "none yet; adjuster is arranging one", "to be set after...".
_DEFERRED_VALUE = re.compile(
    r"^\W*(?:none\s+yet|not\s+yet\s+(?:set|known|scheduled|determined|assigned|established|identified|chosen)|"
    r"to\s+be\s+(?:set|determined|decided|scheduled|assigned|arranged|established|identified|confirmed|completed|"
    r"discussed|addressed|developed)|pending)\b",
    re.I,
)
_NONE_VALUE = re.compile(r"^\W*(?:none|nil|n/?a)\b", re.I)
# A value that opens with another field's label: the first label is empty.
_NEXT_LABEL = re.compile(r"^[ \t*_]*([A-Z][A-Za-z/ ]{1,30}?)(?:[ \t]*\([^)\n]{0,60}\))?[ \t]*:(?:\*\*)?[ \t]")
#: Section words of call logs and exports that name no element but open another field.
_SECTION_WORDS = frozenset({"discussion", "details", "detail", "notes", "note", "summary", "comments", "comment",
                            "narrative", "description", "history", "background", "interventions", "actions",
                            "time", "billing", "units", "signed", "signature", "last filed by", "addendum"})
# A signature standing where a value should be ("Plan:" then "Lucia Ferraro, BA - signed 10/13/2026 08:45",
# "Marcus Delaney — 11/02/2026 15:40"): the author's name and a date, which state nothing.
_SIGNATURE_LINE = re.compile(
    r"^[ \t*_>]*(?:(?:electronically[ \t]+|digitally[ \t]+|e-?)?signed\b|signature\b"
    # an author signs with a name, not a title: "Dr. Constantin, 11/10/2026 at 2:30 PM." is an appointment
    r"|(?!(?:Dr|Doctor|Mr|Ms|Mrs|Mx)\b)[A-Z][A-Za-z.'-]*(?:[ \t]+[A-Z][A-Za-z.'-]*){0,3}(?:,[ \t]*[A-Za-z][A-Za-z./-]*(?:[ \t]+[A-Za-z][A-Za-z./-]*){0,3}){0,3}"
    # "He signed the appeal form." is what the client did: a sign-off's "signed" ends it or is dated
    r"[ \t]*(?:[-\u2013\u2014|,\u00b7][ \t]*)?(?:(?:electronically[ \t]+|e-?)?signed\b"
    r"(?=[ \t*_]*(?:$|[:,(\u2013\u2014-]|(?:on|at|by|electronically)\b|\d))"
    # a name and a date: only a time may follow ("Dr. Patel, 09/16/2026 at 9:00, to review the MRI" is a value)
    r"|" + DATE_PATTERN + r"(?:[ \t,]*(?:at[ \t]*)?\d{1,2}:?\d{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?)?[ \t*_]*$))"
)
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
#: Elements whose value may be a bare date; every other labelled value must hold a word.
_DATE_VALUED = frozenset({"date_of_service", "date_of_injury", "closure_date", "report_period", "next_appointment"})

# -- label layouts ------------------------------------------------------------------------------------------
# What may stand before a label on its line: a bracketed stamp "[2026-09-30 10:10]", an ISO or US date-time
# "2026-09-30 10:10 -", "10/02/2026 0938", a bullet, a number or letter "8.", "a)", "(1)", Markdown "#".
_LINE_PREFIX = re.compile(
    r"(?:[ \t]+"
    r"|\[[^\]\n]{1,40}\][ \t]*"
    r"|\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:?\d{2}(?::\d{2})?)?[ \t]*(?:[-\u2013\u2014|][ \t]*)?(?=[A-Za-z*])"
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?[ \t]+\d{1,2}:?\d{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?[ \t]*(?:[-\u2013\u2014|][ \t]*)?(?=[A-Za-z*])"
    r"|[-*+\u2022>][ \t]+"
    r"|\(?\d{1,3}[.)][ \t]+"
    r"|\(?[a-z][.)][ \t]+(?=[A-Za-z*])"
    r"|#{1,6}[ \t]+)"
)
# Where a label's words end: a colon (not a clock "10:10" or a link), dot leaders, a pipe with spaces.
# (The opening lookahead lets the engine pass over most characters with one test: the scan ran per line
# of every note and cost 3.5x as much without it. The lookbehind for "=" comes after it for the same reason.)
_SEPARATOR = re.compile(r"(?=[*: \t=.])(?:(?:\*\*)?[ \t]*:(?![\d/])(?:\*\*)?[ \t]*,?|=(?<=\w=)[ \t]*(?=\S)"
                        r"|[ \t]*\.{3,}[ \t]*|[ \t]+\|[ \t]+"
                        # "Counselor plan - Request the job description...": a spaced dash after a label that opens
                        # its line (a label of the lexicon as a whole, never a title's last words).
                        r"|[ \t]+[-\u2013\u2014][ \t]+)")
# "WORK_STATUS;Off work per Dr. Kovac" and "CLM;WC-9610651;IW;Whitlock, Raymond": a semicolon export, one
# KEY;value pair after another, keys in capitals.
_SEMICOLON_PAIRS = re.compile(r"[A-Z][A-Z0-9_/ ]{0,30};[^;\n]*(?:;[A-Z][A-Z0-9_/ ]{0,30};[^;\n]*)*$")
# "**Scheduled follow-up.** Preoperative visit...": a bold run-in label ending in a period.
_BOLD_RUN_IN = re.compile(r"\*\*([^*\n]{1,50}?)[.:]\*\*[ \t]*")
# Where a label may start inside a line: after a sentence end, a pipe, a semicolon, a comma or bold markers.
# (The punctuation comes before the lookbehinds that check the title before it: 4x faster, same matches.)
_BOUNDARY = re.compile(r"[.;!?](?<!\bDr.)(?<!\bMr.)(?<!\bMs.)(?<!\bMrs.)(?<!\bSt.)(?<!\bvs.)(?<!\bNo.)[ \t]+|[ \t]?\|[ \t]*|,[ \t]+|\*\*[ \t]*|[ \t]{3,}"
                       # a run-together paste: "...as needed.O:Turns head..."
                       r"|[.;!?](?=[A-Z]{1,3}:)")
#: Results of dropping words from a label that name nothing by themselves ("Referral date" is not the
#: date of service, "Emergency contact" is not the call's contact).
_GENERIC = frozenset({"date", "time", "period", "reason", "result", "results", "subject", "re", "who", "party",
                      "contact", "type", "name", "to", "from", "with", "when", "number", "s", "o", "a", "p", "d", "b",
                      "i", "r", "status", "closed", "work", "injury", "present", "history"})
#: Words that open a short phrase after a label ("Barriers I found:", "Goals we set:", "Plan going forward:").
_LABEL_TRAILERS = frozenset({"i", "we", "identified", "found", "noted", "discussed", "set", "going", "today",
                             "agreed"})
#: Label words that a phrase may end in without being that label ("Past medical history:", "Claim status:").
_SUFFIX_BLOCK = _GENERIC - {"re", "contact", "to", "from", "with", "who"}
#: Words of a note's title, not of a label: "NCM TELEPHONIC FOLLOW-UP (SOAP)", "TELEPHONE CONTACT - ACME" are
#: titles, so their last words ("follow-up", "contact") are not read as a label.
_TITLE_WORDS = frozenset({"telephonic", "telephone", "phone", "soap", "dap", "birp", "note", "notes", "report",
                          "intake", "consult", "consultation", "monthly", "interim", "recap", "summary"})
_TAIL = re.compile(r"^(.+?)\s+(?:of|for|to|at|on|in|with|vs\.?|versus|toward|towards|per)\s+\S")


def normalize(label: str) -> str:
    """Label as compared with the lexicon: lowercase, '&' -> 'and', '(s)'/'(...)' dropped, numbering and
    bullets ("8.", "a)", "B -") dropped, spaces collapsed."""
    label = re.sub(r"[*_#:`]", " ", label.lower()).replace("&", " and ")
    label = re.sub(r"\bdt\b", "date", label)  # "CLOSURE_DT", "REF_DT": an export's date column
    label = re.sub(r"\([^)]*\)", " ", label)
    label = re.sub(r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|[a-z]\s*[\u2014\u2013-])\s+", " ", label)
    # "Plan per provider", "Work status per Dr. Lee", "Restrictions from the PTP": the label is what precedes.
    label = re.sub(r"\s+(?:per|from|by|according to)\s+.*$", "", label)
    return re.sub(r"\s+", " ", label).strip(" .-\u2014\u2013")


@dataclass
class CueGroup:
    """One group of prose cues with its rationale (`why`); `types` limits it to some note types."""

    why: str
    types: frozenset[str] | None = None
    phrases: list[str] = field(default_factory=list)
    patterns: list[list[dict]] = field(default_factory=list)
    #: (compiled regex, first_lines or 0 for anywhere)
    regexes: list[tuple[re.Pattern[str], int]] = field(default_factory=list)
    #: Regexes that state the element although worded negatively ("has not returned to work" is a work
    #: status), so negation does not cancel them.
    states: list[re.Pattern[str]] = field(default_factory=list)
    parse: list[dict] = field(default_factory=list)
    #: A date in the cue must be after the service date ("follow-up on 12/04" after a visit on 11/20; the
    #: visit's own date is not its next appointment).
    after_service: bool = False
    #: Regexes that, anywhere in the cue's sentence, make it something other than a statement of the element
    #: ("Goal: return to full duty by 12/01" is a goal, not the work status).
    not_in_sentence: list[re.Pattern[str]] = field(default_factory=list)


@dataclass
class ElementSpec:
    id: str
    message: str
    labels: frozenset[str]
    looked_for: str = ""
    allow_none: bool = False
    #: Labels another element owns too ("Plan"), and the elements whose requirement makes them ambiguous.
    shared_labels: frozenset[str] = frozenset()
    unless_required: frozenset[str] = frozenset()
    groups: list[CueGroup] = field(default_factory=list)
    #: For a conditional element (notetypes.CONDITIONAL_ELEMENTS): regexes that make it required, and
    #: regexes that, anywhere in the same sentence, cancel the trigger.
    required_when: list[re.Pattern[str]] = field(default_factory=list)
    not_when: list[re.Pattern[str]] = field(default_factory=list)
    not_in_sections: tuple[str, ...] = ("goal",)
    #: The conditional element is checked only in notes that require this element.
    only_with: str | None = None
    #: Present when some prose sentence carries no cue of these elements (DAP "data" is what is left
    #: once assessment and plan statements are set aside).
    unclaimed_by: tuple[str, ...] = ()

    def groups_for(self, note_type: str | None) -> list[CueGroup]:
        return [g for g in self.groups if g.types is None or note_type in g.types]


@dataclass
class Lexicon:
    specs: dict[str, ElementSpec]
    classes: dict[str, frozenset[str]]
    roles: tuple[str, ...]
    sectioned_formats: frozenset[str]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{DATE}", DATE_PATTERN))  # a date as text/dates.py reads it


def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, ElementSpec]:
    return load_full_lexicon(path).specs


def load_full_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    classes = {k: frozenset(str(w).lower() for w in v) for k, v in data.pop("_classes").items() if k != "why"}
    roles = tuple(sorted((str(w).lower() for w in data.pop("_roles")["words"]), key=len, reverse=True))
    sectioned = frozenset(data.pop("_sectioned_formats")["types"])
    specs: dict[str, ElementSpec] = {}
    for element, entry in data.items():
        labels: set[str] = set()
        shared: set[str] = set()
        unless: set[str] = set()
        groups = []
        for raw in entry.get("cues", []):
            if not raw.get("why"):
                raise ValueError(f"{path.name}: {element}: every cue group needs a `why`")
            labels |= {normalize(x) for x in raw.get("labels", [])}
            shared |= {normalize(x) for x in raw.get("shared_labels", [])}
            unless |= set(raw.get("unless_required", []))
            regexes = []
            for item in raw.get("regex", []):
                item = item if isinstance(item, dict) else {"pattern": item}
                regexes.append((_compile(item["pattern"]), int(item.get("first_lines", 0))))
            groups.append(CueGroup(
                why=raw["why"],
                types=frozenset(raw["types"]) if raw.get("types") else None,
                phrases=[p.lower() for p in raw.get("phrases", [])],
                patterns=raw.get("patterns", []),
                regexes=regexes,
                states=[_compile(p) for p in raw.get("states", [])],
                parse=raw.get("parse", []),
                after_service=bool(raw.get("after_service", False)),
                not_in_sentence=[_compile(p) for p in raw.get("not_in_sentence", [])],
            ))
        specs[element] = ElementSpec(
            id=element,
            message=entry.get("message", f"no {element.replace('_', ' ')}"),
            looked_for=entry.get("looked_for", ""),
            labels=frozenset(labels),
            allow_none=bool(entry.get("allow_none", False)),
            shared_labels=frozenset(shared),
            unless_required=frozenset(unless),
            groups=groups,
            required_when=[_compile(p) for p in entry.get("required_when", [])],
            not_when=[_compile(p) for p in entry.get("not_when", [])],
            not_in_sections=tuple(entry.get("not_in_sections", ("goal",))),
            only_with=entry.get("only_with"),
            unclaimed_by=tuple(entry.get("unclaimed_by", ())),
        )
    return Lexicon(specs, classes, roles, sectioned)


@dataclass
class LabelHit:
    """A label found in the text: the elements it names (own and shared), where it is and its value."""

    elements: set[str]
    shared: set[str]
    start: int
    label_end: int
    value_start: int
    value_end: int
    #: The label opens its line (after any stamp or bullet): an empty value continues on the next lines.
    opens_line: bool = True


@dataclass
class Evidence:
    """What the rule found in one note."""

    present: set[str]
    #: Lines with a recognised label of any element: how well the layout was understood.
    recognised_labels: int = 0
    #: Share of the note's words outside every label, field, list, table and section.
    unstructured: float = 0.0
    #: Where each present element was found: (start, end, "label" or "prose"), the first evidence accepted.
    where: dict[str, tuple[int, int, str]] = field(default_factory=dict)


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
        "have their own lists. An element counts when the text states it: under a label in any common layout "
        "(\"Work status:\", \"[10:10] CM Plan:\", \"RTW:\", \"f/u:\", a header line, a table), or in a sentence whose "
        "subject, verb and object state it (\"He remains off work\", \"Dr. Lee found...\", \"Return visit in two "
        "weeks\"). An empty or negated statement (\"Work status: not addressed\", \"Plan: none\", \"Work status was "
        "not discussed\") does not count: ask the provider or state the element explicitly. When the note's layout "
        "was not recognised (few labels, mostly unlabelled prose), the finding is a warning."
    )
    bad = "Seen by Dr. Lee on 11/20/2026. Lumbar strain. Continue PT 2x/week. Work status was not discussed."
    good = "Seen by Dr. Lee on 11/20/2026. Lumbar strain. Continue PT 2x/week. Modified duty, no lifting over 20 lb."
    source = "domain guide 1.0-1.6; CONTRACT.md note types"

    #: Fewer recognised label lines than this, and the layout was not understood well enough for an error.
    min_labels = 2
    #: More than this share of the words outside labels, fields, lists, tables and sections: mostly prose.
    max_unstructured = 0.6

    def __init__(self, config):
        super().__init__(config)
        lexicon = load_full_lexicon()
        self.specs = lexicon.specs
        self.classes = lexicon.classes
        self.roles = lexicon.roles
        self.sectioned_formats = lexicon.sectioned_formats
        self._label_index: dict[str, set[str]] = {}
        self._shared_index: dict[str, set[str]] = {}
        for spec in self.specs.values():
            for label in spec.labels:
                self._label_index.setdefault(label, set()).add(spec.id)
            for label in spec.shared_labels:
                self._shared_index.setdefault(label, set()).add(spec.id)
        self._phrase_matcher = None
        self._matcher = None
        self._vocab = None
        self._label_memo: tuple[str, NoteStructure | None, list[LabelHit]] | None = None

    # -- matchers, compiled once per rule instance (per vocab) -------------------------------------------------
    def bind(self, vocab) -> None:
        if self._vocab is vocab:
            return
        from spacy.matcher import PhraseMatcher

        phrase_matcher = PhraseMatcher(vocab, attr="LOWER")
        matcher = TokenPatterns(vocab)
        tokenizer = _tokenizer_for(vocab)
        for spec in self.specs.values():
            for index, group in enumerate(spec.groups):
                key = f"{spec.id}#{index}"
                if group.phrases:
                    phrase_matcher.add(key, [tokenizer(p) for p in group.phrases])
                if group.patterns:
                    matcher.add(key, group.patterns)
        self._phrase_matcher, self._matcher, self._vocab = phrase_matcher, matcher, vocab

    def _matchers(self, doc: Doc):
        self.bind(doc.vocab)  # already bound by the engine, unless the rule is used on its own
        return self._phrase_matcher, self._matcher

    # -- the check --------------------------------------------------------------------------------------------
    def check(self, doc: Doc) -> Iterable[Finding]:
        note = doc._.note
        if note is None:
            return
        required, triggers, metadata, evidence = self.explain(doc)
        if not required:
            return
        unsure = self._layout_doubt(evidence, note.note_type_source)
        for element in required:
            if element in metadata or element in evidence.present or element not in self.specs:
                continue
            spec = self.specs[element]
            start, end = triggers.get(element, (0, 0))
            message = spec.message + (f"; looked for {spec.looked_for}" if spec.looked_for else "")
            if unsure:
                message += f"; {unsure}, so this is a warning"
            yield self.finding(doc, start, end, message, severity="warning" if unsure else None, element=element)

    def explain(self, doc: Doc) -> tuple[tuple[str, ...], dict[str, tuple[int, int]], set[str], Evidence]:
        """What the check weighs for a note: the elements required (with the conditional ones its text calls
        for), the words that call for each conditional one, the elements its metadata states, and the
        evidence found in the text (`Evidence.where` says where each present element was found)."""
        note = doc._.note
        required = self.config.required_for(note.note_type)
        # A conditional element is reported at the words that call for it ("modified duty").
        triggers = {e: span for e, span in self.triggered(text_of(doc), note.structure, note.sentences).items()
                    if e not in required and self.specs[e].only_with in (None, *required)}
        required += tuple(triggers)
        if not required:
            return required, triggers, set(), Evidence(set())
        # A case-management export states the service date in its own column, the note's header.
        metadata = {e for e in _FROM_METADATA if e in required and note.meta.get(e)}
        evidence = self.evidence(doc, note.structure, set(required) - metadata, note.note_type, set(required))
        return required, triggers, metadata, evidence

    def _layout_doubt(self, evidence: Evidence, source: str) -> str | None:
        """Why the finding cannot be an error, or None when the note's layout was understood. (Text that is
        not recognisably a case-management note gets no inferred type, so no findings at all: text/infer.py.)"""
        if evidence.recognised_labels < self.min_labels or evidence.unstructured > self.max_unstructured:
            return "the note's layout was not recognised"
        return None

    def triggered(self, text: str, structure: NoteStructure | None = None,
                  sentences: Sentences | None = None) -> dict[str, tuple[int, int]]:
        """Conditional elements this text calls for, with the span of the first trigger that its clause
        does not cancel ("no modified duty available" cancels) and that is not under a Goals (or
        Recommendations, Next steps) section or label."""
        sentences = sentences if sentences is not None else split_sentences(text)
        found: dict[str, tuple[int, int]] = {}
        hits_by_label = None
        for element, spec in self.specs.items():
            hits = sorted((m.start(), m.end()) for regex in spec.required_when for m in regex.finditer(text))
            for start, end in hits:
                section = structure.section_at(start) if structure is not None else None
                if section is not None and any(word in section.label for word in spec.not_in_sections):
                    continue
                if hits_by_label is None:
                    hits_by_label = self._label_hits(text, structure)
                if any(h.value_start <= start < h.value_end and any(word in normalize(text[h.start:h.label_end])
                                                                    for word in spec.not_in_sections)
                       for h in hits_by_label):
                    continue
                clause = text[slice(*sentences.clause_around(start, end))]
                if not any(cancel.search(clause) for cancel in spec.not_when):
                    found[element] = (start, end)
                    break
        return found

    def present_elements(self, doc: Doc, structure: NoteStructure, wanted: set[str],
                         note_type: str | None = None) -> set[str]:
        return self.evidence(doc, structure, wanted, note_type, wanted).present

    def evidence(self, doc: Doc, structure: NoteStructure, wanted: set[str], note_type: str | None,
                 required: set[str]) -> Evidence:
        text = text_of(doc)
        hits = self._label_hits(text, structure)
        label_zones = structure.label_zones() + [(h.start, h.label_end) for h in hits]
        cues = self._cue_hits(doc, wanted, note_type, label_zones, _service_date(doc))
        where: dict[str, tuple[int, int, str]] = {}
        labelled, present = self._labelled(text, structure, hits, wanted, required, cues, where)
        # A SOAP/DAP/BIRP note laid out in its sections: a section element counts only from its label.
        sections_only: set[str] = set()
        if note_type in self.sectioned_formats:
            format_elements = {e for e in required if e != "date_of_service"}
            if len(labelled & format_elements) >= 2:
                sections_only = format_elements
        for element in wanted - present - sections_only:
            if cue := next(((s, e) for el, s, e in cues if el == element), None):
                present.add(element)
                where[element] = (*cue, "prose")
            elif self.specs[element].unclaimed_by and \
                    (sent := self._unclaimed_sentence(doc, cues, element, label_zones)) is not None:
                present.add(element)
                where[element] = (*sent, "prose")
        lines = {text.count("\n", 0, h.start) for h in hits}
        lines |= {text.count("\n", 0, b.start) for b in structure.blocks
                  if b.kind in ("heading", "field") and self._elements_for(b.label)[0] | self._elements_for(b.label)[1]}
        spans = [(h.start, h.value_end) for h in hits]
        # Sections under a heading and labelled fields are laid out, whether or not they name an element.
        spans += [(sec.heading_start, sec.end) for sec in structure.sections]
        spans += [(b.start, b.end) for b in structure.blocks if b.kind in ("field", "table_row", "list_item")]
        return Evidence(present, len(lines), _unstructured_share(text, spans), where)

    # -- labels -----------------------------------------------------------------------------------------------
    def _label_hits(self, text: str, structure: NoteStructure | None = None) -> list[LabelHit]:
        """Every label the lexicon knows, in any of the layouts the module docstring lists, with its value:
        the rest of its line up to the next label, or, for a label alone on its line, the lines below it up to
        the next label line or heading. The check asks twice per note (for the triggers, then for the
        evidence), so the last note's answer is kept; callers only read it."""
        memo = self._label_memo  # one tuple, read and replaced whole: safe with threads sharing the rule
        if memo is not None and memo[0] is text and memo[1] is structure:
            return memo[2]
        hits = self._find_label_hits(text, structure)
        self._label_memo = (text, structure, hits)
        return hits

    def _find_label_hits(self, text: str, structure: NoteStructure | None) -> list[LabelHit]:
        hits: list[LabelHit] = []
        line_hits: list[tuple[int, int, list[LabelHit]]] = []
        for m in re.finditer(r"[^\n]+", text):
            line_start, line_end = m.start(), m.end()
            if _SEMICOLON_PAIRS.match(text, line_start, line_end):
                line_hits.append((line_start, line_end, self._semicolon_pairs(text, line_start, line_end)))
                continue
            pos = line_start
            while (p := _LINE_PREFIX.match(text, pos, line_end)) and p.end() > pos:
                pos = p.end()
            found = self._labels_in_line(text, pos, line_end)
            if not found:
                rest = text[pos:line_end].strip()
                # A label alone on its line with no separator: "8. Case manager plan", "WORK STATUS".
                if rest and len(rest.split()) <= 6 and not rest.endswith((".", ",", ";")):
                    own, shared = self._elements_for(rest)
                    if own or shared:
                        found = [LabelHit(own, shared, pos, line_end, line_end, line_end)]
            line_hits.append((line_start, line_end, found))
        headings = {b.start for b in structure.blocks if b.kind == "heading"} if structure is not None else set()
        for index, (_, line_end, found) in enumerate(line_hits):
            for hit in found:
                # "**Plan:**" closes its bold and has its value below; "Plan: ***" is a template's blank.
                if hit.opens_line and text[hit.value_start:hit.value_end].strip(" \t") in ("", "*", "**", "_", "__"):
                    # The value is on the lines below, up to the next label line or heading.
                    end = hit.value_end
                    for next_start, next_end, next_found in line_hits[index + 1:]:
                        if any(h.opens_line for h in next_found) or any(next_start <= s < next_end for s in headings):
                            break
                        end = next_end
                    hit.value_start, hit.value_end = line_end, end
                hits.append(hit)
        return hits

    def _semicolon_pairs(self, text: str, start: int, end: int) -> list[LabelHit]:
        """An export line of KEY;value;KEY;value fields ("CLM;WC-9610651;IW;Whitlock, Raymond;DOI;2026-05-06")."""
        found: list[LabelHit] = []
        fields = [(f.start(), f.end()) for f in re.finditer(r"[^;]+", text[start:end])]
        for (ks, ke), value in zip(fields[0::2], fields[1::2] + [None] * (len(fields) % 2)):
            own, shared = self._elements_for(text[start + ks:start + ke])
            if own or shared:
                vs, ve = (start + value[0], start + value[1]) if value else (end, end)
                found.append(LabelHit(own, shared, start + ks, start + ke, vs, ve, opens_line=ks == 0))
        return found

    def _labels_in_line(self, text: str, pos: int, line_end: int) -> list[LabelHit]:
        found: list[LabelHit] = []
        if m := _BOLD_RUN_IN.match(text, pos, line_end):
            own, shared = self._elements_for(m.group(1))
            if own or shared:
                found.append(LabelHit(own, shared, pos, m.end(), m.end(), line_end))
        soft_boundary = pos
        for sep in _SEPARATOR.finditer(text, pos, line_end):
            if found and sep.start() < found[-1].value_start:
                continue
            colon = ":" in sep.group() or "=" in sep.group()  # "dos=2026-10-14", an export's key=value
            if not colon and found:
                continue
            # The label's words: back to the line start or the last boundary before the separator.
            segment_start = max(pos, soft_boundary)
            boundary = ""
            for b in _BOUNDARY.finditer(text, segment_start, sep.start()):
                segment_start, boundary = b.end(), b.group()
            if not colon and segment_start != pos:
                continue  # dot leaders and pipes separate a label that opens its line
            segment = text[segment_start:sep.start()]
            start = segment_start
            dash = sep.group().strip() in ("-", "\u2013", "\u2014")
            if dash and len(segment.split()) > 4:
                continue
            own, shared = (self._elements_for(segment, strict=dash) if len(segment.split()) <= 6
                           else (set(), set()))
            if not (own or shared) and colon and len(segment.split()) >= 4:
                # A label at the end of a phrase: "Outbound call to IW Pike re: confirm...".
                words = list(re.finditer(r"[A-Za-z][\w/'\-]*", segment))
                for k in (3, 2, 1):
                    if len(words) >= k:
                        candidate = segment[words[-k].start():]
                        if len(candidate.strip()) < 2 or normalize(candidate) in _SUFFIX_BLOCK:
                            continue
                        own, shared = self._elements_for(candidate)
                        if own or shared:
                            start = segment_start + words[-k].start()
                            break
            if not (own or shared):
                if colon:
                    soft_boundary = sep.end()  # "ADDENDUM 03/06/2026: Work status: ..."
                continue
            # "S:" or "A:" inside a sentence is not a SOAP label; after a pipe or a run-together period
            # ("...|S:IW reported", "...as needed.O:Turns head") it is.
            if segment_start != pos and len(normalize(text[start:sep.start()])) == 1 \
                    and not ("|" in boundary or boundary in (".", ";", "!", "?")):
                continue
            if found and found[-1].value_end > start:
                found[-1].value_end = start
            found.append(LabelHit(own, shared, start, sep.start(), sep.end(), line_end,
                                  opens_line=segment_start == pos))
        return found

    def _elements_for(self, label: str, strict: bool = False) -> tuple[set[str], set[str]]:
        """Elements a label names, its own and shared: "Work status" -> work_status; "CM Contact" -> contact
        (a role before a label); "Mechanism and diagnosis" or "Subjective/Objective" names each part;
        "Outcome of goals" -> outcome; "Final work status", "Endoscopic findings" -> the head label."""
        key = normalize(label)
        if not key or len(key) > 60:
            return set(), set()
        if found := self._lookup(key):
            return found
        for role in self.roles:
            if key.startswith(role + " ") and (found := self._lookup(key[len(role) + 1:])):
                return found
        parts = [p for p in re.split(r"\s+and\s+|\s*[/&,+]\s*", key) if p]
        # "S/O/A/P - NCM follow-up" is a title naming the format; "A/P:" is a label for two sections.
        if len(parts) >= 2 and not (strict and any(len(p) == 1 for p in parts)):
            own: set[str] = set()
            shared: set[str] = set()
            for part in parts:
                if found := self._lookup(part):
                    own |= found[0]
                    shared |= found[1]
            if own or shared:
                return own, shared
        if strict:
            return set(), set()
        candidates = []
        words = key.split()
        # "Barriers I found", "Goals we set", "Plan going forward": the label, then a few words about it.
        if 2 <= len(words) <= 4 and words[1] in _LABEL_TRAILERS:
            candidates.append(words[0])
        if (m := _TAIL.match(key)) and m.group(1) not in _GENERIC:
            candidates.append(m.group(1))
        words = key.split()
        for k in (1, 2):
            if len(words) > k and len(words) - k <= 3:
                if _TITLE_WORDS & set(re.split(r"[\s/-]+", " ".join(words[:k]))):
                    break  # "Telephonic follow-up", "Phone contact": a title, not a label
                candidates.append(" ".join(words[k:]))
        for candidate in candidates:
            if candidate not in _GENERIC and (found := self._lookup(candidate)):
                # "Subjective findings": the first word names an element of its own, which the head word
                # ("findings") does not override.
                first = words[0]
                if len(first) > 1 and first not in _GENERIC and candidate != key and \
                        (head := self._lookup(first)) and (head[0] | head[1]) and \
                        not (head[0] | head[1]) & (found[0] | found[1]):
                    return head
                return found
        return set(), set()

    def _lookup(self, key: str) -> tuple[set[str], set[str]] | None:
        for variant in (key, key + "s", key[:-1] if key.endswith("s") and len(key) > 3 else None):
            if variant and (variant in self._label_index or variant in self._shared_index):
                return set(self._label_index.get(variant, ())), set(self._shared_index.get(variant, ()))
        return None

    def _labelled(self, text: str, structure: NoteStructure, hits: list[LabelHit], wanted: set[str],
                  required: set[str], cues, where: dict | None = None) -> tuple[set[str], set[str]]:
        """(elements with a label of their own in the note, wanted elements a label's value states); `where`
        gets the span of the first value that states each element."""
        where = where if where is not None else {}
        labelled: set[str] = set()
        present: set[str] = set()

        def credit(own: set[str], shared: set[str], start: int, end: int) -> None:
            value = text[start:end]
            labelled.update(own)
            stated = {e for e in own & wanted if self._states(e, value)}
            for element in shared & wanted:
                if self.specs[element].unless_required & required:
                    # "Plan:" in a visit note: the case manager's plan when the case manager's actions stand in it.
                    if any(e == element and start <= s < end for e, s, _ in cues) and self._states(element, value):
                        stated.add(element)
                elif self._states(element, value):
                    stated.add(element)
            labelled.update(stated)
            present.update(stated)
            for element in stated:
                where.setdefault(element, (start, end, "label"))

        for hit in hits:
            credit(hit.elements, hit.shared, hit.value_start, hit.value_end)
        blocks = structure.blocks
        table_head: tuple[set[str], set[str]] | None = None
        for i, block in enumerate(blocks):
            if block.kind != "table_row":
                table_head = None
            if block.kind == "heading":
                own, shared = self._elements_for(block.label)
                if (own or shared) and (span := self._heading_content(blocks, i)) is not None:
                    credit(own, shared, *span)
            elif block.kind == "field":
                credit(*self._elements_for(block.label), block.value_start, block.end)
            elif block.kind == "table_row":
                cells = [c.strip() for c in block.text.strip().strip("|").split("|")]
                if set("".join(cells)) <= set("-: "):
                    continue
                if table_head is None:
                    # A table headed by an element ("| Restriction | Limit | Through |") states it in its rows.
                    table_head = self._elements_for(cells[0]) if cells else (set(), set())
                elif table_head[0] or table_head[1]:
                    credit(*table_head, block.start, block.end)
                if len(cells) >= 2:
                    offset = block.start + block.text.find(cells[1]) if cells[1] else block.end
                    credit(*self._elements_for(cells[0]), offset, block.end)
        return labelled, present

    def _heading_content(self, blocks: list[Block], index: int) -> tuple[int, int] | None:
        """Span of the text under a heading up to the next heading of the same or a higher level
        (subheadings belong to it: "## Plan" then "Treatment:"); None when empty or another element's field
        follows."""
        level = blocks[index].level
        start = end = None
        for block in blocks[index + 1:]:
            if block.kind == "heading" and block.level <= level:
                break
            if start is None and block.kind == "field" and any(self._elements_for(block.label)):
                return None
            start = block.start if start is None else start
            end = block.end
        return (start, end) if start is not None else None

    def _states(self, element: str, value: str) -> bool:
        """Whether a labelled value states something (not blank, 'none', 'not addressed', 'to be set', not only
        the author's signature, not the next field's label: "Purpose: Discussion: IW rates...")."""
        if (m := _NEXT_LABEL.match(value)) and (any(self._elements_for(m.group(1)))
                                                or normalize(m.group(1)) in _SECTION_WORDS):
            return False
        # What follows a signature (an addendum, a billing line) is not the field's content either.
        lines = [line for line in value.splitlines() if line.strip(" \t*_")]
        if lines and _SIGNATURE_LINE.match(lines[0]) and len(lines[0].split()) <= 16:
            return False
        value = value.strip(" \t\r\n*,")
        if self.specs[element].allow_none and _NONE_VALUE.match(value):
            return True
        if _EMPTY_VALUE.match(value) or _DEFERRED_VALUE.match(value):
            return False
        if element not in _DATE_VALUED and not re.search(r"[A-Za-z]{2}", value):
            return False
        return not (_NEGATED_STATEMENT.search(value) and len(value.split()) <= 12)

    # -- prose ------------------------------------------------------------------------------------------------
    def _cue_hits(self, doc: Doc, wanted: set[str], note_type: str | None, label_zones: list[tuple[int, int]],
                  service: date | None = None) -> list[tuple[str, int, int]]:
        """(element, start, end) of every prose cue of a wanted element that its sentence does not negate."""
        phrase_matcher, matcher = self._matchers(doc)
        text = text_of(doc)
        strings = doc.vocab.strings
        active = {(e, i): g for e in wanted for i, g in enumerate(self.specs[e].groups)
                  if g.types is None or note_type in g.types}

        def in_label(start: int) -> bool:
            return any(zs <= start < ze for zs, ze in label_zones)

        hits: list[tuple[str, int, int]] = []
        matches = [(strings[m], s, e) for m, s, e in phrase_matcher(doc)] + matcher(doc)
        for key, start, end in matches:
            element, _, index = key.partition("#")
            if (element, int(index)) not in active:
                continue
            span = doc[start:end]
            if not in_label(span.start_char) and not _negated(span) and \
                    not _excluded(active[(element, int(index))], _sentence_text(doc, span.start_char, span.end_char)):
                hits.append((element, span.start_char, span.end_char))
        for (element, _), group in active.items():
            for regex in group.states:
                hits += [(element, m.start(), m.end()) for m in regex.finditer(text)]
            for regex, first_lines in group.regexes:
                found = self._regex_hits(doc, regex, first_lines)
                if group.not_in_sentence:
                    found = [(s, e) for s, e in found if not _excluded(group, _sentence_text(doc, s, e))]
                if group.after_service and service is not None:
                    found = [(s, e) for s, e in found if _not_before(text[s:e], service)]
                hits += [(element, s, e) for s, e in found]
            for cue in group.parse:
                hits += [(element, tok.idx, tok.idx + len(tok)) for tok in self._parse_hits(doc, cue)
                         if not in_label(tok.idx) and not (group.not_in_sentence and _excluded(
                             group, _sentence_text(doc, tok.idx, tok.idx + len(tok))))]
        return hits

    def _parse_hits(self, doc: Doc, cue: dict) -> Iterable[Token]:
        """Tokens whose lemma is a cue verb (or noun) with the subject and objects the cue asks for, read from
        the dependency parse, in a sentence that does not negate it. The note's word index (tokens.words) gives
        the tokens carrying the cue's words, so a cue visits only those."""
        if not doc.has_annotation("DEP"):
            return
        lemmas = set(cue.get("lemmas", ()))
        candidates = [(i, doc[i]) for i in words(doc).word(lemmas)]
        pos = set(cue.get("pos", ()))
        subjects = _as_list(cue.get("subjects"))
        not_subjects = _as_list(cue.get("not_subjects"))
        objects = cue.get("objects", ())
        object_class = cue.get("object_class")
        auxiliaries = {a.lower() for a in cue.get("aux", ())}
        tags = set(cue.get("tags", ()))
        for _, tok in candidates:
            if pos and tok.pos_ not in pos:
                continue
            if tags and tok.tag_ not in tags:
                continue
            if auxiliaries and not any(c.dep_ == "aux" and c.lower_ in auxiliaries for c in _with_heads(tok)):
                continue
            subj = _subjects(tok)
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
            agents = [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if subjects:
                ok = False
                for cls in subjects:
                    if cls == "passive":
                        ok = ok or passive
                    elif cls == "none":
                        ok = ok or not subj
                    else:
                        ok = ok or any(self._in_class(s, cls) for s in subj)
                if not ok:
                    continue
            if not_subjects and any(self._in_class(s, cls) for s in (*subj, *agents) for cls in not_subjects):
                continue
            if objects:
                found = [o for o in _objects(tok, objects)]
                if object_class:
                    found = [o for o in found if _named(o) or self._in_class(o, object_class)]
                if not found:
                    continue
            if not any(c.dep_ == "neg" for c in tok.children) and not _negated(doc[tok.i:tok.i + 1]):
                yield tok

    def _in_class(self, tok: Token, cls: str) -> bool:
        words = self.classes.get(cls, frozenset())
        heads = [tok, *(c for c in tok.children if c.dep_ in ("compound", "amod", "appos", "conj"))]
        return any(t.lower_ in words or t.lower_.rstrip(".") in words for t in heads)

    def _unclaimed_sentence(self, doc: Doc, cues, element: str, label_zones) -> tuple[int, int] | None:
        """The first prose sentence that no cue of the claiming elements touches: in a DAP note, a statement
        that is neither assessment nor plan ("Job loss, housing risk. Kids with relative.") is data."""
        claiming = set(self.specs[element].unclaimed_by)
        spans = [(s, e) for el, s, e in cues if el in claiming]
        for sent in doc.sents:
            if any(zs <= sent.start_char < ze for zs, ze in label_zones):
                continue
            if any(sent.start_char <= s < sent.end_char for s, _ in spans):
                continue
            if sum(t.is_alpha for t in sent) >= 2:
                return sent.start_char, sent.end_char
        return None

    def _regex_hits(self, doc: Doc, regex: re.Pattern[str], first_lines: int) -> list[tuple[int, int]]:
        text = text_of(doc)
        if first_lines:
            lines = [m for m in re.finditer(r"[^\n]*\S[^\n]*", text)][:first_lines]
            text_end = lines[-1].end() if lines else 0
        else:
            text_end = len(text)
        out = []
        for m in regex.finditer(text, 0, text_end):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is None or not _negated(span):
                out.append((m.start(), m.end()))
        return out


def _excluded(group: CueGroup, sentence: str) -> bool:
    return any(regex.search(sentence) for regex in group.not_in_sentence)


_CLAUSE_SPLIT = re.compile(r";|,\s+(?:and|but|while|although|though)\b|\s+but\s+|\s+whereas\s+")


def _sentence_text(doc: Doc, start: int, end: int) -> str:
    """The clause of the cue's sentence that holds it ("He is off work, and Dr. Sorvino expects...": the first)."""
    if not doc.has_annotation("SENT_START"):
        return text_of(doc)[start:end]
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return text_of(doc)[start:end]
    sent = span.sent
    # The note's text, not `sent.text`, which spaCy rebuilds from a Token object per token.
    text, offset = text_of(doc)[sent.start_char:sent.end_char], start - sent.start_char
    left = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        if m.start() >= offset:
            return text[left:m.start()]
        left = m.end()
    return text[left:]


def _unstructured_share(text: str, spans: list[tuple[int, int]]) -> float:
    """Share of the note's words outside every label, field, list, table and section: how much of the note is
    unstructured prose."""
    covered = bytearray(len(text))
    for start, end in spans:
        covered[max(0, start):max(0, end)] = b"\x01" * (max(0, end) - max(0, start))
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    outside = sum(e - s for s, e in words if not covered[s])
    return outside / max(1, sum(e - s for s, e in words))


def _service_date(doc: Doc) -> date | None:
    note = doc._.note
    try:
        when = note.meta_info.date_of_service if note is not None else None
    except Exception:
        return None
    return when.date if when is not None else None


def _not_before(text: str, service: date) -> bool:
    """False when every date in `text` is on or before the service date."""
    dates = [d for _, _, d in find_dates(text, service)]
    return not dates or any(d > service for d in dates)


def _named(tok: Token) -> bool:
    """A proper name ("Dana Whitfield", "Stride PT"), not a capitalised header word ("CALL NOTE")."""
    heads = [tok, *(c for c in tok.children if c.dep_ in ("compound", "appos"))]
    return any(t.pos_ == "PROPN" and t.is_title for t in heads)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _subjects(tok: Token) -> list[Token]:
    """The subject of a verb, inherited through coordination and open complements ("Dr. Oda reviewed the
    MRI and recommended surgery": "recommended" has Dr. Oda's subject)."""
    for _ in range(3):
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if subj or tok.dep_ not in ("conj", "xcomp", "advcl") or tok.head is tok:
            return subj
        tok = tok.head
    return []


def _with_heads(tok: Token) -> list[Token]:
    """A verb's dependents and those of the verbs it is coordinated with ("I will call and fax...": "fax" has
    the "will" of "call")."""
    out = list(tok.children)
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
        out += list(tok.children)
    return out


_STAMP = re.compile(r"^[\d/:.\-]+$")


def _objects(tok: Token, wanted: Iterable[str]) -> Iterable[Token]:
    """Dependents of `tok` with one of the wanted relations; "prep:about" is the object of that preposition,
    on the verb or on its direct object ("left a voicemail for the adjuster")."""
    wanted = list(wanted)
    children = list(tok.children)
    children += [g for c in children if c.dep_ == "dobj" for g in c.children if g.dep_ == "prep"]
    if tok.head is not tok and _STAMP.match(tok.head.text):
        # A call log's time stamp parsed as the verb ("11/03/26 0815 Outbound call to worker"): the prepositions
        # after the noun hang from the stamp.
        children += [c for c in tok.head.children if c.i > tok.i and c.dep_ == "prep"]
    if "dobj" in wanted and tok.dep_ in ("amod", "compound", "nmod") and tok.head is not tok \
            and tok.i == tok.sent.start:
        # A telegraphic line's opening verb tagged as a modifier ("Phoned Lakeview Imaging..."): what it
        # modifies is its object.
        yield tok.head
    for child in children:
        for want in wanted:
            dep, _, word = want.partition(":")
            if child.dep_ != dep:
                continue
            if not word:
                yield child
            elif child.lower_ == word:
                objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
                # A telegraphic line can leave the preposition without an object ("call to IW Shauna Pike"
                # parsed as an apposition): then the word right after it is its object.
                if not objects and child.i + 1 < len(child.doc) and child.doc[child.i + 1].sent == child.sent:
                    objects = [child.doc[child.i + 1]]
                yield from objects


def _tokenizer_for(vocab):
    """Make phrase-pattern Docs with the tokenizer of the vocab's language (blank English fallback)."""
    import spacy

    nlp = spacy.blank(getattr(vocab, "lang", None) or "en")
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

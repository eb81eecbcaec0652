"""The rule registry: every rule is a small class with a stable code.

A rule declares its code (`NA201`), a kebab-case name, a category from
CONTRACT.md, a default severity, what it reads from the parse (`reads`: token
and document attributes such as `token.lemma` or `doc.sents`, see `nlp.READS`),
the part of the note it judges (`scope`), its lifecycle (stable or preview), its
options with defaults, and the documentation `noteassist rule CODE` prints
(summary, explanation, a bad and a good example, and the domain-guide source).
The engine builds its pipeline from the enabled rules' reads, so a rule run
alone gets exactly what it reads. Registering is explicit: `@register` on the
class, in the family's module, and checks the declaration once at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from .model import SEVERITIES, Finding

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from .config import LintConfig

CATEGORIES = (
    "missing-element",
    "repeated-verb",
    "readability",
    "stigmatizing-language",
    "do-not-use-abbreviation",
    "claim-number",
    "date-logic",
    "timeliness",
    "attribution",
    "privacy",
    "copy-forward",
    "safety",
    "service-plan",
)

#: The part of a note a rule judges. note: the whole note (its metadata, its elements); prose: paragraphs
#: of the writer's own text; field: the values of "Label: value" fields; sentence: one sentence at a time;
#: batch: the note against other notes (copy-forward).
SCOPES = ("note", "prose", "field", "sentence", "batch")
LIFECYCLES = ("stable", "preview")

RULES: dict[str, type[Rule]] = {}


class Rule:
    """Base class. Subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[str]
    #: What the rule reads from the parse (keys of `nlp.READS`): the engine runs the components that assign
    #: them and nothing else. Token text and offsets need nothing.
    reads: ClassVar[frozenset[str]] = frozenset()
    #: The part of the note the rule judges (one of SCOPES).
    scope: ClassVar[str] = "note"
    #: "stable", or "preview" for a rule (or a rewrite of one) that runs only when selected by code.
    lifecycle: ClassVar[str] = "stable"
    #: Options a user may set in config, with their defaults.
    defaults: ClassVar[dict[str, Any]] = {}
    summary: ClassVar[str]
    explanation: ClassVar[str]
    bad: ClassVar[str]
    good: ClassVar[str]
    source: ClassVar[str] = ""

    def __init__(self, config: LintConfig):
        self.config = config
        self.level = config.severity_for(self)
        self.options = {**self.defaults, **config.options_for(self)}

    def bind(self, vocab: Vocab) -> None:
        """Compile what the rule keeps per vocabulary (matchers and the strings of their keys). The engine calls
        it when the model is loaded, outside any spaCy memory zone: strings added inside a zone are freed when
        it ends, and a matcher compiled there would look up freed strings on the next batch."""

    def check(self, doc: Doc) -> Iterable[Finding]:
        """Yield findings for one note. `doc._.note` holds the note's context."""
        raise NotImplementedError

    def finding(
        self,
        doc: Doc,
        start: int,
        end: int,
        message: str,
        suggestions: Iterable[str] = (),
        *,
        severity: str | None = None,
        fix: str | None = None,
        **extra: Any,
    ) -> Finding:
        """Build a finding at character offsets `start:end` of the doc's text; `fix` is a safe replacement."""
        return Finding(
            rule=self.code,
            category=self.category,
            severity=severity or self.level,
            message=message,
            start=start,
            end=end,
            text=text_of(doc)[start:end],
            suggestions=list(suggestions),
            extra=extra,
            fix=fix,
        )


def text_of(doc: Doc) -> str:
    """The note body a Doc was parsed from. Same string as `doc.text`, which spaCy rebuilds from the tokens
    on every access; rules read it often, so take the copy the engine keeps."""
    note = doc._.note if doc.has_extension("note") else None
    return note.body if note is not None else doc.text


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator adding a rule to RULES, checking its declaration once at import."""
    for attr in ("code", "name", "category", "severity", "summary", "explanation", "bad", "good"):
        if not getattr(cls, attr, None):
            raise TypeError(f"rule {cls.__name__} lacks {attr}")
    if cls.category not in CATEGORIES:
        raise TypeError(f"rule {cls.code}: unknown category {cls.category!r}")
    if cls.severity not in SEVERITIES:
        raise TypeError(f"rule {cls.code}: unknown severity {cls.severity!r}")
    from ..nlp import READS

    unknown = sorted(set(cls.reads) - set(READS))
    if unknown:
        raise TypeError(f"rule {cls.code}: unknown read {unknown[0]!r}; known: {', '.join(sorted(READS))}")
    if cls.scope not in SCOPES:
        raise TypeError(f"rule {cls.code}: unknown scope {cls.scope!r}; expected one of {', '.join(SCOPES)}")
    if cls.lifecycle not in LIFECYCLES:
        raise TypeError(f"rule {cls.code}: unknown lifecycle {cls.lifecycle!r}")
    if cls.code in RULES and RULES[cls.code] is not cls:
        raise TypeError(f"rule code {cls.code} registered twice")
    RULES[cls.code] = cls
    return cls


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule, by code, importing the rule families on first use."""
    from . import rules

    return dict(sorted(RULES.items()))

"""The linter engine: one spaCy pipeline, every enabled rule, many notes.

The CLI, adjuster reports, batch QA and the HTTP service all lint through
`Linter`; none of them runs a rule on its own. The engine:

1. prepares each note (front matter, structure, note type, audience, and
   `meta_info`: claim number and dates, see notemeta.py), and gives each
   note the list of all notes in the batch (`ctx.batch`, for copy-forward),
2. parses all bodies in one `nlp.pipe` call with only the components the
   enabled rules need,
3. hands each Doc (with `doc._.note` set) to the rules, and
4. turns the rules' character offsets into file offsets, lines and columns.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import NoteInputError
from ..notetypes import NOTE_TYPES
from .config import LintConfig
from .finding import Finding, severity_rank
from .infer import infer_note_type
from .metrics import note_metrics, prose_text
from .notemeta import NoteMeta, note_meta
from .registry import Rule, all_rules
from .structure import NoteStructure, parse_structure, split_front_matter

if TYPE_CHECKING:
    from spacy.language import Language

    from ..facts.models import VisitFacts


@dataclass
class NoteInput:
    """One note to lint: its text and what is known about it besides the text."""

    text: str
    path: str = "<text>"
    #: Note type given by the user (`--type`); wins over metadata, facts and inference.
    note_type: str | None = None
    facts: VisitFacts | None = None
    #: Metadata from outside the text (a CSV column, a report's claim record).
    meta: dict[str, Any] = field(default_factory=dict)
    #: Earlier notes for the same claim given by the caller (`--previous FILE`), as (label, text);
    #: the copy-forward rule compares the note with them.
    previous: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NoteContext:
    """Everything rules know about a note besides the parse; set on `doc._.note`."""

    path: str
    text: str
    body_offset: int
    meta: dict[str, Any]
    structure: NoteStructure
    note_type: str | None
    note_type_source: str
    facts: VisitFacts | None = None
    #: (label, text) of earlier notes given by the caller (`NoteInput.previous`).
    previous: list[tuple[str, str]] = field(default_factory=list, repr=False, compare=False)
    #: Every prepared note of the same `lint_many` call, this one included, in input order; set
    #: before parsing, so rules that compare notes (copy-forward) see the whole batch.
    batch: list[NoteContext] = field(default_factory=list, repr=False, compare=False)
    #: Per-note cache for rules that compare notes with each other (e.g. word shingles).
    scratch: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def meta_info(self) -> NoteMeta:
        """Claim number, carrier and dates from metadata, facts and the header (see notemeta.py)."""
        return note_meta(self)

    @functools.cached_property
    def body(self) -> str:
        """The note without its front matter: the same string as `doc.text`, which spaCy rebuilds on each access."""
        return self.text[self.body_offset:]

    @functools.cached_property
    def prose(self) -> str:
        """The body's prose paragraphs, computed once for the metrics and the readability rules."""
        return prose_text(self.text[self.body_offset:], self.structure)

    @property
    def audience(self) -> str:
        return NOTE_TYPES[self.note_type].audience if self.note_type else "internal"

    @property
    def required_elements(self) -> tuple[str, ...]:
        return NOTE_TYPES[self.note_type].required if self.note_type else ()


#: Metadata of an export row echoed in the JSON output, so an integration can find the row again.
RECORD_FIELDS = ("source", "line", "id", "author", "claim_number", "date_of_service", "date_written")


@dataclass
class LintResult:
    path: str
    note_type: str | None
    note_type_source: str
    metrics: dict[str, Any]
    findings: list[Finding]
    #: For a row of a CSV/JSONL export: where it came from (source file, line, and the row's id and author).
    record: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "note_type": self.note_type,
            "note_type_source": self.note_type_source,
            "metrics": self.metrics,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.record:
            data["record"] = self.record
        return data

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=severity_rank, default=None)


class Linter:
    """Lint notes with the enabled rules. Build one per process and reuse it."""

    def __init__(self, config: LintConfig | None = None, nlp: Language | None = None):
        from ..nlp import components_for, load_pipeline

        self.config = config or LintConfig()
        self.rules: list[Rule] = [cls(self.config) for cls in all_rules().values() if self.config.is_enabled(cls)]
        self.components = components_for(set().union(*(r.needs for r in self.rules)) if self.rules else ())
        self.nlp = nlp if nlp is not None else load_pipeline(self.components)
        _register_extensions()

    def lint(self, note: NoteInput) -> LintResult:
        return next(iter(self.lint_many([note])))

    def lint_text(self, text: str, **kwargs: Any) -> LintResult:
        return self.lint(NoteInput(text=text, **kwargs))

    def lint_many(self, notes: Iterable[NoteInput], batch_size: int = 32) -> Iterator[LintResult]:
        """Lint notes in one `nlp.pipe` stream; results come back in input order."""
        contexts = [self.prepare(note) for note in notes]
        for ctx in contexts:
            ctx.batch = contexts
        bodies = (ctx.text[ctx.body_offset:] for ctx in contexts)
        with self.nlp.select_pipes(enable=[c for c in self.components if c in self.nlp.pipe_names]):
            for ctx, doc in zip(contexts, self.nlp.pipe(bodies, batch_size=batch_size)):
                yield self._check(ctx, doc)

    def prepare(self, note: NoteInput) -> NoteContext:
        """Everything about a note that needs no parse. Raises NoteInputError for unusable text."""
        text = note.text
        if not text.strip():
            raise NoteInputError(f"{note.path}: empty note, nothing to lint")
        if len(text) > self.config.max_note_chars:
            raise NoteInputError(
                f"{note.path}: {len(text):,} characters is over the {self.config.max_note_chars:,}-character "
                "limit for one note; split the export into separate notes"
            )
        meta, body_offset = split_front_matter(text)
        meta = {**meta, **note.meta}
        structure = parse_structure(text[body_offset:])
        note_type, source = _resolve_note_type(note, meta, text[body_offset:], structure)
        ctx = NoteContext(note.path, text, body_offset, meta, structure, note_type, source, note.facts,
                          previous=list(note.previous))
        ctx.meta_info  # noqa: B018  (an unreadable metadata date is an input error, reported before parsing)
        return ctx

    def _check(self, ctx: NoteContext, doc) -> LintResult:
        doc._.note = ctx
        findings: list[Finding] = []
        for rule in self.rules:
            findings.extend(rule.check(doc))
        line_starts = _line_starts(ctx.text)
        for finding in findings:
            finding.start += ctx.body_offset
            finding.end += ctx.body_offset
            finding.line = bisect.bisect_right(line_starts, finding.start)
            finding.column = finding.start - line_starts[finding.line - 1] + 1
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        metrics = note_metrics(doc.text, ctx.prose)
        record = {key: ctx.meta[key] for key in RECORD_FIELDS if key in ctx.meta} if "source" in ctx.meta else {}
        return LintResult(ctx.path, ctx.note_type, ctx.note_type_source, metrics, findings, record)


def _resolve_note_type(note: NoteInput, meta: dict, body: str, structure: NoteStructure) -> tuple[str | None, str]:
    # Front matter that names a template was written by `noteassist draft`: the type came from the facts.
    meta_source = "facts" if meta.get("template") else "given"
    for candidate, source in ((note.note_type, "given"), (meta.get("note_type"), meta_source)):
        if candidate:
            if candidate not in NOTE_TYPES:
                raise NoteInputError(
                    f"{note.path}: unknown note type {candidate!r}; expected one of {', '.join(NOTE_TYPES)}"
                )
            return candidate, source
    if note.facts is not None:
        return note.facts.note_type, "facts"
    return infer_note_type(body, structure), "inferred"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _register_extensions() -> None:
    from spacy.tokens import Doc

    if not Doc.has_extension("note"):
        Doc.set_extension("note", default=None)

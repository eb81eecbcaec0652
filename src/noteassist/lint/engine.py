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
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import NoteInputError
from ..notetypes import NOTE_TYPES
from ..text.frontmatter import split_front_matter
from ..text.infer import infer_note_type
from ..text.structure import NoteStructure, parse_structure
from .config import LintConfig
from .metrics import note_metrics
from .model import RECORD_FIELDS, Finding, LintResult, NoteContext, NoteInput
from .registry import Rule, all_rules

if TYPE_CHECKING:
    from spacy.language import Language


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

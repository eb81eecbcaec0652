"""The linter engine: the enabled rules over a stream of notes, one spaCy pass per batch.

The CLI, adjuster reports, batch QA and the HTTP service all lint through `Linter`; none of them runs a
rule on its own. A `Linter` is built once per configuration and process and never changes afterwards:
its rules, their options and its pipeline are fixed at construction, so one instance can be shared by
any number of threads. Construction refuses a rule whose declared reads the model cannot provide.

`lint_records` takes notes (or rows that could not be read) and yields, in input order, a `LintResult`
or a `LintError` for each: an empty note, a note over the size limit or with an unreadable metadata date
becomes an error row and the others are linted. Notes stream through in bounded batches:

1. prepare each note (front matter, structure, note type, audience, metadata: no parse), and add its
   copy-forward fingerprint to the index, so notes of the same batch and of earlier batches are seen,
2. parse the batch's bodies in one `Pipeline.pipe` call with only the components the rules read,
3. hand each Doc (with `doc._.note` set) to the rules, and
4. turn the rules' character offsets into file offsets, lines and columns.

The work stops at the deadline of the work in progress (deadline.py: a service request's time limit), checked
before each pipeline component and each rule of every note: DeadlineExceeded goes through to the caller.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from .. import deadline
from ..deadline import DeadlineExceeded
from ..errors import NoteassistError, NoteInputError
from ..notetypes import NOTE_TYPES, resolve_note_type
from ..text.frontmatter import split_front_matter
from ..text.infer import infer_note_type, stated_note_type
from ..text.structure import NoteStructure, parse_structure
from .config import LintConfig
from .fingerprints import Fingerprint, FingerprintIndex, MemoryIndex, fingerprint
from .metrics import note_metrics
from .model import RECORD_FIELDS, Finding, LintError, LintResult, NoteContext, NoteInput
from .registry import Rule, all_rules

if TYPE_CHECKING:
    from spacy.language import Language

#: Notes parsed together; with the per-note size limit this bounds the memory a stream needs.
BATCH_SIZE = 32
#: Earlier notes per claim a streamed note is compared with for copy-forward (the latest ones).
COPY_FORWARD_WINDOW = 200


class Linter:
    """Lint notes with the enabled rules. Build one per configuration and process; share it freely."""

    def __init__(self, config: LintConfig | None = None, nlp: Language | None = None, *, model: str | None = None):
        from ..nlp import OWN_COMPONENTS, READS, Pipeline, components_for, load_model

        self.config = config or LintConfig()
        self.rules: tuple[Rule, ...] = tuple(
            cls(self.config) for cls in all_rules().values() if self.config.is_enabled(cls))
        self.reads = frozenset().union(*(rule.reads for rule in self.rules))
        base = nlp if nlp is not None else load_model(model)
        for rule in self.rules:
            for read in sorted(rule.reads):
                missing = [c for c in READS[read] if c not in base.component_names and c not in OWN_COMPONENTS]
                if missing:
                    raise NoteassistError(
                        f"rule {rule.code} reads {read}, which the spaCy model {base.meta.get('name', '?')!r} cannot "
                        f"provide (no {', '.join(missing)} component); ignore the rule or choose another model")
        self.pipeline = Pipeline(base, components_for(self.reads))
        for rule in self.rules:
            rule.bind(base.vocab)
        self.components = self.pipeline.components
        self._fingerprints = any(rule.scope == "batch" for rule in self.rules)
        _register_extensions()

    # -- one note ---------------------------------------------------------------------------------------------
    def lint(self, note: NoteInput) -> LintResult:
        """Lint one note; an unusable note raises NoteInputError."""
        return next(iter(self.lint_many([note])))

    def lint_text(self, text: str, **kwargs) -> LintResult:
        return self.lint(NoteInput(text=text, **kwargs))

    # -- many notes -------------------------------------------------------------------------------------------
    def lint_many(self, notes: Iterable[NoteInput], batch_size: int = BATCH_SIZE) -> Iterator[LintResult]:
        """Lint a known set of notes, each compared with every earlier note of the set (copy-forward sees the
        whole set, whatever the batch); the first unusable note raises NoteInputError."""
        index = MemoryIndex()
        prepared: list[NoteContext | LintError] = []
        for position, note in enumerate(notes):
            prepared.append(self._prepare_or_error(note, position, index))
        for item in self.lint_records(prepared, index=index, batch_size=batch_size):
            if isinstance(item, LintError):
                raise NoteInputError(item.message)
            yield item

    def lint_records(self, records: Iterable[NoteInput | NoteContext | LintError], *,
                     index: FingerprintIndex | None = None,
                     batch_size: int = BATCH_SIZE) -> Iterator[LintResult | LintError]:
        """A result or an error row for every input, in order, streaming in batches of `batch_size`.

        `records` may hold `LintError`s for rows a reader could not read; they pass through in place. Each
        note is compared (copy-forward) with the notes before it in the stream and its own batch (the latest
        COPY_FORWARD_WINDOW on its claim), and with whatever `index` already holds.
        """
        index = index if index is not None else MemoryIndex(per_claim=COPY_FORWARD_WINDOW)
        stream = iter(records)
        position = 0
        while chunk := list(islice(stream, max(1, batch_size))):
            slots: list[LintResult | LintError | NoteContext] = []
            for item in chunk:
                slots.append(self._prepare_or_error(item, position, index))
                position += 1
            contexts = [slot for slot in slots if isinstance(slot, NoteContext)]
            docs = iter(self.pipeline.pipe((_tokenizable(ctx.body) for ctx in contexts), batch_size=batch_size))
            for slot in slots:
                yield self._check(slot, next(docs)) if isinstance(slot, NoteContext) else slot

    def _prepare_or_error(self, item: NoteInput | NoteContext | LintError, position: int,
                          index: FingerprintIndex) -> NoteContext | LintError:
        if isinstance(item, (LintError, NoteContext)):  # an error row, or a note `lint_many` prepared
            return item
        try:
            ctx = self.prepare(item)
        except NoteassistError as exc:
            return LintError(item.path, exc.message, _record(item.meta))
        if self._fingerprints:
            ctx.fingerprint = self._fingerprint(ctx, position)
            ctx.index = index
            ctx.previous = self.fingerprints_of(item.previous)
            index.add(ctx.fingerprint)
        return ctx

    def prepare(self, note: NoteInput) -> NoteContext:
        """Everything about a note that needs no parse. Raises NoteInputError for unusable text."""
        text = note.text
        if not isinstance(text, str) or not text.strip():
            raise NoteInputError(f"{note.path}: empty note, nothing to lint")
        if len(text) > self.config.max_note_chars:
            raise NoteInputError(
                f"{note.path}: {len(text):,} characters is over the {self.config.max_note_chars:,}-character "
                "limit for one note; split the export into separate notes"
            )
        meta, body_offset = split_front_matter(text, path=note.path)
        meta = {**meta, **note.meta}
        structure = parse_structure(text[body_offset:])
        note_type, source = _resolve_note_type(note, meta, text[body_offset:], structure)
        ctx = NoteContext(note.path, text, body_offset, meta, structure, note_type, source, note.facts,
                          day_first=self.config.day_first)
        ctx.meta_info
        return ctx

    @staticmethod
    def _fingerprint(ctx: NoteContext, position: int = -1, given: bool = False) -> Fingerprint:
        """What later notes are compared with: shingles for copy-forward, and the claim facts the note states
        for the claim-consistency rules; never the text. Claim facts only under a claim number: an agency's
        case number may cover a family, whose notes name different clients."""
        info = ctx.meta_info
        claim = info.claim_number is not None

        def day(when):
            return when.date if when and claim else None

        return fingerprint(ctx.body, path=ctx.path, claim_number=info.record_key,
                           date_of_service=info.date_of_service.date if info.date_of_service else None,
                           position=position, given=given, date_of_injury=day(info.date_of_injury),
                           date_of_birth=day(info.date_of_birth), claimant=info.claimant if claim else None)

    def fingerprints_of(self, previous: Sequence[tuple[str, str] | Fingerprint]) -> tuple[Fingerprint, ...]:
        """Fingerprints of earlier notes given as (label, text) (or already as fingerprints), to check notes
        against for copied-forward text; an unreadable front matter date is ignored."""
        found = []
        for item in previous:
            if isinstance(item, Fingerprint):
                found.append(item)
                continue
            label, text = item
            try:
                ctx = self.prepare(NoteInput(text=text, path=label))
            except NoteassistError:
                meta, offset = split_front_matter(text)
                ctx = NoteContext(label, text, offset, {}, parse_structure(text[offset:]), None, "inferred",
                                  day_first=self.config.day_first)
            found.append(self._fingerprint(ctx, given=True))
        return tuple(found)

    def _check(self, ctx: NoteContext, doc) -> LintResult | LintError:
        doc._.note = ctx
        findings: list[Finding] = []
        for rule in self.rules:
            deadline.check()  # a request past its time limit stops here, not after the last rule (deadline.py)
            try:
                findings.extend(rule.check(doc))
            except DeadlineExceeded:
                raise
            except NoteassistError as exc:
                return LintError(ctx.path, exc.message, _record(ctx.meta))
            except Exception as exc:
                return LintError(ctx.path, f"{ctx.path}: rule {rule.code} failed on this note "
                                           f"({type(exc).__name__}: {exc}); please report it", _record(ctx.meta))
        line_starts = _line_starts(ctx.text)
        for finding in findings:
            finding.start += ctx.body_offset
            finding.end += ctx.body_offset
            finding.line = bisect.bisect_right(line_starts, finding.start)
            finding.column = finding.start - line_starts[finding.line - 1] + 1
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        metrics = note_metrics(ctx.body, ctx.prose)
        return LintResult(ctx.path, ctx.note_type, ctx.note_type_source, metrics, findings, _record(ctx.meta))


def _record(meta: dict) -> dict:
    """An export row's identifying metadata, echoed so an integration can find the row again."""
    return {key: meta[key] for key in RECORD_FIELDS if key in meta} if "source" in meta else {}


def _tokenizable(body: str) -> str:
    """The body as spaCy should tokenize it: same length and offsets, long runs without white space broken
    up so that tokenizing stays linear in the note's length."""
    from ..text.guard import guard_for_tokenizer

    return guard_for_tokenizer(body)


def _resolve_note_type(note: NoteInput, meta: dict, body: str, structure: NoteStructure) -> tuple[str | None, str]:
    # Front matter that names a template was written by `noteassist draft`: the type came from the facts.
    meta_source = "facts" if meta.get("template") else "given"
    for candidate, source in ((note.note_type, "given"), (meta.get("note_type"), meta_source)):
        if candidate is None or candidate == "":
            continue
        # "Phone Call" and "Office Visit" are how systems label types; a list or a mapping is no type at all.
        found = resolve_note_type(candidate) if isinstance(candidate, str) else None
        if found is None:
            shown = repr(candidate) if isinstance(candidate, str) else f"a {type(candidate).__name__}"
            raise NoteInputError(
                f"{note.path}: note_type: unknown note type {shown}; expected one of {', '.join(NOTE_TYPES)}"
            )
        return found, source
    if note.facts is not None:
        return note.facts.note_type, "facts"
    # An export that states its type in a header field ("NOTE_TYPE=closure-report") gives it, as metadata would.
    if (stated := stated_note_type(body)) is not None:
        return stated, "given"
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

"""The linter's data model: what goes in (a note), what rules read (its context and metadata), and what
comes out (findings, a result per note, or an error row for a note that could not be linted).

Plain dataclasses with no behaviour beyond their own fields, so the engine, the rules, the CLI, the
service and batch QA share them without importing each other.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..notetypes import NOTE_TYPES
from ..text.dates import When

if TYPE_CHECKING:
    from ..facts.models import VisitFacts
    from ..text.sentences import Sentences
    from ..text.structure import NoteStructure
    from .fingerprints import Fingerprint, FingerprintIndex

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    """info < warning < error; used for --fail-on and sorting."""
    return SEVERITIES.index(severity)


@dataclass
class Finding:
    """One lint finding. `start`/`end` are character offsets into the note file's text.

    `line` and `column` (1-based) are filled in by the engine, which knows the
    file; rules only give offsets. `extra` holds family-specific fields such as
    `element` (missing-element) or `lemma` (repeated-verb).
    """

    rule: str
    category: str
    severity: str
    message: str
    start: int
    end: int
    text: str
    suggestions: list[str] = field(default_factory=list)
    line: int = 1
    column: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    #: The replacement for `text` when it is unambiguous and safe to apply without review
    #: (`noteassist lint --fix`): "QD" -> "daily", a full SSN -> "XXX-XX-6789". None otherwise.
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        data.update(self.extra)
        data["suggestions"] = list(self.suggestions)
        if self.fix is not None:
            data["fix"] = self.fix
        return data


@dataclass
class NoteMeta:
    """What the rules know about a note besides its prose. Spans are offsets into the note body."""

    id: str | None = None
    author: str | None = None
    claim_number: str | None = None
    claim_number_source: str | None = None
    claim_number_span: tuple[int, int] = (0, 0)
    carrier: str | None = None
    note_type: str | None = None
    date_of_service: When | None = None
    date_written: When | None = None
    date_of_injury: When | None = None
    #: The claimant's name and date of birth as the note states them (metadata, facts, or a "Claimant:" /
    #: "DOB:" label), for comparing notes of one claim; `claimant_span` is where the name is in the body.
    claimant: str | None = None
    claimant_span: tuple[int, int] = (0, 0)
    date_of_birth: When | None = None
    #: Every claim-number label found in the text: (start, end, value), body offsets.
    labelled_claims: list[tuple[int, int, str]] = field(default_factory=list)
    #: A human-services agency's case number ("Case #: CF-26-30918", `case_number` in metadata), when the
    #: note has no claim number.
    case_number: str | None = None

    @property
    def record_key(self) -> str | None:
        """The record the note belongs to, for comparing notes of one case: the claim, else the agency case."""
        return self.claim_number or self.case_number


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
    #: Earlier notes for the same claim given by the caller (`--previous FILE`), as (label, text) or as
    #: fingerprints (`Linter.fingerprints_of`); the copy-forward rule compares the note with them.
    previous: Sequence[tuple[str, str] | Fingerprint] = ()


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
    #: Read ambiguous numeric dates day first (03/04/2026 is 3 April); from the configuration.
    day_first: bool = False
    #: This note's copy-forward fingerprint and the index of earlier notes' fingerprints it is compared
    #: with (see fingerprints.py); set by the engine when a batch-scope rule is enabled.
    fingerprint: Fingerprint | None = field(default=None, repr=False, compare=False)
    index: FingerprintIndex | None = field(default=None, repr=False, compare=False)
    #: Fingerprints of the earlier notes the caller gave with this note (`NoteInput.previous`).
    previous: tuple[Fingerprint, ...] = field(default=(), repr=False, compare=False)
    #: Per-note cache for rules that share a costly intermediate (e.g. the dates found in the body).
    scratch: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def meta_info(self) -> NoteMeta:
        """Claim number, carrier and dates from metadata, facts and the header (see notemeta.py)."""
        from .notemeta import note_meta

        return note_meta(self)

    @functools.cached_property
    def body(self) -> str:
        """The note without its front matter: the same string as `doc.text`, which spaCy rebuilds on each access."""
        return self.text[self.body_offset:]

    @functools.cached_property
    def sentences(self) -> Sentences:
        """The body's sentences (text/sentences.py), split once: the segmentation every rule and `doc.sents` share."""
        from ..text.sentences import split_sentences

        return split_sentences(self.body)

    @functools.cached_property
    def case_management(self) -> bool:
        """Whether the note is recognisably case management (a type given or inferred, or its vocabulary:
        text/infer.py), rather than clinical text written by and for clinicians."""
        from ..text.infer import is_case_management

        return self.note_type is not None or is_case_management(self.body, self.structure)

    @functools.cached_property
    def quoted_speech(self) -> list[tuple[int, int]]:
        """Spans of the body that quote a person's own words (text/quotes.py), found once per note."""
        from ..text.quotes import quoted_speech

        return quoted_speech(self.body)

    @functools.cached_property
    def prose(self) -> str:
        """The body's prose paragraphs, computed once for the metrics and the readability rules."""
        from .metrics import prose_text

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
    #: The words an inferred type was guessed from, or the template a note `lint` drafted from visit facts
    #: was rendered with (set by `app.lint`); None otherwise.
    note_type_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "note_type": self.note_type,
            "note_type_source": self.note_type_source,
            **({"note_type_reason": self.note_type_reason} if self.note_type_reason else {}),
            "metrics": self.metrics,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.record:
            data["record"] = self.record
        return data

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=severity_rank, default=None)


@dataclass(frozen=True)
class LintError:
    """A note that could not be linted (empty, too long, an unreadable date or row), in place of its result:
    the other notes of the same input are linted all the same."""

    path: str
    message: str
    record: dict[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "error": self.message, "findings": []}
        if self.record:
            data["record"] = self.record
        return data

    def worst(self) -> str | None:
        return None

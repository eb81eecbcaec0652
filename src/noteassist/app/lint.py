"""Lint records: the use case behind `noteassist lint`, the service's lint endpoint and batch QA.

`lint_sources` reads every note of every source (note files, CSV/JSONL exports, and visit facts, whose
drafted note is linted) as a stream and yields a result or an error row for each, in order: a file that
cannot be read, or a row of an export that cannot be used, becomes a `LintError` and every other note is
still linted. `unique_sources` drops a file given twice. `LintTally` counts what came out,
and `LintGate` turns the tally into the exit decision (CONTRACT.md: 0 clean, 1 findings at or above
`--fail-on`, 2 when any input could not be read). Nothing here prints or exits: the CLI does.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NoteassistError
from ..io import RecordError, iter_records, read_note
from ..lint.model import LintError, LintResult, NoteInput, severity_rank

if TYPE_CHECKING:
    from ..facts.models import VisitFacts
    from ..lint import Linter
    from ..lint.fingerprints import Fingerprint

#: Inputs read as visit facts: `lint` lints the note they draft.
FACTS_SUFFIXES = (".yaml", ".yml", ".json")


def lint_sources(linter: Linter, sources: Sequence[str], *, note_type: str | None = None,
                 previous: Sequence[str] = (), columns: dict[str, str] | None = None,
                 batch_size: int = 32, on_warning: Callable[[str], None] | None = None,
                 template_dirs: Sequence[str | Path] = ()) -> Iterator[LintResult | LintError]:
    """A result or an error row for every note of every source, streaming, in input order.

    Visit facts (.yaml, .yml, .json) are drafted with their note type's template (from `template_dirs`
    too) and the drafted note is linted under the facts file's name. `previous` names earlier notes on the
    same claim to check each note against for copied-forward text; they are read once and kept as
    fingerprints only. `on_warning` gets a line for each export column that looks useful but is not read.
    A result whose type the user did not give carries `note_type_reason` (see `_reason`).
    """
    earlier = earlier_notes(linter, previous)
    # The inputs the linter holds, oldest first: it yields one item per input, in order.
    pending: deque[NoteInput | LintError] = deque()

    def inputs() -> Iterator[NoteInput | LintError]:
        for source in sources:
            for item in _read(source, columns, on_warning, template_dirs):
                note = _note_input(item, note_type, earlier)
                pending.append(note)
                yield note

    for result in linter.lint_records(inputs(), batch_size=batch_size):
        note = pending.popleft()
        if isinstance(result, LintResult) and isinstance(note, NoteInput):
            result.note_type_reason = _reason(result, note)
        yield result


def lint_text(linter: Linter, text: str, *, path: str = "<text>", note_type: str | None = None) -> LintResult | LintError:
    """One note given as text (the service's lint endpoint, an editor's check) linted as `lint` lints a note
    file named `path`: the same result, note-type reason included, or the error row an unusable note gets."""
    from ..io.records import NoteRecord

    note = _note_input(NoteRecord(text, path), note_type, ())
    result = next(iter(linter.lint_records([note])))
    if isinstance(result, LintResult) and isinstance(note, NoteInput):
        result.note_type_reason = _reason(result, note)
    return result


def unique_sources(sources: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(the sources with each file once, in order; (repeat, first spelling) for each one dropped).

    `n.txt`, `./n.txt`, a symlink to it and a hard link are one file: linted (and fixed) once, as fixing a
    note twice applies its edits to text they were not computed for."""
    seen: dict[object, str] = {}
    unique, repeats = [], []
    for source in sources:
        key = _identity(source)
        if key in seen:
            repeats.append((source, seen[key]))
            continue
        seen[key] = source
        unique.append(source)
    return unique, repeats


def _identity(source: str) -> object:
    if source == "-":
        return "-"
    try:
        stat = os.stat(source)
    except OSError:  # missing or unreadable: reported when read; its spelling is the best key there is
        return os.path.normcase(os.path.abspath(source))
    return (stat.st_dev, stat.st_ino)


def earlier_notes(linter: Linter, paths: Sequence[str]) -> tuple[Fingerprint, ...]:
    """Fingerprints of notes given as earlier ones (`--previous`): read once, their text not kept."""
    return linter.fingerprints_of([(path, read_note(path)) for path in paths])


def is_facts_path(source: str) -> bool:
    return source != "-" and source.lower().endswith(FACTS_SUFFIXES)


@dataclass(frozen=True)
class DraftedNote:
    """The note drafted from a visit-facts file, to lint under the file's name."""

    text: str
    path: str
    facts: VisitFacts
    template: str


def draft_for_lint(source: str, template_dirs: Sequence[str | Path] = ()) -> DraftedNote:
    """Draft the note of a visit-facts file; a YAML or JSON file that is not visit facts is refused."""
    from ..facts.load import read_facts_data, validate_facts
    from ..text.frontmatter import split_front_matter
    from .draft import draft_note

    name, data = read_facts_data(source)
    if "encounter" not in data:
        raise NoteassistError(_not_visit_facts(name, data))
    visit = validate_facts(data, name)
    text = draft_note(visit, None, template_dirs)
    template = split_front_matter(text)[0].get("template") or visit.note_type
    return DraftedNote(text, name, visit, str(template))


_LINT_READS = "lint reads notes (.txt, .md, .docx), exports (.csv, .jsonl) and visit facts (.yaml, .json)"


def _not_visit_facts(name: str, data: dict) -> str:
    """What a YAML or JSON file without an encounter is, and what to do with it: one line."""
    from ..lint.config import CONFIG_KEYS

    if data.keys() & {"claim", "claimant"}:
        return (f"{name}: a claim file, not visit facts: it has no encounter (`noteassist report` reads claim "
                f"files); {_LINT_READS}")
    if data.keys() & set(CONFIG_KEYS):
        return (f"{name}: a noteassist configuration, not visit facts; configurations are TOML (noteassist.toml, "
                "or pyproject.toml [tool.noteassist]), given with --config")
    return (f"{name}: not visit facts: no encounter (visit facts have claim, claimant, case_manager and "
            f"encounter); {_LINT_READS}")


def _read(source: str, columns: dict[str, str] | None, on_warning: Callable[[str], None] | None,
          template_dirs: Sequence[str | Path]) -> Iterator[object]:
    """The source's records; a source that cannot be opened at all is one error row."""
    try:
        if is_facts_path(source):
            yield draft_for_lint(source, template_dirs)
        else:
            yield from iter_records(source, columns or {}, on_warning=on_warning)
    except NoteassistError as exc:  # its message names the file already
        yield LintError("<stdin>" if source == "-" else source, exc.message)


def _note_input(item: object, note_type: str | None, earlier: tuple[Fingerprint, ...]) -> NoteInput | LintError:
    if isinstance(item, LintError):
        return item
    if isinstance(item, RecordError):
        record = {"source": item.path.split("#", 1)[0], "line": item.line} if item.line is not None else {}
        return LintError(item.path, str(item), record)
    if isinstance(item, DraftedNote):
        return NoteInput(text=item.text, path=item.path, note_type=note_type, facts=item.facts,
                         meta={"template": item.template}, previous=earlier)
    return NoteInput(text=item.text, path=item.path, note_type=note_type, meta=item.meta, previous=earlier)


def _reason(result: LintResult, note: NoteInput) -> str | None:
    """The words an inferred type was guessed from, or the template a visit-facts file was drafted with."""
    if note.facts is not None:  # said even when --type overrides the facts' type: the findings are the draft's
        return f"drafted from visit facts with template {note.meta.get('template', result.note_type)}"
    if result.note_type_source != "inferred" or result.note_type is None:
        return None
    from ..text.frontmatter import split_front_matter
    from ..text.infer import explain_note_type
    from ..text.structure import parse_structure

    # The engine inferred the type from the body after any front matter; explain the same text.
    body = note.text[split_front_matter(note.text, path=note.path)[1]:]
    inferred, cue = explain_note_type(body, parse_structure(body))
    return cue if inferred == result.note_type and cue else None


@dataclass
class LintTally:
    """What a lint run produced: notes linted, notes that could not be, findings by severity."""

    notes: int = 0
    errors: int = 0
    #: Notes whose type was neither given nor recognisable: their required elements were not checked.
    untyped: int = 0
    by_severity: Counter = field(default_factory=Counter)

    def add(self, item: LintResult | LintError) -> None:
        if isinstance(item, LintError):
            self.errors += 1
            return
        self.notes += 1
        self.untyped += item.note_type is None
        self.by_severity.update(f.severity for f in item.findings)

    def count(self, items: Iterable[LintResult | LintError]) -> Iterator[LintResult | LintError]:
        """Pass items through, counting them."""
        for item in items:
            self.add(item)
            yield item

    def worst(self) -> str | None:
        present = [s for s, n in self.by_severity.items() if n]
        return max(present, key=severity_rank, default=None)

    def summary(self) -> str:
        """'3 notes checked: 2 findings (1 error, 1 warning)', plus the notes that could not be read."""
        notes = f"{self.notes} note" + ("s" if self.notes != 1 else "")
        total = sum(self.by_severity.values())
        if not total:
            line = f"{notes} checked: no findings"
        else:
            parts = [f"{self.by_severity[s]} {s}" + ("s" if self.by_severity[s] != 1 and s != "info" else "")
                     for s in ("error", "warning", "info") if self.by_severity[s]]
            line = f"{notes} checked: {total} finding" + ("s" if total != 1 else "") + f" ({', '.join(parts)})"
        if self.untyped:
            which = "the note" if self.notes == 1 else f"{self.untyped} note" + ("s" if self.untyped != 1 else "")
            line += (f"; note type unknown for {which}, so required elements were not checked "
                     "(give --type)")
        if self.errors:
            line += f"; {self.errors} could not be read"
        return line


@dataclass(frozen=True)
class LintGate:
    """The exit decision for a lint run."""

    fail_on: str = "error"

    def exit_code(self, tally: LintTally) -> int:
        if tally.errors:
            return 2
        worst = tally.worst()
        return 1 if worst is not None and severity_rank(worst) >= severity_rank(self.fail_on) else 0

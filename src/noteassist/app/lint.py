"""Lint records: the use case behind `noteassist lint`, the service's lint endpoint and batch QA.

`lint_sources` reads every note of every source (note files, CSV/JSONL exports) as a stream and yields a
result or an error row for each, in order: a file that cannot be read, or a row of an export that cannot
be used, becomes a `LintError` and every other note is still linted. `LintTally` counts what came out,
and `LintGate` turns the tally into the exit decision (CONTRACT.md: 0 clean, 1 findings at or above
`--fail-on`, 2 when any input could not be read). Nothing here prints or exits: the CLI does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import NoteassistError
from ..io import RecordError, iter_records, read_note
from ..lint.model import LintError, LintResult, NoteInput, severity_rank

if TYPE_CHECKING:
    from ..lint import Linter
    from ..lint.fingerprints import Fingerprint


def lint_sources(linter: Linter, sources: Sequence[str], *, note_type: str | None = None,
                 previous: Sequence[str] = (), columns: dict[str, str] | None = None,
                 batch_size: int = 32) -> Iterator[LintResult | LintError]:
    """A result or an error row for every note of every source, streaming, in input order.

    `previous` names earlier notes on the same claim to check each note against for copied-forward text;
    they are read once and kept as fingerprints only.
    """
    earlier = earlier_notes(linter, previous)
    records = (_note_input(item, note_type, earlier) for source in sources for item in _read(source, columns))
    yield from linter.lint_records(records, batch_size=batch_size)


def earlier_notes(linter: Linter, paths: Sequence[str]) -> tuple[Fingerprint, ...]:
    """Fingerprints of notes given as earlier ones (`--previous`): read once, their text not kept."""
    return linter.fingerprints_of([(path, read_note(path)) for path in paths])


def _read(source: str, columns: dict[str, str] | None) -> Iterator[object]:
    """The source's records; a source that cannot be opened at all is one error row."""
    try:
        yield from iter_records(source, columns or {})
    except NoteassistError as exc:  # its message names the file already
        yield LintError("<stdin>" if source == "-" else source, exc.message)


def _note_input(item: object, note_type: str | None, earlier: tuple[Fingerprint, ...]) -> NoteInput | LintError:
    if isinstance(item, LintError):
        return item
    if isinstance(item, RecordError):
        record = {"source": item.path.split("#", 1)[0], "line": item.line} if item.line is not None else {}
        return LintError(item.path, str(item), record)
    return NoteInput(text=item.text, path=item.path, note_type=note_type, meta=item.meta, previous=earlier)


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

"""Precision and recall of the linter against a labelled corpus (tests/corpus).

Each note `NNN-slug.md` (or `.txt`) has a label file `NNN-slug.expected.yaml` listing the
findings a careful QA reviewer expects (see tests/corpus/README.md). All notes are linted in
one batch (copy-forward compares notes with each other), then expected and predicted findings
are matched one-to-one per note and category:

- missing-element entries match a finding with the same `element`;
- entries with `text` match a finding whose [start, end) overlaps an occurrence of that text;
- entries without `text` match any remaining finding of the category.

Every severity counts. The precision of error-level findings alone is reported beside each
category (target 0.97: an error stops a note, so it has to be right). Run:
`python -m noteassist.eval.evaluate [DIR...] [--min-precision 0.90] [--min-recall 0.80] [--verbose]`;
several corpus folders are each linted as one batch, shown one by one and then added together.
Exit 0 when every category passes (over all the folders), 1 when one is below a threshold, 2 on
bad input.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from ..lint.registry import CATEGORIES
from ..notetypes import ELEMENTS

LABEL_SUFFIX = ".expected.yaml"
#: Optional, beside the notes: `as_of: YYYY-MM-DD`, the day the corpus was written as of.
CORPUS_FILE = "corpus.yaml"
NOTE_SUFFIXES = (".md", ".txt")
_NOTE_NAME = re.compile(r"^\d{3}-[A-Za-z0-9._-]+$")

#: Categories whose entries must name the flagged text.
SPAN_CATEGORIES = frozenset({
    "repeated-verb", "stigmatizing-language", "do-not-use-abbreviation", "claim-number", "date-logic",
    "attribution", "privacy", "safety", "service-plan",
})
#: Categories about the whole note: entries carry no text.
NOTE_CATEGORIES = frozenset({"timeliness", "copy-forward"})
_ENTRY_KEYS = {"category", "element", "text"}


class LabelError(NoteassistError):
    """A corpus label file (or the corpus layout) that cannot be used."""


@dataclass(frozen=True)
class Expected:
    """One finding a reviewer expects."""

    category: str
    element: str | None = None
    text: str | None = None


@dataclass
class LabelledNote:
    path: Path
    text: str
    expected: list[Expected]
    about: str = ""
    #: The day the corpus was written as of (its folder's corpus.yaml `as_of`): "in the future" is judged
    #: against it, so a round dated 9 December scores the same on any later day.
    as_of: date | None = None


@dataclass
class Miss:
    """An unmatched item: a false positive (predicted) or a false negative (expected)."""

    path: str
    line: int
    code: str
    category: str
    text: str
    element: str | None = None
    severity: str = ""

    def format(self, width: int = 100) -> str:
        what = " ".join(self.text.split()) or (f"[{self.element}]" if self.element else "")
        if len(what) > width:
            what = what[: width - 3] + "..."
        return f"{self.path}:{self.line}: {self.code} {what}".rstrip()


@dataclass
class Counts:
    expected: int = 0
    predicted: int = 0
    tp: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.expected if self.expected else None

    def add(self, other: Counts) -> None:
        self.expected += other.expected
        self.predicted += other.predicted
        self.tp += other.tp


@dataclass
class ErrorCounts:
    """Error-level findings: how many were predicted and how many of them a reviewer expected."""

    predicted: int = 0
    tp: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    def add(self, other: ErrorCounts) -> None:
        self.predicted += other.predicted
        self.tp += other.tp


#: The precision that error-level findings should reach: an error stops a note, so it must nearly always be right.
ERROR_PRECISION_TARGET = 0.97


@dataclass
class Evaluation:
    categories: dict[str, Counts] = field(default_factory=dict)
    elements: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    #: Per category, the error-level findings alone (their precision is the one that matters most).
    errors: dict[str, ErrorCounts] = field(default_factory=dict)
    errors_overall: ErrorCounts = field(default_factory=ErrorCounts)
    false_positives: list[Miss] = field(default_factory=list)
    false_negatives: list[Miss] = field(default_factory=list)
    notes: int = 0

    def failures(self, min_precision: float, min_recall: float) -> list[str]:
        """One message per category below a threshold (categories with no expected and no predicted skip)."""
        out = []
        for category, counts in self.categories.items():
            if not (counts.expected or counts.predicted):
                continue
            p, r = counts.precision, counts.recall
            if p is not None and p < min_precision:
                out.append(f"{category}: precision {p:.2f} < {min_precision:.2f}")
            if r is not None and r < min_recall:
                out.append(f"{category}: recall {r:.2f} < {min_recall:.2f}")
        return out


# --- Loading ------------------------------------------------------------------------------------

def load_corpus(directory: str | Path) -> list[LabelledNote]:
    """Every note in `directory` with its expected findings, sorted by file name.

    Raises LabelError (one line, naming the file and field) for a label file that is not valid,
    a label file without its note, or a note without its label file.
    """
    root = Path(directory)
    if not root.is_dir():
        raise LabelError(f"{root}: not a directory")
    notes: dict[str, Path] = {}
    labels: dict[str, Path] = {}
    for path in sorted(root.iterdir()):
        if not path.is_file():
            continue
        if path.name.endswith(LABEL_SUFFIX):
            labels[path.name[: -len(LABEL_SUFFIX)]] = path
        elif path.suffix in NOTE_SUFFIXES and _NOTE_NAME.match(path.stem):
            if path.stem in notes:
                raise LabelError(f"{path}: two notes named {path.stem} ({notes[path.stem].name} and {path.name})")
            notes[path.stem] = path
    for stem, label in labels.items():
        if stem not in notes:
            raise LabelError(f"{label}: no note {stem}.md or {stem}.txt for this label file")
    for stem, note in notes.items():
        if stem not in labels:
            raise LabelError(f"{note}: no label file {stem}{LABEL_SUFFIX}")
    as_of = _as_of(root / CORPUS_FILE)
    return [replace(_load_one(notes[stem], labels[stem]), as_of=as_of) for stem in sorted(notes)]


def _as_of(path: Path) -> date | None:
    """`as_of: 2026-12-09` in the folder's corpus.yaml, if it has one."""
    if not path.is_file():
        return None
    from ..io.data import load_yaml
    from ..io.files import MAX_DATA_BYTES, read_text

    data = load_yaml(read_text(path, expected="a YAML file", error=LabelError, limit=MAX_DATA_BYTES), str(path),
                     error=LabelError, what="not valid YAML")
    if not isinstance(data, dict) or set(data) - {"as_of"}:
        raise LabelError(f"{path}: expected a mapping with as_of (the date the notes were written as of)")
    value = data.get("as_of")
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise LabelError(f"{path}: as_of: expected a date like 2026-12-09, got {value!r}") from None


def _load_one(note_path: Path, label_path: Path) -> LabelledNote:
    from ..io.data import load_yaml
    from ..io.files import MAX_DATA_BYTES, read_text

    text = read_text(note_path, expected="a .md or .txt note", error=LabelError)
    raw = read_text(label_path, expected="a YAML label file", error=LabelError, limit=MAX_DATA_BYTES)
    # Bounded and strict: a category or text given twice in one entry is an error, not the last one silently.
    data = load_yaml(raw, str(label_path), error=LabelError, what="not valid YAML")
    if not isinstance(data, dict):
        raise LabelError(f"{label_path}: expected a mapping with `about` and `findings`")
    unknown = set(data) - {"about", "findings"}
    if unknown:
        raise LabelError(f"{label_path}: {sorted(unknown)[0]}: unknown key; expected about, findings")
    about = data.get("about") or ""
    if not isinstance(about, str):
        raise LabelError(f"{label_path}: about: expected one line of text")
    if "findings" not in data:
        raise LabelError(f"{label_path}: findings: missing (use [] for a clean note)")
    entries = data["findings"]
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise LabelError(f"{label_path}: findings: expected a list")
    expected = [_entry(label_path, i, entry, text) for i, entry in enumerate(entries)]
    return LabelledNote(note_path, text, expected, about)


def _entry(label_path: Path, index: int, entry: Any, note_text: str) -> Expected:
    where = f"{label_path}: findings[{index}]"
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: expected a mapping with a category")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise LabelError(f"{where}.{sorted(unknown)[0]}: unknown key; expected category, element, text")
    category = entry.get("category")
    if category not in CATEGORIES:
        raise LabelError(f"{where}.category: unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    element, text = entry.get("element"), entry.get("text")
    if category == "missing-element":
        if element not in ELEMENTS:
            raise LabelError(f"{where}.element: {element!r} is not an element id; expected one of {', '.join(ELEMENTS)}")
        if text is not None:
            raise LabelError(f"{where}.text: missing-element entries name an element, not a text")
        return Expected(category, element=element)
    if element is not None:
        raise LabelError(f"{where}.element: only missing-element entries take an element")
    if text is not None:
        if not isinstance(text, str) or not text:
            raise LabelError(f"{where}.text: expected a non-empty string")
        if category in NOTE_CATEGORIES:
            raise LabelError(f"{where}.text: {category} is about the whole note; leave text out")
        if text not in note_text:
            raise LabelError(f"{where}.text: {text!r} not found in the note")
    elif category in SPAN_CATEGORIES:
        raise LabelError(f"{where}.text: required for {category} (the flagged text as written in the note)")
    return Expected(category, text=text)


# --- Matching -----------------------------------------------------------------------------------

def lint_corpus(notes: Sequence[LabelledNote], linter: Any = None) -> list[Any]:
    """Lint every note of the corpus in one batch (copy-forward compares them with each other)."""
    from ..lint import NoteInput

    if linter is None:
        from ..lint.engine import Linter

        linter = Linter()
    from ..text.dates import judged_on

    days = {n.as_of for n in notes}
    with judged_on(days.pop() if len(days) == 1 else None):
        results = list(linter.lint_many([NoteInput(text=n.text, path=str(n.path)) for n in notes]))
    if len(results) != len(notes):
        raise NoteassistError(f"linter returned {len(results)} results for {len(notes)} notes")
    return results


def evaluate(notes: Sequence[LabelledNote], linter: Any = None) -> Evaluation:
    """Lint all notes in one batch and score the findings against the labels."""
    results = lint_corpus(notes, linter)
    evaluation = Evaluation(categories={c: Counts() for c in CATEGORIES},
                            elements={e: Counts() for e in ELEMENTS}, notes=len(notes))
    for note, result in zip(notes, results):
        _score(note, list(result.findings), evaluation)
    for counts in evaluation.categories.values():
        evaluation.overall.add(counts)
    for counts in evaluation.errors.values():
        evaluation.errors_overall.add(counts)
    return evaluation


def combine(evaluations: Sequence[Evaluation]) -> Evaluation:
    """The counts and misses of several corpora (each linted on its own) added together."""
    total = Evaluation(categories={c: Counts() for c in CATEGORIES}, elements={e: Counts() for e in ELEMENTS})
    for ev in evaluations:
        total.notes += ev.notes
        for table, into in ((ev.categories, total.categories), (ev.elements, total.elements)):
            for name, counts in table.items():
                into.setdefault(name, Counts()).add(counts)
        for name, counts in ev.errors.items():
            total.errors.setdefault(name, ErrorCounts()).add(counts)
        total.overall.add(ev.overall)
        total.errors_overall.add(ev.errors_overall)
        total.false_positives += ev.false_positives
        total.false_negatives += ev.false_negatives
    return total


def _score(note: LabelledNote, findings: list[Any], evaluation: Evaluation) -> None:
    path = str(note.path)
    categories = {e.category for e in note.expected} | {f.category for f in findings}
    for category in sorted(categories):
        expected = [e for e in note.expected if e.category == category]
        predicted = [f for f in findings if f.category == category]
        matched, unmatched_expected = _match(note.text, expected, predicted)
        counts = evaluation.categories.setdefault(category, Counts())
        counts.expected += len(expected)
        counts.predicted += len(predicted)
        counts.tp += len(matched)
        if category == "missing-element":
            for e in expected:
                evaluation.elements.setdefault(e.element, Counts()).expected += 1
            for f in predicted:
                evaluation.elements.setdefault(_element(f) or "?", Counts()).predicted += 1
            for e, _ in matched:
                evaluation.elements[e.element].tp += 1
        matched_ids = {id(f) for _, f in matched}
        errors = evaluation.errors.setdefault(category, ErrorCounts())
        for f in predicted:
            if getattr(f, "severity", None) == "error":
                errors.predicted += 1
                errors.tp += id(f) in matched_ids
            if id(f) not in matched_ids:
                evaluation.false_positives.append(
                    Miss(path, getattr(f, "line", 1), f.rule, category, f.text or "", _element(f),
                         getattr(f, "severity", "") or ""))
        for e in unmatched_expected:
            evaluation.false_negatives.append(
                Miss(path, _line_of(note.text, e.text), category, category, e.text or "", e.element))


def _match(text: str, expected: list[Expected], predicted: list[Any]) -> tuple[list[tuple[Expected, Any]], list[Expected]]:
    """Greedy one-to-one matching within one note and category: specific entries first, then textless ones."""
    remaining = list(predicted)
    matched: list[tuple[Expected, Any]] = []
    unmatched: list[Expected] = []
    ordered = sorted(expected, key=lambda e: 0 if (e.element or e.text) else 1)
    for entry in ordered:
        found = next((f for f in remaining if _fits(text, entry, f)), None)
        if found is None:
            unmatched.append(entry)
        else:
            remaining.remove(found)
            matched.append((entry, found))
    return matched, unmatched


def _fits(text: str, entry: Expected, finding: Any) -> bool:
    if entry.element is not None:
        return _element(finding) == entry.element
    if entry.text is not None:
        return any(_overlaps(start, start + len(entry.text), finding.start, finding.end)
                   for start in _occurrences(text, entry.text))
    return True


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if b_start == b_end:  # a zero-width finding points at one offset
        return a_start <= b_start < a_end
    return max(a_start, b_start) < min(a_end, b_end)


def _occurrences(text: str, needle: str) -> Iterable[int]:
    start = text.find(needle)
    while start != -1:
        yield start
        start = text.find(needle, start + 1)


def _element(finding: Any) -> str | None:
    extra = getattr(finding, "extra", None) or {}
    return extra.get("element") or getattr(finding, "element", None)


def _line_of(text: str, needle: str | None) -> int:
    if not needle or needle not in text:
        return 1
    return text.count("\n", 0, text.index(needle)) + 1


# --- Report -------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def format_table(evaluation: Evaluation, title: str = "") -> str:
    lines = [f"{title}: {evaluation.notes} notes" if title else f"{evaluation.notes} notes",
             f"{'category':<26}{'expected':>9}{'predicted':>10}{'TP':>5}{'precision':>11}{'recall':>8}"
             f"{'errors':>8}{'err TP':>8}{'err prec':>10}"]

    def row(name: str, c: Counts, e: ErrorCounts | None = None) -> str:
        line = f"{name:<26}{c.expected:>9}{c.predicted:>10}{c.tp:>5}{_pct(c.precision):>11}{_pct(c.recall):>8}"
        if e is not None:
            line += f"{e.predicted:>8}{e.tp:>8}{_pct(e.precision):>10}"
        return line

    for name, counts in evaluation.categories.items():
        lines.append(row(name, counts, evaluation.errors.get(name, ErrorCounts())))
    lines.append(row("overall", evaluation.overall, evaluation.errors_overall))
    e = evaluation.errors_overall
    lines.append(f"error-level findings: {e.predicted} predicted, {e.tp} expected by a reviewer, precision "
                 f"{_pct(e.precision).strip()} (target {ERROR_PRECISION_TARGET:.2f})")
    lines.append("")
    lines.append(f"{'missing element':<26}{'expected':>9}{'predicted':>10}{'TP':>5}{'precision':>11}{'recall':>8}")
    for name, counts in sorted(evaluation.elements.items()):
        if counts.expected or counts.predicted:
            lines.append(row(name, counts))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m noteassist.eval.evaluate",
                                     description="Precision and recall of the linter on a labelled corpus.")
    parser.add_argument("directories", nargs="*", metavar="directory", default=["tests/corpus"],
                        help="corpus directories, each linted as one batch (default tests/corpus)")
    parser.add_argument("--min-precision", type=float, default=0.90)
    parser.add_argument("--min-recall", type=float, default=0.80)
    parser.add_argument("--verbose", "-v", action="store_true", help="list false positives and false negatives")
    args = parser.parse_args(argv)
    try:
        corpora = []
        for directory in args.directories:
            notes = load_corpus(directory)
            if not notes:
                raise LabelError(f"{directory}: no labelled notes")
            corpora.append(notes)
        # Each corpus is one batch of its own: copy-forward compares the notes of one corpus with each other.
        evaluations = [evaluate(notes) for notes in corpora]
    except NoteassistError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    if len(evaluations) == 1:
        evaluation = evaluations[0]
        print(format_table(evaluation))
    else:
        for directory, ev in zip(args.directories, evaluations):
            print(format_table(ev, directory) + "\n")
        evaluation = combine(evaluations)
        print(format_table(evaluation, "all corpora"))
    if args.verbose:
        print("\nfalse positives (predicted, not expected):")
        for miss in evaluation.false_positives:
            print("  " + miss.format())
        print("\nfalse negatives (expected, not predicted):")
        for miss in evaluation.false_negatives:
            print("  " + miss.format())
        errors = [m for m in evaluation.false_positives if m.severity == "error"]
        e = evaluation.errors_overall
        print(f"\nerror-level false positives ({len(errors)} of {e.predicted} error-level findings; precision "
              f"{_pct(e.precision).strip()}, target {ERROR_PRECISION_TARGET:.2f}):")
        for miss in errors:
            print("  " + miss.format())
    failures = evaluation.failures(args.min_precision, args.min_recall)
    if failures:
        print("\nFAIL: " + "; ".join(failures))
        return 1
    print("\nPASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The QA run's machine-readable outputs: how worker rows become lines of findings.jsonl and notes.csv, and
how the report writers read them back. The formats are described in docs/qa.md; they only ever grow.

Rows are serialised here and nowhere else, to bytes, so that every engine writes the same bytes for the same
rows (the driver compares nothing: equal rows give equal files).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..lint.registry import CATEGORIES

FINDINGS = "findings.jsonl"
NOTES = "notes.csv"
SUMMARY = "summary.json"
MANIFEST = "manifest.jsonl"

SEVERITY_COLUMNS = (("errors", "error"), ("warnings", "warning"), ("infos", "info"))
METRIC_COLUMNS = ("words", "sentences", "flesch_kincaid_grade", "flesch_reading_ease")
HEAD_COLUMNS = ("position", "note_id", "path", "source", "record_line", "status", "error", "author", "claim_number",
                "note_type", "note_type_source", "date", "week", "score", "findings")


def categories() -> tuple[str, ...]:
    """The contract's categories in its order, then any category a registered rule adds, sorted."""
    from ..lint.registry import all_rules

    extra = sorted({rule.category for rule in all_rules().values()} - set(CATEGORIES))
    return (*CATEGORIES, *extra)


def note_columns() -> tuple[str, ...]:
    return (*HEAD_COLUMNS, *(name for name, _ in SEVERITY_COLUMNS), *categories(), *METRIC_COLUMNS)


def iso_week(date: str | None) -> str | None:
    """'2026-03-02' -> '2026-W10' (ISO week), None for an unknown date."""
    if not date:
        return None
    from datetime import date as Date

    try:
        year, week, _ = Date.fromisoformat(date[:10]).isocalendar()
    except ValueError:
        return None
    return f"{year}-W{week:02d}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def note_line(row: dict[str, Any], columns: tuple[str, ...]) -> bytes:
    """One notes.csv line for a `note` or `error` row."""
    ok = row["kind"] == "note"
    values: dict[str, Any] = {key: row.get(key) for key in HEAD_COLUMNS}
    values["status"] = "ok" if ok else "error"
    values["week"] = iso_week(row.get("date"))
    if ok:
        for name, severity in SEVERITY_COLUMNS:
            values[name] = row["by_severity"].get(severity, 0)
        for category in columns[len(HEAD_COLUMNS) + len(SEVERITY_COLUMNS):-len(METRIC_COLUMNS)]:
            values[category] = row["by_category"].get(category, 0)
        for key in METRIC_COLUMNS:
            values[key] = row.get(key)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_cell(values.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def header_line(columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(columns)
    return buffer.getvalue().encode("utf-8")


def finding_line(row: dict[str, Any]) -> bytes:
    """One findings.jsonl line for a `finding` row."""
    data = {key: value for key, value in row.items() if key != "kind"}
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")


# -- reading back (aggregate.py, the report writers) ------------------------------------------------------------

_INTS = {"position", "record_line", "findings", "errors", "warnings", "infos", "words", "sentences"}
_FLOATS = {"score", "flesch_kincaid_grade", "flesch_reading_ease"}


def read_notes_csv(directory: str | Path) -> Iterator[dict[str, Any]]:
    """notes.csv rows as dicts: numbers as int/float, empty cells as None, category counts as int."""
    cats = set(categories())
    with open(Path(directory) / NOTES, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out: dict[str, Any] = {}
            for key, value in row.items():
                if value == "" or value is None:
                    out[key] = None
                elif key in _INTS or key in cats:
                    out[key] = int(value)
                elif key in _FLOATS:
                    out[key] = float(value)
                else:
                    out[key] = value
            yield out


def read_findings(directory: str | Path) -> Iterator[dict[str, Any]]:
    with open(Path(directory) / FINDINGS, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_summary(directory: str | Path) -> dict[str, Any]:
    return json.loads((Path(directory) / SUMMARY).read_text(encoding="utf-8"))


def note_texts(directory: str | Path, positions) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(position, the note's text as linted, its metadata) for the given positions, in position order, read again
    from the run's inputs with the run's column mapping (from the manifest). Only the requested texts are held; a
    note whose input is gone or unreadable now is skipped."""
    from .inputs import iter_qa_records
    from .manifest import read_manifest

    wanted = set(positions)
    if not wanted:
        return
    header, _ = read_manifest(Path(directory))
    if header is None:
        return
    for record in iter_qa_records(header.get("inputs", []), header.get("columns") or {}):
        if record.position in wanted:
            if record.text is not None:
                yield record.position, record.text, {**record.meta, **record.record}
            wanted.discard(record.position)
            if not wanted:
                return

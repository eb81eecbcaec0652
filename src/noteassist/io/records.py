"""Read notes: single files (.txt, .md, .docx, or `-` for stdin) and case-management exports
(.csv, .jsonl) holding many notes with their metadata, with one clear error line per problem."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NoteassistError, NoteInputError


def read_note(source: str | Path) -> str:
    """The note's text. Raises NoteInputError naming the file and what was expected."""
    name = str(source)
    path = Path(source)
    if name != "-" and path.suffix.lower() == ".docx":
        from ..export import read_docx_text

        try:
            return read_docx_text(path)
        except FileNotFoundError:
            raise NoteInputError(f"{name}: no such file") from None
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
            raise NoteInputError(f"{name}: not a readable Word document ({type(exc).__name__})") from None
    return read_text(path, expected="a .txt, .md or .docx note")


def read_text(
    source: str | Path, *, expected: str, error: type[NoteassistError] = NoteInputError
) -> str:
    """A UTF-8 text file (or `-` for stdin), refusing binary data and other encodings in one line each."""
    name = "<stdin>" if str(source) == "-" else str(source)
    try:
        raw = sys.stdin.buffer.read() if name == "<stdin>" else Path(source).read_bytes()
    except FileNotFoundError:
        raise error(f"{name}: no such file") from None
    except IsADirectoryError:
        raise error(f"{name}: is a directory, expected {expected}") from None
    except OSError as exc:
        raise error(f"{name}: cannot read: {exc.strerror}") from None
    if b"\x00" in raw[:8192]:
        raise error(f"{name}: binary file, expected {expected}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None


# --- Case-management exports: many notes in one CSV or JSONL file -------------------------------

#: Metadata keys a record may carry, besides its text; rules read them from `NoteInput.meta`.
RECORD_KEYS = ("id", "author", "claim_number", "carrier", "note_type",
               "date_of_service", "date_written", "date_of_injury")

#: Column names recognised without configuration (compared case-insensitively, ignoring spaces,
#: underscores, hyphens and "#"). Config `[tool.noteassist.columns]` or `--column KEY=NAME` override.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "note", "notetext", "casenote", "body", "narrative", "content", "notebody"),
    "id": ("id", "noteid", "recordid"),
    "author": ("author", "writer", "casemanager", "enteredby", "createdby", "user"),
    "claim_number": ("claimnumber", "claim", "claimno", "claimnum", "claimid"),
    "carrier": ("carrier", "insurer", "tpa"),
    "note_type": ("notetype", "type", "contacttype"),
    "date_of_service": ("dateofservice", "servicedate", "dos", "visitdate", "contactdate"),
    "date_written": ("datewritten", "written", "writtenat", "entered", "enteredat", "enteredon",
                     "created", "createdat", "signed", "signedat", "signeddate"),
    "date_of_injury": ("dateofinjury", "doi", "injurydate"),
}

#: Note types as case-management systems tend to label them.
NOTE_TYPE_ALIASES = {
    "phone": "telephonic", "phonecall": "telephonic", "telephone": "telephonic", "call": "telephonic",
    "telephoniccontact": "telephonic", "officevisit": "physician-visit", "mdvisit": "physician-visit",
    "physicianvisit": "physician-visit", "visit": "physician-visit", "doctorvisit": "physician-visit", "appointment": "physician-visit",
    "initial": "initial-assessment", "intake": "initial-assessment", "initialassessment": "initial-assessment",
    "progress": "progress-report", "progressreport": "progress-report", "updatereport": "progress-report",
    "closure": "closure-report", "closurereport": "closure-report",
}

RECORD_SUFFIXES = (".csv", ".jsonl", ".ndjson")


@dataclass
class NoteRecord:
    """One note read from a file or an export row: its text, a label for messages, and metadata."""

    text: str
    path: str
    meta: dict[str, Any] = field(default_factory=dict)


def read_records(source: str | Path, columns: Mapping[str, str] | None = None) -> list[NoteRecord]:
    """Every note in `source`: one for a .txt/.md/.docx note, one per row of a .csv/.jsonl export.

    `columns` maps a metadata key (RECORD_KEYS or "text") to the export's column name. Rows are
    labelled `FILE#ID` when there is an id column, else `FILE#ROW` (the 1-based record number).
    """
    name = str(source)
    suffix = Path(name).suffix.lower()
    if name == "-" or suffix not in RECORD_SUFFIXES:
        return [NoteRecord(read_note(source), "<stdin>" if name == "-" else name)]
    text = read_text(source, expected="a CSV or JSONL export")
    rows = _csv_rows(name, text) if suffix == ".csv" else _jsonl_rows(name, text)
    return _records(name, rows, columns or {})


def _csv_rows(name: str, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    import csv

    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if not reader.fieldnames:
            raise NoteInputError(f"{name}: empty export, expected a header row naming the columns")
        line = reader.line_num + 1
        for row in reader:
            if None in row:
                raise NoteInputError(f"{name}:{line}: more fields than the header has columns")
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise NoteInputError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None


def _jsonl_rows(name: str, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    import json

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NoteInputError(f"{name}:{number}: not valid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(row, dict):
            raise NoteInputError(f"{name}:{number}: expected a JSON object per line, got {type(row).__name__}")
        yield number, row


def _records(name: str, rows: Iterable[tuple[int, dict[str, Any]]], columns: Mapping[str, str]) -> list[NoteRecord]:
    records: list[NoteRecord] = []
    # CSV rows share the header; JSONL objects may each carry different keys.
    mappings: dict[tuple[str, ...], dict[str, str]] = {}
    for count, (line, row) in enumerate(rows, 1):
        keys = tuple(row)
        if keys not in mappings:
            mappings[keys] = _column_mapping(name, list(keys), columns)
        mapping = mappings[keys]
        text = row.get(mapping["text"])
        if not isinstance(text, str):
            raise NoteInputError(f"{name}:{line}: {mapping['text']}: expected the note text as a string")
        meta = {key: _cell(row.get(column)) for key, column in mapping.items() if key != "text"}
        meta = {key: value for key, value in meta.items() if value not in (None, "")}
        if "note_type" in meta:
            meta["note_type"] = _note_type(name, line, mapping["note_type"], meta["note_type"])
        label = f"{name}#{meta['id']}" if "id" in meta else f"{name}#{count}"
        records.append(NoteRecord(text, label, {**meta, "source": name, "line": line}))
    if not records:
        raise NoteInputError(f"{name}: no notes in the export")
    return records


def _column_mapping(name: str, present: list[str], configured: Mapping[str, str]) -> dict[str, str]:
    """Export column for each key: the configured name (which must exist) or a recognised default."""
    for key, column in configured.items():
        if key not in ("text", *RECORD_KEYS):
            raise NoteInputError(f"columns.{key}: unknown key; expected one of text, {', '.join(RECORD_KEYS)}")
        if column not in present:
            raise NoteInputError(f"{name}: no column {column!r} (configured for {key}); "
                                 f"columns are: {', '.join(present)}")
    normalised = {_normalise(column): column for column in present}
    mapping = {}
    for key, candidates in DEFAULT_COLUMNS.items():
        if key in configured:
            mapping[key] = configured[key]
        elif found := next((normalised[c] for c in candidates if c in normalised), None):
            mapping[key] = found
    if "text" not in mapping:
        raise NoteInputError(f"{name}: no note-text column; expected one named text, note or body, or set "
                             f"columns.text in the config (or --column text=NAME); columns are: {', '.join(present)}")
    return mapping


def _note_type(name: str, line: int, column: str, value: Any) -> str:
    from ..notetypes import NOTE_TYPES

    text = str(value).strip().lower()
    if text in NOTE_TYPES:
        return text
    if found := NOTE_TYPE_ALIASES.get(_normalise(text)) or {_normalise(t): t for t in NOTE_TYPES}.get(_normalise(text)):
        return found
    raise NoteInputError(f"{name}:{line}: {column}: unknown note type {value!r}; expected one of "
                         f"{', '.join(NOTE_TYPES)}")


def _normalise(column: str) -> str:
    return "".join(ch for ch in column.lower() if ch.isalnum())


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value

"""Case-management exports (.csv, .jsonl) holding many notes with their metadata.

`iter_records` streams an export row by row: a row that cannot be read becomes a `RecordError`
naming its line, and every other row still comes through. `read_records` is the strict list form
that raises on the first problem. Problems with the file as a whole (unreadable, no header, no
note-text column, two columns of one name) raise `NoteInputError` from either.

Reading is strict where the csv and json modules are lenient, because leniency loses data silently:

- a CSV quote that opens and never closes would swallow every row after it into one field; the csv
  module's strict mode stops at it, and the row is reported at the line where it starts while
  reading resumes on the next line. A quote closed by accident further down (no strict error) is
  caught by its shape: a field whose lines look like the export's own rows;
- two columns with one name (the last would win), JSON keys given twice, deep nesting, huge numbers
  and lone surrogates (see `data.py`) are errors;
- JSONL is split on `\\n` only: U+2028, U+0085 and form feeds are legal inside a JSON string, and
  `str.splitlines` would cut the row there;
- the csv field limit (131,072 characters) is raised to the file's size, so a long note in a cell
  reads as it does in JSONL; the size limit of one note file (`files.MAX_FILE_BYTES`) bounds both.

An export is read line by line as its rows are asked for (`files.TextLines`), keeping only the lines of the
row being parsed, so `noteassist qa` reads an export of any size (it passes `limit=None`) in flat memory;
`noteassist lint` and the service keep the file size limit, since they hold the results of every row.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NoteassistError, NoteInputError
from .data import load_json
from .files import MAX_FILE_BYTES, TextLines
from .notes import read_note

#: Metadata keys a record may carry, besides its text; rules read them from `NoteInput.meta`.
RECORD_KEYS = ("id", "author", "claim_number", "carrier", "note_type",
               "date_of_service", "date_written", "date_of_injury", "claimant", "date_of_birth")

#: Column names recognised without configuration, most likely first. A name matches however the export spells
#: it: case, spaces, underscores, hyphens, punctuation and camelCase do not count, nor do the words of/on/at/the
#: or their order ("Date Signed", "date_signed", "DateSigned", "Signed Date", "Signed On" are one name).
#: Config `[tool.noteassist.columns]` or `--column KEY=NAME` override.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "note text", "note", "notes", "case note", "note body", "body", "narrative", "content",
             "note content", "progress note", "contact note", "activity note", "note narrative", "entry text",
             "comments", "comment", "description", "details", "remarks"),
    "id": ("id", "note id", "record id", "entry id", "activity id", "note number", "note no", "row id"),
    "author": ("author", "writer", "case manager", "entered by", "created by", "written by", "signed by",
               "documented by", "authored by", "user", "user name", "staff", "nurse", "ncm", "cm", "author name",
               "case manager name"),
    "claim_number": ("claim number", "claim", "claim no", "claimno", "claim num", "claim id", "claim ref",
                     "claim reference", "wc claim number"),
    "carrier": ("carrier", "insurer", "tpa", "insurance carrier", "insurance company", "payer", "payor"),
    # Only names whose values are note types: a row with an unknown type is an error row.
    "note_type": ("note type", "type", "contact type", "visit type", "encounter type", "note category"),
    "date_of_service": ("date of service", "dos", "service date", "visit date", "date of visit", "contact date",
                        "date of contact", "encounter date", "activity date", "appointment date", "note date",
                        "date"),
    "date_written": ("date written", "written", "written date", "writtendate", "entered", "entered date",
                     "entereddate", "date entered", "entry date", "entrydate", "date of entry", "created",
                     "created date", "createddate", "date created", "signed", "signed date", "signeddate",
                     "date signed", "signature date", "date time signed", "signed date time", "documented",
                     "date documented", "documented date", "authored", "authored date", "finalized",
                     "date finalized", "timestamp", "entry timestamp"),
    "date_of_injury": ("date of injury", "doi", "injury date", "date injured", "date of loss", "dol", "loss date",
                       "date of accident", "accident date"),
    # The claim-consistency rules (NA703, NA808) compare these between rows of one claim.
    "claimant": ("claimant", "claimant name", "injured worker", "injured worker name", "worker name",
                 "patient name", "client name"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate"),
}

RECORD_SUFFIXES = (".csv", ".jsonl", ".ndjson")
EXPORT_EXPECTED = "a CSV or JSONL export"
# The csv module's field limit is a C long: 2**31 - 1 where that is 32 bits (Windows).
_CSV_FIELD_CAP = 2**31 - 1


@dataclass
class NoteRecord:
    """One note read from a file or an export row: its text, a label for messages, and metadata."""

    text: str
    path: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordError:
    """An export row that could not be read. `str()` is the one-line message, `FILE:LINE: problem`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line is not None else f"{self.path}: {self.message}"


def read_records(source: str | Path, columns: Mapping[str, str] | None = None) -> list[NoteRecord]:
    """Every note in `source`: one for a .txt/.md/.docx note, one per row of a .csv/.jsonl export.

    `columns` maps a metadata key (RECORD_KEYS or "text") to the export's column name. Rows are
    labelled `FILE#ID` when there is an id column, else `FILE#ROW` (the 1-based record number).
    Raises NoteInputError on the first row that cannot be read.
    """
    records = []
    for item in iter_records(source, columns):
        if isinstance(item, RecordError):
            raise NoteInputError(str(item))
        records.append(item)
    return records


def iter_records(source: str | Path, columns: Mapping[str, str] | None = None, *,
                 limit: int | None = MAX_FILE_BYTES,
                 on_warning: Callable[[str], None] | None = None) -> Iterator[NoteRecord | RecordError]:
    """Each note of `source` as a NoteRecord, and each unreadable export row as a RecordError.

    Raises NoteInputError for the file as a whole: unreadable, empty, no header, no note-text column,
    duplicate column names, a configured column that is missing, over `limit` bytes (None: any size). `on_warning` gets one line, once per file,
    for each column that looks like a date or a note's text but is not read (see `unread_columns`).
    """
    name = str(source)
    suffix = Path(name).suffix.lower()
    if name == "-" or suffix not in RECORD_SUFFIXES:
        yield NoteRecord(read_note(source, limit=MAX_FILE_BYTES if limit is None else limit),
                         "<stdin>" if name == "-" else name)
        return
    configured = dict(columns or {})
    for key in configured:
        if key not in ("text", *RECORD_KEYS):
            raise NoteInputError(f"columns.{key}: unknown key; expected one of text, {', '.join(RECORD_KEYS)}")
    lines = TextLines(source, expected=EXPORT_EXPECTED, limit=limit, universal=suffix == ".csv")
    rows = _csv_rows(name, lines, configured) if suffix == ".csv" else _jsonl_rows(name, lines)
    if not (yield from _records(name, rows, configured, on_warning)):
        raise NoteInputError(f"{name}: no notes in the export")


# --- CSV ----------------------------------------------------------------------------------------

class _Lines:
    """The export's physical lines, read as the csv parser asks for them. Parsing resumes after a broken row
    at a line of that row, so the lines from the current row's first on are kept (`keep_from`), no others:
    memory stays bounded by the longest row, whatever the export's size."""

    def __init__(self, lines: Iterable[str]):
        self._source = iter(lines)
        self._kept: list[str] = []  # the lines from index self._base on
        self._base = 0
        self.index = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        offset = self.index - self._base
        if offset < len(self._kept):
            line = self._kept[offset]
        else:
            line = next(self._source)
            self._kept.append(line)
        self.index += 1
        return line

    def line(self, index: int) -> str:
        offset = index - self._base
        return self._kept[offset] if 0 <= offset < len(self._kept) else ""

    def keep_from(self, index: int) -> None:
        """Forget the lines before `index` (a row before it will not be read again)."""
        if index > self._base:
            del self._kept[:index - self._base]
            self._base = index


def iter_rows(source: str | Path, *, expected: str = EXPORT_EXPECTED,
              error: type[NoteassistError] = NoteInputError) -> Iterator[tuple[int, dict[str, Any]] | RecordError]:
    """(line, row) for each row of a .csv/.jsonl export with its own columns, and a RecordError for each row
    that cannot be parsed. The same strict reading as `iter_records`, without the note-column mapping, for
    exports that are not notes (agency history exports). File-level problems raise `error`."""
    name = str(source)
    csv_file = Path(name).suffix.lower() == ".csv"
    lines = TextLines(source, expected=expected, error=error, universal=csv_file)
    if csv_file:
        try:
            yield from _csv_rows(name, lines, None)
        except NoteInputError as exc:
            if error is NoteInputError:
                raise
            raise error(exc.message) from None
    else:
        yield from _jsonl_rows(name, lines)


def _csv_rows(name: str, source: TextLines,
              configured: Mapping[str, str] | None) -> Iterator[tuple[int, dict[str, Any]] | RecordError]:
    """Rows of a CSV export; `configured` None skips the note-text column check (not a notes export)."""
    # A cell may be as long as the file, up to the limit of one note file.
    size = source.size if source.size is not None else MAX_FILE_BYTES
    csv.field_size_limit(max(csv.field_size_limit(), min(size + 1, MAX_FILE_BYTES + 1, _CSV_FIELD_CAP)))
    lines = _Lines(source)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
        while header is not None and not header:  # blank lines before the header
            header = next(reader, None)
    except csv.Error as exc:
        raise NoteInputError(f"{name}:{lines.index}: not valid CSV in the header row: {exc}") from None
    if not header:
        raise NoteInputError(f"{name}: empty export, expected a header row naming the columns")
    _check_header(name, lines.index, header)
    if configured is not None:
        _column_mapping(name, header, configured)  # a file without a text column fails before any row
    while True:
        start = lines.index  # 0-based index of the row's first line
        lines.keep_from(start)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem, resume = _broken_row(lines, start, exc)
            yield RecordError(name, start + 1, problem)
            lines.index = resume
            reader = csv.reader(lines, strict=True)  # a fresh parser: the old one is mid-field
            continue
        if not cells:
            continue
        if lines.index - start > 2 and _swallows_rows(cells, len(header)):
            yield RecordError(name, start + 1, "not valid CSV: a quoted field opens on this line and takes in "
                              f"lines {start + 2}-{lines.index} that look like rows of their own; "
                              "close the quote (or double a quote inside it: \"\")")
            lines.index = start + 1
            reader = csv.reader(lines, strict=True)
            continue
        if len(cells) > len(header):
            yield RecordError(name, start + 1, "more fields than the header has columns")
            continue
        yield start + 1, dict(zip(header, cells + [None] * (len(header) - len(cells))))


def _check_header(name: str, line: int, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, column in enumerate(header, 1):
        if not column.strip():
            continue  # unnamed columns (a trailing comma) are never read
        if column in seen:
            raise NoteInputError(f"{name}:{line}: columns {seen[column]} and {number} are both named {column!r}; "
                                 "rename one, or noteassist cannot tell which to read")
        seen[column] = number


def _broken_row(lines: _Lines, start: int, exc: csv.Error) -> tuple[str, int]:
    """(message, line index to resume at) for a row the strict csv parser refused."""
    first = lines.line(start)
    unclosed = "end of data" in str(exc) or (lines.index - start > 1 and first.count('"') % 2 == 1)
    if unclosed:
        # The quote opened on the row's first line: everything after it belongs to the next rows.
        return ("not valid CSV: a quoted field opens on this line and never closes, so it would take in "
                "the rows after it; close the quote (or double a quote inside it: \"\")", start + 1)
    return f"not valid CSV: {exc}", max(lines.index, start + 1)


_SHAPE_LETTERS = re.compile(r"[^\W\d_]+")
_SHAPE_DIGITS = re.compile(r"\d+")


def _shape(cell: str) -> str:
    """'N-1034' -> 'a-9', '17' -> '9': what an id column's values have in common."""
    return _SHAPE_DIGITS.sub("9", _SHAPE_LETTERS.sub("a", cell.strip()))


def _swallows_rows(cells: list[str], width: int) -> bool:
    """True when a multi-line field holds two or more lines that parse as rows like this one.

    A note's own lines rarely do: besides the header's number of fields, such a line must begin with a
    value shaped like this row's first cell (an id, a number), as the rows of the export do.
    """
    if width < 2 or not cells[0].strip() or len(cells[0]) > 40:
        return False
    shape = _shape(cells[0])
    for cell in cells:
        if "\n" not in cell and "\r" not in cell:
            continue
        lookalikes = 0
        for line in cell.splitlines()[1:]:
            try:
                parsed = next(csv.reader([line], strict=True), [])
            except csv.Error:
                continue
            if len(parsed) == width and parsed[0].strip() and _shape(parsed[0]) == shape:
                lookalikes += 1
                if lookalikes >= 2:
                    return True
    return False


# --- JSONL --------------------------------------------------------------------------------------

def _jsonl_rows(name: str, lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]] | RecordError]:
    for number, line in enumerate(lines, 1):  # lines split on \n only
        line = line.removesuffix("\n").removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = load_json(line, name, line=number, what="not valid JSON")
        except NoteassistError as exc:
            yield RecordError(name, number, exc.message.removeprefix(f"{name}:{number}: "))
            continue
        if not isinstance(row, dict):
            yield RecordError(name, number, f"expected a JSON object per line, got {type(row).__name__}")
            continue
        yield number, row


# --- Rows to records ----------------------------------------------------------------------------

def _records(name: str, rows: Iterable[tuple[int, dict[str, Any]] | RecordError],
             columns: Mapping[str, str],
             on_warning: Callable[[str], None] | None = None) -> Iterator[NoteRecord | RecordError]:
    """Records for the rows; returns (as the generator's value) how many rows there were."""
    # CSV rows share the header; JSONL objects may each carry different keys.
    mappings: dict[tuple[str, ...], dict[str, str] | NoteInputError] = {}
    rows = iter(rows)
    # The first rows are looked at before any is yielded, so a column left unread is reported before the
    # findings it would have changed.
    sample: list[tuple[int, dict[str, Any]] | RecordError] = []
    failure: NoteassistError | None = None
    try:
        sample.extend(itertools.islice(rows, SURVEY_ROWS))
    except NoteassistError as exc:  # the file went bad (a byte that is not UTF-8) after these rows: keep them
        failure = exc
    if on_warning is not None:
        for line in unread_columns(name, [row for item in sample if not isinstance(item, RecordError)
                                          for row in (item[1],)], columns):
            on_warning(line)
    count = 0
    for item in itertools.chain(sample, () if failure is not None else rows):
        count += 1
        if isinstance(item, RecordError):
            yield item
            continue
        line, row = item
        try:
            keys = tuple(row)
            if keys not in mappings:
                try:
                    mappings[keys] = _column_mapping(name, list(keys), columns)
                except NoteInputError as exc:
                    mappings[keys] = exc
            mapping = mappings[keys]
            if isinstance(mapping, NoteInputError):
                raise mapping
            yield _record(name, line, count, row, mapping)
        except NoteInputError as exc:
            yield RecordError(name, line, exc.message.removeprefix(f"{name}:{line}: ").removeprefix(f"{name}: "))
    if failure is not None:
        raise failure
    return count


# --- Columns nothing reads ----------------------------------------------------------------------

#: Rows looked at to tell a date column or a text column by its values.
SURVEY_ROWS = 20
_DATE_KEYS = ("date_written", "date_of_service", "date_of_injury")
#: Words in a column name that make it a date column of one key.
_DATE_WORDS: dict[str, str] = {
    "signed": "date_written", "entered": "date_written", "entry": "date_written", "created": "date_written",
    "written": "date_written", "documented": "date_written", "authored": "date_written",
    "finalized": "date_written", "timestamp": "date_written",
    "service": "date_of_service", "visit": "date_of_service", "contact": "date_of_service",
    "encounter": "date_of_service", "dos": "date_of_service",
    "injury": "date_of_injury", "injured": "date_of_injury", "loss": "date_of_injury",
    "accident": "date_of_injury", "doi": "date_of_injury",
}
#: Words that make a column a date of no particular key; "on" and "time" only with date values ("Completed
#: On": 11/25/2026), as "Time" alone is often a clock time.
_SOME_DATE = {"date", "dated", "datetime"}
#: Words that make a column about a person, a duration or a date other than the note's own ("Entered By",
#: "Date of Birth", "Next Appointment Date", "Time Spent").
_NOT_A_NOTE_DATE = {"by", "name", "birth", "dob", "modified", "updated", "exported", "imported", "printed",
                    "spent", "duration", "minutes", "mins", "hours", "next", "due"}
_PURPOSE = {
    "date_written": "when the note was written or signed, for the late-entry check",
    "date_of_service": "the contact's date, for the date checks",
    "date_of_injury": "the injury's date, for the date checks",
}
#: A column whose values run this long (median, in characters) holds a note's text.
_TEXT_LENGTH = 80


def unread_columns(name: str, rows: list[dict[str, Any]], columns: Mapping[str, str]) -> list[str]:
    """One line for each column of `rows` that looks like a date the linter could use, or a note's text,
    but maps to no key: named by its header, with the `--column` that would read it.

    A date column is told by its values (most of them dates), or by its name (signed, entered, service,
    date...) when it has no values; it is reported while a date key it could fill is still unread. A text
    column is told by long values. Rows whose columns no mapping accepts are left to the error they raise."""
    mapped: set[str] = set()
    read_keys: set[str] = set()
    present: list[str] = []
    text_column = None
    for keys in dict.fromkeys(tuple(row) for row in rows):
        try:
            mapping = _column_mapping(name, list(keys), columns)
        except NoteInputError:
            continue
        mapped |= set(mapping.values())
        read_keys |= set(mapping)
        text_column = text_column or mapping["text"]
        present += [k for k in keys if k not in present]
    lines = []
    for column in present:
        words = _words(str(column))
        if column in mapped or not words or set(words) & _NOT_A_NOTE_DATE:
            continue
        values = [v.strip() for row in rows if isinstance(v := row.get(column), str) and v.strip()]
        named = [_DATE_WORDS[w] for w in words if w in _DATE_WORDS]
        free = [k for k in _DATE_KEYS if k not in read_keys]
        # By its values when it has any ("Entry Time" holding 14:30 is no date to read), else by its name.
        if values:
            looks_like_date = sum(map(_is_date, values)) * 2 > len(values)
        else:
            looks_like_date = bool(named or set(words) & _SOME_DATE)
        if looks_like_date:
            if not free:
                continue
            if key := next((k for k in named if k in free), None):
                lines.append(f"{name}: column {column!r} looks like a date but is not read; it could be {key} "
                             f"({_PURPOSE[key]}): give --column {key}=\"{column}\" (or columns.{key} in the config)")
            elif own := [k for k in free if k != "date_of_injury"]:
                # A date named for nothing in particular is more likely the note's own than the injury's.
                choices = " or ".join(f"--column {k}=\"{column}\" ({_PURPOSE[k].split(',')[0]})" for k in own)
                lines.append(f"{name}: column {column!r} looks like a date but is not read; if it is one the checks "
                             f"need, give {choices}")
        elif values and sorted(map(len, values))[len(values) // 2] >= _TEXT_LENGTH:
            lines.append(f"{name}: column {column!r} holds long text but is not read; only {text_column!r} is "
                         f"linted (give --column text=\"{column}\" to lint it instead)")
    return lines


def _is_date(value: str) -> bool:
    from ..text.dates import parse_meta_date

    for day_first in (False, True):
        try:
            parse_meta_date(value, "", "", day_first=day_first)
            return True
        except NoteInputError:
            continue
    return False


def _record(name: str, line: int, count: int, row: dict[str, Any], mapping: dict[str, str]) -> NoteRecord:
    text = row.get(mapping["text"])
    if not isinstance(text, str):
        raise NoteInputError(f"{name}:{line}: {mapping['text']}: expected the note text as a string")
    meta = {key: _cell(row.get(column)) for key, column in mapping.items() if key != "text"}
    meta = {key: value for key, value in meta.items() if value not in (None, "")}
    if "note_type" in meta:
        meta["note_type"] = _note_type(name, line, mapping["note_type"], meta["note_type"])
    label = f"{name}#{meta['id']}" if "id" in meta else f"{name}#{count}"
    return NoteRecord(text, label, {**meta, "source": name, "line": line})


def _column_mapping(name: str, present: list[str], configured: Mapping[str, str]) -> dict[str, str]:
    """Export column for each key: the configured name (which must exist) or a recognised default."""
    for key, column in configured.items():
        if column not in present:
            raise NoteInputError(f"{name}: no column {column!r} (configured for {key}); "
                                 f"columns are: {', '.join(present)}")
    used = set(configured.values())
    mapping = {}
    for key, candidates in DEFAULT_COLUMNS.items():
        if key in configured:
            mapping[key] = configured[key]
            continue
        for candidate in candidates:
            found = [c for c in present if c.strip() and c not in used and _column_names(c) & _column_names(candidate)]
            if len(found) > 1:
                raise NoteInputError(f"{name}: columns {' and '.join(map(repr, found))} both look like the {key} "
                                     f"column; name the one to read with --column {key}=NAME")
            if found:
                mapping[key] = found[0]
                used.add(found[0])
                break
    if "text" not in mapping:
        raise NoteInputError(f"{name}: no note-text column; expected one named text, note or body, or set "
                             f"columns.text in the config (or --column text=NAME); columns are: {', '.join(present)}")
    return mapping


def _note_type(name: str, line: int, column: str, value: Any) -> str:
    """The row's note type: an id, or the label its system gives it ("Phone Call", "Office Visit")."""
    from ..notetypes import NOTE_TYPES, resolve_note_type

    if found := resolve_note_type(value):
        return found
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    raise NoteInputError(f"{name}:{line}: {column}: unknown note type {shown}; expected one of "
                         f"{', '.join(NOTE_TYPES)}")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_FILLER = {"of", "on", "at", "the"}


def _words(column: str) -> list[str]:
    """'DateSigned' / 'Date_Signed' / 'Claim #' -> ['date', 'signed'] / ['date', 'signed'] / ['claim']."""
    return re.findall(r"[a-z0-9]+", _CAMEL.sub(" ", column).lower())


@functools.lru_cache(maxsize=4096)
def _column_names(column: str) -> frozenset[str]:
    """The forms a column name is compared in: its letters and digits run together ("datesigned"), and its
    words without filler, in alphabetical order ("Signed On" -> "signed", "Service Date" = "Date of Service")."""
    words = _words(column)
    return frozenset({"".join(words), "".join(sorted(w for w in words if w not in _FILLER))}) - {""}


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value

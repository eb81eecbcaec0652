"""The notes of a QA run, streamed: folders, note files and exports in, QARecords out, numbered in order.

Inputs are read in the order given; a folder contributes its .txt/.md/.docx files and its exports, walked
recursively in sorted path order (the same order on every machine, so positions and outputs are stable). A file
that cannot be read, or an export row that cannot be used, is a QARecord with `error` set; reading goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..errors import NoteassistError
from ..io import RecordError, iter_records
from ..lint.model import RECORD_FIELDS
from .batch import QARecord

NOTE_SUFFIXES = (".txt", ".md", ".docx")
EXPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson")


def expand_sources(sources: Sequence[str]) -> list[str]:
    """Each input as files: a folder becomes its note files and exports, sorted; others stay as given."""
    files: list[str] = []
    for source in sources:
        if source != "-" and os.path.isdir(source):
            found = sorted(str(p) for p in Path(source).rglob("*")
                           if p.is_file() and p.suffix.lower() in (*NOTE_SUFFIXES, *EXPORT_SUFFIXES)
                           and not p.name.startswith("."))
            if not found:
                raise NoteassistError(f"{source}: no notes in the folder (looked for "
                                      f"{', '.join(NOTE_SUFFIXES + EXPORT_SUFFIXES)})")
            files.extend(found)
        else:
            files.append(source)
    return files


def iter_qa_records(files: Sequence[str], columns: dict[str, str] | None = None,
                    on_warning: Callable[[str], None] | None = None) -> Iterator[QARecord]:
    """Every note of every file, numbered from 0 in input order."""
    position = 0
    for source in files:
        for record in _records(source, columns, on_warning, position):
            yield record
            position += 1


def _records(source: str, columns, on_warning, start: int) -> Iterator[QARecord]:
    position = start
    try:
        # No size limit: the export is streamed row by row, and a month's export can be gigabytes.
        for item in iter_records(source, columns or {}, limit=None, on_warning=on_warning):
            if isinstance(item, RecordError):
                origin = item.path.split("#", 1)[0]
                record = {"source": origin, "line": item.line} if item.line is not None else {"source": origin}
                yield QARecord(position, item.path, None, {}, record, error=str(item))
            else:
                record = ({key: item.meta[key] for key in RECORD_FIELDS if key in item.meta}
                          if "source" in item.meta else {"source": item.path})
                yield QARecord(position, item.path, item.text, dict(item.meta), record)
            position += 1
    except NoteassistError as exc:  # the file as a whole: one error row, named by the message
        name = "<stdin>" if source == "-" else source
        yield QARecord(position, name, None, {}, {"source": name}, error=exc.message)

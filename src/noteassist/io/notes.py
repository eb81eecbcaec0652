"""Read one note: a `.txt` or `.md` file, a `.docx` Word note, or `-` for stdin."""

from __future__ import annotations

from pathlib import Path

from ..errors import NoteassistError, NoteInputError
from .docx import read_docx_note
from .files import MAX_FILE_BYTES, read_text

NOTE_EXPECTED = "a .txt, .md or .docx note"


def read_note(source: str | Path, *, root: str | Path | None = None,
              error: type[NoteassistError] = NoteInputError, limit: int = MAX_FILE_BYTES) -> str:
    """The note's text. Raises `error` (NoteInputError) naming the file and what was expected.

    With `root` (a claim folder), the note must lie inside that folder once symlinks are resolved.
    """
    name = str(source)
    if name != "-" and Path(source).suffix.lower() == ".docx":
        return read_docx_note(source, error=error, limit=limit, root=root)
    return read_text(source, expected=NOTE_EXPECTED, error=error, limit=limit, root=root)

"""Read note files (.txt, .md, .docx, or `-` for stdin) as text, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import NoteassistError, NoteInputError


def read_note(source: str | Path) -> str:
    """The note's text. Raises NoteInputError naming the file and what was expected."""
    name = str(source)
    path = Path(source)
    if name != "-" and path.suffix.lower() == ".docx":
        from .export import read_docx_text

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

"""Read note files (.txt, .md, .docx, or `-` for stdin) as text, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import NoteInputError


def read_note(source: str | Path) -> str:
    """The note's text. Raises NoteInputError naming the file and what was expected."""
    name = str(source)
    if name == "-":
        return _decode(sys.stdin.buffer.read(), "<stdin>")
    path = Path(source)
    if path.suffix.lower() == ".docx":
        from .export import read_docx_text

        try:
            return read_docx_text(path)
        except FileNotFoundError:
            raise NoteInputError(f"{name}: no such file") from None
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
            raise NoteInputError(f"{name}: not a readable Word document ({type(exc).__name__})") from None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NoteInputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise NoteInputError(f"{name}: is a directory, expected a .txt, .md or .docx note") from None
    except OSError as exc:
        raise NoteInputError(f"{name}: cannot read: {exc.strerror}") from None
    return _decode(raw, name)


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:8192]:
        raise NoteInputError(f"{name}: binary file, expected note text (.txt, .md) or a .docx")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoteInputError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None

"""Word notes: limits checked on the ZIP container before python-docx parses anything.

A DOCX is a ZIP file; python-docx inflates every part into memory and builds an lxml tree and a
Python object per paragraph. A 67 KB file can hold 300,000 empty paragraphs (274 s and 7.7 GB in the
parser), and a small ZIP can inflate to gigabytes. `check_docx` reads only the ZIP directory and
streams `word/document.xml` through a counter, so both are refused in milliseconds.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import NoteassistError, NoteInputError
from .files import MAX_FILE_BYTES, read_bytes

#: Total uncompressed size of all parts (text, styles, images) of a DOCX read as a note.
MAX_DOCX_UNCOMPRESSED = 64 * 1024 * 1024
#: Uncompressed size of the document body, `word/document.xml`.
MAX_DOCX_BODY = 32 * 1024 * 1024
#: Paragraphs (including table-cell paragraphs) in the body. Reading a paragraph's style costs python-docx
#: about 2.5 ms (it scans every style for the default), so 5,000 paragraphs take some 12 s before any lint;
#: a long real note has a few hundred.
MAX_DOCX_PARAGRAPHS = 5_000
#: Parts in the ZIP: Word writes a few dozen; a huge directory is a ZIP bomb's shape.
MAX_DOCX_PARTS = 2_000

_BODY = "word/document.xml"
# An opening paragraph tag with any namespace prefix: <w:p>, <w:p w:rsidR="...">, <w:p/>, but not <w:pPr>.
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?p[\s>/]")
_TAIL = 64  # bytes kept between chunks (longer than any match), so a tag split across two chunks is counted
_READ_CHUNK = 1 << 20


def check_docx(data: bytes, name: str, *, error: type[NoteassistError] = NoteInputError) -> None:
    """Refuse a DOCX whose parts are too large or too many, or whose body holds too many paragraphs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise error(f"{name}: not a readable Word document (not a ZIP file)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_DOCX_PARTS:
            raise error(f"{name}: {len(infos):,} parts in the Word file, over the limit of {MAX_DOCX_PARTS:,}")
        total = sum(info.file_size for info in infos)
        if total > MAX_DOCX_UNCOMPRESSED:
            raise error(f"{name}: {total:,} bytes uncompressed, over the {MAX_DOCX_UNCOMPRESSED:,}-byte limit "
                        "for a Word note")
        body = next((info for info in infos if info.filename == _BODY), None)
        if body is None:
            raise error(f"{name}: not a readable Word document (no {_BODY})")
        if body.file_size > MAX_DOCX_BODY:
            raise error(f"{name}: document body of {body.file_size:,} bytes is over the {MAX_DOCX_BODY:,}-byte "
                        "limit for a Word note")
        count = _count_paragraphs(archive, body, name, error)
    if count > MAX_DOCX_PARAGRAPHS:
        # Counting stopped at the first paragraph over the limit: say "more than", not a partial count.
        raise error(f"{name}: more than {MAX_DOCX_PARAGRAPHS:,} paragraphs, over the limit for one Word note; "
                    "split the document")


def _count_paragraphs(archive: zipfile.ZipFile, body: zipfile.ZipInfo, name: str,
                      error: type[NoteassistError]) -> int:
    count, tail = 0, b""
    try:
        with archive.open(body) as stream:
            while chunk := stream.read(_READ_CHUNK):
                window = tail + chunk
                # A match ending inside the kept tail was complete, and counted, in the previous window.
                count += sum(1 for m in _PARAGRAPH.finditer(window) if m.end() > len(tail))
                tail = window[-_TAIL:]
                if count > MAX_DOCX_PARAGRAPHS:
                    break  # enough to refuse; no need to inflate the rest
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise error(f"{name}: not a readable Word document (damaged {_BODY})") from None
    return count


def read_docx_note(source: str | Path, *, error: type[NoteassistError] = NoteInputError,
                   limit: int = MAX_FILE_BYTES, root: str | Path | None = None) -> str:
    """The text of a Word note, as `export.read_docx_text` writes it, after the limits above."""
    name = str(source)
    data = read_bytes(source, expected="a .docx Word note", error=error, limit=limit, root=root)
    check_docx(data, name, error=error)
    from docx import Document

    from ..export import docx_text_map

    try:
        return docx_text_map(Document(io.BytesIO(data))).text
    except NoteassistError:
        raise
    except Exception as exc:
        raise error(f"{name}: not a readable Word document ({type(exc).__name__})") from None

"""Reading and writing user files, with one clear error line per problem.

Every input goes through one bounded reader (`files.py`): regular files only, a size limit checked
before reading, and, given a folder, no symlink out of it. On top of it:

- `notes.py`: one note (`.txt`, `.md`, `.docx`, `-` for stdin); `docx.py` checks a Word file's ZIP
  directory and paragraph count before python-docx parses it;
- `records.py`: case-management exports (CSV, JSONL), strictly or row by row (`iter_records`);
- `data.py`: YAML and JSON from users (facts, claim.yaml, front matter, labels), with duplicate keys,
  alias expansion, depth, huge numbers, NaN and lone surrogates refused;
- `write.py`: the atomic writer for every output.
"""

from .data import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_NODES,
    load_data,
    load_json,
    load_yaml,
)
from .docx import MAX_DOCX_PARAGRAPHS, MAX_DOCX_UNCOMPRESSED, check_docx, read_docx_note
from .files import (
    MAX_DATA_BYTES,
    MAX_FILE_BYTES,
    contained_path,
    decode_text,
    read_bytes,
    read_text,
)
from .notes import read_note
from .records import NoteRecord, RecordError, iter_records, read_records
from .write import write_atomic

__all__ = [
    "MAX_ALIASES",
    "MAX_DATA_BYTES",
    "MAX_DEPTH",
    "MAX_DOCX_PARAGRAPHS",
    "MAX_DOCX_UNCOMPRESSED",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "NoteRecord",
    "RecordError",
    "check_docx",
    "contained_path",
    "decode_text",
    "iter_records",
    "load_data",
    "load_json",
    "load_yaml",
    "read_bytes",
    "read_docx_note",
    "read_note",
    "read_records",
    "read_text",
    "write_atomic",
]

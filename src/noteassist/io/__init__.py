"""Reading user files: single notes and case-management exports, with one clear error line per problem."""

from .records import NoteRecord, read_note, read_records, read_text
from .write import write_atomic

__all__ = ["NoteRecord", "read_note", "read_records", "read_text", "write_atomic"]

"""Reading user files: single notes and case-management exports, with one clear error line per problem."""

from .records import NoteRecord, read_note, read_records, read_text

__all__ = ["NoteRecord", "read_note", "read_records", "read_text"]

"""The text layer: everything about a note's text that needs no language model.

One home for front matter, structure (headings, fields, lists, tables, prose), sentences, dates and
note-type inference. The linter, the DOCX exporter, the adjuster report and batch QA all read text
through these functions; none of them parses a date or splits a sentence on its own.
"""

from .dates import DATE_PATTERN, DATE_RE, When, date_at, find_dates, parse_meta_date
from .frontmatter import split_front_matter
from .infer import infer_note_type
from .quotes import quoted_speech
from .sentences import (
    Sentences,
    clause_around,
    sentence_around,
    sentence_spans,
    split_sentences,
)
from .structure import Block, NoteStructure, Section, normalize_label, parse_structure

__all__ = [
    "DATE_PATTERN",
    "DATE_RE",
    "Block",
    "NoteStructure",
    "Section",
    "Sentences",
    "When",
    "clause_around",
    "date_at",
    "find_dates",
    "infer_note_type",
    "normalize_label",
    "parse_meta_date",
    "quoted_speech",
    "parse_structure",
    "sentence_around",
    "sentence_spans",
    "split_front_matter",
    "split_sentences",
]

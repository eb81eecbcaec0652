"""Word and PDF documents as bytes: a note's DOCX, lint findings and fixes put back into a Word note,
the adjuster report on a letterhead, and a PDF print through LibreOffice. Nothing here writes a file
except the file-based wrappers kept for callers that still pass paths (`export_docx`,
`convert_to_pdf`, and the `out` form of `annotate_docx`/`fix_docx`), which write through
`noteassist.io.write_atomic`."""

from __future__ import annotations

from noteassist.export.annotate import (
    annotate_document,
    annotate_docx,
    fix_document,
    fix_docx,
)
from noteassist.export.docx import (
    CONFIDENTIALITY_NOTICE,
    DocxTextMap,
    document_bytes,
    docx_text_map,
    export_docx,
    load_document,
    note_docx,
    read_docx_text,
)
from noteassist.export.pdf import convert_to_pdf, docx_to_pdf
from noteassist.export.report import report_docx_bytes

__all__ = [
    "CONFIDENTIALITY_NOTICE",
    "DocxTextMap",
    "annotate_document",
    "annotate_docx",
    "convert_to_pdf",
    "document_bytes",
    "docx_text_map",
    "docx_to_pdf",
    "export_docx",
    "fix_document",
    "fix_docx",
    "load_document",
    "note_docx",
    "read_docx_text",
    "report_docx_bytes",
]

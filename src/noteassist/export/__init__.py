"""Export a note to a Word document, and put lint findings and fixes back into one."""

from __future__ import annotations

from noteassist.export.annotate import annotate_docx, fix_docx
from noteassist.export.docx import CONFIDENTIALITY_NOTICE, DocxTextMap, docx_text_map, export_docx, read_docx_text

__all__ = [
    "CONFIDENTIALITY_NOTICE",
    "DocxTextMap",
    "annotate_docx",
    "docx_text_map",
    "export_docx",
    "fix_docx",
    "read_docx_text",
]

"""Export a note to a Word document."""

from __future__ import annotations

from noteassist.export.docx import CONFIDENTIALITY_NOTICE, export_docx, read_docx_text

__all__ = ["CONFIDENTIALITY_NOTICE", "export_docx", "read_docx_text"]

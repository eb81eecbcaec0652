"""An adjuster report as DOCX bytes, built on a base document (an agency's letterhead).

The base document supplies the look: its styles, its page setup, and its header and footer
(a logo, the agency's address) are kept; its body is replaced by the report. A default base
ships in `templates/reports/base.docx`. Styles the report needs but a letterhead lacks
(Word often keeps "Heading 2" or "List Bullet" only as latent styles) are copied in from
python-docx's default template, so any letterhead works.

The report body is Markdown from the report template: headings become Word headings, `- `
items bullets, `| a | b |` rows tables (the same writer as note exports). The footer gets
"Page N of M" (PAGE/NUMPAGES fields) unless the letterhead already numbers its pages, and a
confidentiality line unless it already carries one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx import Document

from ..errors import ExportError
from .docx import (
    CONFIDENTIALITY_NOTICE,
    _add_body,
    _add_field,
    _display,
    clean_text,
    document_bytes,
    load_document,
)

__all__ = ["REQUIRED_STYLES", "default_base", "report_docx_bytes"]

#: Styles the report writer uses; missing ones are copied from python-docx's default template.
REQUIRED_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number", "Table Grid")


def default_base() -> Path:
    """templates/reports/base.docx inside an installed wheel, else in the checkout."""
    from importlib import resources

    try:
        packaged = resources.files("noteassist") / "templates" / "reports" / "base.docx"
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - running from a checkout
        pass
    return Path(__file__).resolve().parents[3] / "templates" / "reports" / "base.docx"


def report_docx_bytes(
    body: str,
    *,
    header: Iterable[tuple[str, Any]],
    title: str,
    signature: Iterable[str] = (),
    base: bytes | None = None,
    base_label: str = "letterhead",
) -> bytes:
    """The report as DOCX bytes on `base` (a letterhead's bytes; default: the shipped base document).

    `header` rows (label, value) fill the claim header table (claim number, claimant, report period,
    adjuster...); empty values are left out. `signature` lines close the report (report date, author
    and credentials, contact). Raises ExportError, naming `base_label`, for a base that is not a
    readable Word document.
    """
    document = _open_base(base, base_label)
    _clear_body(document)
    _ensure_styles(document)
    document.core_properties.title = clean_text(title)
    document.add_paragraph(clean_text(title), style="Title")
    _add_rows_table(document, [(label, _display(value)) for label, value in header if _display(value)])
    _add_body(document, clean_text(body), title)
    lines = [clean_text(line) for line in signature if line]
    if lines:
        document.add_paragraph()
        for line in lines:
            document.add_paragraph(line)
    _finish_footer(document)
    return document_bytes(document)


def _add_rows_table(document, rows: list[tuple[str, str]]) -> None:
    """The claim header: a two-column table, labels in bold."""
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows):
        row.cells[0].paragraphs[0].add_run(clean_text(label)).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    document.add_paragraph()


def _open_base(base: bytes | None, label: str):
    if base is None:
        return Document(str(default_base()))
    try:
        return load_document(base)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a damaged file
        raise ExportError(f"{label}: not a readable Word document ({type(exc).__name__}); "
                          "expected a .docx letterhead") from None


def _clear_body(document) -> None:
    """Remove the base's body content, keeping the final section properties (page setup, header/footer links)."""
    body = document.element.body
    for child in list(body.iterchildren()):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _ensure_styles(document) -> None:
    defaults = Document().styles
    names = {style.name for style in document.styles}
    for name in REQUIRED_STYLES:
        if name not in names:
            document.styles.element.append(copy.deepcopy(defaults[name].element))


def _finish_footer(document) -> None:
    for section in document.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        xml = footer._element.xml
        if "Confidential" not in xml:
            _footer_paragraph(footer).add_run(CONFIDENTIALITY_NOTICE)
        if "PAGE" not in xml:
            pages = _footer_paragraph(footer)
            pages.add_run("Page ")
            _add_field(pages, "PAGE", "1")
            pages.add_run(" of ")
            _add_field(pages, "NUMPAGES", "1")


def _footer_paragraph(footer):
    """The footer's lone empty paragraph if that is all it has, else a new one at its end."""
    paragraphs = footer.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs:
        return paragraphs[0]
    return footer.add_paragraph()

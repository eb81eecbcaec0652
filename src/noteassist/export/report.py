"""An adjuster report as DOCX bytes, built on a base document (an agency's letterhead).

The base document supplies the look: its styles, its page setup, and its header and footer
(a logo, the agency's address) are kept; its body is replaced by the report. A default base
ships in `templates/reports/base.docx`. Styles the report needs but a letterhead lacks
(Word often keeps "Heading 2" or "List Bullet" only as latent styles) are copied in from
python-docx's default template, so any letterhead works.

The report body is Markdown from the report template: headings become Word headings, `- `
items bullets, `| a | b |` rows tables (the same writer as note exports, with its layout: header
rows repeated on each page, rows never split, headings kept with what follows). The recipients
("To: ..." among the signature lines) are printed at the top, under the title, where a letter
names its addressee; the signature block closes the report, kept together and with the paragraph
before it. The footer gets "Page N of M" (PAGE/NUMPAGES fields) unless the letterhead already
numbers its pages, and a confidentiality line unless it already carries one.

A letterhead's links to outside content (linked images, external relationships, INCLUDEPICTURE and
similar fields, hyperlinks) are removed before it is used (export/letterhead.py): Word and
LibreOffice would fetch them when the report is opened or printed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Pt

from ..errors import ExportError
from .docx import (
    CONFIDENTIALITY_NOTICE,
    _add_body,
    _add_field,
    _display,
    add_label_table,
    add_signature_block,
    add_text,
    clean_text,
    document_bytes,
    keep_with_next,
    load_document,
)
from .letterhead import strip_external

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
    and credentials, contact); a line "To: ..." among them names the recipients and is printed at the
    top instead. Raises ExportError, naming `base_label`, for a base that is not a readable Word document.
    """
    document = _open_base(base, base_label)
    _clear_body(document)
    _ensure_styles(document)
    document.core_properties.title = clean_text(title)
    keep_with_next(document.add_paragraph(clean_text(title), style="Title"))
    lines = [clean_text(line) for line in signature if line and str(line).strip()]
    recipients = [line for line in lines if _RECIPIENTS.match(line)]
    for line in recipients:
        label = _RECIPIENTS.match(line).group(0)
        paragraph = keep_with_next(document.add_paragraph())
        paragraph.paragraph_format.space_after = Pt(6)
        add_text(paragraph, label.strip(), bold=True)
        add_text(paragraph, " " + line[len(label):].strip())
    add_label_table(document, [(label, _display(value)) for label, value in header if _display(value)])
    last = _add_body(document, clean_text(body), title)
    add_signature_block(document, [line for line in lines if line not in recipients], after=last)
    _finish_footer(document)
    return document_bytes(document)


#: A signature line naming the report's recipients.
_RECIPIENTS = re.compile(r"(?i)^\s*(?:to|recipients?|distribution|cc)\s*:")


def _open_base(base: bytes | None, label: str):
    if base is None:
        return Document(str(default_base()))
    try:
        document = load_document(base)
    except Exception as exc:
        raise ExportError(f"{label}: not a readable Word document ({type(exc).__name__}); "
                          "expected a .docx letterhead") from None
    strip_external(document)
    return document


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
    """The footer's lone empty paragraph if that is all it has, else a new one at its end (no space above:
    the footer grows into the page otherwise)."""
    paragraphs = footer.paragraphs
    paragraph = paragraphs[0] if len(paragraphs) == 1 and not paragraphs[0].runs else footer.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph

"""A note (Markdown-ish text, optional YAML front matter) as a DOCX document, in memory.

The document carries a title, a claim header table, the note body with real
Word headings and bullets, a signature block, and a footer with a confidentiality
line and "Page N of M" (PAGE / NUMPAGES fields). `note_docx` returns the document's
bytes and writes nothing: a command line, a web service or a batch job decides
where they go (`noteassist.io.write_atomic` for a file). `read_docx_text` reads
the text of a Word document given as bytes, a path or a python-docx Document.

Layout is set in the document, not left to the word processor: headings keep with
the paragraph after them, table rows never split across pages and a table's header
row repeats on each page, columns are as wide as their words need, and the hyphens
of phone and claim numbers are non-breaking (w:noBreakHyphen, which Word and
LibreOffice copy and search as "-").
"""

from __future__ import annotations

import bisect
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from noteassist.errors import ExportError
from noteassist.export.redact import mask_document
from noteassist.notetypes import NOTE_TYPES
from noteassist.text.dates import date_at
from noteassist.text.frontmatter import split_front_matter
from noteassist.text.structure import parse_structure

__all__ = [
    "CONFIDENTIALITY_NOTICE",
    "DocxTextMap",
    "TextSegment",
    "document_bytes",
    "docx_text_map",
    "export_docx",
    "load_document",
    "note_docx",
    "read_docx_text",
]

#: What the readers accept as a Word document: its bytes, its path, or an open python-docx Document.
DocxSource = bytes | str | Path | WordDocument

CONFIDENTIALITY_NOTICE = (
    "Confidential: contains health information about a workers' compensation claim. "
    "Share only with parties to the claim."
)
DEFAULT_TITLE = "Case Note"
EMPTY_CELL = "\u2014"

# Characters XML 1.0 cannot hold: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_ORDERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+")
_TABLE_RULE_CELL = re.compile(r"^[ \t]*:?-{3,}:?[ \t]*$")

#: (header key, label, always shown)
_HEADER_ROWS: tuple[tuple[str, str, bool], ...] = (
    ("claim_number", "Claim number", True),
    ("claimant", "Claimant", True),
    ("date_of_injury", "Date of injury", True),
    ("date_of_service", "Date of service", True),
    ("employer", "Employer", False),
    ("jurisdiction", "Jurisdiction", False),
    ("carrier", "Carrier", False),
    ("adjuster", "Adjuster", True),
    ("case_manager", "Case manager", True),
)

#: The header of a human-services note (its front matter names a `client`, not a claim): domain guide 1.0,
#: the client's name with a second identifier and the agency's record id.
_CLIENT_HEADER_ROWS: tuple[tuple[str, str, bool], ...] = (
    ("client", "Client", True),
    ("case_number", "Client ID", True),
    ("date_of_birth", "Date of birth", False),
    ("date_of_service", "Date of service", True),
    ("program", "Program", False),
    ("agency", "Agency", False),
    ("case_manager", "Worker", True),
)


def clean_text(text: Any) -> str:
    """Text safe to put in OOXML: illegal XML characters removed. None -> ''."""
    if text is None:
        return ""
    return _ILLEGAL_XML.sub("", str(text))


def title_for(note_type: Any) -> str:
    """Document title for a note type id ('physician-visit' -> 'Physician Visit Note')."""
    key = str(note_type or "").strip().lower()
    note = NOTE_TYPES.get(key)
    return note.title if note else DEFAULT_TITLE


def note_docx(note_text: str, *, header: dict | None = None, title: str | None = None) -> bytes:
    """The DOCX bytes of `note_text`.

    Front matter in the note fills the claim header; keys in an explicit `header` win over it
    (None and blank values there are ignored). The title is `title`, else the note type's.
    """
    text = clean_text(note_text)
    meta, body_start = split_front_matter(text)
    merged: dict[str, Any] = {str(k): v for k, v in meta.items()}
    if header:
        merged.update({str(k): v for k, v in header.items() if v is not None and str(v).strip() != ""})
    body = text[body_start:]
    for key, value in header_from_text(body).items():
        if not _display(merged.get(key)):
            merged[key] = value
    doc_title = clean_text(title).strip() if title else title_for(merged.get("note_type"))
    if not title and doc_title == DEFAULT_TITLE:
        doc_title = _own_title(body) or DEFAULT_TITLE
    return document_bytes(_build(body, merged, doc_title))


def _own_title(body: str) -> str | None:
    """The title a note gives itself: its first line, when that is a heading ("# Telephonic Contact Note",
    "PHYSICIAN VISIT NOTE", written as "Physician Visit Note")."""
    blocks = parse_structure(body).blocks
    if not blocks or blocks[0].kind != "heading":
        return None
    text = _strip_markup(_heading_text(blocks[0].text))
    return text.title() if text.isupper() else text or None


def header_from_text(body: str) -> dict[str, str]:
    """Claim header values a note states in its own lines ("Claim #: WC-2231-0457", "DOS: 11/20/2026",
    "Claimant: Maria Diaz", its author's signature), read by the linter's reader of note metadata
    (lint/notemeta.py), for a note noteassist did not write and whose front matter (if any) lacks them."""
    from noteassist.lint.model import NoteContext
    from noteassist.lint.notemeta import note_meta

    info = note_meta(NoteContext("note", body, 0, {}, parse_structure(body), None, "none"))
    found = {
        "claim_number": info.claim_number,
        "claimant": info.claimant,
        "date_of_service": info.date_of_service.date.isoformat() if info.date_of_service else None,
        "date_of_injury": info.date_of_injury.date.isoformat() if info.date_of_injury else None,
    }
    return {key: value for key, value in found.items() if value}


def export_docx(
    note_text: str,
    out: str | Path,
    *,
    header: dict | None = None,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write `note_docx(note_text, ...)` to `out` atomically and return the path (the file-based API).

    Raises ExportError when `out` exists (unless `overwrite`) or cannot be written.
    """
    from ..io.write import write_atomic

    out = Path(out)
    if out.is_dir():  # before building the document: the user's mistake needs no work to report
        raise ExportError(f"{out}: is a directory, not a file")
    return write_atomic(out, note_docx(note_text, header=header, title=title), overwrite=overwrite)


def document_bytes(document: WordDocument) -> bytes:
    """A python-docx document saved to bytes, with every full SSN in it masked first (in place).

    Every Word document noteassist writes (a note, a report, an annotated or fixed copy) and every PDF
    printed from one is saved here, so none carries a full SSN (export/redact.py)."""
    mask_document(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def load_document(source: DocxSource) -> WordDocument:
    """Open a Word document from its bytes or its path; an open Document is returned as it is.

    python-docx's own errors pass through (FileNotFoundError, PackageNotFoundError, BadZipFile...):
    each caller words them for its reader.
    """
    if isinstance(source, WordDocument):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return Document(io.BytesIO(bytes(source)))
    return Document(str(source))


def read_docx_text(data: DocxSource) -> str:
    """Text of a DOCX body in document order, with its structure written as Markdown.

    Word headings become `#` headings (Title is level 1, "Heading N" is N + 1), list paragraphs become
    `- ` items and table rows become `| a | b |` rows, so the linter sees sections, lists and tables in
    a Word note just as it does in a Markdown one. `docx_text_map` builds the text; it also says where
    each character came from, so findings on this text can be put back into the document.
    """
    return docx_text_map(load_document(data)).text


@dataclass(frozen=True)
class TextSegment:
    """A stretch of `DocxTextMap.text` that comes from one Word paragraph.

    `text[start:end]` stands for `paragraph.text[para_start:para_end]`. Characters match one for one,
    except that a table cell shows `|` as `/` and whitespace as a space; where a cell's run of several
    whitespace characters was written as one space, the segment is that space and covers the whole run.
    """

    start: int
    end: int
    paragraph: Paragraph
    para_start: int
    para_end: int

    @property
    def one_to_one(self) -> bool:
        return self.end - self.start == self.para_end - self.para_start


@dataclass(frozen=True)
class DocxTextMap:
    """The Markdown text `read_docx_text` gives, and where its characters live in the document.

    Segments are in text order and never overlap. Characters outside every segment (Markdown
    prefixes, table pipes, line breaks, the space joining two paragraphs of a cell) have no
    counterpart in the document.
    """

    text: str
    segments: tuple[TextSegment, ...]


def docx_text_map(document: WordDocument) -> DocxTextMap:
    """Build the Markdown text of a python-docx `document` body together with its offset map."""
    writer = _MapWriter()
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = paragraph.text
            writer.start_line()
            writer.write(_markdown_prefix(text, paragraph.style.name if paragraph.style else ""))
            writer.write(text, paragraph, 0)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                writer.start_line()
                _write_row(writer, row)
    return writer.result()


def _markdown_prefix(text: str, style: str) -> str:
    if not text.strip():
        return ""
    if style == "Title":
        return "# "
    if style.startswith("Heading ") and style[8:].isdigit():
        return "#" * min(int(style[8:]) + 1, 6) + " "
    if style.startswith("List"):
        return "- "
    return ""


def _write_row(writer: _MapWriter, row) -> None:
    """Write a table row as `| a | b |`; a merged cell is written once."""
    seen: set[int] = set()
    writer.write("| ")
    first = True
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        if not first:
            writer.write(" | ")
        first = False
        _write_cell(writer, cell.paragraphs)
    writer.write(" |")


def _write_cell(writer: _MapWriter, paragraphs: list[Paragraph]) -> None:
    """Write a cell's text with its whitespace collapsed (`" ".join(cell.text.split())`) and `|` as `/`.

    `cell.text` joins the cell's paragraphs with newlines; a space standing for whitespace that lies
    inside one paragraph maps to that whitespace, one standing for a paragraph break maps to nothing.
    """
    texts = [p.text for p in paragraphs]
    cell_text = "\n".join(texts)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)

    def locate(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    previous_end: int | None = None
    for word in cell_text.split():
        # Only whitespace lies between the previous word and this one, so this finds this word.
        index = cell_text.index(word, previous_end or 0)
        if previous_end is not None:
            k = locate(previous_end)
            if index <= starts[k] + len(texts[k]):  # the whitespace ends before paragraph k does
                writer.write(" ", paragraphs[k], previous_end - starts[k], index - starts[k])
            else:
                writer.write(" ")
        k = locate(index)
        writer.write(word.replace("|", "/"), paragraphs[k], index - starts[k])
        previous_end = index + len(word)


class _MapWriter:
    """Accumulates lines of text and the segments that map them back to paragraphs."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segments: list[TextSegment] = []
        self._position = 0
        self._lines = 0

    def start_line(self) -> None:
        if self._lines:
            self.write("\n")
        self._lines += 1

    def write(self, text: str, paragraph: Paragraph | None = None, para_start: int = 0,
              para_end: int | None = None) -> None:
        """Append `text`; with a `paragraph`, it stands for `paragraph.text[para_start:para_end]`."""
        if not text:
            return
        start, end = self._position, self._position + len(text)
        self._parts.append(text)
        self._position = end
        if paragraph is None:
            return
        para_end = para_start + len(text) if para_end is None else para_end
        segment = TextSegment(start, end, paragraph, para_start, para_end)
        last = self._segments[-1] if self._segments else None
        if (last is not None and last.paragraph is paragraph and last.end == start
                and last.para_end == para_start and last.one_to_one and segment.one_to_one):
            segment = TextSegment(last.start, end, paragraph, last.para_start, para_end)
            self._segments[-1] = segment
        else:
            self._segments.append(segment)

    def result(self) -> DocxTextMap:
        return DocxTextMap("".join(self._parts), tuple(self._segments))


# -- building ---------------------------------------------------------------------------------------

#: Text of body tables (contact logs, time logs): a size that fits five to eight columns on a Letter page.
TABLE_FONT_PT = 10
#: A hyphen inside a token that holds a digit: phone numbers (512-555-0190), claim and authorization
#: numbers (WC-2231-0457, UR-26-47215), ICD-10, ISO dates. A word like "pre-operative" may still break.
_KEEP_HYPHENS = re.compile(r"(?<![\w-])(?=[\w-]*\d)\w+(?:-\w+)+(?![\w-])")
_SIGNATURE_RULE = "_" * 30


def _build(body: str, header: dict[str, Any], title: str):
    document = Document()
    set_page_spacing(document)
    document.core_properties.title = title
    keep_with_next(document.add_paragraph(title, style="Title"))
    _add_header_table(document, header)
    last = _add_body(document, body, title)
    if not _signed(body):
        add_signature_block(document, _signature_lines(header), after=last)
    _add_footer(document)
    return document


def set_page_spacing(document) -> None:
    """Body text at single line spacing with the space between paragraphs above each one (8 pt), none
    below, and none in headers, footers and table cells.

    Why not Word's default (10 pt below, "multiple 1.15"): LibreOffice then leaves a heading alone at the
    foot of a page although it keeps with the next paragraph, on about one page in six of the examples
    (LibreOffice 7.4); with the space above instead, keep-with-next holds. Space above a paragraph at the
    top of a page is dropped by Word and LibreOffice alike, so pages still start flush."""
    styles = document.styles
    normal = styles["Normal"].paragraph_format
    normal.line_spacing, normal.space_before, normal.space_after = 1.0, Pt(8), Pt(0)
    for name in ("Header", "Footer"):
        if name in [style.name for style in styles]:
            styles[name].paragraph_format.space_before = Pt(0)


def keep_with_next(paragraph: Paragraph) -> Paragraph:
    """Set "keep with next" on the paragraph itself, so a letterhead whose heading styles lack it keeps it."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _display(value: Any) -> str:
    text = clean_text(value).strip()
    # The note body writes "November 20, 2026"; an ISO date in the header reads the same way. Other numeric
    # forms stay as written: 03/04/2026 is 4 March in a day-first agency.
    when = date_at(text, 0) if _ISO_DATE.match(text) else None
    if when is not None:
        return f"{when.date:%B} {when.date.day}, {when.date.year}"
    return text if text and text.lower() not in {"none", "null"} else ""


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _add_header_table(document, header: dict[str, Any]) -> None:
    layout = _CLIENT_HEADER_ROWS if header.get("client") and not header.get("claim_number") else _HEADER_ROWS
    rows = [(label, _display(header.get(key))) for key, label, always in layout
            if always or _display(header.get(key))]
    add_label_table(document, [(label, value or EMPTY_CELL) for label, value in rows])


def add_label_table(document, rows: list[tuple[str, str]]) -> None:
    """A two-column table of bold labels and values (the claim header), kept on one page, then a blank line."""
    table = document.add_table(rows=len(rows), cols=2)
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):  # pragma: no cover - default template always has it
        pass
    for row, (label, value) in zip(table.rows, rows):
        label_cell, value_cell = row.cells
        add_text(label_cell.paragraphs[0], clean_text(label), bold=True)
        add_text(value_cell.paragraphs[0], value)
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(0)
    set_row_layout(table, header_row=False)
    _label_width(document, table, [label for label, _ in rows])
    for row in table.rows[:-1]:  # a header of ten rows reads as one block: never split it over two pages
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                keep_with_next(paragraph)
    document.add_paragraph()


def _label_width(document, table, labels: list[str]) -> None:
    """The label column as wide as its longest label in bold (a label never wraps), the value the rest."""
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    longest = max((len(clean_text(label)) for label in labels), default=10)
    label = min(int((longest * 0.7 * 11 + 14) * 12700), usable // 2)  # 11 pt bold, widest fallback font
    table.autofit = False
    for column, width in zip(table.columns, (label, usable - label)):
        column.width = width
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, (label, usable - label)):
            tc.width = width


def set_row_layout(table, *, header_row: bool) -> None:
    """No row splits across a page break (w:cantSplit); with `header_row`, the first row repeats at the top
    of every page the table runs onto (w:tblHeader)."""
    for index, tr in enumerate(table._tbl.tr_lst):
        tr_pr = tr.get_or_add_trPr()
        for tag, wanted in (("w:cantSplit", True), ("w:tblHeader", header_row and index == 0)):
            if wanted and tr_pr.find(qn(tag)) is None:
                tr_pr.append(OxmlElement(tag))


def add_text(paragraph: Paragraph, text: str, *, bold: bool | None = None):
    """Add `text` as one run, its identifier hyphens as non-breaking hyphens (w:noBreakHyphen); return the run."""
    run = paragraph.add_run()
    if bold is not None:
        run.bold = bold
    position = 0
    for match in _KEEP_HYPHENS.finditer(text):
        _append_text(run, text[position:match.start()])
        for index, piece in enumerate(match.group(0).split("-")):
            if index:
                run._r.append(OxmlElement("w:noBreakHyphen"))
            _append_text(run, piece)
        position = match.end()
    _append_text(run, text[position:])
    return run


_SPECIAL = re.compile(r"[\t\n\r]")
_PRESERVE = qn("xml:space")


def _append_text(run, text: str) -> None:
    """Append `text` to the run's content as python-docx writes it (w:t, w:tab for tabs, w:br for newlines)."""
    if not text:
        return
    if not _SPECIAL.search(text):  # the common case, one w:t, without python-docx's per-character rebuild
        t = OxmlElement("w:t")
        t.text = text
        if text != text.strip():
            t.set(_PRESERVE, "preserve")
        run._r.append(t)
        return
    scratch = OxmlElement("w:r")
    scratch.text = text
    for child in list(scratch):
        run._r.append(child)


def styled_paragraph(document, style: str) -> Paragraph:
    """`document.add_paragraph(style=style)` with the style's id looked up once per document: python-docx
    searches every style of the document on each call, which a report of thousands of paragraphs felt."""
    ids = document.__dict__.setdefault("_noteassist_style_ids", {})
    if style not in ids:
        ids[style] = document.styles[style].style_id
    paragraph = document.add_paragraph()
    paragraph._p.style = ids[style]
    return paragraph


def _add_body(document, body: str, title: str) -> Paragraph | None:
    """Add the note body; return its last paragraph (the signature keeps with it)."""
    blocks = parse_structure(body).blocks
    pending_rows: list[list[str]] = []
    skipped_title = False
    last: Paragraph | None = None
    for block in blocks:
        if block.kind == "table_row":
            cells = _table_cells(block.text)
            if cells is not None:
                pending_rows.append(cells)
            continue
        if pending_rows:
            last = _add_table(document, pending_rows)
            pending_rows = []
        if block.kind == "heading":
            text = _heading_text(block.text)
            if not skipped_title and text.casefold() == title.casefold():
                skipped_title = True
                continue
            last = styled_paragraph(document, f"Heading {min(max(block.level, 1), 3)}")
            add_text(last, _strip_markup(text))
            keep_with_next(last)
        elif block.kind == "list_item":
            style = "List Number" if _ORDERED.match(block.text) else "List Bullet"
            item = block.text[block.value_start - block.start:]
            last = styled_paragraph(document, style)
            _add_inline(last, item)
        elif block.kind == "field":
            split = block.value_start - block.start
            label = _strip_markup(block.text[:split]).strip()
            last = document.add_paragraph()
            add_text(last, label, bold=True)
            last.add_run(" ")
            _add_inline(last, block.text[split:])
            _keep_lead_in(last)
        else:
            last = document.add_paragraph()
            _add_inline(last, " ".join(line.strip() for line in block.text.splitlines()))
            _keep_lead_in(last)
    if pending_rows:
        last = _add_table(document, pending_rows)
    return last


def _keep_lead_in(paragraph: Paragraph) -> None:
    """A paragraph ending in a colon introduces what follows ("Dr. Lee recommended this treatment:")."""
    if paragraph.text.rstrip().endswith(":"):
        keep_with_next(paragraph)


def _heading_text(text: str) -> str:
    text = text.strip().lstrip("#").strip().rstrip("#").strip()
    text = text.replace("**", "").strip()
    return text[:-1].rstrip() if text.endswith(":") else text


def _strip_markup(text: str) -> str:
    return text.replace("**", "")


def _add_inline(paragraph, text: str) -> None:
    """Add `text` to `paragraph`, turning **bold** spans into bold runs."""
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            add_text(paragraph, _strip_markup(text[position:match.start()]))
        add_text(paragraph, _strip_markup(match.group(1)), bold=True)
        position = match.end()
    if position < len(text):
        add_text(paragraph, _strip_markup(text[position:]))


def _table_cells(line: str) -> list[str] | None:
    """Cells of a Markdown table row; None for the |---|---| rule line."""
    stripped = line.strip()
    stripped = stripped.removeprefix("|")
    stripped = stripped.removesuffix("|")
    cells = [cell.strip() for cell in stripped.split("|")]
    if all(_TABLE_RULE_CELL.match(cell) for cell in cells if cell) and any(cells):
        return None
    return cells


def _add_table(document, rows: list[list[str]]) -> Paragraph:
    """A Markdown table as a Word table: its first row a bold header repeated on each page, no row split
    over a page break, columns fitted to their text. Returns the table's last paragraph."""
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):  # pragma: no cover
        pass
    for index, (row, cells) in enumerate(zip(table.rows, rows)):
        for cell, text in zip(row.cells, cells):
            paragraph = cell.paragraphs[0]
            _no_space_before(paragraph)
            if index == 0:
                add_text(paragraph, _strip_markup(text), bold=True)
                keep_with_next(paragraph)  # the header row goes with the first row of data
            else:
                _add_inline(paragraph, text)
            for run in paragraph.runs:
                _set_size(run, TABLE_FONT_PT)
    set_row_layout(table, header_row=len(rows) > 1)
    _fit_columns(document, table, rows)
    return table.rows[-1].cells[-1].paragraphs[-1]


# A table of a year's contacts has thousands of cells; python-docx's property setters search each element's
# children for where a new one goes, so the two properties every new cell gets are written directly.
def _no_space_before(paragraph: Paragraph) -> None:
    """`paragraph_format.space_before = Pt(0)` on a new, empty paragraph."""
    p = paragraph._p
    if p.pPr is not None:
        paragraph.paragraph_format.space_before = Pt(0)
        return
    p_pr, spacing = OxmlElement("w:pPr"), OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    p_pr.append(spacing)
    p.insert(0, p_pr)


def _set_size(run, points: float) -> None:
    """`run.font.size = Pt(points)` on a run whose properties hold at most its bold (w:b precedes w:sz)."""
    r_pr = run._r.rPr
    if r_pr is not None and any(child.tag not in (_BOLD_TAG,) for child in r_pr):
        run.font.size = Pt(points)
        return
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        run._r.insert(0, r_pr)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(round(points * 2)))
    r_pr.append(size)


_BOLD_TAG = qn("w:b")


def _fit_columns(document, table, rows: list[list[str]]) -> None:
    """Column widths from the text, so "11/20/2026" or "WCA-26-51877" does not wrap and the columns with
    long text (a purpose, a status) share the room left, instead of Word's and LibreOffice's even split
    that wraps a status over five to seven lines.

    Every column first gets its longest word (a word never breaks); the rest of the page width goes to the
    columns whose text is longer than that, in proportion to how much longer. When even the longest words
    do not fit, the widths are the words' widths scaled down."""
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    columns = max(len(row) for row in rows)
    # Widths in points of TABLE_FONT_PT text, measured for the widest common fallback font (DejaVu Sans, which
    # LibreOffice uses where Calibri is not installed): 0.66 em a character in a word (0.72 bold, for the
    # header row), 0.55 em on average over running text, plus the cell's left and right padding.
    em = TABLE_FONT_PT
    padding = 12.0
    floors, wants = [], []
    for col in range(columns):
        texts = [_strip_markup(row[col]) if col < len(row) else "" for row in rows]
        word = max((len(word) for text in texts[1:] for word in text.split()), default=1) * 0.66
        heading = max((len(word) for word in texts[0].split()), default=1) * 0.72
        floor = max(word, heading) * em + padding
        floors.append(floor)
        natural = max((len(text) for text in texts), default=1) * 0.55 * em + padding
        wants.append(max(natural - floor, 0.0))
    room = usable / 12700  # EMU to points
    spare = room - sum(floors)
    if spare >= 0:
        extra = [spare * want / (sum(wants) or 1) for want in wants] if sum(wants) else \
            [spare / columns] * columns
        points = [floor + add for floor, add in zip(floors, extra)]
    else:
        points = [floor * room / sum(floors) for floor in floors]
    table.autofit = False
    widths = [int(usable * point / sum(points)) for point in points]
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid LibreOffice lays out by
    for tr in table._tbl.tr_lst:  # the cell widths Word lays out by (XML directly: python-docx's cell
        for tc, width in zip(tr.tc_lst, widths):  # accessors rescan the table, quadratic on long logs)
            tc.width = width


# -- signature --------------------------------------------------------------------------------------


def _signed(body: str) -> bool:
    """The note carries its author's own signature or e-signature stamp (lint/notemeta.py reads them)."""
    from noteassist.lint.notemeta import written_stamps

    return bool(written_stamps(body))


def _signature_lines(header: dict[str, Any]) -> list[str]:
    """A draft's signature block: a line to sign on, with the date and time, and who signs (name and
    credentials, from the note's case manager or author). "Electronically signed" is the signing
    system's to print, once the note is signed; a draft is not."""
    signer = _display(header.get("case_manager")) or _display(header.get("author"))
    return [f"Signature: {_SIGNATURE_RULE}   Date/time: {'_' * 18}",
            signer or f"Name and credentials: {_SIGNATURE_RULE}"]


def add_signature_block(document, lines: list[str], *, after: Paragraph | None) -> None:
    """The closing block at the end of the document, its lines kept together and with the paragraph
    before it, so it never stands alone at the top of a last page."""
    if not lines:
        return
    if after is not None:
        keep_with_next(after)
        before = after._p.getprevious()
        if before is not None and before.tag == qn("w:tbl"):  # a table's note: its last row comes along too
            for tc in before.tr_lst[-1].tc_lst:
                for p in tc.iter(qn("w:p")):
                    keep_with_next(Paragraph(p, after._parent))
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        add_text(paragraph, clean_text(line))
        paragraph.paragraph_format.space_before = Pt(24 if index == 0 else 2)
        if index < len(lines) - 1:
            keep_with_next(paragraph)


def _add_footer(document) -> None:
    footer = document.sections[0].footer
    notice = footer.paragraphs[0]
    notice.text = CONFIDENTIALITY_NOTICE
    pages = footer.add_paragraph()
    for paragraph in (notice, pages):
        paragraph.paragraph_format.space_before = Pt(0)
    pages.add_run("Page ")
    _add_field(pages, "PAGE", "1")
    pages.add_run(" of ")
    _add_field(pages, "NUMPAGES", "1")


def _add_field(paragraph, instruction: str, placeholder: str) -> None:
    """Append a complex field (w:fldChar begin / w:instrText / separate / result / end)."""

    def fld_char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    fld_char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    paragraph.add_run(placeholder)
    fld_char("end")

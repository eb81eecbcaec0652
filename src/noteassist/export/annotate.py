"""Put lint results back into a Word note: findings as review comments, safe fixes as edits.

`annotate_docx(source_bytes, findings) -> (bytes, count)` and `fix_docx(source_bytes, edits) -> bytes`
take the document as bytes and return the changed copy as bytes: the caller's original is never
touched, and nothing is written here (`noteassist.io.write_atomic` writes a file). The in-memory
forms, `annotate_document` and `fix_document`, change an open python-docx Document and say how many
comments or edits went in.

Offsets in findings and edits are character offsets into `read_docx_text(source)`, the Markdown
text the linter saw. `docx_text_map` says which paragraph (body or table cell) and which character
of it each offset stands for; runs are split at the span's edges, copying their formatting, so a
comment covers exactly the flagged text and a replacement changes exactly the flagged characters.
"""

from __future__ import annotations

import bisect
import copy
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from noteassist.errors import NoteInputError
from noteassist.export.docx import (
    DocxSource,
    DocxTextMap,
    TextSegment,
    clean_text,
    document_bytes,
    docx_text_map,
    load_document,
)
from noteassist.lint.model import Finding

__all__ = [
    "COMMENT_AUTHOR",
    "COMMENT_INITIALS",
    "Edit",
    "annotate_document",
    "annotate_docx",
    "comment_text",
    "fix_document",
    "fix_docx",
    "replace_text",
]

#: A text replacement: (start, end, replacement) in `read_docx_text` offsets.
Edit = tuple[int, int, str]

COMMENT_AUTHOR = "noteassist"
COMMENT_INITIALS = "NA"

# Run children that carry text, as python-docx's `CT_R.text` reads them.
_TEXT_TAGS = frozenset(qn(f"w:{name}") for name in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))

#: A place in the document: a paragraph and a [start, end) range of its `paragraph.text`.
_Place = tuple[Paragraph, int, int]


class _Edit(NamedTuple):
    """A replacement of paragraph.text[start:end]."""

    paragraph: Paragraph
    start: int
    end: int
    replacement: str

    @property
    def key(self) -> tuple[int, int, int, str]:
        """Identity of the edit; a cell shown on two rows (a vertical merge) is one paragraph."""
        return id(self.paragraph._p), self.start, self.end, self.replacement


# -- public API -------------------------------------------------------------------------------------


def annotate_document(document: WordDocument, findings: Iterable[Finding]) -> int:
    """Add each finding to `document` as a Word comment, in place; return how many were added.

    A comment covers the finding's text; a span that runs past its paragraph stops at the paragraph's
    end. A finding with no text of its own (a missing element at 0:0, a span of Markdown markup only)
    covers the whole nearest non-blank paragraph. Findings are skipped only when the document has no
    text at all.
    """
    text_map = docx_text_map(document)
    added = 0
    for finding in findings:
        place = _anchor_place(text_map, finding.start, finding.end)
        if place is None:
            continue
        paragraph, start, end = place
        runs = _isolate_runs(paragraph, start, end)
        if not runs:
            continue
        document.add_comment([Run(runs[0], paragraph), Run(runs[-1], paragraph)], text=comment_text(finding),
                             author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)
        added += 1
    return added


def fix_document(document: WordDocument, edits: Iterable[Edit]) -> int:
    """Apply text replacements to `document` in place; return how many were applied.

    Each edit is (start, end, replacement) in `read_docx_text` offsets of the document as given. The
    replacement takes the formatting of the first run it replaces (an insertion takes that of the text
    before it, as typing in Word does). Edits are skipped when they overlap another edit, cross a
    paragraph or cell boundary, touch Markdown markup that is not in the document, fall outside the
    text, or would put a line break into a paragraph. Identical duplicates count once.
    """
    text_map = docx_text_map(document)
    planned: dict[tuple[int, int, int, str], _Edit] = {}
    for start, end, replacement in edits:
        replacement = clean_text(replacement)
        place = _edit_place(text_map, start, end)
        if place is None or "\n" in replacement or "\r" in replacement:
            continue
        edit = _Edit(*place, replacement)
        planned[edit.key] = edit
    applied = 0
    # Back to front within each paragraph, so an edit never moves the offsets of the edits still to come.
    for edit in sorted(_without_overlaps(list(planned.values())), key=lambda e: e.key[:3], reverse=True):
        applied += replace_text(edit.paragraph, edit.start, edit.end, edit.replacement)
    return applied


def annotate_docx(source: bytes, findings: Iterable[Finding], *, label: str | None = None) -> tuple[bytes, int]:
    """A copy of the Word document `source` (its bytes) with each finding as a comment: (docx bytes, count).

    Raises NoteInputError (naming `label`) when `source` is not a readable Word document.
    """
    document = _open(source, label)
    added = annotate_document(document, findings)
    return document_bytes(document), added


def fix_docx(source: bytes, edits: Iterable[Edit], *, label: str | None = None) -> bytes:
    """A copy of the Word document `source` (its bytes) with the safe text replacements applied, as bytes.

    See `fix_document` for which edits apply; `fix_document` also counts them. Raises NoteInputError
    (naming `label`) when `source` is not a readable Word document.
    """
    document = _open(source, label)
    fix_document(document, edits)
    return document_bytes(document)


def comment_text(finding: Finding) -> str:
    """`CODE [severity] message`, then one `Suggestion: ...` line per suggestion."""
    lines = [f"{finding.rule} [{finding.severity}] {finding.message}"]
    lines.extend(f"Suggestion: {suggestion}" for suggestion in finding.suggestions)
    return clean_text("\n".join(lines))


def _open(source: DocxSource, label: str | None) -> WordDocument:
    name = label or (str(source) if isinstance(source, (str, Path)) else "document")
    try:
        return load_document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        # python-docx raises KeyError/ValueError for zip files that are not Word documents.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NoteInputError(f"{name}: cannot read as a Word document: {reason}") from None


# -- from text offsets to paragraphs ----------------------------------------------------------------


def _anchor_place(text_map: DocxTextMap, start: int, end: int) -> _Place | None:
    """Where a comment for text[start:end] goes: the mapped part of the span in its first paragraph,
    or, when the span has no mapped text, the whole non-blank paragraph nearest to `start`."""
    segments = text_map.segments
    if end > start:
        first = bisect.bisect_right([s.end for s in segments], start)
        if first < len(segments) and segments[first].start < end:
            last = first
            while last + 1 < len(segments) and _continues(segments[last], segments[last + 1]) \
                    and segments[last + 1].start < end:
                last += 1
            head, tail = segments[first], segments[last]
            return head.paragraph, _para_start(head, max(start, head.start)), _para_end(tail, min(end, tail.end))
    paragraph = _nearest_paragraph(text_map, start)
    return None if paragraph is None else (paragraph, 0, len(paragraph.text))


def _edit_place(text_map: DocxTextMap, start: int, end: int) -> _Place | None:
    """Where an edit of text[start:end] applies, or None when the span is not all inside one paragraph."""
    if not 0 <= start <= end <= len(text_map.text):
        return None
    segments = text_map.segments
    if start == end:
        # An insertion point: inside a segment or right after one.
        for segment in segments:
            if segment.start <= start <= segment.end:
                position = _para_start(segment, start) if start < segment.end else segment.para_end
                return segment.paragraph, position, position
        return None
    ends = [s.end for s in segments]
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(ends, end)
    if last >= len(segments) or segments[first].start > start or segments[last].start >= end:
        return None
    if any(not _continues(segments[i], segments[i + 1]) for i in range(first, last)):
        return None
    return segments[first].paragraph, _para_start(segments[first], start), _para_end(segments[last], end)


def _continues(previous: TextSegment, segment: TextSegment) -> bool:
    """True when `segment` carries on the same paragraph right where `previous` stopped."""
    return segment.paragraph is previous.paragraph and segment.start == previous.end


def _para_start(segment: TextSegment, position: int) -> int:
    """Paragraph offset of the character at text `position`, which lies in `segment`."""
    return segment.para_start + (position - segment.start if segment.one_to_one else 0)


def _para_end(segment: TextSegment, position: int) -> int:
    """Paragraph offset just after the character at text `position - 1`, which lies in `segment`."""
    return segment.para_start + (position - segment.start) if segment.one_to_one else segment.para_end


def _nearest_paragraph(text_map: DocxTextMap, position: int) -> Paragraph | None:
    """The non-blank paragraph closest to `position`; on a tie the one after it (skip forward past markup)."""
    best: tuple[int, int] | None = None
    found = None
    for segment in text_map.segments:
        if not text_map.text[segment.start:segment.end].strip():
            continue
        if segment.start <= position < segment.end:
            return segment.paragraph
        distance = segment.start - position if segment.start > position else position - segment.end + 1
        key = (distance, 0 if segment.start > position else 1)
        if best is None or key < best:
            best, found = key, segment.paragraph
    return found


# -- runs -------------------------------------------------------------------------------------------


def _text_runs(paragraph: Paragraph) -> list[tuple[CT_R, int, int]]:
    """The paragraph's runs that `paragraph.text` reads (direct and in hyperlinks), with their offsets."""
    runs = []
    position = 0
    for child in paragraph._p.xpath("w:r | w:hyperlink/w:r"):
        length = len(child.text)
        runs.append((child, position, position + length))
        position += length
    return runs


def _split_at(paragraph: Paragraph, offset: int) -> None:
    """Make `offset` of the paragraph's text fall on a run boundary."""
    for r, start, end in _text_runs(paragraph):
        if start < offset < end:
            _split_run(r, offset - start)
            return


def _split_run(r: CT_R, offset: int) -> None:
    """Split run `r` after `offset` characters; the new right-hand run gets a copy of its formatting."""
    right = OxmlElement("w:r")
    for name, value in r.attrib.items():
        right.set(name, value)
    if r.rPr is not None:
        right.append(copy.deepcopy(r.rPr))
    r.addnext(right)
    position = 0
    for child in [c for c in r if c.tag != qn("w:rPr")]:
        length = len(str(child)) if _has_text(child) else 0
        if position < offset < position + length:  # only a w:t can straddle: split its text
            text = child.text
            child.text = text[:offset - position]
            tail = OxmlElement("w:t")
            tail.text = text[offset - position:]
            for t in (child, tail):
                t.set(qn("xml:space"), "preserve")
            right.append(tail)
        elif position > offset or (position == offset and length):
            right.append(child)
        position += length


def _has_text(element: BaseOxmlElement) -> bool:
    """True for run content that shows as characters of `run.text` (not a page break or a field code)."""
    return element.tag in _TEXT_TAGS and bool(str(element))


def _isolate_runs(paragraph: Paragraph, start: int, end: int) -> list[CT_R]:
    """Split runs so that text[start:end] of the paragraph is exactly a sequence of runs; return them."""
    _split_at(paragraph, start)
    _split_at(paragraph, end)
    return [r for r, s, e in _text_runs(paragraph) if start <= s and e <= end and e > s]


def replace_text(paragraph: Paragraph, start: int, end: int, replacement: str) -> bool:
    """Replace paragraph.text[start:end] with `replacement`, keeping every run's formatting.

    Only text is removed: field characters, drawings and page breaks inside the span stay.
    """
    if start == end:
        return _insert(paragraph, start, replacement)
    runs = _isolate_runs(paragraph, start, end)
    if not runs:
        return False
    old_text = [[c for c in r if _has_text(c)] for r in runs]
    for element in _content_for(replacement):
        old_text[0][0].addprevious(element)
    for r, texts in zip(runs, old_text):
        for child in texts:
            r.remove(child)
        if all(c.tag == qn("w:rPr") for c in r):
            r.getparent().remove(r)
    return True


def _insert(paragraph: Paragraph, offset: int, text: str) -> bool:
    """Insert `text` at `offset` as a new run formatted like the text before it (or after it at the start)."""
    if not text:
        return False
    _split_at(paragraph, offset)
    runs = [(r, s, e) for r, s, e in _text_runs(paragraph) if e > s]
    before = [r for r, s, e in runs if e == offset]
    after = [r for r, s, e in runs if s == offset]
    model = before[-1] if before else (after[0] if after else None)
    new = OxmlElement("w:r")
    if model is not None and model.rPr is not None:
        new.append(copy.deepcopy(model.rPr))
    for element in _content_for(text):
        new.append(element)
    if before:
        before[-1].addnext(new)
    elif after:
        after[0].addprevious(new)
    else:
        paragraph._p.append(new)
    return True


def _content_for(text: str) -> list[BaseOxmlElement]:
    """Run content elements for `text` (w:t, and w:tab for tabs), as python-docx writes them."""
    scratch = OxmlElement("w:r")
    scratch.text = text
    return list(scratch)


def _without_overlaps(edits: list[_Edit]) -> list[_Edit]:
    """The edits that overlap no other edit of the same paragraph.

    Two insertions at one point overlap too: which goes first is a guess, and a guess is not a safe fix.
    """
    edits = sorted(edits, key=lambda e: e.key[:3])
    clashing: set[tuple[int, int, int, str]] = set()
    for i, a in enumerate(edits):
        for b in edits[i + 1:]:
            if b.paragraph._p is not a.paragraph._p or b.start > a.end:
                break
            if _overlap(a.start, a.end, b.start, b.end):
                clashing.update((a.key, b.key))
    return [e for e in edits if e.key not in clashing]


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_start == a_end and b_start == b_end:
        return a_start == b_start
    if a_start == a_end:
        return b_start < a_start < b_end
    if b_start == b_end:
        return a_start < b_start < a_end
    return a_start < b_end and b_start < a_end

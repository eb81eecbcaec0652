"""No full SSN in a Word document noteassist writes: every part of the package masked before it is saved.

An SSN can sit anywhere a user's note or letterhead puts it: body paragraphs and table cells, headers
and footers, comments, text boxes, field codes, picture descriptions, document properties. The
pattern is text/identifiers.py's (the one NA901 reports and adjuster reports mask); the mask keeps
the last four digits (XXX-XX-6789).

Paragraph text is masked as Word shows it, across run boundaries and non-breaking hyphens
(`123-` in one run, `45-6789` in the next), by the same run-splitting edit lint fixes use, so the
formatting around the number is kept. A last pass masks any other text node and attribute value
(a field code, alt text) of every XML part.
"""

from __future__ import annotations

import re

from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from noteassist.text.identifiers import mask_ssns, ssn_spans

__all__ = ["mask_document"]

_PARAGRAPH = qn("w:p")
#: Nine digits in a 3-2-4 grouping, whatever lies between the groups: text that cannot hold an SSN is
#: skipped without building a paragraph's text (a long report has thousands of paragraphs).
_MAYBE = re.compile(r"\d{3}\D{0,3}\d{2}\D{0,3}\d{4}")
_CORE_FIELDS = ("author", "category", "comments", "content_status", "identifier", "keywords",
                "last_modified_by", "subject", "title", "version")


def mask_document(document: WordDocument) -> int:
    """Mask every full SSN in `document`, in place, in every XML part and the core properties; return how
    many paragraphs, text nodes and properties changed."""
    from noteassist.export.annotate import replace_text

    changed = 0
    for part in document.part.package.iter_parts():
        root = getattr(part, "_element", None)
        if root is None:
            continue
        for element in root.iter(_PARAGRAPH):
            if not _MAYBE.search("".join(element.itertext())):
                continue
            paragraph = Paragraph(element, None)
            text = paragraph.text
            spans = ssn_spans(text)
            for start, end in reversed(spans):
                replace_text(paragraph, start, end, mask_ssns(text[start:end]))
            changed += bool(spans)
        for element in root.iter(etree.Element):
            changed += _mask_node(element)
    properties = document.core_properties
    for name in _CORE_FIELDS:
        value = getattr(properties, name, None)
        if isinstance(value, str) and ssn_spans(value):
            setattr(properties, name, mask_ssns(value))
            changed += 1
    return changed


# The element's own text node: python-docx's paragraph and run classes override `.text` with their
# computed text, so the lxml descriptor is used directly.
_OWN_TEXT = etree._Element.text


def _mask_node(element) -> int:
    changed = 0
    text = _OWN_TEXT.__get__(element)
    if isinstance(text, str) and _MAYBE.search(text) and ssn_spans(text):
        _OWN_TEXT.__set__(element, mask_ssns(text))
        changed += 1
    for name, value in element.attrib.items():
        if _MAYBE.search(value) and ssn_spans(value):
            element.set(name, mask_ssns(value))
            changed += 1
    return changed

"""A letterhead that fetches nothing: links to outside content removed before the report uses it.

A Word file can point outside itself: a logo linked rather than embedded (`a:blip r:link`, VML
`v:imagedata` with an external relationship), an INCLUDEPICTURE or INCLUDETEXT field, a hyperlink,
an attached template, any relationship with TargetMode="External". Word and LibreOffice fetch
linked content when the document is opened or printed: from a report full of health information
that is a tracking beacon (the address learns who opened what, when) and it breaks working
offline. A report keeps what the letterhead embeds (its logo, its text, PAGE fields) and loses
the links; `strip_external` says what it removed, so the user can embed the logo instead.
"""

from __future__ import annotations

import re

from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from lxml import etree

from ..errors import ExportError

__all__ = ["FETCHING_FIELDS", "clean_letterhead", "strip_external"]

#: Field codes that load content from a file or an address when the document is updated or printed.
FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT", "HYPERLINK"})

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_URL = re.compile(r"(?i)^\s*(?:[a-z][a-z0-9+.-]*://|\\\\|mailto:)")
_FLD_CHAR, _INSTR, _RUN = qn("w:fldChar"), qn("w:instrText"), qn("w:r")
_PICTURE_CONTAINERS = (qn("w:drawing"), qn("w:pict"), qn("w:object"))


def clean_letterhead(data: bytes, label: str = "letterhead") -> tuple[bytes, list[str]]:
    """The letterhead's bytes without outside links, and what was removed (empty: the bytes as given).

    Raises ExportError naming `label` for a file that is not a readable Word document."""
    from .docx import document_bytes, load_document

    try:
        document = load_document(data)
    except Exception as exc:
        raise ExportError(f"{label}: not a readable Word document ({type(exc).__name__}); "
                          "expected a .docx letterhead") from None
    removed = strip_external(document)
    return (document_bytes(document) if removed else data), removed


def strip_external(document: WordDocument) -> list[str]:
    """Remove every link to outside content from `document`, in place; return one description per
    removed item ("linked image http://...", "INCLUDEPICTURE field", "hyperlink https://..."), no repeats."""
    removed: list[str] = []
    package = document.part.package
    for part in package.iter_parts():
        external = {rId: rel.target_ref for rId, rel in part.rels.items() if rel.is_external}
        root = getattr(part, "_element", None)
        if root is not None:
            _strip_fields(root, removed)
            _strip_references(root, external, removed)
            _strip_url_attributes(root, removed)
        for rId, target in external.items():
            del part.rels[rId]
            _note(removed, f"external link {target}", target)
    for rId in [rId for rId, rel in package.rels.items() if rel.is_external]:
        target = package.rels[rId].target_ref
        _note(removed, f"external link {target}", target)
        del package.rels[rId]
    return removed


def _note(removed: list[str], item: str, target: str | None = None) -> None:
    """Record `item` once; an "external link" whose `target` an entry already names is that entry."""
    if item in removed or (target is not None and any(entry.endswith(" " + target) for entry in removed)):
        return
    removed.append(item)


def _strip_references(root, external: dict[str, str], removed: list[str]) -> None:
    """Elements that use an external relationship: a hyperlink keeps its text, a linked picture goes."""
    if not external:
        return
    for element in list(root.iter(etree.Element)):
        for name, value in list(element.attrib.items()):
            if not name.startswith("{" + _R_NS + "}") or value not in external:
                continue
            target = external[value]
            if element.tag == qn("w:hyperlink"):
                _unwrap(element)
                _note(removed, f"hyperlink {target}")
            elif element.tag == qn("a:blip") and element.get(qn("r:embed")):
                del element.attrib[name]  # the embedded copy stays; only the link goes
                _note(removed, f"linked image {target}")
            else:
                container = _ancestor(element, _PICTURE_CONTAINERS)
                what = "linked image" if container is not None else "external link"
                _remove(container if container is not None else element)
                _note(removed, f"{what} {target}")
            break


def _strip_url_attributes(root, removed: list[str]) -> None:
    """Addresses written straight into the XML (VML `o:href`, `src`), not through a relationship."""
    for element in root.iter(etree.Element):
        for name, value in list(element.attrib.items()):
            # A `uri` attribute names an XML schema or an extension (a:graphicData, a:ext), never content.
            if _URL.match(value) and name.rpartition("}")[2] != "uri":
                del element.attrib[name]
                _note(removed, f"link {value.strip()}")


def _strip_fields(root, removed: list[str]) -> None:
    """INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, IMPORT and HYPERLINK fields: a hyperlink keeps its shown text,
    the others go entirely."""
    for simple in list(root.iter(qn("w:fldSimple"))):
        name = _field_name(simple.get(qn("w:instr"), ""))
        if name in FETCHING_FIELDS:
            if name == "HYPERLINK":
                _unwrap(simple)
            else:
                _remove(simple)
            _note(removed, f"{name} field")
    open_fields: list[dict] = []
    for run in list(root.iter(_RUN)):
        for child in run:
            if child.tag == _FLD_CHAR:
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    open_fields.append({"code": [run], "result": [], "instr": "", "separated": False})
                elif kind == "separate" and open_fields:
                    open_fields[-1]["separated"] = True
                    open_fields[-1]["code"].append(run)
                elif kind == "end" and open_fields:
                    field = open_fields.pop()
                    field["code"].append(run)
                    _close_field(field, removed)
                break
            if child.tag == _INSTR and open_fields:
                open_fields[-1]["instr"] += child.text or ""
        else:
            for field in open_fields:
                field["result" if field["separated"] else "code"].append(run)


def _close_field(field: dict, removed: list[str]) -> None:
    name = _field_name(field["instr"])
    if name not in FETCHING_FIELDS:
        return
    doomed = field["code"] if name == "HYPERLINK" else field["code"] + field["result"]
    for run in doomed:
        _remove(run)
    _note(removed, f"{name} field")


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def _ancestor(element, tags):
    node = element.getparent()
    while node is not None and node.tag not in tags:
        node = node.getparent()
    return node


def _unwrap(element) -> None:
    """Replace `element` by its children (a hyperlink's runs, a simple field's result)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)

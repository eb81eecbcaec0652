"""Note structure: front matter, headings, labelled fields, list items, tables, prose.

Works on plain-text and Markdown notes alike, including notes exported from
case-management systems ("WORK STATUS:" on its own line, "Plan: ..." fields,
`## Plan` headings). The linter uses it to find sections and to keep
readability on prose; the DOCX exporter uses it to write real Word headings.
Offsets are character offsets into the text given (the note body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_BOLD_HEADING = re.compile(r"^\*\*([^*\n]{1,60}?):?\*\*:?[ \t]*$")
_LABEL_ONLY = re.compile(r"^([A-Z][A-Za-z0-9 /&'()\-]{0,50}):[ \t]*$")
_CAPS_HEADING = re.compile(r"^([A-Z][A-Z0-9 /&'()\-]{2,60})$")
# "Work status: modified duty ..." or "**Plan:** ..." -- a label up to 6 words, then a value.
# "Objective (per Dr. Castellanos): ..." -- a label may carry a short parenthetical source.
_FIELD = re.compile(r"^(?:\*\*)?([A-Z][A-Za-z0-9/&'()\-]*(?:[ \t]+[A-Za-z0-9/&'()\-]+){0,5}(?:[ \t]*\([^)\n]{1,40}\))?)"
                    r"(?:\*\*)?:(?:\*\*)?[ \t]+(\S.*)$")
# "2. MECHANISM AND DIAGNOSIS": a numbered section title in capitals, not a list item.
_NUMBERED_CAPS_HEADING = re.compile(r"^\d{1,2}[.)][ \t]+([A-Z][A-Z0-9 /&'()\-]{2,60}):?$")
# "NCM PLAN | Call Dr. Pruitt's MA by 07/15/2026": a label and its value separated by a pipe, as some
# systems export one field a line.
_PIPE_FIELD = re.compile(r"^([A-Z][A-Za-z0-9/&'()\-]*(?:[ \t]+[A-Za-z0-9/&'()\-]+){0,4})[ \t]+\|[ \t]+(\S.*)$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d{1,3}[.)])[ \t]+(.*)$")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")


def normalize_label(label: str) -> str:
    """'WORK STATUS', 'Work Status', '**Work status:**' -> 'work status'."""
    label = re.sub(r"[*_#:`]", " ", label)
    return re.sub(r"\s+", " ", label).strip().lower()


@dataclass
class Block:
    """One line-level unit of a note. `kind`: heading, field, list_item, table_row, paragraph."""

    kind: str
    start: int
    end: int
    text: str
    #: heading level (1-6) for headings; 0 otherwise.
    level: int = 0
    #: For headings and fields: the normalized label. For fields: `value_start` is where the value begins.
    label: str = ""
    value_start: int = 0


@dataclass
class Section:
    """A heading or a standalone label and everything under it up to the next heading."""

    label: str
    heading_start: int
    heading_end: int
    start: int
    end: int
    level: int


@dataclass
class NoteStructure:
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing `offset`, if any."""
        found = None
        for section in self.sections:
            if section.heading_start <= offset < section.end:
                found = section
        return found

    def label_at(self, offset: int) -> str:
        """The label the text at `offset` is written under: the nearest heading or "LABEL: value" field before
        it. Exports and transcriptions open a section with a field ("PROCEDURE: The patient was...") and go on
        in paragraphs below it, which belong to that label until the next one."""
        label = ""
        for block in self.blocks:
            if block.start > offset:
                break
            if block.kind in ("heading", "field"):
                label = block.label
        return label

    def prose_blocks(self) -> list[Block]:
        """Paragraphs only (not headings, "Label: value" fields, list items or tables): what readability scores."""
        return [b for b in self.blocks if b.kind == "paragraph"]

    def label_zones(self) -> list[tuple[int, int]]:
        """(start, end) of every heading and every field's label: words the system or template wrote, which
        rules that judge the writer's wording leave alone."""
        return [(b.start, b.value_start if b.kind == "field" else b.end)
                for b in self.blocks if b.kind in ("heading", "field")]

    def fields(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "field"]


def parse_structure(text: str) -> NoteStructure:
    """Split a note into blocks and sections. Never raises; unknown lines are prose."""
    blocks: list[Block] = []
    offset = 0
    lines = text.splitlines(keepends=True)
    for index, raw_line in enumerate(lines):
        line = raw_line.rstrip("\r\n")
        start, end = offset, offset + len(line)
        offset += len(raw_line)
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        block = _classify(line, stripped, start + lead, end)
        if block.kind == "paragraph" and _bare_heading(lines, index, stripped):
            block = Block("heading", start + lead, end, stripped, level=3, label=normalize_label(stripped))
        if block.kind == "paragraph" and blocks and blocks[-1].kind == "paragraph" and _continues(blocks[-1], text, start):
            previous = blocks[-1]
            previous.end = end
            previous.text = text[previous.start:end]
        else:
            blocks.append(block)
    return NoteStructure(blocks=blocks, sections=_sections(blocks, len(text)))


def _classify(line: str, stripped: str, start: int, end: int) -> Block:
    if m := _MD_HEADING.match(stripped):
        return Block("heading", start, end, stripped, level=len(m.group(1)), label=normalize_label(m.group(2)))
    if m := _BOLD_HEADING.match(stripped):
        return Block("heading", start, end, stripped, level=3, label=normalize_label(m.group(1)))
    if m := _LABEL_ONLY.match(stripped):
        return Block("heading", start, end, stripped, level=3, label=normalize_label(m.group(1)))
    if (m := _CAPS_HEADING.match(stripped)) and any(c.isalpha() for c in stripped) and len(stripped.split()) <= 6:
        return Block("heading", start, end, stripped, level=2, label=normalize_label(m.group(1)))
    if m := _NUMBERED_CAPS_HEADING.match(stripped):
        return Block("heading", start, end, stripped, level=2, label=normalize_label(m.group(1)))
    if (m := _PIPE_FIELD.match(stripped)) and "|" not in m.group(2):
        return Block("field", start, end, stripped, label=normalize_label(m.group(1)), value_start=start + m.start(2))
    if _TABLE_ROW.match(line) or _TABLE_RULE.match(line) and "|" in line:
        return Block("table_row", start, end, stripped)
    if m := _LIST_ITEM.match(line):
        return Block("list_item", start, end, stripped, value_start=start + (m.start(1) - (len(line) - len(line.lstrip()))))
    if m := _FIELD.match(stripped):
        return Block("field", start, end, stripped, label=normalize_label(m.group(1)), value_start=start + m.start(2))
    return Block("paragraph", start, end, stripped)


_BARE_HEADING = re.compile(r"^[A-Z][A-Za-z/&'\-]*(?:[ \t]+[A-Za-z/&'\-]+){0,3}$")


def _bare_heading(lines: list[str], index: int, stripped: str) -> bool:
    """A plain-text export's section title: "Work status" alone on a line (up to 4 words, no digits or
    closing punctuation), after a blank line or the start, with its content starting on the very next line."""
    if not _BARE_HEADING.match(stripped):
        return False
    after_blank = index == 0 or not lines[index - 1].strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    # A wrapped paragraph continues in lower case; a section's content starts a new sentence or list.
    return after_blank and bool(following) and not following[0].islower()


def _continues(previous: Block, text: str, start: int) -> bool:
    """A paragraph line directly under another (no blank line between) continues it."""
    return text[previous.end:start].count("\n") <= 1


def _sections(blocks: list[Block], text_end: int) -> list[Section]:
    sections: list[Section] = []
    open_sections: list[Section] = []
    for block in blocks:
        if block.kind != "heading":
            continue
        while open_sections and open_sections[-1].level >= block.level:
            open_sections.pop().end = block.start
        section = Section(block.label, block.start, block.end, block.end, text_end, block.level)
        sections.append(section)
        open_sections.append(section)
    return sections

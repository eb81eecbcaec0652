"""Draft a note from visit facts, and the Word document of a note: what `draft` and `export` do, as
functions that return text and bytes (a command line, a web page or a batch job decides where they go)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..facts.models import VisitFacts

if TYPE_CHECKING:
    from ..render import RenderedNote

__all__ = ["draft_note", "draft_rendered", "markdown_to_plain", "note_document"]

_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def draft_note(facts: VisitFacts, template: str | None = None, template_dirs: Sequence[str | Path] = (),
               plain: bool = False, time_format: str = "12h") -> str:
    """The note for `facts` from `template` (default: the facts' note type).

    Markdown with YAML front matter (note type, claim number, dates...), which `lint` and `export` read
    back; with `plain`, text to paste into a case-management system: no front matter, no markup.
    """
    return draft_rendered(facts, template, template_dirs, plain, time_format).text


def draft_rendered(facts: VisitFacts, template: str | None = None, template_dirs: Sequence[str | Path] = (),
                   plain: bool = False, time_format: str = "12h") -> RenderedNote:
    """The draft with its provenance: which facts it printed (`used`), which set facts it did not
    (`unused`, what `draft` warns about) and where each fact is in the text (`spans`, for the Markdown
    form; the plain form has no spans, its offsets differ)."""
    from ..render import render_with_provenance

    note = render_with_provenance(facts, template, template_dirs, front_matter=not plain, time_format=time_format)
    if plain:
        note = replace(note, text=markdown_to_plain(note.text), spans=[])
    return note


def note_document(source: str | VisitFacts, *, template: str | None = None,
                  template_dirs: Sequence[str | Path] = (), time_format: str = "12h") -> bytes:
    """The DOCX bytes of a note: `source` is the note's text (front matter fills the claim header) or
    visit facts, drafted first with `template`."""
    from ..export import note_docx

    text = source if isinstance(source, str) else draft_note(source, template, template_dirs,
                                                              time_format=time_format)
    return note_docx(text)


def markdown_to_plain(note: str) -> str:
    """Markdown headings and emphasis to plain text, for pasting into a case-management system.

    The title (`# `) keeps its case; lower headings are written in capitals, the usual section style
    of those systems, so the sections stay visible without markup.
    """
    lines = []
    for line in note.splitlines():
        if m := _HEADING.match(line):
            line = m.group(1).upper() if not line.startswith("# ") else m.group(1)
        lines.append(line.replace("**", ""))
    return "\n".join(lines) + "\n"

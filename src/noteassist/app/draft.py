"""Draft a note from visit facts, and the Word document of a note: what `draft` and `export` do, as
functions that return text and bytes (a command line, a web page or a batch job decides where they go)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..facts.models import VisitFacts

__all__ = ["draft_note", "markdown_to_plain", "note_document"]

_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def draft_note(facts: VisitFacts, template: str | None = None, template_dirs: Sequence[str | Path] = (),
               plain: bool = False) -> str:
    """The note for `facts` from `template` (default: the facts' note type).

    Markdown with YAML front matter (note type, claim number, dates...), which `lint` and `export` read
    back; with `plain`, text to paste into a case-management system: no front matter, no markup.
    """
    from ..render import render_note

    note = render_note(facts, template, template_dirs, front_matter=not plain)
    return markdown_to_plain(note) if plain else note


def note_document(source: str | VisitFacts, *, template: str | None = None,
                  template_dirs: Sequence[str | Path] = ()) -> bytes:
    """The DOCX bytes of a note: `source` is the note's text (front matter fills the claim header) or
    visit facts, drafted first with `template`."""
    from ..export import note_docx

    text = source if isinstance(source, str) else draft_note(source, template, template_dirs)
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

"""noteassist: draft, lint and export case-management notes, offline.

The pipeline, one subpackage per stage:

    facts (VisitFacts) -> render (Jinja note) -> lint (spaCy rules) -> export (DOCX)

Public API:

    load_facts(path)                 -> VisitFacts
    render_note(facts, template=None) -> str (Markdown)
    Linter(config).lint_text(text)   -> LintResult
    export_docx(note_text, out, ...) -> Path

Heavy imports (spaCy, python-docx) happen on first use, so `noteassist --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["LintConfig", "Linter", "NoteInput", "VisitFacts", "export_docx", "load_facts", "render_note"]

if TYPE_CHECKING:
    from .export import export_docx
    from .facts import VisitFacts, load_facts
    from .lint import LintConfig, Linter, NoteInput
    from .render import render_note

_LAZY = {
    "load_facts": "facts",
    "VisitFacts": "facts",
    "render_note": "render",
    "Linter": "lint",
    "LintConfig": "lint",
    "NoteInput": "lint",
    "export_docx": "export",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'noteassist' has no attribute {name!r}")

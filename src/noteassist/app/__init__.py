"""The application layer: what a command line, an HTTP service, a web page or a batch job all do, as
functions that take data and return data (text, bytes, decisions). They read no option and write no
file; callers parse their own input and write through `noteassist.io.write_atomic`.

    draft.py    draft_note(facts, template=None, template_dirs=(), plain=False) -> str
                note_document(note text or facts, template=None, template_dirs=()) -> DOCX bytes
    report.py   build_report(source, start, end, kind, config, template_dirs, linter=None) -> ReportRun
                ReportRun.decision(strict, fail_on) -> ReportDecision(write, exit_code, reasons)
                report_document(run, letterhead=None) -> DOCX bytes; report_pdf(docx) -> PDF bytes
                report_config(config) -> a new LintConfig for report text
    lint.py     lint_sources(linter, sources, note_type=None, previous=(), columns=None) -> results, error rows
                LintTally (counts, summary line) and LintGate(fail_on).exit_code(tally)
    caseload.py claims, contacts, drafts (versioned saves), signed notes, addenda; DatabaseClaimSource
    accounts.py users, roles, API tokens, authenticate;  audit.py  hash-chained events, verify
    errors.py   NotFound, Forbidden, Unauthorized, Conflict(current_version), Invalid(field): the use cases'

Names load on first use, so importing one step does not import the others' libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "LintGate",
    "LintTally",
    "NotFound",
    "ReportDecision",
    "ReportRun",
    "Unauthorized",
    "build_report",
    "draft_note",
    "lint_sources",
    "markdown_to_plain",
    "note_document",
    "report_config",
    "report_document",
    "report_pdf",
]

if TYPE_CHECKING:
    from .draft import draft_note, markdown_to_plain, note_document
    from .errors import (
        Conflict,
        DomainError,
        Forbidden,
        Invalid,
        NotFound,
        Unauthorized,
    )
    from .lint import LintGate, LintTally, lint_sources
    from .report import (
        ReportDecision,
        ReportRun,
        build_report,
        report_config,
        report_document,
        report_pdf,
    )

_LAZY = {
    # The use cases' errors (errors.py); caseload.py, accounts.py and audit.py are imported as modules.
    "Conflict": "errors",
    "DomainError": "errors",
    "Forbidden": "errors",
    "Invalid": "errors",
    "NotFound": "errors",
    "Unauthorized": "errors",
    "LintGate": "lint",
    "LintTally": "lint",
    "lint_sources": "lint",
    "draft_note": "draft",
    "markdown_to_plain": "draft",
    "note_document": "draft",
    "ReportDecision": "report",
    "ReportRun": "report",
    "build_report": "report",
    "report_config": "report",
    "report_document": "report",
    "report_pdf": "report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'noteassist.app' has no attribute {name!r}")

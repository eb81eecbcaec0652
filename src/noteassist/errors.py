"""Errors a user can fix. The CLI prints them as one line each and exits with code 2."""

from __future__ import annotations


class NoteassistError(Exception):
    """Bad input: a file, a field or an option the user can correct. Never a bug."""

    exit_code = 2

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def lines(self) -> list[str]:
        """One line per problem, ready for stderr."""
        return self.details or [self.message]


class FactsError(NoteassistError):
    """Visit facts that cannot be read or do not follow the schema."""


class TemplateError(NoteassistError):
    """Unknown template, or a template that fails to render."""


class NoteInputError(NoteassistError):
    """A note file that cannot be read as text (binary, wrong encoding, missing)."""


class ExportError(NoteassistError):
    """The output document cannot be written."""


class ReportError(NoteassistError):
    """A claim folder or report period that cannot become a report: no claim.yaml, a broken or
    foreign contact file, a period that ends before it starts."""


class HistoryError(NoteassistError):
    """Agency exports, a consents file or a client that cannot become a cross-agency history."""

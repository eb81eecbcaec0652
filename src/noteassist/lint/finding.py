"""A finding: one problem at one span of a note, in the contract's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    """info < warning < error; used for --fail-on and sorting."""
    return SEVERITIES.index(severity)


@dataclass
class Finding:
    """One lint finding. `start`/`end` are character offsets into the note file's text.

    `line` and `column` (1-based) are filled in by the engine, which knows the
    file; rules only give offsets. `extra` holds family-specific fields such as
    `element` (missing-element) or `lemma` (repeated-verb).
    """

    rule: str
    category: str
    severity: str
    message: str
    start: int
    end: int
    text: str
    suggestions: list[str] = field(default_factory=list)
    line: int = 1
    column: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    #: The replacement for `text` when it is unambiguous and safe to apply without review
    #: (`noteassist lint --fix`): "QD" -> "daily", a full SSN -> "XXX-XX-6789". None otherwise.
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        data.update(self.extra)
        data["suggestions"] = list(self.suggestions)
        if self.fix is not None:
            data["fix"] = self.fix
        return data

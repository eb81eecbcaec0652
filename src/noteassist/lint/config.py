"""Lint configuration: which rules run, at what severity, with which options.

Modelled on ruff: `select` and `ignore` take codes, code prefixes (`NA2`) or
categories (`repeated-verb`); `severity` re-levels a rule; `options` holds
per-rule settings keyed by the rule's code or name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import NoteassistError
from .finding import SEVERITIES

if TYPE_CHECKING:
    from .registry import Rule


@dataclass
class LintConfig:
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Longest note accepted, in characters; spaCy's own limit is 1,000,000.
    max_note_chars: int = 1_000_000

    def __post_init__(self) -> None:
        for key, level in self.severity.items():
            if level not in SEVERITIES:
                raise NoteassistError(f"severity for {key}: expected one of {', '.join(SEVERITIES)}, got {level!r}")

    def is_enabled(self, rule: type[Rule]) -> bool:
        selected = self.select is None or any(_matches(rule, s) for s in self.select)
        return selected and not any(_matches(rule, s) for s in self.ignore)

    def severity_for(self, rule: Rule | type[Rule]) -> str:
        for key in (rule.code, rule.name, rule.category):
            if key in self.severity:
                return self.severity[key]
        return rule.severity

    def options_for(self, rule: Rule | type[Rule]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for key in (rule.category, rule.name, rule.code):
            merged.update(self.options.get(key, {}))
        unknown = set(merged) - set(rule.defaults)
        if unknown:
            raise NoteassistError(f"options for {rule.code}: unknown option {sorted(unknown)[0]!r}; "
                                  f"known: {', '.join(sorted(rule.defaults)) or 'none'}")
        return merged


def _matches(rule: type[Rule], selector: str) -> bool:
    return rule.code.startswith(selector.upper()) or selector in (rule.name, rule.category)

"""The linter: rules on a spaCy parse, findings in the contract's shape."""

from .config import LintConfig
from .engine import Linter
from .model import SEVERITIES, Finding, LintResult, NoteInput
from .registry import CATEGORIES, Rule, all_rules, register

__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "Finding",
    "LintConfig",
    "LintResult",
    "Linter",
    "NoteInput",
    "Rule",
    "all_rules",
    "register",
]

"""Safe fixes: apply the replacements rules marked unambiguous (`Finding.fix`), nothing else.

Only rewrites with one right answer are applied ("QD" -> "daily", "15.0 mg" -> "15 mg", a full SSN
-> "XXX-XX-6789"); every other finding stays a suggestion for the writer. Fixes are plain text
edits at the findings' offsets, applied from the end of the note backwards so earlier offsets stay
valid; overlapping edits keep the first and skip the rest.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Finding


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    rule: str


def safe_edits(findings: Iterable[Finding]) -> list[Edit]:
    """The fixable findings as non-overlapping edits, in text order."""
    edits: list[Edit] = []
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        if finding.fix is None or finding.end <= finding.start:
            continue
        if edits and finding.start < edits[-1].end:
            continue
        edits.append(Edit(finding.start, finding.end, finding.fix, finding.rule))
    return edits


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with the edits applied (edits must not overlap)."""
    parts, last = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts += [text[last:edit.start], edit.replacement]
        last = edit.end
    parts.append(text[last:])
    return "".join(parts)


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of a fix, labelled like `git diff` (a/PATH, b/PATH)."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

"""Lint output, written as results arrive: `PATH:LINE:COL: CODE [severity] message` lines, or the contract's
JSON, whose `files` array is streamed one entry at a time so memory does not grow with the input."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO

from .model import LintError, LintResult

JSON_VERSION = 1


def text_lines(result: LintResult) -> list[str]:
    """One line per finding of a result, after a line saying where its note type came from when the user did
    not give it (inferred, or drafted from visit facts)."""
    lines = []
    if result.note_type_reason and result.note_type_source == "inferred":
        lines.append(f"{result.path}: note type {result.note_type} inferred from {result.note_type_reason}; "
                     "give --type to change it")
    elif result.note_type_reason:  # a note drafted from a visit-facts file
        lines.append(f"{result.path}: linted the {result.note_type} note {result.note_type_reason}; line numbers "
                     f"are the drafted note's (`noteassist draft {result.path}` prints it)")
    for f in result.findings:
        hint = f" (try: {', '.join(f.suggestions[:3])})" if f.suggestions else ""
        lines.append(f"{result.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}{hint}")
    return lines


def write_text(items: Iterable[LintResult | LintError], out: IO[str], on_error: Callable[[LintError], None]) -> None:
    """Findings lines to `out`; each error row goes to `on_error` (the CLI prints it on stderr)."""
    for item in items:
        if isinstance(item, LintError):
            on_error(item)
            continue
        for line in text_lines(item):
            out.write(line + "\n")


def write_json(items: Iterable[LintResult | LintError], out: IO[str]) -> None:
    """`{"version": 1, "files": [...]}`, one file entry written per item as it arrives; an error row is an
    entry with `error` (its message) and no findings."""
    out.write('{\n  "version": %d,\n  "files": [' % JSON_VERSION)
    first = True
    for item in items:
        entry = json.dumps(item.to_dict(), indent=2)
        out.write(("\n" if first else ",\n") + "\n".join("    " + line for line in entry.splitlines()))
        first = False
    out.write("\n  ]\n}\n" if not first else "]\n}\n")

"""Lint output: `PATH:LINE:COL: CODE [severity] message` lines, or the contract's JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from .model import LintResult

JSON_VERSION = 1


def format_text(results: Sequence[LintResult]) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            hint = f" (try: {', '.join(f.suggestions[:3])})" if f.suggestions else ""
            lines.append(f"{result.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}{hint}")
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: Sequence[LintResult]) -> str:
    counts = Counter(f.severity for r in results for f in r.findings)
    total = sum(counts.values())
    notes = f"{len(results)} note" + ("s" if len(results) != 1 else "")
    if not total:
        return f"{notes} checked: no findings"
    parts = [f"{counts[s]} {s}" + ("s" if counts[s] != 1 and s != "info" else "")
             for s in ("error", "warning", "info") if counts[s]]
    return f"{notes} checked: {total} finding" + ("s" if total != 1 else "") + f" ({', '.join(parts)})"


def format_json(results: Sequence[LintResult]) -> str:
    return json.dumps({"version": JSON_VERSION, "files": [r.to_dict() for r in results]}, indent=2)

"""summary.json: totals and aggregates of a QA run, computed from its notes.csv and findings.jsonl.

The summary is a function of the two files (streamed once each, with memory bounded by the number of groups,
not notes), so a resumed run, an interrupted one and an uninterrupted one summarise alike. Groups: author,
note type, claim and ISO week (the trend); rules from the findings; the worst notes; a score histogram; and,
given a previous run's folder, the change in each figure since then.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from .outputs import SUMMARY, categories, read_findings, read_notes_csv

WORST_NOTES = 20
ERROR_EXAMPLES = 20
SEVERITIES = ("error", "warning", "info")
GROUPS = (("by_author", "author"), ("by_note_type", "note_type"), ("by_claim", "claim_number"), ("by_week", "week"))


class _Group:
    __slots__ = ("notes", "errors", "score_sum", "min_score", "findings", "by_severity", "by_category")

    def __init__(self):
        self.notes = self.errors = self.findings = 0
        self.score_sum = 0.0
        self.min_score: float | None = None
        self.by_severity: Counter = Counter()
        self.by_category: Counter = Counter()

    def add(self, row: dict[str, Any], cats: tuple[str, ...]) -> None:
        if row["status"] != "ok":
            self.errors += 1
            return
        self.notes += 1
        self.score_sum += row["score"]
        self.min_score = row["score"] if self.min_score is None else min(self.min_score, row["score"])
        self.findings += row["findings"]
        for name, severity in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
            self.by_severity[severity] += row[name] or 0
        for category in cats:
            self.by_category[category] += row.get(category) or 0

    def to_dict(self, key: str | None, cats: tuple[str, ...]) -> dict[str, Any]:
        return {"key": key, "notes": self.notes, "errors": self.errors,
                "mean_score": round(self.score_sum / self.notes, 1) if self.notes else None,
                "min_score": self.min_score, "findings": self.findings,
                "by_severity": {s: self.by_severity[s] for s in SEVERITIES},
                "by_category": {c: self.by_category[c] for c in cats}}


def _median(scores: Counter) -> float | None:
    total = sum(scores.values())
    if not total:
        return None
    ordered = sorted(scores.items())

    def nth(n: int) -> float:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > n:
                return value
        return ordered[-1][0]

    return round((nth((total - 1) // 2) + nth(total // 2)) / 2, 1)


def histogram(scores: Counter) -> list[dict[str, Any]]:
    """Ten bins of 10 points; the last holds 90 to 100 inclusive."""
    bins = [0] * 10
    for value, count in scores.items():
        bins[min(9, int(value // 10))] += count
    return [{"from": i * 10, "to": i * 10 + 10, "notes": n} for i, n in enumerate(bins)]


def summarise(directory: Path, *, rubric: dict[str, Any], inputs: Iterable[str], fail_on: str,
              complete: bool = True, sample: dict[str, Any] | None = None, baseline: Path | None = None,
              exit_code: int | None = None) -> dict[str, Any]:
    cats = categories()
    groups: dict[str, dict[str | None, _Group]] = {name: {} for name, _ in GROUPS}
    overall = _Group()
    scores: Counter = Counter()
    worst: list[tuple[float, int, dict[str, Any]]] = []  # a max-heap by (-score, -position) of the worst kept
    errors: list[dict[str, Any]] = []
    notes = words = with_findings = 0
    for row in read_notes_csv(directory):
        notes += 1
        overall.add(row, cats)
        for name, column in GROUPS:
            groups[name].setdefault(row.get(column), _Group()).add(row, cats)
        if row["status"] != "ok":
            if len(errors) < ERROR_EXAMPLES:
                errors.append({"position": row["position"], "path": row["path"], "error": row["error"]})
            continue
        scores[row["score"]] += 1
        words += row["words"] or 0
        with_findings += bool(row["findings"])
        entry = {"position": row["position"], "note_id": row["note_id"], "path": row["path"],
                 "author": row["author"], "claim_number": row["claim_number"], "note_type": row["note_type"],
                 "date": row["date"], "score": row["score"], "findings": row["findings"],
                 "by_severity": {"error": row["errors"], "warning": row["warnings"], "info": row["infos"]}}
        item = (-row["score"], -row["position"], entry)
        if len(worst) < WORST_NOTES:
            heapq.heappush(worst, item)
        elif item > worst[0]:
            heapq.heapreplace(worst, item)
    by_rule: dict[str, dict[str, Any]] = {}
    last_note: dict[str, int] = {}
    for finding in read_findings(directory):
        rule = by_rule.setdefault(finding["rule"], {"rule": finding["rule"], "category": finding["category"],
                                                    "severity": finding["severity"], "findings": 0, "notes": 0})
        rule["findings"] += 1
        if last_note.get(finding["rule"]) != finding["position"]:  # findings come in position order
            last_note[finding["rule"]] = finding["position"]
            rule["notes"] += 1
    linted = overall.notes
    summary: dict[str, Any] = {
        "version": 1, "complete": complete,
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "inputs": list(inputs), "fail_on": fail_on, "exit_code": exit_code,
        "totals": {"notes": notes, "linted": linted, "errors": overall.errors, "findings": overall.findings,
                   "words": words, "by_severity": {s: overall.by_severity[s] for s in SEVERITIES},
                   "by_category": {c: overall.by_category[c] for c in cats},
                   "mean_score": round(overall.score_sum / linted, 1) if linted else None,
                   "median_score": _median(scores), "notes_with_findings": with_findings},
        "score": {"rubric": rubric, "histogram": histogram(scores)},
    }
    for name, _ in GROUPS:
        items = [group.to_dict(key, cats) for key, group in groups[name].items()]
        if name == "by_week":
            items.sort(key=lambda g: (g["key"] is None, g["key"] or ""))
        else:
            items.sort(key=lambda g: (g["mean_score"] is None, g["mean_score"] if g["mean_score"] is not None else 0,
                                      g["key"] is None, g["key"] or ""))
        summary[name] = items
    summary["by_rule"] = sorted(by_rule.values(), key=lambda r: (-r["findings"], r["rule"]))
    summary["worst_notes"] = [entry for _, _, entry in sorted(worst, key=lambda i: (-i[0], -i[1]))]
    summary["errors"] = {"count": overall.errors, "examples": errors}
    summary["sample"] = sample
    summary["baseline"] = compare(summary, baseline) if baseline is not None else None
    from .queries import query_rates

    summary["queries"] = query_rates(directory)  # a rerun keeps the reviewer's loop it had
    return summary


def _triple(now: float | None, then: float | None) -> list:
    delta = round(now - then, 2) if now is not None and then is not None else None
    return [now, then, delta]


def _per_note(count: int, notes: int) -> float | None:
    return round(count / notes, 3) if notes else None


def compare(summary: dict[str, Any], baseline: Path) -> dict[str, Any]:
    """The change since a previous run (its DIR/summary.json): [now, then, now - then] per figure."""
    path = baseline / SUMMARY if baseline.is_dir() else baseline
    try:
        then = json.loads(path.read_text(encoding="utf-8"))
        then_totals = then["totals"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise NoteassistError(f"--baseline {baseline}: cannot read a qa summary.json there: {exc}") from None
    now_totals = summary["totals"]
    totals = {
        "notes": _triple(now_totals["notes"], then_totals.get("notes")),
        "mean_score": _triple(now_totals["mean_score"], then_totals.get("mean_score")),
        "findings_per_note": _triple(_per_note(now_totals["findings"], now_totals["linted"]),
                                     _per_note(then_totals.get("findings", 0), then_totals.get("linted", 0))),
        "errors": _triple(now_totals["errors"], then_totals.get("errors")),
    }
    then_authors = {g["key"]: g for g in then.get("by_author", [])}
    by_author = [{"key": g["key"], "mean_score": _triple(g["mean_score"], then_authors.get(g["key"], {}).get(
        "mean_score"))} for g in summary["by_author"]]
    then_rules = {r["rule"]: r for r in then.get("by_rule", [])}
    then_linted = then_totals.get("linted", 0)
    rules = sorted({*then_rules, *(r["rule"] for r in summary["by_rule"])})
    now_rules = {r["rule"]: r for r in summary["by_rule"]}
    by_rule = [{"rule": rule, "findings_per_note": _triple(
        _per_note(now_rules.get(rule, {}).get("findings", 0), now_totals["linted"]),
        _per_note(then_rules[rule]["findings"], then_linted) if rule in then_rules else None)} for rule in rules]
    return {"dir": str(baseline), "generated": then.get("generated"), "totals": totals, "by_author": by_author,
            "by_rule": by_rule}


def write_summary(directory: Path, summary: dict[str, Any]) -> Path:
    """summary.json, replaced whole (a reader never sees half of it)."""
    import os

    target = directory / SUMMARY
    tmp = directory / (SUMMARY + ".tmp")
    tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target

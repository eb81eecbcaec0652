"""The QA rubric: a note's findings turned into a score from 0 to 100.

    score = max(0, 100 - sum over counted findings of severity_points[severity] * category_weight[category])

Only the first `max_per_rule` findings of one rule count (a note that repeats one verb twelve times has one
habit, not twelve faults), and the score is rounded to one decimal. A note with no findings scores 100.

The rubric is configurable in the same file as the rules (noteassist.toml, or pyproject.toml under
[tool.noteassist]) in a `[score]` table; every key is optional:

    [score]
    max_per_rule = 3
    [score.severity]          # points a finding of that severity takes off
    error = 10
    [score.category]          # a multiplier per category (1.0 when not named)
    privacy = 2.0

`noteassist qa --explain-score` prints the rubric in force.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from ..lint.model import SEVERITIES

DEFAULT_SEVERITY_POINTS: dict[str, float] = {"error": 10.0, "warning": 4.0, "info": 1.0}
#: Why these: a privacy breach or a copied-forward note is worse for the record than the same number of style
#: findings; so is a positive risk screen left without a response (safety); readability and verb variety are
#: style and weigh half.
DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {
    "missing-element": 1.0,
    "repeated-verb": 0.5,
    "readability": 0.5,
    "stigmatizing-language": 1.5,
    "do-not-use-abbreviation": 1.0,
    "claim-number": 1.0,
    "date-logic": 1.0,
    "timeliness": 1.0,
    "attribution": 1.0,
    "privacy": 2.0,
    "copy-forward": 1.5,
    "safety": 2.0,
    "service-plan": 1.0,
}
DEFAULT_MAX_PER_RULE = 3
SCORE_KEYS = ("severity", "category", "max_per_rule")


@dataclass(frozen=True)
class Rubric:
    """Weights per severity and category; frozen and picklable (it travels to worker processes)."""

    severity: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_POINTS))
    category: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CATEGORY_WEIGHTS))
    max_per_rule: int = DEFAULT_MAX_PER_RULE
    #: Where the rubric came from: a config file, or "defaults".
    source: str = "defaults"

    def weight(self, category: str) -> float:
        return float(self.category.get(category, 1.0))

    def deduction(self, severity: str, category: str) -> float:
        return float(self.severity.get(severity, 0.0)) * self.weight(category)

    def score(self, findings: Iterable[Mapping[str, Any]]) -> float:
        """0-100 for one note's findings (dicts with rule, category and severity)."""
        per_rule: Counter = Counter()
        total = 0.0
        for finding in findings:
            per_rule[finding["rule"]] += 1
            if per_rule[finding["rule"]] > self.max_per_rule:
                continue
            total += self.deduction(finding["severity"], finding["category"])
        return round(max(0.0, 100.0 - total), 1)

    def to_dict(self) -> dict[str, Any]:
        return {"formula": "max(0, 100 - sum(severity points x category weight)), first max_per_rule findings "
                           "of each rule, rounded to 0.1",
                "severity": {s: float(self.severity.get(s, 0.0)) for s in reversed(SEVERITIES)},
                "category": {c: self.weight(c) for c in sorted({*DEFAULT_CATEGORY_WEIGHTS, *self.category})},
                "max_per_rule": self.max_per_rule, "source": self.source}

    def explain(self) -> str:
        """The rubric as text, for `noteassist qa --explain-score`."""
        lines = [f"QA score rubric ({self.source})",
                 "  score = max(0, 100 - sum of deductions), rounded to 0.1; a note with no findings scores 100",
                 "  deduction = severity points x category weight",
                 f"  only the first {self.max_per_rule} findings of each rule in a note count", "",
                 "  severity points:"]
        lines += [f"    {s:<8} {float(self.severity.get(s, 0.0)):g}" for s in reversed(SEVERITIES)]
        lines += ["", "  category weights:"]
        lines += [f"    {c:<24} {w:g}" for c, w in self.to_dict()["category"].items()]
        example = self.deduction("warning", "repeated-verb")
        lines += ["", f"  e.g. one repeated-verb warning takes off {example:g}, one privacy error "
                      f"{self.deduction('error', 'privacy'):g}"]
        return "\n".join(lines)

    def explain_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def rubric_from_mapping(data: Any, where: str = "score") -> Rubric:
    """A Rubric from a parsed `[score]` table; a bad key or value is a NoteassistError naming it."""
    from ..lint.registry import CATEGORIES, all_rules

    if not isinstance(data, dict):
        raise NoteassistError(f"{where}: expected a table with {', '.join(SCORE_KEYS)}")
    for key in data:
        if key not in SCORE_KEYS:
            raise NoteassistError(f"{where}.{key}: unknown key; expected one of {', '.join(SCORE_KEYS)}")
    severity = dict(DEFAULT_SEVERITY_POINTS)
    category = dict(DEFAULT_CATEGORY_WEIGHTS)
    known_categories = set(CATEGORIES) | {rule.category for rule in all_rules().values()}
    for table, target, known in (("severity", severity, set(SEVERITIES)), ("category", category, known_categories)):
        value = data.get(table, {})
        if not isinstance(value, dict):
            raise NoteassistError(f"{where}.{table}: expected a table of {table} = number")
        for key, number in value.items():
            if key not in known:
                raise NoteassistError(f"{where}.{table}.{key}: unknown {table}; expected one of "
                                      f"{', '.join(sorted(known))}")
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
                raise NoteassistError(f"{where}.{table}.{key}: expected a number of 0 or more, got {number!r}")
            target[key] = float(number)
    max_per_rule = data.get("max_per_rule", DEFAULT_MAX_PER_RULE)
    if isinstance(max_per_rule, bool) or not isinstance(max_per_rule, int) or max_per_rule < 1:
        raise NoteassistError(f"{where}.max_per_rule: expected a whole number of 1 or more, got {max_per_rule!r}")
    return Rubric(severity, category, max_per_rule, "defaults")


def load_rubric(config_path: Path | None) -> Rubric:
    """The rubric of the config file in force (its `[score]` table), else the defaults."""
    import dataclasses
    import tomllib

    if config_path is None:
        return Rubric()
    try:
        data = tomllib.loads(Path(config_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NoteassistError(f"{config_path}: cannot read config: {exc}") from None
    prefix = ""
    if Path(config_path).name == "pyproject.toml":
        data, prefix = data.get("tool", {}).get("noteassist", {}), "tool.noteassist."
    if "score" not in data:
        return Rubric()
    rubric = rubric_from_mapping(data["score"], f"{config_path}: {prefix}score")
    return dataclasses.replace(rubric, source=str(config_path))

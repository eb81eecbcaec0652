"""Read visit facts from YAML or JSON and validate them against the schema.

Every problem becomes one line naming the file, the field path and what was
expected, so a case manager can fix a 40-line YAML file in one pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import FactsError
from ..io.records import read_text
from .models import VisitFacts


class _FactsLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 integers, so `start_time: 10:30` stays a time, not 630."""


_FactsLoader.yaml_implicit_resolvers = {
    # Timestamps stay strings too: pydantic parses dates, and `2026-13-45` becomes a field error, not a crash.
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FactsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def read_facts_data(source: str | Path, text: str | None = None) -> tuple[str, Any]:
    """Parse a facts file (or `-` for stdin) into plain data. Returns (display name, data)."""
    name = "<stdin>" if str(source) == "-" else str(source)
    if text is None:
        text = read_text(source, expected="a YAML or JSON facts file", error=FactsError)
    is_json = name.endswith(".json") or text.lstrip().startswith("{")
    try:
        data = json.loads(text) if is_json else yaml.load(text, Loader=_FactsLoader)  # noqa: S506 (safe loader)
    except json.JSONDecodeError as exc:
        raise FactsError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FactsError(f"{where}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise FactsError(f"{name}: expected a mapping of visit facts (claim, claimant, encounter...), got {_kind(data)}")
    return name, data


def load_facts(source: str | Path, text: str | None = None) -> VisitFacts:
    """Load and validate one visit-facts file. Raises FactsError with one line per problem."""
    name, data = read_facts_data(source, text)
    return validate_facts(data, name)


def validate_facts(data: dict[str, Any], name: str = "<facts>") -> VisitFacts:
    try:
        return VisitFacts.model_validate(data)
    except ValidationError as exc:
        lines = [f"{name}: {_field_path(err['loc'])}: {_expected(err)}" for err in exc.errors()]
        raise FactsError(lines[0], details=lines) from None


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "model-")):
            path += ("." if path else "") + str(part)
    return path or "(top level)"


_EXPECTED = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling against schema/visit-facts.schema.json)",
    "date_from_datetime_parsing": "expected a date as YYYY-MM-DD",
    "date_parsing": "expected a date as YYYY-MM-DD",
    "date_type": "expected a date as YYYY-MM-DD",
    "time_parsing": "expected a time as HH:MM",
    "time_type": "expected a time as HH:MM",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "string_type": "expected text",
    "list_type": "expected a list",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of fields",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_too_short": "must not be empty",
}


def _expected(err: dict) -> str:
    kind = err["type"]
    got = err.get("input")
    shown = "" if kind in ("missing", "extra_forbidden") or isinstance(got, (dict, list)) else f", got {got!r}"
    if kind == "enum":
        return f"expected one of {err['ctx']['expected']}{shown}"
    if kind == "string_pattern_mismatch":
        return f"does not have the expected form{shown}"
    if kind == "value_error":
        return f"{err['msg'].removeprefix('Value error, ')}{shown}"
    if kind in _EXPECTED:
        return _EXPECTED[kind] + shown
    return f"{err['msg']}{shown}"


def _kind(data: Any) -> str:
    return "nothing (empty file)" if data is None else type(data).__name__

"""Lint configuration: which rules run, at what severity, with which options.

Modelled on ruff: `select` and `ignore` take codes, code prefixes (`NA2`) or
categories (`repeated-verb`); `severity` re-levels a rule; `options` holds
per-rule settings keyed by the rule's code or name. A preview rule runs only
when selected by its code or name. Selectors are checked against the registered
rules wherever they come from (file or flags): one that matches no rule is an
error, never a silent no-op.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from ..errors import NoteassistError
from .model import SEVERITIES

if TYPE_CHECKING:
    from .registry import Rule


class LintConfig(BaseModel):
    """One linter's settings, validated once and never changed afterwards (frozen): an engine built from
    it can be shared between threads. Derive a variant with `with_changes`, never by assignment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = {}
    options: dict[str, dict[str, Any]] = {}
    #: Longest note accepted, in characters. The parse needs about 15 KB a token, so 200,000 characters
    #: keep one note near 700 MB; a longer text is an export of many notes, to be split.
    max_note_chars: int = 200_000
    #: Export column per metadata key ("text", "claim_number"...) for CSV/JSONL inputs.
    columns: dict[str, str] = {}
    #: Required elements per note type, replacing the contract's defaults for that type.
    required_elements: dict[str, tuple[str, ...]] = {}
    #: Read 03/04/2026 as 3 April (day first) rather than March 4, in metadata and in the text.
    day_first: bool = False
    #: The one style drafted notes (and the reports built from contacts) write times in: "12h" (9:30 AM) or
    #: "24h" (09:30). It lives beside `day_first`: both say how this agency writes dates and times.
    time_format: Literal["12h", "24h"] = "12h"

    @field_validator("severity")
    @classmethod
    def _known_severities(cls, value: dict[str, str]) -> dict[str, str]:
        for key, level in value.items():
            if level not in SEVERITIES:
                raise NoteassistError(f"severity for {key}: expected one of {', '.join(SEVERITIES)}, got {level!r}")
        return value

    def with_changes(self, **changes: Any) -> LintConfig:
        """A new, validated configuration with `changes` applied; this one is left as it is."""
        return type(self).model_validate({**self.model_dump(), **changes})

    def __hash__(self) -> int:  # frozen models with dict fields are not hashable by default
        return hash(self.model_dump_json())

    def is_enabled(self, rule: type[Rule]) -> bool:
        if self.select is None:
            # A preview rule (a rewrite shipped beside the rule it will replace) runs only when selected.
            selected = rule.lifecycle == "stable"
        else:
            selected = any(_matches(rule, s) for s in self.select)
            if rule.lifecycle == "preview":
                selected = any(s.upper() == rule.code or s == rule.name for s in self.select)
        return selected and not any(_matches(rule, s) for s in self.ignore)

    def severity_for(self, rule: Rule | type[Rule]) -> str:
        for key in (rule.code, rule.name, rule.category):
            if key in self.severity:
                return self.severity[key]
        return rule.severity

    def required_for(self, note_type: str | None) -> tuple[str, ...]:
        """The elements a note of this type must state: the agency's list if configured, else the contract's."""
        from ..notetypes import NOTE_TYPES

        if note_type is None:
            return ()
        if note_type in self.required_elements:
            return tuple(self.required_elements[note_type])
        return NOTE_TYPES[note_type].required

    def options_for(self, rule: Rule | type[Rule]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for key in (rule.name, rule.code):
            merged.update(self.options.get(key, {}))
        unknown = set(merged) - set(rule.defaults)
        if unknown:
            raise NoteassistError(f"options for {rule.code}: unknown option {sorted(unknown)[0]!r}; "
                                  f"known: {', '.join(sorted(rule.defaults)) or 'none'}")
        return merged


def _matches(rule: type[Rule], selector: str) -> bool:
    return rule.code.startswith(selector.upper()) or selector in (rule.name, rule.category)


CONFIG_KEYS = ("select", "ignore", "severity", "options", "max_note_chars", "columns", "required_elements",
               "day_first", "time_format", "score")


def find_config(start: Path) -> Path | None:
    """The nearest `noteassist.toml`, or `pyproject.toml` with a [tool.noteassist] table, from `start` upwards."""
    import tomllib

    directory = start if start.is_dir() else start.parent
    for folder in (directory.resolve(), *directory.resolve().parents):
        candidate = folder / "noteassist.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "noteassist" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
    return None


def load_config(path: Path) -> LintConfig:
    """Read and validate a config file; every problem is a NoteassistError naming the file and key."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise NoteassistError(f"{path}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise NoteassistError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("noteassist", {})
        prefix = "tool.noteassist."
    else:
        prefix = ""
    return config_from_mapping(data, f"{path}: {prefix}")


def validate_selectors(selectors: list[str] | tuple[str, ...], where: str) -> None:
    """Every selector must match a rule: `--select NA999` is a mistake to report, not a run of nothing."""
    from .registry import all_rules

    rules = all_rules().values()
    for selector in selectors:
        if not any(_matches(rule, selector) for rule in rules):
            raise NoteassistError(f"{where}: {selector!r} matches no rule (see `noteassist rules`)")


def config_from_mapping(data: dict[str, Any], where: str = "") -> LintConfig:
    """Build a LintConfig from parsed TOML, checking every key against the registered rules."""
    from .registry import all_rules

    rules = all_rules()
    for key in data:
        if key not in CONFIG_KEYS:
            raise NoteassistError(f"{where}{key}: unknown key; expected one of {', '.join(CONFIG_KEYS)}")
    for key in ("select", "ignore"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise NoteassistError(f"{where}{key}: expected a list of rule codes, prefixes or categories")
        for selector in value:
            if not any(_matches(rule, selector) for rule in rules.values()):
                raise NoteassistError(f"{where}{key}: {selector!r} matches no rule (see `noteassist rules`)")
    for table, keyed_by in (("severity", "code, name or category"), ("options", "code or name")):
        value = data.get(table, {})
        if not isinstance(value, dict):
            raise NoteassistError(f"{where}{table}: expected a table keyed by rule {keyed_by}")
        for key in value:
            names = (lambda r: (r.code, r.name, r.category)) if table == "severity" else (lambda r: (r.code, r.name))
            if not any(key in names(rule) for rule in rules.values()):
                raise NoteassistError(f"{where}{table}.{key}: no rule has that {keyed_by}")
    for key, level in data.get("severity", {}).items():
        if level not in SEVERITIES:
            raise NoteassistError(f"{where}severity.{key}: expected one of {', '.join(SEVERITIES)}, got {level!r}")
    for key, options in data.get("options", {}).items():
        if not isinstance(options, dict):
            raise NoteassistError(f"{where}options.{key}: expected a table of option = value")
        for rule in rules.values():
            if key in (rule.code, rule.name):
                unknown = set(options) - set(rule.defaults)
                if unknown:
                    raise NoteassistError(f"{where}options.{key}.{sorted(unknown)[0]}: unknown option; known: "
                                          f"{', '.join(sorted(rule.defaults)) or 'none'}")
    max_chars = data.get("max_note_chars", 200_000)
    if not isinstance(max_chars, int) or max_chars < 1:
        raise NoteassistError(f"{where}max_note_chars: expected a positive whole number")
    day_first = data.get("day_first", False)
    if not isinstance(day_first, bool):
        raise NoteassistError(f"{where}day_first: expected true or false")
    if "score" in data:  # the QA rubric (review/score.py); checked here so a typo fails every command alike
        from ..review.score import rubric_from_mapping

        rubric_from_mapping(data["score"], f"{where}score")
    time_format = data.get("time_format", "12h")
    if time_format not in ("12h", "24h"):
        raise NoteassistError(f"{where}time_format: expected \"12h\" or \"24h\", got {time_format!r}")
    return LintConfig(select=data.get("select"), ignore=list(data.get("ignore", [])), day_first=day_first,
                      time_format=time_format,
                      severity=dict(data.get("severity", {})), options=dict(data.get("options", {})),
                      max_note_chars=max_chars, columns=_columns(data.get("columns", {}), where),
                      required_elements=_required_elements(data.get("required_elements", {}), where))


def _columns(value: Any, where: str) -> dict[str, str]:
    from ..io.records import RECORD_KEYS

    if not isinstance(value, dict):
        raise NoteassistError(f"{where}columns: expected a table of key = \"column name\"")
    for key, column in value.items():
        if key not in ("text", *RECORD_KEYS):
            raise NoteassistError(f"{where}columns.{key}: unknown key; expected one of text, {', '.join(RECORD_KEYS)}")
        if not isinstance(column, str) or not column:
            raise NoteassistError(f"{where}columns.{key}: expected a column name")
    return dict(value)


def _required_elements(value: Any, where: str) -> dict[str, list[str]]:
    from ..notetypes import ELEMENTS, NOTE_TYPES

    if not isinstance(value, dict):
        raise NoteassistError(f"{where}required_elements: expected a table of note type = [element ids]")
    for note_type, elements in value.items():
        if note_type not in NOTE_TYPES:
            raise NoteassistError(f"{where}required_elements.{note_type}: unknown note type; expected one of "
                                  f"{', '.join(NOTE_TYPES)}")
        if not isinstance(elements, list) or not all(isinstance(e, str) for e in elements):
            raise NoteassistError(f"{where}required_elements.{note_type}: expected a list of element ids")
        for element in elements:
            if element not in ELEMENTS:
                raise NoteassistError(f"{where}required_elements.{note_type}: unknown element {element!r}; "
                                      f"expected one of {', '.join(ELEMENTS)}")
    return {k: list(v) for k, v in value.items()}

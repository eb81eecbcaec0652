"""Agency changes to a rule's lexicon: `extra_terms` and `remove_terms` options.

Every lexicon rule (stigmatizing language, reporting verbs, Do Not Use abbreviations,
sensitive content) takes the same two options, so an agency can add its own terms
or silence one it has decided to allow without touching the shipped lexicon:

    [tool.noteassist.options.NA402]
    extra_terms = { "uncooperative" = ["declined to ...", "did not attend ..."] }
    remove_terms = ["refused"]

Terms are matched with the rule's own matchers, so adding one costs nothing per note.
"""

from __future__ import annotations

from typing import Any

from ..errors import NoteassistError

LEXICON_OPTIONS = {"extra_terms": {}, "remove_terms": []}


def extra_terms(rule: Any) -> dict[str, list[str]]:
    """The rule's `extra_terms` option as term -> suggestions, validated."""
    value = rule.options.get("extra_terms", {})
    where = f"options.{rule.code}.extra_terms"
    if not isinstance(value, dict):
        raise NoteassistError(f"{where}: expected a table of term = [preferred wording, ...]")
    terms: dict[str, list[str]] = {}
    for term, suggestions in value.items():
        if isinstance(suggestions, str):
            suggestions = [suggestions]
        if not str(term).strip() or not isinstance(suggestions, list) or not all(isinstance(s, str) for s in suggestions):
            raise NoteassistError(f"{where}.{term}: expected a preferred wording or a list of them")
        terms[str(term).strip()] = suggestions
    return terms


def removed_terms(rule: Any) -> set[str]:
    """The rule's `remove_terms` option, lowercased, validated."""
    value = rule.options.get("remove_terms", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NoteassistError(f"options.{rule.code}.remove_terms: expected a list of terms")
    return {v.strip().lower() for v in value}

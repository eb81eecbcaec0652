"""Read visit facts from YAML or JSON and validate them against the schema.

Every problem becomes one line naming the file, the field path and what was
expected, so a case manager can fix a 40-line YAML file in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag, ValidationError

from .. import notetypes
from ..errors import FactsError
from ..io.data import BoundedLoader, load_data
from ..io.files import MAX_DATA_BYTES, read_text
from .human_services import HumanServicesFacts
from .models import VisitFacts

#: What `load_facts` returns: a workers' compensation contact or a human-services one.
Facts = VisitFacts | HumanServicesFacts

#: The YAML loader facts are read with (kept under its old name): safe, bounded, `10:30` and dates stay text.
_FactsLoader = BoundedLoader


def read_facts_data(source: str | Path, text: str | None = None, *, root: str | Path | None = None) -> tuple[str, Any]:
    """Parse a facts file (or `-` for stdin) into plain data. Returns (display name, data).

    Duplicate keys, deep nesting, alias bombs, huge numbers and NaN are FactsErrors naming the line
    (see `noteassist.io.data`). With `root`, the file must lie inside that folder.
    """
    name = "<stdin>" if str(source) == "-" else str(source)
    if text is None:
        text = read_text(source, expected="a YAML or JSON facts file", error=FactsError, limit=MAX_DATA_BYTES,
                         root=root)
    data = load_data(text, name, error=FactsError)
    if not isinstance(data, dict):
        raise FactsError(f"{name}: expected a mapping of visit facts (claim, claimant, encounter...), got {_kind(data)}")
    return name, data


def load_facts(source: str | Path, text: str | None = None) -> Facts:
    """Load and validate one visit-facts file. Raises FactsError with one line per problem."""
    name, data = read_facts_data(source, text)
    return validate_facts(data, name)


def facts_model(data: dict[str, Any]) -> type[VisitFacts] | type[HumanServicesFacts]:
    """Which facts a file holds: a `client` makes it human-services, a `claim` workers' compensation; with
    neither, the note type's own kind (the table's first `facts`), so the error names the key it lacks."""
    if "client" in data:
        return HumanServicesFacts
    if "claim" in data:
        return VisitFacts
    encounter = data.get("encounter")
    note_type = notetypes.resolve_note_type(encounter.get("note_type")) if isinstance(encounter, dict) else None
    if note_type and notetypes.NOTE_TYPES[note_type].facts[0] == "human-services":
        return HumanServicesFacts
    return VisitFacts


#: The tag of each kind of facts in a request body that takes either (`AnyFacts`); error paths leave it out.
FACTS_TAGS = {VisitFacts: "workers-comp", HumanServicesFacts: "human-services"}


def _facts_tag(value: Any) -> str:
    if isinstance(value, (VisitFacts, HumanServicesFacts)):
        return FACTS_TAGS[type(value)]
    return FACTS_TAGS[facts_model(value)] if isinstance(value, dict) else "workers-comp"


#: Either kind of facts in a pydantic model (the service's /v1/render and /v1/export/docx bodies), chosen as
#: `load_facts` chooses (`facts_model`), so an error names the field of the kind the data is, not both kinds'.
AnyFacts = Annotated[Union[Annotated[VisitFacts, Tag("workers-comp")],  # noqa: UP007 - a tagged union
                           Annotated[HumanServicesFacts, Tag("human-services")]], Discriminator(_facts_tag)]


def validate_facts(data: dict[str, Any], name: str = "<facts>") -> Facts:
    if "client" in data and "claim" in data:
        raise FactsError(f"{name}: (top level): give 'claim' (workers' compensation) or 'client' (human services), "
                         "not both")
    try:
        return facts_model(data).model_validate(data)
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
        # A check of a field left out (a positive screen's safety_plan) has no value to show.
        return f"{err['msg'].removeprefix('Value error, ')}{shown if got is not None else ''}"
    if kind in _EXPECTED:
        return _EXPECTED[kind] + shown
    return f"{err['msg']}{shown}"


def _kind(data: Any) -> str:
    return "nothing (empty file)" if data is None else type(data).__name__

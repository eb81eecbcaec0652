"""Visit facts with every field set, built from the schema itself.

`templates --fields` renders a template from them to list what it prints, and the draft-fidelity test
renders every built-in template from them: a field added to the schema later is set here without anyone
remembering to, so a template that does not print it is caught.
"""

from __future__ import annotations

import types
import typing
from datetime import date, time, timedelta
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .. import notetypes
from ..facts.human_services import HumanServicesFacts
from ..facts.models import VisitFacts

__all__ = ["full_facts"]

#: Values the schema constrains beyond their type (patterns, ordering); everything else is generated.
_FIXED: dict[str, Any] = {
    "claim.claim_number": "WC-2026-0001",
    "claim.adjuster.email": "adjuster@carrier.example",
    "diagnoses.icd10": "M75.121",
    "encounter.start_time": time(9, 30),
    "encounter.end_time": time(14, 45),
    "encounter.duration_minutes": 45,
    "work_status.effective": date(2026, 11, 20),
    "work_status.expires": date(2026, 12, 18),
    "time_spent.mileage": 18.5,
    "consents.signed": date(2026, 10, 1),
    "consents.expires": date(2027, 10, 1),
}


def _annotation_types(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _annotation_types(a) if t is not type(None)]
    if origin is typing.Annotated:
        return _annotation_types(typing.get_args(annotation)[0])
    return [annotation]


def _value(annotation: Any, path: str, counter: list[int], choices: dict[str, Any]) -> Any:
    if path in choices:
        return choices[path]
    if path in _FIXED:
        return _FIXED[path]
    kind = _annotation_types(annotation)[0]
    counter[0] += 1
    n = counter[0]
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        return [_value(item, path, counter, choices) for _ in range(2)]
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return _model(kind, path, counter, choices)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return list(kind)[0].value
    if kind is bool:
        return True
    if kind is int:
        return 3 + n % 7
    if kind is float:
        return 10.5 + n
    if kind is date:
        return (date(2026, 11, 1) + timedelta(days=n % 28)).isoformat()
    if kind is time:
        return f"{8 + n % 9:02d}:{n % 60:02d}"
    return f"{path.rsplit('.', 1)[-1].replace('_', ' ')} {n}"


def _model(cls: type[BaseModel], path: str, counter: list[int], choices: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, info in cls.model_fields.items():
        here = f"{path}.{name}" if path else name
        data[name] = _value(info.annotation, here, counter, choices)
    return data


def full_facts(note_type: str, choices: dict[str, Any] | None = None) -> VisitFacts | HumanServicesFacts:
    """Facts of `note_type` with every field of the schema given a value: human-services facts for a note
    type only they draft first (dap, home-visit...), else workers' compensation facts.

    `choices` sets a field (dotted, list items unindexed: 'work_status.status') to a given value, e.g.
    every member of an enum in turn; otherwise an enum takes its first member.
    """
    known = notetypes.NOTE_TYPES.get(note_type)
    if known is not None and known.facts[0] == "human-services":
        data = _model(HumanServicesFacts, "", [0], {"encounter.note_type": note_type, "schema_version": 3,
                                                   **(choices or {})})
        return HumanServicesFacts.model_validate(data)
    data = _model(VisitFacts, "", [0], {"encounter.note_type": note_type, "schema_version": 2, **(choices or {})})
    return VisitFacts.model_validate(data)

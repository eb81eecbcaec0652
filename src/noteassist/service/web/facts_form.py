"""The contact form's fields, read from the visit-facts JSON schema (VisitFacts.model_json_schema()): one
`FormField` per property, nested objects as groups, lists as repeating groups, enums as choices, dates and
times as such. Nothing about the facts is listed here by hand but wording: labels for a few acronyms, the
noun an "Add" button names, and which free-text fields get a multi-line box.

A field's `path` is the facts' own dotted path (`encounter.date`, `follow_up[0].task`), the one pydantic's
422 answers name, so the page can put each message at its field. Paths of a repeating group's items are
given by the page's script as items are added and removed; the server renders a group's item once, as the
template the script clones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

#: Words shown in capitals (or spelled out) in a label.
_WORDS = {"mmi": "MMI", "icd10": "ICD-10", "prn": "PRN (as needed)", "tpa": "TPA", "ptp": "PTP", "rtw": "RTW",
          "id": "ID"}
#: What one item of a list is called on its "Add ..." button.
ITEM_NOUNS = {
    "body_parts": "body part", "participants": "participant", "providers": "provider", "objective": "finding",
    "discussion": "discussion point", "diagnoses": "diagnosis", "treatment_plan": "plan item",
    "medications": "medication", "restrictions": "restriction", "referrals": "referral", "barriers": "barrier",
    "goals": "goal", "actions": "action", "follow_up": "follow-up task", "communication": "communication",
    "appointments": "appointment", "recommendations": "recommendation", "decisions_requested": "decision request",
    "reference_numbers": "reference number", "notified": "party notified",
}
#: Free text that runs to sentences: a multi-line box (every list of text items gets one too).
_LONG_TEXT = frozenset({"subjective", "assessment", "mechanism_of_injury", "purpose", "outcome", "rationale",
                        "action", "description"})
#: Set by the page, not typed: the file's schema version.
_HIDDEN = frozenset({"schema_version"})


@dataclass
class FormField:
    key: str
    path: str
    label: str
    #: text, textarea, date, time, integer, number, select, checkbox, tristate, group, list
    kind: str
    required: bool = False
    #: The chosen template needs it (its `requires`), whatever the schema says.
    needed: bool = False
    description: str | None = None
    options: list[str] = field(default_factory=list)
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    children: list[FormField] = field(default_factory=list)
    #: For a list: the field one item is (a group, or a single input).
    item: FormField | None = None
    noun: str = ""

    @property
    def dom_id(self) -> str:
        return "f-" + "".join(c if c.isalnum() else "-" for c in self.path)


def label_for(key: str) -> str:
    words = [_WORDS.get(word, word) for word in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@functools.cache
def facts_schema() -> dict[str, Any]:
    from ...facts.models import VisitFacts

    return VisitFacts.model_json_schema()


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the schema a property really has, whether None is allowed): `$ref`s followed, `X | None` unwrapped."""
    nullable = False
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        merged = {k: v for k, v in schema.items() if k != "anyOf"}
        schema = {**options[0], **merged} if len(options) == 1 else {**merged, "type": "string"}
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema, nullable


def _build(key: str, path: str, schema: dict[str, Any], defs: dict[str, Any], required: bool,
           needed: set[str], long_text: bool = False) -> FormField:
    schema, nullable = _resolve(schema, defs)
    common = {"key": key, "path": path, "label": label_for(key) if key else "", "required": required,
              "needed": path in needed, "description": schema.get("description"), "default": schema.get("default")}
    if "enum" in schema:
        return FormField(kind="select", options=[str(v) for v in schema["enum"]], **common)
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        inner = set(schema.get("required", ()))
        children = [_build(name, f"{path}.{name}" if path else name, prop, defs, name in inner, needed,
                           name in _LONG_TEXT)
                    for name, prop in schema["properties"].items() if name not in _HIDDEN]
        return FormField(kind="group", children=children, **common)
    if kind == "array":
        item = _build("", f"{path}[]", schema.get("items", {}), defs, True, needed, long_text=True)
        item.label = ITEM_NOUNS.get(key, label_for(key)).capitalize()
        return FormField(kind="list", item=item, noun=ITEM_NOUNS.get(key, "item"), **common)
    if kind == "boolean":
        return FormField(kind="tristate" if nullable else "checkbox", **common)
    if kind in ("integer", "number"):
        return FormField(kind=kind, minimum=schema.get("minimum"), maximum=schema.get("maximum"), **common)
    if schema.get("format") in ("date", "time"):
        return FormField(kind=schema["format"], **common)
    return FormField(kind="textarea" if long_text else "text", **common)


def form_fields(requires: list[str] | tuple[str, ...] = ()) -> list[FormField]:
    """The visit-facts form: a field per top-level property, in schema order; `requires` (a template's
    required facts, dotted) are marked as needed for the note."""
    schema = facts_schema()
    needed: set[str] = set()
    for dotted in requires:  # a nested requirement makes its groups needed too: claim.claim_number -> claim
        parts = dotted.split(".")
        needed.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    root = _build("", "", schema, schema.get("$defs", {}), True, needed)
    for child in root.children:
        if child.kind in ("text", "textarea"):  # top-level free text (subjective, assessment) is prose
            child.kind = "textarea"
    return root.children

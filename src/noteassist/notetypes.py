"""Note types, their required elements (CONTRACT.md) and their reading audience.

This table is the contract: element ids here are what findings report in
`element` and what the templates must cover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteType:
    id: str
    title: str
    required: tuple[str, ...]
    #: Who reads it: "internal" (clinical peers, readability informational) or "adjuster" (business reader).
    audience: str = "internal"


NOTE_TYPES: dict[str, NoteType] = {
    t.id: t
    for t in (
        NoteType(
            "physician-visit",
            "Physician Visit Note",
            ("date_of_service", "provider", "subjective", "objective", "diagnosis", "treatment_plan",
             "work_status", "next_appointment", "case_manager_plan"),
        ),
        NoteType("telephonic", "Telephonic Contact Note",
                 ("date_of_service", "contact", "purpose", "outcome", "case_manager_plan")),
        NoteType(
            "initial-assessment",
            "Initial Case Management Assessment",
            ("date_of_service", "date_of_injury", "mechanism_of_injury", "diagnosis", "provider", "work_status",
             "barriers", "goals", "case_manager_plan"),
        ),
        NoteType("soap", "SOAP Note", ("date_of_service", "subjective", "objective", "assessment", "plan")),
        NoteType("dap", "DAP Note", ("date_of_service", "data", "assessment", "plan")),
        NoteType("birp", "BIRP Note", ("date_of_service", "behavior", "intervention", "response", "plan")),
        NoteType(
            "progress-report",
            "Progress Report",
            ("report_period", "work_status", "treatment_plan", "next_appointment", "barriers", "recommendations"),
            audience="adjuster",
        ),
        NoteType("closure-report", "Closure Report", ("closure_date", "closure_reason", "work_status", "outcome"),
                 audience="adjuster"),
    )
}

#: Elements required only when the note says something that calls for them (domain guide 1.1 item
#: "restrictions when modified duty"): element -> what triggers it. Checked by NA101 for every note type.
CONDITIONAL_ELEMENTS: dict[str, str] = {
    "restrictions": "the note puts the worker on modified, light or restricted duty",
}

ELEMENTS: tuple[str, ...] = tuple(sorted({e for t in NOTE_TYPES.values() for e in t.required} | set(CONDITIONAL_ELEMENTS)))


def get_note_type(note_type: str) -> NoteType:
    return NOTE_TYPES[note_type]

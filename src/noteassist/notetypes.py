"""Note types: the one table of ids, titles, required elements (CONTRACT.md), audience, kind and the
labels case-management systems give them.

This table is the contract: element ids here are what findings report in `element` and what the
templates must cover. The visit facts, the export readers, the claim-folder reader and note-type
inference all read it; `resolve_note_type` turns an id, a title or a system's label ("Phone Call",
"Office Visit") into an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("contact", "report")


@dataclass(frozen=True)
class NoteType:
    id: str
    title: str
    required: tuple[str, ...]
    #: Who reads it: "internal" (clinical peers, readability informational) or "adjuster" (business reader).
    audience: str = "internal"
    #: "contact": documents one encounter (a claim folder's contact log lists it); "report": summarises a
    #: period for the payer (a report written into a claim folder is not a contact).
    kind: str = "contact"
    #: How case-management systems label the type in exports and file names, besides its id and title.
    aliases: tuple[str, ...] = ()
    #: Which visit facts can draft it: "workers-comp" (a claim and a claimant) or "human-services" (a client
    #: and a program, schema 3). The first is the one `load_facts` picks when a file names neither.
    facts: tuple[str, ...] = ("workers-comp",)


NOTE_TYPES: dict[str, NoteType] = {
    t.id: t
    for t in (
        NoteType(
            "physician-visit",
            "Physician Visit Note",
            ("date_of_service", "provider", "subjective", "objective", "diagnosis", "treatment_plan",
             "work_status", "next_appointment", "case_manager_plan"),
            aliases=("Office Visit", "MD Visit", "Physician Visit", "Doctor Visit", "Visit", "Appointment"),
        ),
        NoteType("telephonic", "Telephonic Contact Note",
                 ("date_of_service", "contact", "purpose", "outcome", "case_manager_plan"),
                 aliases=("Phone Call", "Phone", "Telephone", "Call", "Telephonic Contact")),
        NoteType(
            "initial-assessment",
            "Initial Case Management Assessment",
            ("date_of_service", "date_of_injury", "mechanism_of_injury", "diagnosis", "provider", "work_status",
             "barriers", "goals", "case_manager_plan"),
            aliases=("Initial Assessment", "Initial", "Intake"),
        ),
        NoteType("soap", "SOAP Note", ("date_of_service", "subjective", "objective", "assessment", "plan")),
        # DAP and BIRP are human-services formats; files of schema 1 and 2 drafted them from claim facts.
        NoteType("dap", "DAP Note", ("date_of_service", "data", "assessment", "plan"),
                 facts=("human-services", "workers-comp")),
        NoteType("birp", "BIRP Note", ("date_of_service", "behavior", "intervention", "response", "plan"),
                 facts=("human-services", "workers-comp")),
        NoteType(
            "progress-report",
            "Progress Report",
            ("report_period", "work_status", "treatment_plan", "next_appointment", "barriers", "recommendations"),
            audience="adjuster",
            kind="report",
            aliases=("Progress", "Update Report"),
        ),
        NoteType("closure-report", "Closure Report", ("closure_date", "closure_reason", "work_status", "outcome"),
                 audience="adjuster", kind="report", aliases=("Closure",)),
        # Human-services contacts (issue 14): a caseworker's visit to the home, a review of the service plan
        # with the client, and a crisis contact, whose risk assessment and safety plan are the record.
        NoteType("home-visit", "Home Visit Note",
                 ("date_of_service", "participants", "observations", "safety", "plan"),
                 aliases=("Home Visit", "Home Contact", "Face-to-Face Home Visit"), facts=("human-services",)),
        NoteType("service-plan-review", "Service Plan Review",
                 ("date_of_service", "participants", "goals", "progress", "plan"),
                 aliases=("Service Plan Review", "Plan Review", "ISP Review", "Case Plan Review"),
                 facts=("human-services",)),
        NoteType("crisis-contact", "Crisis Contact Note",
                 ("date_of_service", "contact", "risk_assessment", "intervention", "safety_plan", "plan"),
                 aliases=("Crisis Contact", "Crisis Call", "Crisis Intervention", "Crisis Note"),
                 facts=("human-services",)),
    )
}

#: Elements required only when the note says something that calls for them (domain guide 1.1 item
#: "restrictions when modified duty"): element -> what triggers it. Checked by NA101 for every note type.
CONDITIONAL_ELEMENTS: dict[str, str] = {
    "restrictions": "the note puts the worker on modified, light or restricted duty",
}

ELEMENTS: tuple[str, ...] = tuple(sorted({e for t in NOTE_TYPES.values() for e in t.required} | set(CONDITIONAL_ELEMENTS)))


#: Note types that document one contact, and those that report on a period, in table order.
CONTACT_TYPES: tuple[str, ...] = tuple(t.id for t in NOTE_TYPES.values() if t.kind == "contact")
REPORT_TYPES: tuple[str, ...] = tuple(t.id for t in NOTE_TYPES.values() if t.kind == "report")

#: Note types each kind of visit facts can draft, in table order.
WORKERS_COMP_TYPES: tuple[str, ...] = tuple(t.id for t in NOTE_TYPES.values() if "workers-comp" in t.facts)
HUMAN_SERVICES_TYPES: tuple[str, ...] = tuple(t.id for t in NOTE_TYPES.values() if "human-services" in t.facts)


def _key(label: str) -> str:
    """'Phone Call', 'phone-call', 'PHONECALL' -> 'phonecall': how the table's labels are compared."""
    return re.sub(r"[^0-9a-z]", "", label.lower())


_BY_LABEL: dict[str, str] = {
    _key(label): t.id for t in NOTE_TYPES.values() for label in (t.id, t.title, *t.aliases)
}


def resolve_note_type(value: object) -> str | None:
    """The note type an id, a title or a case-management system's label names ("telephonic", "Phone Call",
    "office visit", "Progress Report"), compared ignoring case, spaces and punctuation; None otherwise."""
    return _BY_LABEL.get(_key(str(value))) if value is not None else None


def get_note_type(note_type: str) -> NoteType:
    return NOTE_TYPES[note_type]

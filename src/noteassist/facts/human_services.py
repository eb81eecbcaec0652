"""Human-services facts (schema 3): one contact with a client of an agency's program.

A caseworker's DAP or BIRP note, home visit, service-plan review or crisis contact has no claim, adjuster
or work status; it has a client, the program serving them, the service plan the contact works on, the
services and referrals, the risk screens done and the consents that say who may see what (domain guide
1.0, 1.6, 6.3). Participants, the worker's actions and follow-up tasks are the same as in `VisitFacts`.

Field names are the ones the human-services lint rules already read from facts: `program.agency` and
`program.part2` (NA904), `consents[].agency|part2|expires|revoked` (NA904), `service_plan.goals[].id` and
their `objectives` (NA132).
"""

from __future__ import annotations

from datetime import date
from datetime import date as Date
from enum import Enum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .. import notetypes
from .models import (
    MAX_MINUTES,
    CaseManager,
    Clock,
    Modality,
    Model,
    Participant,
    Task,
    Text,
    none_as_empty_lists,
)

#: The first schema with human-services facts; they did not exist before it.
HS_VERSION = 3

#: The facts' `encounter.note_type` here: the table's note types a human-services file can draft.
ServiceNoteType = Enum("ServiceNoteType", [(t.replace("-", "_"), t) for t in notetypes.HUMAN_SERVICES_TYPES], type=str)


class Domain(str, Enum):
    """Life domains a contact can touch (the usual service-plan domains of agency case management)."""

    housing = "housing"
    income_and_benefits = "income-and-benefits"
    employment = "employment"
    health = "health"
    mental_health = "mental-health"
    substance_use = "substance-use"
    legal = "legal"
    family_and_child_safety = "family-and-child-safety"
    transportation = "transportation"
    food = "food"


class Progress(str, Enum):
    """Progress on a goal or objective this contact."""

    not_started = "not-started"
    progressing = "progressing"
    met = "met"
    revised = "revised"


class ServiceStatus(str, Enum):
    identified = "identified"
    referred = "referred"
    scheduled = "scheduled"
    active = "active"
    completed = "completed"
    waitlisted = "waitlisted"
    declined = "declined"


class ScreenKind(str, Enum):
    suicide_risk = "suicide-risk"
    homicide_risk = "homicide-risk"
    child_safety = "child-safety"
    domestic_violence = "domestic-violence"
    substance_use = "substance-use"
    elder_or_dependent_adult_safety = "elder-or-dependent-adult-safety"


class ScreenResult(str, Enum):
    positive = "positive"
    negative = "negative"


class Client(Model):
    client_id: Text = Field(description="The agency's client or case number (never an SSN)")
    name: Text
    date_of_birth: date | None = None
    preferred_name: str | None = None
    pronouns: str | None = Field(default=None, description="e.g. she/her; templates use it for 'he'/'she'/'they'")
    language: str | None = None
    interpreter_needed: bool | None = None
    interpreter: str | None = Field(default=None, description="Interpreter used: name and language")


class Program(Model):
    name: Text
    agency: Text
    part2: bool = Field(default=False,
                        description="A federally assisted SUD program whose records 42 CFR Part 2 covers")


class ServiceEncounter(Model):
    note_type: ServiceNoteType  # type: ignore[valid-type]
    date: Date
    start_time: Clock | None = None
    end_time: Clock | None = None
    duration_minutes: int | None = Field(default=None, strict=True, ge=1, le=MAX_MINUTES)
    modality: Modality = Modality.in_person
    location: str | None = None
    purpose: str | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> ServiceEncounter:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class Objective(Model):
    id: str | None = Field(default=None, description="As the plan numbers it, e.g. '1.2'; default: its place")
    objective: Text = Field(description="Measurable: what, how much, by when")
    target_date: date | None = None
    progress: Progress | None = None
    evidence: str | None = Field(default=None, description="What shows the progress, and who reported it")


class PlanGoal(Model):
    id: str | None = None
    goal: Text = Field(description="In the client's words where possible")
    domain: Domain | None = None
    target_date: date | None = None
    progress: Progress | None = None
    objectives: list[Objective] = Field(default_factory=list)


class ServicePlan(Model):
    started: date | None = None
    next_review: date | None = None
    goals: list[PlanGoal] = Field(default_factory=list)


class Service(Model):
    service: Text
    agency: Text = Field(description="The receiving agency or provider")
    status: ServiceStatus
    referred: date | None = None
    scheduled: date | None = Field(default=None, description="Intake or first appointment")
    completed: date | None = None
    contact: str | None = Field(default=None, description="Who at the receiving agency, and how to reach them")


class Screening(Model):
    kind: ScreenKind
    instrument: Text = Field(description="The tool used, e.g. 'ASQ', 'C-SSRS screen version'")
    result: ScreenResult
    detail: str | None = Field(default=None, description="Score or the answers that made it positive, attributed")
    follow_up: list[Task] = Field(default_factory=list)
    # After `result` and `follow_up`, so its check sees both; validated when absent too.
    safety_plan: str | None = Field(default=None, validate_default=True,
                                    description="The safety plan made with the client; required when positive "
                                                "unless follow_up names who does what by when")

    @field_validator("safety_plan")
    @classmethod
    def _positive_screen_has_a_response(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A positive screen with nothing done about it is the record a reviewer or the next worker on call
        # reads as nothing done (lint NA131 says the same of note text).
        if info.data.get("result") is ScreenResult.positive and not value and not info.data.get("follow_up"):
            kind = info.data.get("kind")
            what = f"a positive {kind.value} screen" if kind else "a positive screen"
            raise ValueError(f"{what} needs a safety_plan or a follow_up task (owner, due date)")
        return value


class Consent(Model):
    agency: Text = Field(description="Who the release lets the agency share with")
    purpose: str | None = None
    signed: date | None = None
    expires: date | None = None
    part2: bool = Field(default=False, description="Covers 42 CFR Part 2 substance-use records")
    revoked: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Consent:
        if self.signed and self.expires and self.expires < self.signed:
            raise ValueError("expires must not be before signed")
        return self


class HumanServicesFacts(Model):
    """One human-services contact. The root of a facts file that names a `client` (schema_version 3)."""

    schema_version: int = Field(default=HS_VERSION, strict=True, description="Version of this schema the file follows")
    client: Client
    program: Program
    case_manager: CaseManager = Field(description="The worker who writes the note")
    encounter: ServiceEncounter
    participants: list[Participant] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list, description="Life domains this contact touched")
    strengths: list[Text] = Field(default_factory=list, description="What the client and family do well, attributed")
    data: list[Text] = Field(default_factory=list, description="What was reported (by whom) and observed (DAP data)")
    behavior: list[Text] = Field(default_factory=list, description="Presentation and what the client said or did")
    observations: list[Text] = Field(default_factory=list, description="What the worker saw: the home, the children")
    interventions: list[Text] = Field(default_factory=list, description="What the worker did, linked to a goal")
    response: list[Text] = Field(default_factory=list, description="How the client responded, quoted or observed")
    assessment: str | None = Field(default=None, description="The worker's appraisal, labelled as such")
    service_plan: ServicePlan | None = None
    services: list[Service] = Field(default_factory=list)
    screenings: list[Screening] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    actions: list[Text] = Field(default_factory=list, description="What the worker did besides the interventions")
    plan: list[Text] = Field(default_factory=list, description="Next steps agreed with the client")
    follow_up: list[Task] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _none_written_as_a_word(cls, data: object) -> object:
        """`services: none` is the worker saying there are none (as in VisitFacts)."""
        return none_as_empty_lists(cls, data)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != HS_VERSION:
            raise ValueError(f"human-services facts (a 'client') follow schema_version {HS_VERSION}")
        return value

    @property
    def note_type(self) -> str:
        return self.encounter.note_type.value

    def header(self) -> dict[str, str | None]:
        """The client header every note carries (domain guide 1.0: name, a second identifier, the record id),
        written as the drafted note's front matter for `lint` and `export` to read back."""
        client = self.client
        return {
            "note_type": self.note_type,
            "case_number": client.client_id,
            "client": client.name,
            "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
            "date_of_service": self.encounter.date.isoformat(),
            "program": self.program.name,
            "agency": self.program.agency,
            "part2": "true" if self.program.part2 else None,
            "case_manager": ", ".join(p for p in (self.case_manager.name, self.case_manager.credentials) if p),
        }

"""The visit-facts schema: what a case manager records about one encounter.

One `VisitFacts` document describes one contact (a physician visit, a phone call,
an initial assessment...). Templates turn it into prose; the DOCX exporter takes
its claim header from it. The schema is versioned (`schema_version`) so files
written today keep loading when fields are added; a field is never renamed.

Version history (a file may declare any supported version; all load with this model):
- 1: the contact note schema.
- 2: adds what an adjuster update report needs and a contact lacked: decisions
  requested from the adjuster (`decisions_requested`), `recommendations`, other
  scheduled `appointments` (surgery, IME), a `return_to_work` forecast, therapy
  visits used/authorized and UR detail on a `Referral`, UR statuses `delayed`,
  `overturned` and `upheld`, a goal's `status`, a task's `done`, and `closure`
  (reason, date, outcome) for a closure report.
- 3: adds human-services facts (facts/human_services.py): a client, program and agency in place of the
  claim, for the note types the table marks "human-services". Workers' compensation files gain nothing
  and may declare 1, 2 or 3; a human-services file declares 3.

Field names follow the vocabulary of ../shared/domain.md (work status, MMI,
UR status...). Everything but the claim, the claimant and the encounter is
optional, because a phone call to a pharmacy has no diagnosis or exam.
"""

from __future__ import annotations

import re
from datetime import date
from datetime import (
    date as Date,  # field names `date`/`time` shadow the types inside some classes
)
from datetime import time as Time
from enum import Enum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .. import notetypes
from ..text.identifiers import ssn_shaped

SCHEMA_VERSION = 3
#: Every version this model reads: additions only, so older files load unchanged.
SUPPORTED_VERSIONS = (1, 2, 3)

#: Note type ids, from the one note-type table (notetypes.py).
NOTE_TYPES: tuple[str, ...] = tuple(notetypes.NOTE_TYPES)

#: What a case manager writes for "there are none" in place of a list.
_NONE_WORDS = frozenset({"none", "n/a", "na", "nothing", "none identified", "none reported"})

_CLAIM_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/]*$")

Text = Annotated[str, Field(min_length=1)]

#: Upper bounds for numbers a person types. Anything beyond them is a slip of the keyboard (or hostile) and
#: would otherwise reach the adjuster report's time log: `10^30` minutes, infinite mileage.
MAX_MINUTES = 24 * 60  # in one contact
MAX_MILES = 2_000.0  # driven for one contact
MAX_VISITS = 1_000  # therapy visits on one authorization
# Whole numbers are strict: `true` is not 1 and `30.0` is not a count of minutes.
Minutes = Annotated[int, Field(strict=True, ge=0, le=MAX_MINUTES)]
Visits = Annotated[int, Field(strict=True, ge=0, le=MAX_VISITS)]

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([AaPp]\.?[Mm]\.?)?\s*$")


def _clock(value: object) -> object:
    """Accept what people type: '9:30', '09:30', '2:15 PM', '2:15 p.m.'."""
    if not isinstance(value, str) or not (m := _CLOCK.match(value)):
        return value
    hour, minute, half = int(m.group(1)), int(m.group(2)), (m.group(3) or "").lower().replace(".", "")
    if half and not 1 <= hour <= 12:
        return value
    if half == "pm" and hour != 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


def _time_of_day(value: object) -> object:
    """A time as people write it, never a number (pydantic would read 630 as seconds, in UTC)."""
    if isinstance(value, (int, float)):
        raise ValueError("expected a time as HH:MM, not a number")
    return _clock(value)


def _naive(value: Time) -> Time:
    # An aware time ("10:30+05:00") cannot be compared with the naive end time: refuse it in one line.
    if value.tzinfo is not None:
        raise ValueError("expected a time of day as HH:MM, without a time zone")
    return value


Clock = Annotated[Time, BeforeValidator(_time_of_day), AfterValidator(_naive)]


def none_as_empty_lists(model: type[BaseModel], data: object) -> object:
    """`data` with each list field of `model` written as a none-word ("none", "n/a") made an empty list."""
    if isinstance(data, dict):
        lists = {name for name, info in model.model_fields.items() if getattr(info.annotation, "__origin__", None) is list}
        data = {key: [] if key in lists and isinstance(value, str) and value.strip().lower() in _NONE_WORDS
                else value for key, value in data.items()}
    return data


class Model(BaseModel):
    """Base for every facts model: unknown keys are errors (a typo must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


#: The facts' `encounter.note_type`: one member per note type of the table (NoteType.physician_visit...).
NoteType = Enum("NoteType", [(note_type.replace("-", "_"), note_type) for note_type in NOTE_TYPES], type=str)


class Modality(str, Enum):
    in_person = "in-person"
    telephonic = "telephonic"
    video = "video"
    written = "written"
    record_review = "record-review"


class WorkStatusKind(str, Enum):
    full_duty = "full-duty"
    modified_duty = "modified-duty"
    off_work = "off-work"


class MMIKind(str, Enum):
    not_at_mmi = "not-at-mmi"
    at_mmi = "at-mmi"
    not_addressed = "not-addressed"


class URStatus(str, Enum):
    requested = "requested"
    pending = "pending"
    certified = "certified"
    partially_certified = "partially-certified"
    non_certified = "non-certified"
    appealed = "appealed"
    # schema 2 (domain guide 5.4): the rest of the UR vocabulary
    delayed = "delayed"
    overturned = "overturned"
    upheld = "upheld"


class GoalStatus(str, Enum):
    in_progress = "in-progress"
    met = "met"
    partially_met = "partially-met"
    not_met = "not-met"


class ClosureReason(str, Enum):
    """Closure reasons, the controlled vocabulary of domain guide 1.5."""

    goals_met = "goals-met"
    rtw_full_duty = "rtw-full-duty"
    rtw_modified_duty_permanent_restrictions = "rtw-modified-duty-permanent-restrictions"
    mmi_reached = "mmi-reached"
    claim_settled = "claim-settled"
    services_declined = "services-declined"
    unable_to_contact = "unable-to-contact"
    referral_period_expired = "referral-period-expired"
    referral_withdrawn = "referral-withdrawn"
    transferred = "transferred"
    attorney_request = "attorney-request"
    death = "death"


class CallDirection(str, Enum):
    inbound = "inbound"
    outbound = "outbound"


class CallOutcome(str, Enum):
    reached = "reached"
    voicemail = "voicemail"
    no_answer = "no-answer"
    wrong_number = "wrong-number"


class Person(Model):
    name: Text
    credentials: str | None = None


class Adjuster(Model):
    name: Text
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None


class Claim(Model):
    claim_number: Text
    carrier: str | None = None
    tpa: str | None = None
    adjuster: Adjuster | None = None
    date_of_injury: date
    employer: str | None = None
    jurisdiction: str | None = Field(default=None, description="State or program, e.g. TX, CA, FECA")
    body_parts: list[Text] = Field(default_factory=list, description="Accepted body parts with laterality")
    mechanism_of_injury: str | None = None

    @field_validator("claim_number")
    @classmethod
    def _claim_number_is_sane(cls, value: str) -> str:
        # Domain guide 5.2: carriers differ, so only basic sanity checks without a configured pattern.
        if ssn_shaped(value):
            raise ValueError("looks like a Social Security number; use the carrier's claim number")
        if not 5 <= len(value) <= 20 or not _CLAIM_CHARS.match(value):
            raise ValueError("expected 5-20 letters, digits, '-' or '/'")
        if set(value) <= {"0", "-", "/"}:
            raise ValueError("must not be all zeros")
        return value


class Claimant(Model):
    name: Text
    date_of_birth: date | None = None
    preferred_name: str | None = None
    pronouns: str | None = Field(default=None, description="e.g. she/her; templates use it for 'he'/'she'/'they'")
    language: str | None = None
    interpreter: str | None = Field(default=None, description="Interpreter name and language, when one was used")


class CaseManager(Model):
    name: Text
    credentials: str | None = None
    organization: str | None = None
    phone: str | None = None


class Participant(Model):
    name: Text
    role: Text
    organization: str | None = None
    phone: str | None = None


class Provider(Model):
    name: Text
    credentials: str | None = None
    specialty: str | None = None
    role: str | None = Field(default=None, description="PTP, secondary, IME, consult")
    facility: str | None = None


class Encounter(Model):
    note_type: NoteType
    date: date
    start_time: Clock | None = None
    end_time: Clock | None = None
    duration_minutes: int | None = Field(default=None, strict=True, ge=1, le=MAX_MINUTES)
    modality: Modality = Modality.in_person
    location: str | None = None
    visit_type: str | None = Field(default=None, description="initial, follow-up, post-op, FCE review, IME...")
    purpose: str | None = None

    @field_validator("note_type")
    @classmethod
    def _drafted_from_a_claim(cls, value: NoteType) -> NoteType:
        # A home visit or crisis contact documents a client of a program: its facts name a client, not a claim.
        if "workers-comp" not in notetypes.NOTE_TYPES[value.value].facts:
            raise ValueError(f"{value.value} is a human-services note type: its facts give 'client' and 'program' "
                             "(schema_version 3), not 'claim'")
        return value

    @model_validator(mode="after")
    def _end_after_start(self) -> Encounter:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class Call(Model):
    """Telephonic contacts: who was called, and what came of the attempt."""

    direction: CallDirection
    party: Participant
    callback_number: str | None = None
    outcome: CallOutcome = CallOutcome.reached
    reference_numbers: list[Text] = Field(default_factory=list, description="Rx #, authorization #, confirmation #")


class Diagnosis(Model):
    description: Text
    icd10: str | None = Field(default=None, pattern=r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
    per: str | None = Field(default=None, description="Who documented it, e.g. 'Dr. Lee'")


class Medication(Model):
    name: Text
    dose: str | None = None
    route: str | None = None
    frequency: str | None = None
    prescriber: str | None = None
    change: str | None = Field(default=None, description="new, continued, changed, stopped")


class WorkStatus(Model):
    status: WorkStatusKind
    effective: date | None = None
    expires: date | None = Field(default=None, description="Expected expiration or next re-evaluation date")
    restrictions: list[Text] = Field(default_factory=list)
    set_by: str | None = Field(default=None, description="Provider who set the status")
    modified_duty_available: bool | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> WorkStatus:
        if self.effective and self.expires and self.expires < self.effective:
            raise ValueError("expires must not be before effective")
        return self


class MMI(Model):
    status: MMIKind
    anticipated_date: Date | None = None
    date: Date | None = None
    impairment_rating: str | None = None


class Appointment(Model):
    date: Date | None = None
    time: Clock | None = None
    provider: str | None = None
    purpose: str | None = None
    prn: bool = Field(default=False, description="Return as needed; no date set")

    @model_validator(mode="after")
    def _date_or_prn(self) -> Appointment:
        if self.date is None and not self.prn:
            raise ValueError("give a date, or prn: true")
        return self


class Referral(Model):
    service: Text
    quantity: str | None = None
    provider: str | None = None
    status: URStatus
    reference: str | None = None
    requested: date | None = None
    decided: date | None = None
    # schema 2
    requesting_provider: str | None = None
    reviewer: str | None = Field(default=None, description="UR reviewer and credential")
    appeal_deadline: date | None = None
    appealed: date | None = Field(default=None, description="Date the appeal or reconsideration was filed")
    visits_authorized: Visits | None = Field(default=None, description="Therapy visits authorized")
    visits_used: Visits | None = Field(default=None, description="Therapy visits attended so far")


class Barrier(Model):
    description: Text
    kind: str | None = Field(default=None, description="clinical, psychosocial, logistical, workplace, legal")
    action: str | None = Field(default=None, description="What is being done about it")


class Goal(Model):
    goal: Text
    target_date: date | None = None
    status: GoalStatus | None = Field(default=None, description="schema 2: progress toward the goal")


class Task(Model):
    task: Text
    owner: Text
    due: date | None = None
    done: bool = Field(default=False, description="schema 2: completed; a later contact may repeat the task with done: true")


class DecisionRequest(Model):
    """schema 2: a decision the case manager asks someone (usually the adjuster) to make."""

    decision: Text
    rationale: str | None = None
    requested_from: Text = "adjuster"
    due: date | None = None
    decided: date | None = Field(default=None, description="When the decision was made; it is then no longer pending")
    outcome: str | None = None


class ReturnToWork(Model):
    """schema 2: the return-to-work forecast and what actually happened."""

    modified_duty_target: date | None = None
    full_duty_target: date | None = None
    returned_on: date | None = Field(default=None, description="Date the worker actually returned to work")
    basis: str | None = Field(default=None, description="Whose forecast, or the guideline used, e.g. 'per Dr. Lee'")


class Closure(Model):
    """schema 2: why and when case management closed (domain guide 1.5)."""

    reason: ClosureReason
    date: Date | None = None
    outcome: str | None = Field(default=None, description="Outcome against the goals, in a sentence or two")
    notified: list[Text] = Field(default_factory=list, description="Parties told of the closure: who, when, how")


class TimeSpent(Model):
    face_to_face: Minutes | None = Field(default=None, description="minutes")
    telephonic: Minutes | None = None
    travel: Minutes | None = None
    wait: Minutes | None = None
    documentation: Minutes | None = None
    mileage: float | None = Field(default=None, ge=0, le=MAX_MILES, allow_inf_nan=False)

    @property
    def total_minutes(self) -> int:
        return sum(v or 0 for v in (self.face_to_face, self.telephonic, self.travel, self.wait, self.documentation))


class VisitFacts(Model):
    """Everything recorded about one encounter. The root of a visit-facts YAML or JSON file."""

    schema_version: int = Field(default=SCHEMA_VERSION, strict=True, description="Version of this schema the file follows")
    claim: Claim
    claimant: Claimant
    case_manager: CaseManager
    encounter: Encounter
    call: Call | None = None
    participants: list[Participant] = Field(default_factory=list)
    providers: list[Provider] = Field(default_factory=list)
    subjective: str | None = Field(default=None, description="The worker's own account: symptoms, pain, function")
    objective: list[Text] = Field(default_factory=list, description="Findings, each with its source")
    assessment: str | None = Field(default=None, description="The case manager's assessment (SOAP/DAP)")
    discussion: list[Text] = Field(default_factory=list, description="What each party reported or agreed")
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    treatment_plan: list[Text] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    work_status: WorkStatus | None = None
    mmi: MMI | None = None
    next_appointment: Appointment | None = None
    referrals: list[Referral] = Field(default_factory=list)
    barriers: list[Barrier] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    actions: list[Text] = Field(default_factory=list, description="What the case manager did")
    follow_up: list[Task] = Field(default_factory=list)
    communication: list[Text] = Field(default_factory=list, description="Who was told the results, when, how")
    time_spent: TimeSpent | None = None
    # schema 2
    appointments: list[Appointment] = Field(
        default_factory=list, description="Other scheduled appointments: surgery, therapy start, IME, FCE"
    )
    return_to_work: ReturnToWork | None = None
    recommendations: list[Text] = Field(default_factory=list, description="The case manager's recommendations")
    decisions_requested: list[DecisionRequest] = Field(default_factory=list)
    closure: Closure | None = None

    @model_validator(mode="before")
    @classmethod
    def _none_written_as_a_word(cls, data: object) -> object:
        """`barriers: none` (or "n/a", "nothing") is the case manager saying there are none: an explicit empty
        list, which templates and reports may state ("No barriers were identified"), unlike a key left out."""
        return none_as_empty_lists(cls, data)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in SUPPORTED_VERSIONS:
            *first, last = map(str, SUPPORTED_VERSIONS)
            raise ValueError(f"this noteassist reads schema_version {', '.join(first)} or {last}")
        return value

    @model_validator(mode="after")
    def _calls_have_a_party(self) -> VisitFacts:
        if self.encounter.note_type is NoteType.telephonic and self.call is None:
            raise ValueError("a telephonic note needs 'call' (direction, party, outcome)")
        return self

    @property
    def note_type(self) -> str:
        return self.encounter.note_type.value

    def header(self) -> dict[str, str | None]:
        """The claim header every note and export carries (domain guide 1.0), as display strings.

        The same keys are written as a drafted note's front matter, so a note
        edited by hand still exports with its header.
        """
        claim, adjuster = self.claim, self.claim.adjuster
        return {
            "note_type": self.note_type,
            "claim_number": claim.claim_number,
            "claimant": self.claimant.name,
            "date_of_birth": self.claimant.date_of_birth.isoformat() if self.claimant.date_of_birth else None,
            "date_of_injury": claim.date_of_injury.isoformat(),
            "date_of_service": self.encounter.date.isoformat(),
            "employer": claim.employer,
            "jurisdiction": claim.jurisdiction,
            "carrier": claim.carrier or claim.tpa,
            "adjuster": adjuster.name if adjuster else None,
            "case_manager": ", ".join(p for p in (self.case_manager.name, self.case_manager.credentials) if p),
        }

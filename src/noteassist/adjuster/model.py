"""The adjuster update report as data: what `assemble_report` returns and a template renders.

Plain frozen-ish dataclasses, so a Jinja template reads attributes (`report.work_status.status`)
and a test compares values. Dates are `datetime.date`; hours are `Decimal` tenths (0.1 h steps),
so totals add up exactly. Enum-valued facts (work status, UR status, MMI status) are kept as
their string values ("modified-duty", "non-certified"), which the templates' `enum_text`
filter turns into words. Every derived entry names the contact it came from (`source`, the file
name, and `as_of`, the contact date), so a reader can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Literal

from ..facts.models import CaseManager, Claim, Claimant

ReportKind = Literal["progress", "closure"]

#: Activities of the time log, in display order.
ACTIVITIES = ("face_to_face", "telephonic", "travel", "wait", "documentation")
#: Column headings for the time log.
ACTIVITY_WORDS = {"face_to_face": "Face-to-face", "telephonic": "Telephonic", "travel": "Travel", "wait": "Wait",
                  "documentation": "Documentation"}
#: A contact's note type in words, for the time log and the clinical status.
NOTE_TYPE_WORDS = {
    "physician-visit": "physician visit", "telephonic": "telephone call", "initial-assessment": "initial assessment",
    "soap": "SOAP note", "dap": "DAP note", "birp": "BIRP note", None: "note",
}


@dataclass
class ContactEntry:
    """One row of the contact log."""

    date: date
    time: time | None
    note_type: str | None  # None: a note file that does not say what kind of contact it was
    modality: str | None
    party: str | None
    purpose: str | None
    source: str  # file name
    from_facts: bool  # False: known only from note text, no facts read from it
    title: str | None = None  # a note file's first heading, for a contact known only from its text


@dataclass
class WorkStatusEntry:
    status: str  # full-duty | modified-duty | off-work
    effective: date | None
    expires: date | None
    restrictions: list[str]
    set_by: str | None
    modified_duty_available: bool | None
    as_of: date
    source: str
    changed: bool = False  # differs from the status before it (in the period, or the last one before it)
    previous: str | None = None  # the status before it, when `changed`
    first: bool = False  # no status is recorded before it: neither a change nor "no change"


@dataclass
class Restriction:
    text: str
    effective: date | None
    expires: date | None
    set_by: str | None


@dataclass
class ReturnToWorkForecast:
    modified_duty_target: date | None
    full_duty_target: date | None
    returned_on: date | None
    basis: str | None
    as_of: date
    source: str


@dataclass
class DiagnosisEntry:
    description: str
    icd10: str | None
    per: str | None
    first_documented: date


@dataclass
class TherapyCount:
    service: str
    used: int | None
    authorized: int | None
    reference: str | None
    as_of: date

    @property
    def remaining(self) -> int | None:
        return None if self.used is None or self.authorized is None else max(self.authorized - self.used, 0)


@dataclass
class Treatment:
    visits: list[ContactEntry]  # physician visits in the period
    plan: list[str]  # treatment plan items stated in the period, latest contact first-seen order
    therapy: list[TherapyCount]  # therapy visits used against authorized, latest per service
    medications: list[str]  # current medications as display strings


@dataclass
class ClinicalEntry:
    """What one contact of the period says about the worker's clinical picture, or a procedure dated in it.

    Every line keeps the source its facts give: `reported` is the worker's own account (`subjective`),
    `findings` are the contact's `objective` items as written (each names its own source), `discussed` are
    clinical points of the contact's `discussion` (each names its speaker). `heading` names the contact
    and its party, never a provider the facts do not name.
    """

    date: date
    heading: str  # "physician visit with Alan Lee, MD, orthopedic surgery"
    source: str
    reported: str | None = None
    reported_by: str | None = None  # the worker, by name
    findings: list[str] = field(default_factory=list)
    discussed: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)  # done in the period, as the contact records them
    therapy: list[TherapyCount] = field(default_factory=list)  # visits used of authorized, as this contact states
    diagnosis_changes: list[str] = field(default_factory=list)  # "New diagnosis: ...", as sentences without a period
    scheduled_by: str | None = None  # a procedure known only from an appointment: the contact that set it, in words
    scheduled_on: date | None = None


@dataclass
class AppointmentEntry:
    date: date | None
    time: time | None
    provider: str | None
    purpose: str | None
    prn: bool
    set_on: date
    source: str
    upcoming: bool  # after the period end; False only when no later appointment is known


@dataclass
class AuthorizationEvent:
    date: date
    status: str
    reference: str | None
    source: str


@dataclass
class AuthorizationEntry:
    """The latest UR status of one requested service, with every status seen for it up to the period end."""

    service: str
    quantity: str | None
    provider: str | None
    status: str
    reference: str | None
    requested: date | None
    decided: date | None
    appeal_deadline: date | None
    history: list[AuthorizationEvent]
    changed_in_period: bool


@dataclass
class BarrierEntry:
    description: str
    kind: str | None
    actions: list[tuple[date, str]]  # (contact date, action), oldest first
    first_noted: date
    source: str


@dataclass
class MMIEntry:
    status: str  # not-at-mmi | at-mmi | not-addressed
    anticipated_date: date | None
    date: date | None
    impairment_rating: str | None
    as_of: date
    source: str


@dataclass
class DecisionEntry:
    decision: str
    rationale: str | None
    requested_from: str
    due: date | None
    requested_on: date
    source: str
    decided: date | None = None  # for a decision made: when, and what was decided
    outcome: str | None = None


@dataclass
class TaskEntry:
    task: str
    owner: str
    due: date | None  # the current due date: the latest contact's that states the task
    set_on: date
    source: str
    earlier_due: date | None = None  # the due date an earlier contact gave, when the task was moved


@dataclass
class GoalEntry:
    goal: str
    target_date: date | None
    status: str | None  # in-progress | met | partially-met | not-met, or None when never stated
    as_of: date


@dataclass
class TimeRow:
    """One contact's time, each activity rounded up to the next tenth of an hour."""

    date: date
    contact: str  # contact type and party, for the time log table
    source: str
    hours: dict[str, Decimal]  # activity -> hours, for ACTIVITIES with time
    mileage: float | None
    estimated: bool  # True: no time_spent given; taken from the encounter's start/end or duration

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal("0.0"))


@dataclass
class TimeLog:
    rows: list[TimeRow]
    totals: dict[str, Decimal]  # activity -> hours, every activity in ACTIVITIES (0.0 when none)
    total_hours: Decimal
    mileage: float


@dataclass
class MissingElement:
    element: str  # contract element id, e.g. "next_appointment"
    reason: str  # what the data lacks, in a sentence


@dataclass
class ClosureInfo:
    date: date
    reason: str | None  # ClosureReason value, e.g. "rtw-full-duty"
    reason_text: str | None  # the reason in words
    final_work_status: WorkStatusEntry | None
    outcome: str | None
    goals: list[GoalEntry]
    notified: list[str]
    services: dict[str, int]  # contact type -> count, over the period
    outstanding: list[str]  # open authorizations, pending appointments, open decisions


@dataclass
class Report:
    """Everything an update (or closure) report says, ready for a template.

    Ordered as the domain guide's report table (1.4): header facts, `executive_summary`,
    medical status (`clinical` per visit, `diagnoses`, `treatment`, `upcoming_appointments`), `work_status` and
    `work_status_history`, `mmi`, `barriers`, `authorizations`, `recommendations` and
    `decisions_needed`, `plan`, `contacts`, `time_log`. `missing` and `contradictions` are
    for the case manager before it is sent.
    """

    kind: ReportKind
    claim: Claim
    claimant: Claimant
    case_manager: CaseManager
    recipients: list[str]
    period_start: date
    period_end: date
    report_date: date
    report_number: int
    next_report_due: date | None  # None for a closure report
    cadence_days: int
    claim_label: str  # where the claim came from (its folder), for messages
    executive_summary: list[str]
    contacts: list[ContactEntry]  # in the period, by date then time
    work_status: WorkStatusEntry | None  # current as of the period end (may predate the period)
    work_status_history: list[WorkStatusEntry]  # in the period; `changed` flags a change
    restrictions: list[Restriction]  # of the current work status
    return_to_work: ReturnToWorkForecast | None
    diagnoses: list[DiagnosisEntry]
    treatment: Treatment
    upcoming_appointments: list[AppointmentEntry]
    authorizations: list[AuthorizationEntry]
    barriers: list[BarrierEntry]
    mmi: MMIEntry | None
    goals: list[GoalEntry]
    recommendations: list[str]
    decisions_needed: list[DecisionEntry]
    plan: list[TaskEntry]
    time_log: TimeLog
    missing: list[MissingElement]
    contradictions: list[str]
    closure: ClosureInfo | None = None
    changes: list[str] = field(default_factory=list)  # what changed in the period, one sentence each
    clinical: list[ClinicalEntry] = field(default_factory=list)  # per contact of the period, by date
    #: Lists a contact in the period wrote down as explicitly empty (`barriers: []`), by field name: only then
    #: may the report say "none" ("No barriers identified"); an absent key says nothing.
    stated_none: frozenset[str] = frozenset()
    decisions_made: list[DecisionEntry] = field(default_factory=list)  # requests decided in the period

    @property
    def is_empty(self) -> bool:
        """No contacts in the period: the report says so instead of inventing activity."""
        return not self.contacts

    @property
    def empty_notice(self) -> str | None:
        if self.contacts:
            return None
        return "No contacts in the period; the statuses below are the latest known before it."

    @property
    def note_type(self) -> str:
        """The lint audience / contract note type of this report."""
        return "closure-report" if self.kind == "closure" else "progress-report"

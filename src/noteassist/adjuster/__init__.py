"""Adjuster update and closure reports: read a claim, assemble the report for a period.

    claim = load_claim(FolderClaimSource("examples/claims/WC-2231-0457"))  # or just the path
    report = assemble_report(claim, date(2026, 11, 1), date(2026, 11, 30), kind="progress")

A claim comes from a `ClaimSource` (source.py): anything with a `label` for messages,
`claim_record() -> ClaimRecord` and `contacts() -> list[Contact]`, each raising a ReportError with
one line per problem. `FolderClaimSource(path)` reads a claim folder (claim.py); `load_claim(source)`
collects every problem of both, checks each contact's claim number and returns `ClaimData(label,
record, contacts)`, contacts by date, then time, then name. `Contact.name` is how the report cites
a contact (its file name); `Contact.label` is where error messages say it came from.

`assemble_report(claim, start, end, kind="progress"|"closure", today=None) -> Report`. The
`Report` (report/model.py, plain dataclasses) is what the report templates render, in the domain
guide's section order (1.4):

- header: `kind`, `note_type` ("progress-report"/"closure-report", the lint audience), `claim`,
  `claimant`, `case_manager` (the facts models), `recipients` (display strings), `period_start`,
  `period_end`, `report_date`, `report_number`, `next_report_due` (None for closure), `cadence_days`;
- `executive_summary`: 3-6 sentences, bottom line first (work status and RTW forecast, changes,
  decisions needed, what happens next); `changes`: what changed in the period, one sentence each;
- medical: `clinical` [ClinicalEntry, one per contact of the period with clinical facts, by date: what
  the worker reported, findings, procedures, therapy visits, diagnosis changes; a procedure dated in
  the period that only an appointment records is an entry of its own], `diagnoses` [DiagnosisEntry], `treatment` (Treatment: `visits`, `plan`, `therapy`
  [TherapyCount used/authorized/remaining], `medications`), `upcoming_appointments` [AppointmentEntry];
- work: `work_status` (current WorkStatusEntry), `work_status_history` (period, `changed` and
  `previous` flag a change), `restrictions` [Restriction], `return_to_work` (ReturnToWorkForecast);
- `mmi` (MMIEntry), `barriers` [BarrierEntry with dated `actions`], `authorizations`
  [AuthorizationEntry: latest `status`, `reference`, `history` of AuthorizationEvent];
  `assemble.ur_phrase(entry)` words a UR status ("certified on appeal on November 9, 2026 (reference X)");
- `recommendations` [str], `decisions_needed` [DecisionEntry], `decisions_made` [DecisionEntry with
  `decided` and `outcome`: requests a contact of the period records as decided], `goals` [GoalEntry],
  `plan` [TaskEntry]
  (one line per open task: repeats merged, a task done by a later contact dropped, and a task to send
  this very report left out);
- `stated_none`: the lists a contact of the period recorded as explicitly empty (`barriers: []`); the
  templates say "none" only for those, and say nothing false about the rest;
- `contacts` [ContactEntry] for the contact log; `is_empty` / `empty_notice` when there are none;
- `time_log` (TimeLog: `rows` [TimeRow with `hours` per activity and `total`], `totals` per
  activity in ACTIVITIES order, `total_hours`, `mileage`), all Decimal hours in 0.1 steps;
- `closure` (ClosureInfo, closure kind only): date, reason and `reason_text`, final work status,
  outcome, goals, parties notified, services by contact type, outstanding items;
- for the case manager before sending: `missing` [MissingElement(element, reason)] with the
  contract's element ids, and `contradictions` [str], one plain sentence per conflict.

Status values are the schema's strings ("modified-duty", "non-certified"); `assemble.WORK_STATUS_WORDS`
and `CLOSURE_WORDS` give the words. Assembly is pure data work (no spaCy, no templates).
`synthetic_claim(tmp_path, contacts=200, months=12)` writes a benchmark claim folder. document.py
renders a report to Markdown (`render_report`) and to DOCX bytes (`report_docx`).
"""

from .assemble import assemble_report
from .claim import ClaimRecord, Contact, FolderClaimSource, PreviousReport, Recipient
from .model import (
    ACTIVITIES,
    ACTIVITY_WORDS,
    AppointmentEntry,
    AuthorizationEntry,
    AuthorizationEvent,
    BarrierEntry,
    ClinicalEntry,
    ClosureInfo,
    ContactEntry,
    DecisionEntry,
    DiagnosisEntry,
    GoalEntry,
    MissingElement,
    MMIEntry,
    Report,
    ReportKind,
    Restriction,
    ReturnToWorkForecast,
    TaskEntry,
    TherapyCount,
    TimeLog,
    TimeRow,
    Treatment,
    WorkStatusEntry,
)
from .source import ClaimData, ClaimSource, load_claim
from .synthetic import synthetic_claim

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_WORDS",
    "AppointmentEntry",
    "AuthorizationEntry",
    "AuthorizationEvent",
    "BarrierEntry",
    "ClaimData",
    "ClaimRecord",
    "ClaimSource",
    "ClinicalEntry",
    "ClosureInfo",
    "Contact",
    "ContactEntry",
    "DecisionEntry",
    "DiagnosisEntry",
    "FolderClaimSource",
    "GoalEntry",
    "MMIEntry",
    "MissingElement",
    "PreviousReport",
    "Recipient",
    "Report",
    "ReportKind",
    "Restriction",
    "ReturnToWorkForecast",
    "TaskEntry",
    "TherapyCount",
    "TimeLog",
    "TimeRow",
    "Treatment",
    "WorkStatusEntry",
    "assemble_report",
    "load_claim",
    "synthetic_claim",
]

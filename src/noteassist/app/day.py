"""The day at a glance: what a case manager has to do today, from the claims they may read.

    day = day_at_a_glance(session, actor, today=date.today(), now=utcnow(), warn_hours=24, error_hours=72)

Five lists, each item with the claim it belongs to and where the work is done:

- **due_tasks**: follow-up tasks of the claim's contacts that are not done and are due today or earlier
  (the adjuster report's rules decide which tasks are the same task and whether it is done: a later
  contact repeating it with `done: true` closes it, a moved due date counts; adjuster/plan.py).
- **unsigned_contacts**: contacts (and quick captures) with no signed note yet, with the hours since the
  contact; `level` is "error" from `error_hours`, "warning" from `warn_hours`, else None.
- **open_drafts**: drafts not signed (a case manager's own; a supervisor sees everyone's).
- **reports_due**: the next update report per claim, due the claim's cadence after the last one (the claim
  record's previous report, or the newest report made here, as the audit trail has it; else the referral
  date, else the claim's creation), listed when it is due within `report_window_days` or overdue.
- **authorizations**: services whose latest utilization-review status is pending (requested, pending,
  delayed, appealed) or non-certified and not appealed (awaiting appeal, with its deadline); the report's
  own rules decide the latest status (adjuster/assemble.py).

Roles as in caseload.list_claims: a case manager's caseload only; a supervisor every claim; admins and
auditors Forbidden. One audit event ("day.read"), ids only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..adjuster.assemble import assemble_report
from ..adjuster.claim import ClaimRecord, facts_contact
from ..adjuster.plan import open_tasks
from ..adjuster.source import ClaimData
from ..errors import NoteassistError
from ..notetypes import NOTE_TYPES
from ..storage.models import AuditEvent, Claim, Contact, Draft, Note, User, utcnow
from . import audit
from .caseload import claim_record, contact_facts, list_claims

__all__ = ["DayView", "day_at_a_glance"]

PENDING_UR = ("requested", "pending", "delayed", "appealed")
DENIED_UR = ("non-certified", "partially-certified")


@dataclass(frozen=True)
class ClaimRef:
    id: int
    number: str
    claimant: str


@dataclass(frozen=True)
class DueTask:
    claim: ClaimRef
    contact_id: int
    task: str
    owner: str
    due: date
    overdue: bool
    set_on: date


@dataclass(frozen=True)
class UnsignedContact:
    claim: ClaimRef
    contact_id: int | None  # None: a quick capture not yet completed into a contact
    draft_id: int | None  # the open draft of this contact, if one was started
    contact_at: datetime
    label: str  # the note type's title ("Telephonic Contact"), or "quick capture"
    hours: float
    level: str | None  # "error", "warning" or None


@dataclass(frozen=True)
class OpenDraft:
    claim: ClaimRef
    draft_id: int
    template: str | None
    version: int
    started: datetime
    author_id: int
    quick_capture: bool


@dataclass(frozen=True)
class ReportDue:
    claim: ClaimRef
    due: date
    period_start: date
    overdue: bool
    last_report: date | None


@dataclass(frozen=True)
class PendingAuthorization:
    claim: ClaimRef
    service: str
    status: str
    reference: str | None
    requested: date | None
    appeal_deadline: date | None
    awaiting_appeal: bool
    overdue: bool  # an appeal deadline that has passed


@dataclass
class DayView:
    today: date
    due_tasks: list[DueTask] = field(default_factory=list)
    unsigned_contacts: list[UnsignedContact] = field(default_factory=list)
    open_drafts: list[OpenDraft] = field(default_factory=list)
    reports_due: list[ReportDue] = field(default_factory=list)
    authorizations: list[PendingAuthorization] = field(default_factory=list)
    #: Claims whose stored contacts could not be read as a report reads them (named by id, never by content).
    unreadable_claims: list[int] = field(default_factory=list)


def day_at_a_glance(session: Session, actor: User, *, today: date | None = None, now: datetime | None = None,
                    warn_hours: float = 24, error_hours: float = 72, report_window_days: int = 7) -> DayView:
    today = today or date.today()
    now = now or utcnow()
    claims = list_claims(session, actor)  # the role check, and exactly the claims the actor may read
    view = DayView(today)
    if not claims:
        audit.record(session, actor.id, "day.read", "user", actor.id)
        return view
    ids = [c.id for c in claims]
    contacts = defaultdict(list)
    for row in session.scalars(select(Contact).where(Contact.claim_id.in_(ids))
                               .order_by(Contact.contact_at, Contact.id)):
        contacts[row.claim_id].append(row)
    drafts = defaultdict(list)
    for row in session.scalars(select(Draft).where(Draft.claim_id.in_(ids)).order_by(Draft.id)):
        drafts[row.claim_id].append(row)
    noted_contacts = set(session.scalars(select(Note.contact_id).where(Note.claim_id.in_(ids),
                                                                       Note.contact_id.is_not(None))))
    reports_made = dict(session.execute(
        select(AuditEvent.entity_id, func.max(AuditEvent.at))
        .where(AuditEvent.action == "claim.report", AuditEvent.entity == "claim",
               AuditEvent.entity_id.in_([str(i) for i in ids]))
        .group_by(AuditEvent.entity_id)).all())
    for claim in claims:
        ref = ClaimRef(claim.id, claim.claim_number, claim.claimant_name)
        try:
            record = claim_record(claim)
            history = [facts_contact(contact_facts(c), f"contact {c.id}", f"claim {claim.id}, contact {c.id}")
                       for c in contacts[claim.id]]
        except (NoteassistError, ValueError):
            view.unreadable_claims.append(claim.id)
            continue
        view.due_tasks += _due_tasks(ref, history, today)
        view.unsigned_contacts += _unsigned(ref, contacts[claim.id], drafts[claim.id], noted_contacts, now,
                                            warn_hours, error_hours)
        view.open_drafts += [_open_draft(ref, d) for d in drafts[claim.id]
                             if d.status == "open" and (actor.role != "case_manager" or d.created_by == actor.id)]
        made = reports_made.get(str(claim.id))
        report = _report_due(ref, record, claim, made.replace(tzinfo=UTC) if made else None, today)
        if report is not None and report.due <= today + timedelta(days=report_window_days):
            view.reports_due.append(report)
        view.authorizations += _authorizations(ref, record, history, today)
    # Today's first, then the overdue ones, the most recently due first (the oldest are likeliest stale).
    view.due_tasks.sort(key=lambda t: (t.overdue, -t.due.toordinal(), t.claim.id))
    view.unsigned_contacts.sort(key=lambda u: -u.hours)
    view.open_drafts.sort(key=lambda d: d.started)
    view.reports_due.sort(key=lambda r: r.due)
    view.authorizations.sort(key=lambda a: (not a.overdue, a.appeal_deadline or date.max, a.claim.id))
    audit.record(session, actor.id, "day.read", "user", actor.id)
    return view


def _due_tasks(ref: ClaimRef, history, today: date) -> list[DueTask]:
    # open_tasks answers for a report period; with an empty period (start after end) it keeps every task not
    # done that has a due date, merged across contacts, and leaves none out as "the report itself".
    tasks = open_tasks(history, date.max, date.min, date.min)
    return [DueTask(ref, int(t.source.removeprefix("contact ")), t.task, t.owner, t.due, t.due < today, t.set_on)
            for t in tasks if t.due is not None and t.due <= today]


def _unsigned(ref: ClaimRef, contacts: list[Contact], drafts: list[Draft], noted: set[int], now: datetime,
              warn_hours: float, error_hours: float) -> list[UnsignedContact]:
    open_by_contact = {d.contact_id: d.id for d in drafts if d.status == "open" and d.contact_id is not None}
    items = []
    waiting = [(c.contact_at, c.id, open_by_contact.get(c.id), _type_label(c.note_type)) for c in contacts
               if c.id not in noted]
    # A quick capture is a contact too, until its note is signed (its draft then is "signed").
    waiting += [(d.contact_at, None, d.id, "quick capture") for d in drafts
                if d.contact_id is None and d.contact_at is not None and d.status == "open"]
    for contact_at, contact_id, draft_id, label in waiting:
        hours = max(0.0, (now - contact_at).total_seconds() / 3600)
        level = "error" if hours >= error_hours else "warning" if hours >= warn_hours else None
        items.append(UnsignedContact(ref, contact_id, draft_id, contact_at, label, hours, level))
    return items


def _type_label(note_type: str) -> str:
    """"telephonic" -> "Telephonic Contact": the note type's title without the word "Note"."""
    known = NOTE_TYPES.get(note_type)
    return known.title.removesuffix(" Note") if known else note_type.replace("-", " ")


def _open_draft(ref: ClaimRef, draft: Draft) -> OpenDraft:
    return OpenDraft(ref, draft.id, draft.template, draft.current_version, draft.created_at, draft.created_by,
                     draft.contact_id is None and draft.capture is not None)


def _report_due(ref: ClaimRef, record: ClaimRecord, claim: Claim, made: datetime | None, today: date
                ) -> ReportDue | None:
    if record.closure is not None:
        return None  # a closed claim has no update reports due
    last = record.previous_report.date if record.previous_report else None
    if made is not None:
        made_on = made.astimezone().date()
        last = max(last, made_on) if last else made_on
    start = last or record.referral_date or claim.created_at.astimezone().date()
    due = start + timedelta(days=record.report_cadence_days)
    return ReportDue(ref, due, start + timedelta(days=1) if last else start, due < today, last)


def _authorizations(ref: ClaimRef, record: ClaimRecord, history, today: date) -> list[PendingAuthorization]:
    if not any(c.facts.referrals for c in history):
        return []
    try:
        report = assemble_report(ClaimData(f"claim {ref.id}", record, sorted(history, key=lambda c: c.sort_key)),
                                 today, today, today=today)
    except NoteassistError:
        return []
    found = []
    for a in report.authorizations:
        if a.status not in PENDING_UR + DENIED_UR:
            continue
        awaiting = a.status in DENIED_UR
        found.append(PendingAuthorization(ref, a.service, a.status, a.reference, a.requested, a.appeal_deadline,
                                          awaiting, bool(awaiting and a.appeal_deadline and a.appeal_deadline < today)))
    return found

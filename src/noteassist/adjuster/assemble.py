"""Turn a claim (`ClaimData`) and a period into a `Report`: the facts an adjuster needs, from its contacts.

Rules, so a reader can predict what the report says:

- **Period**: a contact belongs to it when `start <= contact date <= end`. Statuses that carry
  over (work status, MMI, diagnoses, goals, appointments, authorizations) are taken from every
  contact up to `end`, so a quiet month still reports where things stand.
- **Latest statement wins**: the current work status, MMI status, goal status and UR status of
  a service are those of the latest contact (by date, then time) that states them.
- **Conflicts are reported, never resolved**: two work statuses effective the same day, an
  appointment dated before the contact that set it (a past procedure a contact reports in its
  `appointments` is a record, not a conflict), a UR decision dated before its request, an
  MMI status that goes back from at-MMI, a contact before the date of injury, a date of injury
  or birth that differs from claim.yaml, one reference number for two services. Each becomes a
  plain sentence in `Report.contradictions` naming the files; a conflict is listed when at
  least one contact in it falls in the period.
- **Nothing is invented**: a contact known only from note text appears in the contact log and
  nowhere else; an element the data does not supply is named in `Report.missing`.
- **Time log**: each activity of each contact in tenths of an hour, rounded up (1-6 minutes =
  0.1 h); a contact without `time_spent` uses its encounter's start/end or duration, filed under
  face-to-face (in person), telephonic (phone, video) or documentation (written, record review).
- **Report number**: the previous report's number plus the cadences elapsed since it (at least
  one); without one, the cadences elapsed since the referral date (at least 1); else 1. The next
  report is due `cadence` days after the period end (none for a closure report).
- **Plan**: tasks not marked `done` (by their own contact or a later one repeating the task)
  that are due after the period end, or have no due date and were set in the period; repeats merged
  and a task to send this report left out (plan.py).
- **Clinical status**: per contact of the period, what the worker reported, findings, procedures,
  therapy visits, diagnosis changes (clinical.py).
- **"None" only when recorded**: the report says there are no barriers, decisions or tasks only when
  a contact of the period wrote that list down empty (`barriers: []`, `Report.stated_none`); a list
  no contact mentions is simply not reported (and named in `Report.missing` when the contract needs it).

Assembly reads only the parsed facts: no spaCy, no template, so it is fast on a 200-contact claim.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..errors import ReportError
from ..facts.models import VisitFacts
from .claim import Contact
from .clinical import clinical_status, is_procedure
from .model import (
    ACTIVITIES,
    NOTE_TYPE_WORDS,
    AppointmentEntry,
    AuthorizationEntry,
    AuthorizationEvent,
    BarrierEntry,
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
    TherapyCount,
    TimeLog,
    TimeRow,
    Treatment,
    WorkStatusEntry,
)
from .plan import open_tasks
from .source import ClaimData

WORK_STATUS_WORDS = {"full-duty": "full duty", "modified-duty": "modified duty", "off-work": "off work"}
OPEN_UR = ("requested", "pending", "appealed", "delayed", "non-certified", "partially-certified")
CLOSURE_WORDS = {
    "goals-met": "case management goals met",
    "rtw-full-duty": "returned to work at full duty",
    "rtw-modified-duty-permanent-restrictions": "returned to modified duty with permanent restrictions",
    "mmi-reached": "maximum medical improvement (MMI) reached",
    "claim-settled": "claim settled or closed",
    "services-declined": "services declined or consent withdrawn",
    "unable-to-contact": "unable to contact the worker after documented attempts",
    "referral-period-expired": "referral period expired",
    "referral-withdrawn": "referral withdrawn by the payer",
    "transferred": "transferred to another case manager or vocational rehabilitation",
    "attorney-request": "closed at an attorney's request",
    "death": "death of the worker",
}
#: Contract element ids (CONTRACT.md "Note types and their required elements").
REQUIRED = {
    "progress": ("report_period", "work_status", "treatment_plan", "next_appointment", "barriers", "recommendations"),
    "closure": ("closure_date", "closure_reason", "work_status", "outcome"),
}


def assemble_report(folder: ClaimData, start: date, end: date, kind: ReportKind = "progress",
                    today: date | None = None) -> Report:
    """The report for `folder` over `start`..`end` (both included). Raises ReportError on a bad period or kind."""
    if kind not in REQUIRED:
        raise ReportError(f"--kind: expected progress or closure, got {kind!r}")
    if end < start:
        raise ReportError(f"report period: 'from' {start.isoformat()} is after 'to' {end.isoformat()}")
    if kind != "closure" and end > date.max - timedelta(days=folder.record.report_cadence_days):
        # The next report's due date (`end` + cadence) would be past the calendar's last day.
        raise ReportError(f"report period: 'to' {end.isoformat()} is too far in the future; the next report "
                          f"would be due after {date.max.isoformat()}")
    ctx = _Context(folder, start, end)
    record = folder.record
    current, history = _work_status(ctx)
    next_due = None if kind == "closure" else end + timedelta(days=record.report_cadence_days)
    report = Report(
        kind=kind,
        claim=record.claim,
        claimant=record.claimant,
        case_manager=record.case_manager,
        recipients=[", ".join(x for x in (r.name, r.role, r.organization) if x) for r in record.report_recipients],
        period_start=start,
        period_end=end,
        report_date=today or date.today(),
        report_number=_report_number(folder, end),
        next_report_due=next_due,
        cadence_days=record.report_cadence_days,
        claim_label=folder.label,
        executive_summary=[],
        contacts=[_contact_entry(c) for c in ctx.period],
        work_status=current,
        work_status_history=history,
        restrictions=[Restriction(r, current.effective, current.expires, current.set_by)
                      for r in current.restrictions] if current else [],
        return_to_work=_return_to_work(ctx),
        diagnoses=_diagnoses(ctx),
        treatment=_treatment(ctx),
        upcoming_appointments=_appointments(ctx),
        authorizations=_authorizations(ctx),
        barriers=_barriers(ctx),
        mmi=_mmi(ctx),
        goals=_goals(ctx),
        recommendations=_unique(item for c in ctx.period_facts for item in c.facts.recommendations),
        decisions_needed=_decisions(ctx),
        plan=open_tasks(ctx.history_facts, start, end, next_due),
        time_log=_time_log(ctx),
        missing=[],
        contradictions=_contradictions(ctx),
        clinical=clinical_status(ctx.history_facts, start, end, record.claimant.name),
        stated_none=_stated_none(ctx),
        decisions_made=_decisions_made(ctx),
    )
    report.changes = _changes(report)
    if kind == "closure":
        report.closure = _closure(ctx, report)
    report.missing = _missing(report)
    report.executive_summary = _summary(report)
    return report


@dataclass
class _Context:
    folder: ClaimData
    start: date
    end: date

    def __post_init__(self) -> None:
        self.history = [c for c in self.folder.contacts if c.date <= self.end]
        self.period = [c for c in self.history if c.date >= self.start]
        self.history_facts = [c for c in self.history if c.facts is not None]
        self.period_facts = [c for c in self.period if c.facts is not None]

    def in_period(self, contact: Contact) -> bool:
        return self.start <= contact.date <= self.end


# --- Contact log ------------------------------------------------------------------------------


def _contact_entry(c: Contact) -> ContactEntry:
    facts = c.facts
    purpose = c.purpose
    if facts and not purpose:
        purpose = facts.encounter.visit_type and f"{facts.encounter.visit_type} visit"
    return ContactEntry(date=c.date, time=c.start_time, note_type=c.note_type,
                        modality=facts.encounter.modality.value if facts else None,
                        party=c.party, purpose=purpose, source=c.name, from_facts=facts is not None,
                        title=c.title)


# --- Work status ------------------------------------------------------------------------------


def _ws_entry(c: Contact) -> WorkStatusEntry:
    ws = c.facts.work_status
    return WorkStatusEntry(status=ws.status.value, effective=ws.effective, expires=ws.expires,
                           restrictions=list(ws.restrictions), set_by=ws.set_by,
                           modified_duty_available=ws.modified_duty_available, as_of=c.date, source=c.name)


def _same_status(a: WorkStatusEntry, b: WorkStatusEntry) -> bool:
    return (a.status, a.effective, a.expires, a.restrictions) == (b.status, b.effective, b.expires, b.restrictions)


def _work_status(ctx: _Context) -> tuple[WorkStatusEntry | None, list[WorkStatusEntry]]:
    entries = [(c, _ws_entry(c)) for c in ctx.history_facts if c.facts.work_status]
    current = entries[-1][1] if entries else None
    before = [e for c, e in entries if not ctx.in_period(c)]
    previous = before[-1] if before else None
    history: list[WorkStatusEntry] = []
    for c, entry in entries:
        if not ctx.in_period(c):
            continue
        if previous is not None and _same_status(previous, entry):
            continue  # the same status restated: not a new line in the history
        entry.first = previous is None
        entry.changed = previous is not None and previous.status != entry.status
        entry.previous = previous.status if entry.changed else None
        history.append(entry)
        previous = entry
    return current, history


def _return_to_work(ctx: _Context) -> ReturnToWorkForecast | None:
    for c in reversed(ctx.history_facts):
        if r := c.facts.return_to_work:
            return ReturnToWorkForecast(r.modified_duty_target, r.full_duty_target, r.returned_on, r.basis,
                                        c.date, c.name)
    return None


# --- Medical status ---------------------------------------------------------------------------


def _diagnoses(ctx: _Context) -> list[DiagnosisEntry]:
    found: dict[str, DiagnosisEntry] = {}
    for c in ctx.history_facts:
        for d in c.facts.diagnoses:
            key = (d.icd10 or d.description).casefold()
            old = found.get(key)
            first = old.first_documented if old else c.date
            # latest wording, first date; who documented it stays known when a later contact omits it
            found[key] = DiagnosisEntry(d.description, d.icd10, d.per or (old.per if old else None), first)
    return list(found.values())


def _treatment(ctx: _Context) -> Treatment:
    visits = [_contact_entry(c) for c in ctx.period if c.note_type == "physician-visit"]
    plan = _unique(item for c in ctx.period_facts for item in c.facts.treatment_plan)
    therapy: dict[str, TherapyCount] = {}
    for c in ctx.history_facts:
        for r in c.facts.referrals:
            if r.visits_authorized is None and r.visits_used is None:
                continue
            key = r.service.casefold()
            old = therapy.get(key)
            therapy[key] = TherapyCount(
                service=r.service,
                used=r.visits_used if r.visits_used is not None else (old.used if old else None),
                authorized=r.visits_authorized if r.visits_authorized is not None else (old.authorized if old else None),
                reference=r.reference or (old.reference if old else None),
                as_of=c.date,
            )
    shown = [t for t in therapy.values() if t.as_of >= ctx.start or (t.remaining or 0) > 0]
    meds: dict[str, str] = {}
    for c in ctx.history_facts:
        for m in c.facts.medications:
            text = " ".join(x for x in (m.name, m.dose, m.route, m.frequency) if x)
            if m.change and m.change.strip().lower() in ("stopped", "discontinued"):
                meds.pop(m.name.casefold(), None)
            else:
                meds[m.name.casefold()] = text + (f", prescribed by {m.prescriber}" if m.prescriber else "")
    return Treatment(visits=visits, plan=plan, therapy=shown, medications=list(meds.values()))


def _appointments(ctx: _Context) -> list[AppointmentEntry]:
    found: dict[tuple, AppointmentEntry] = {}
    for c in ctx.history_facts:
        stated = ([c.facts.next_appointment] if c.facts.next_appointment else []) + list(c.facts.appointments)
        for a in stated:
            if a.date is None and not ctx.in_period(c):
                continue  # a PRN return from an earlier period is no longer news
            key = (a.date, (a.provider or "").casefold(), a.time)
            found[key] = AppointmentEntry(a.date, a.time, a.provider, a.purpose, a.prn, c.date, c.name,
                                          upcoming=a.date is None or a.date > ctx.end)
    upcoming = sorted((a for a in found.values() if a.upcoming), key=lambda a: (a.date or date.max, a.time or datetime.min.time()))
    if upcoming:
        return upcoming
    dated = [a for a in found.values() if a.date]
    return [max(dated, key=lambda a: (a.date, a.set_on))] if dated else []


# --- Authorizations / UR ----------------------------------------------------------------------


def _authorizations(ctx: _Context) -> list[AuthorizationEntry]:
    found: dict[str, AuthorizationEntry] = {}
    for c in ctx.history_facts:
        for r in c.facts.referrals:
            key = r.service.casefold()
            when = _event_date(r, c.date)
            event = AuthorizationEvent(when, r.status.value, r.reference, c.name)
            old = found.get(key)
            history = (old.history if old else [])
            last = history[-1] if history else None
            # a status restated by a later contact is the same event, not a new one
            if last is None or (last.status, last.reference or r.reference) != (event.status, r.reference or last.reference):
                history = [*history, event]
            found[key] = AuthorizationEntry(
                service=r.service,
                quantity=r.quantity or (old.quantity if old else None),
                provider=r.provider or (old.provider if old else None),
                status=r.status.value,
                reference=r.reference or (old.reference if old else None),
                requested=r.requested or (old.requested if old else None),
                decided=r.decided if r.decided else (old.decided if old and r.status.value == old.status else None),
                appeal_deadline=r.appeal_deadline or (old.appeal_deadline if old else None),
                history=history,
                changed_in_period=(old.changed_in_period if old else False)
                or (ctx.in_period(c) and (old is None or old.status != r.status.value)),
            )
    return [a for a in found.values() if a.changed_in_period or a.status in OPEN_UR]


def _event_date(r, contact_date: date) -> date:
    """When this status happened: the decision, the appeal or the request date, else the contact's."""
    status = r.status.value
    if status == "requested":
        return r.requested or contact_date
    if status == "pending":
        return contact_date  # pending as of this contact
    if status == "appealed":
        return r.appealed or contact_date
    return r.decided or contact_date


# --- Barriers, MMI, goals, decisions, plan ----------------------------------------------------


def _barriers(ctx: _Context) -> list[BarrierEntry]:
    found: dict[str, BarrierEntry] = {}
    for c in ctx.period_facts:
        for b in c.facts.barriers:
            key = b.description.casefold().rstrip(".")
            entry = found.setdefault(key, BarrierEntry(b.description, b.kind, [], c.date, c.name))
            entry.kind = entry.kind or b.kind
            if b.action and not any(a == b.action for _, a in entry.actions):
                entry.actions.append((c.date, b.action))
    return list(found.values())


def _mmi(ctx: _Context) -> MMIEntry | None:
    """The latest MMI status stated; "not-addressed" only when no contact states anything else, so the
    report says the provider has not addressed MMI only when a contact recorded that."""
    unaddressed = None
    for c in reversed(ctx.history_facts):
        if (m := c.facts.mmi) and m.status.value != "not-addressed":
            return MMIEntry(m.status.value, m.anticipated_date, m.date, m.impairment_rating, c.date, c.name)
        if m and unaddressed is None:
            unaddressed = MMIEntry(m.status.value, None, None, None, c.date, c.name)
    return unaddressed


#: Lists a contact may write down empty to say "none" (`barriers: []`).
NONE_FIELDS = ("barriers", "decisions_requested", "recommendations")


def _stated_none(ctx: _Context) -> frozenset[str]:
    """The lists some contact of the period wrote down explicitly empty (a key present in the file, with no
    items); pydantic's `model_fields_set` tells `barriers: []` from a file that never mentions barriers."""
    return frozenset(name for name in NONE_FIELDS for c in ctx.period_facts
                     if name in c.facts.model_fields_set and not getattr(c.facts, name))


def _goals(ctx: _Context) -> list[GoalEntry]:
    found: dict[str, GoalEntry] = {}
    for c in ctx.history_facts:
        for g in c.facts.goals:
            key = g.goal.casefold().rstrip(".")
            old = found.get(key)
            found[key] = GoalEntry(g.goal, g.target_date or (old.target_date if old else None),
                                   g.status.value if g.status else (old.status if old else None), c.date)
    return list(found.values())


def _decisions(ctx: _Context) -> list[DecisionEntry]:
    found: dict[str, DecisionEntry | None] = {}
    for c in ctx.history_facts:
        for d in c.facts.decisions_requested:
            key = d.decision.casefold().rstrip(".")
            if d.decided is not None:
                found[key] = None  # decided: no longer needed, even if an earlier contact asked for it
            elif ctx.in_period(c):
                found[key] = DecisionEntry(d.decision, d.rationale, d.requested_from, d.due, c.date, c.name)
    return [d for d in found.values() if d is not None]


def _decisions_made(ctx: _Context) -> list[DecisionEntry]:
    """Requests a contact of the period records as decided (the latest record of each), so the report keeps
    what the adjuster answered as well as what is still asked."""
    found: dict[str, DecisionEntry] = {}
    for c in ctx.period_facts:
        for d in c.facts.decisions_requested:
            if d.decided is not None:
                found[d.decision.casefold().rstrip(".")] = DecisionEntry(
                    d.decision, d.rationale, d.requested_from, d.due, c.date, c.name, d.decided, d.outcome)
    return list(found.values())


# --- Time log ---------------------------------------------------------------------------------


def _tenths(minutes: float) -> Decimal:
    return Decimal(math.ceil(minutes / 6)) / 10


def _time_log(ctx: _Context) -> TimeLog:
    rows: list[TimeRow] = []
    for c in ctx.period_facts:
        minutes, estimated, mileage = _minutes(c.facts)
        if not minutes and not mileage:
            continue
        label = NOTE_TYPE_WORDS.get(c.note_type, c.note_type) + (f", {c.party.split(',')[0]}" if c.party else "")
        rows.append(TimeRow(c.date, label, c.name,
                            {k: _tenths(v) for k, v in minutes.items() if v}, mileage, estimated))
    totals = {a: sum((r.hours.get(a, Decimal("0.0")) for r in rows), Decimal("0.0")) for a in ACTIVITIES}
    return TimeLog(rows, totals, sum(totals.values(), Decimal("0.0")), sum(r.mileage or 0.0 for r in rows))


def _minutes(facts: VisitFacts) -> tuple[dict[str, int], bool, float | None]:
    t = facts.time_spent
    if t is not None and t.total_minutes:
        return {a: getattr(t, a) or 0 for a in ACTIVITIES}, False, t.mileage
    enc = facts.encounter
    length = enc.duration_minutes
    if length is None and enc.start_time and enc.end_time:
        length = (datetime.combine(enc.date, enc.end_time) - datetime.combine(enc.date, enc.start_time)).seconds // 60
    mileage = t.mileage if t else None
    if not length:
        return {}, False, mileage
    activity = {"in-person": "face_to_face", "telephonic": "telephonic", "video": "telephonic"}.get(
        enc.modality.value, "documentation")
    return {activity: length}, True, mileage


# --- Conflicts --------------------------------------------------------------------------------


def _contradictions(ctx: _Context) -> list[str]:
    found: list[str] = []
    claim = ctx.folder.record
    by_day: dict[date, list[tuple[Contact, str]]] = {}
    for c in ctx.history_facts:
        f = c.facts
        here = ctx.in_period(c)
        if ws := f.work_status:
            by_day.setdefault(ws.effective or c.date, []).append((c, ws.status.value))
        if not here:
            continue
        for a in ([f.next_appointment] if f.next_appointment else []) + list(f.appointments):
            if a is not f.next_appointment and is_procedure(a.purpose):
                continue  # a past procedure the contact reports (the clinical status lists it), not a slip
            if a.date and a.date < c.date:
                found.append(f"{c.name}: the appointment{_with(a.provider)} is dated {_d(a.date)}, before the "
                             f"{NOTE_TYPE_WORDS.get(c.note_type, 'contact')} of {_d(c.date)} that set it.")
        for r in f.referrals:
            if r.requested and r.decided and r.decided < r.requested:
                found.append(f"{c.name}: the UR decision on {r.service} is dated {_d(r.decided)}, before its "
                             f"request on {_d(r.requested)}.")
        if c.date < claim.claim.date_of_injury:
            found.append(f"{c.name}: the contact date {_d(c.date)} is before the date of injury "
                         f"{_d(claim.claim.date_of_injury)}.")
        if f.claim.date_of_injury != claim.claim.date_of_injury:
            found.append(f"{c.name}: the date of injury is {_d(f.claim.date_of_injury)}; claim.yaml says "
                         f"{_d(claim.claim.date_of_injury)}.")
        dob, known = f.claimant.date_of_birth, claim.claimant.date_of_birth
        if dob and known and dob != known:
            found.append(f"{c.name}: the date of birth differs from claim.yaml.")
        if (m := f.mmi) and m.status.value == "at-mmi" and m.date and m.date < claim.claim.date_of_injury:
            found.append(f"{c.name}: the MMI date {_d(m.date)} is before the date of injury.")
    for day, stated in sorted(by_day.items()):
        statuses = {s for _, s in stated}
        if len(statuses) > 1 and any(ctx.in_period(c) for c, _ in stated):
            said = "; ".join(f"{c.name} ({_d(c.date)}) says {WORK_STATUS_WORDS[s]}" for c, s in stated)
            found.append(f"Two different work statuses are effective {_d(day)}: {said}.")
    found.extend(_ur_conflicts(ctx))
    found.extend(_mmi_conflicts(ctx))
    return found


def _ur_conflicts(ctx: _Context) -> list[str]:
    found: list[str] = []
    requested: dict[str, tuple[date, Contact]] = {}
    services_by_ref: dict[str, dict[str, tuple[str, Contact]]] = {}
    for c in ctx.history_facts:
        for r in c.facts.referrals:
            key = r.service.casefold()
            if r.requested and key not in requested:
                requested[key] = (r.requested, c)
            if r.reference:
                services_by_ref.setdefault(r.reference, {}).setdefault(key, (r.service, c))
    for c in ctx.period_facts:
        for r in c.facts.referrals:
            first = requested.get(r.service.casefold())
            if r.decided and first and r.decided < first[0] and first[1] is not c:
                found.append(f"{c.name}: the UR decision on {r.service} is dated {_d(r.decided)}, before the "
                             f"request on {_d(first[0])} recorded in {first[1].name}.")
    for ref, services in services_by_ref.items():
        if len(services) > 1 and any(ctx.in_period(c) for _, c in services.values()):
            names = "; ".join(f"{service} in {c.name}" for service, c in services.values())
            found.append(f"Reference {ref} is given for different services: {names}.")
    return found


def _mmi_conflicts(ctx: _Context) -> list[str]:
    found: list[str] = []
    at: Contact | None = None
    for c in ctx.history_facts:
        m = c.facts.mmi
        if m is None:
            continue
        if m.status.value == "at-mmi":
            at = at or c
        elif m.status.value == "not-at-mmi" and at is not None and (ctx.in_period(c) or ctx.in_period(at)):
            found.append(f"{c.name} ({_d(c.date)}) says not at MMI after {at.name} ({_d(at.date)}) "
                         "placed the worker at MMI.")
    return found


# --- Changes, closure, missing elements, summary ----------------------------------------------


def _procedures(report: Report) -> list[str]:
    """Procedures a contact of the period reports done (not those only scheduled), as the contact words them."""
    return [p.rstrip(".") for e in report.clinical for p in e.procedures]


def _changes(report: Report) -> list[str]:
    changes: list[str] = [f"Procedure: {_cap(p)}." for p in _procedures(report)]
    for e in report.work_status_history:
        if e.changed:
            changes.append(f"Work status changed from {WORK_STATUS_WORDS[e.previous]} to {WORK_STATUS_WORDS[e.status]}"
                           f"{_effective(e)}{_per(e.set_by)}.")
    for a in report.authorizations:
        if a.changed_in_period:
            changes.append(f"{_cap(a.service)}: {ur_phrase(a)}.")
    new_dx = [d for d in report.diagnoses if report.period_start <= d.first_documented <= report.period_end]
    if new_dx and report.diagnoses and len(new_dx) < len(report.diagnoses):
        changes.extend(f"New diagnosis: {d.description}{_per(d.per)}." for d in new_dx)
    if (m := report.mmi) and report.period_start <= m.as_of and m.status == "at-mmi":
        changes.append(f"Maximum medical improvement (MMI) reached{f' on {_d(m.date)}' if m.date else ''}.")
    return changes


def ur_phrase(a: AuthorizationEntry, reference: bool = True) -> str:
    """The UR status of one service as a phrase: 'certified on appeal on November 9, 2026 (reference X)'."""
    last = a.history[-1].date if a.history else None
    on = {
        "requested": a.requested, "pending": a.requested, "appealed": last,
    }.get(a.status, a.decided)
    words = {
        "requested": "requested", "pending": "pending utilization review", "certified": "certified",
        "partially-certified": "partially certified", "non-certified": "non-certified", "appealed": "appealed",
        "delayed": "decision delayed", "overturned": "certified on appeal", "upheld": "non-certification upheld on appeal",
    }[a.status]
    when = (", requested on " if a.status == "pending" else " on ") + _d(on) if on else ""
    return words + when + (f" (reference {a.reference})" if a.reference and reference else "")


def _closure(ctx: _Context, report: Report) -> ClosureInfo:
    closure = next((c.facts.closure for c in reversed(ctx.history_facts) if c.facts.closure), None)
    closure = closure or ctx.folder.record.closure
    reason = closure.reason.value if closure else None
    outstanding = [f"{_cap(a.service)}: {ur_phrase(a)}" for a in report.authorizations if a.status in OPEN_UR]
    outstanding += [f"Appointment{_with(a.provider)} on {_d(a.date)}" for a in report.upcoming_appointments
                    if a.upcoming and a.date]
    outstanding += [f"Decision needed from the {d.requested_from}: {d.decision}" for d in report.decisions_needed]
    services: dict[str, int] = {}
    for c in report.contacts:
        name = NOTE_TYPE_WORDS.get(c.note_type, c.note_type)
        services[name] = services.get(name, 0) + 1
    return ClosureInfo(
        date=(closure.date if closure and closure.date else ctx.end),
        reason=reason,
        reason_text=CLOSURE_WORDS.get(reason) if reason else None,
        final_work_status=report.work_status,
        outcome=closure.outcome if closure else None,
        goals=report.goals,
        notified=list(closure.notified) if closure else [],
        services=services,
        outstanding=outstanding,
    )


def _missing(report: Report) -> list[MissingElement]:
    t = report.treatment
    why = {
        "work_status": None if report.work_status else "no contact up to the period end states a work status",
        "treatment_plan": None if (t.plan or t.visits or t.therapy) else "no treatment plan, visit or therapy in the period",
        "next_appointment": None if any(a.upcoming for a in report.upcoming_appointments)
        else "no appointment after the period end is recorded",
        "barriers": None if report.barriers or "barriers" in report.stated_none
        else "no barriers were recorded in the period",
        "recommendations": None if (report.recommendations or report.decisions_needed or report.decisions_made
                                    or report.stated_none & {"recommendations", "decisions_requested"})
        else "no recommendations or decisions requested in the period",
    }
    if report.closure is not None:
        c = report.closure
        why["closure_reason"] = None if c.reason else "no closure reason in claim.yaml or in a contact"
        why["outcome"] = None if (c.outcome or any(g.status for g in c.goals)) else \
            "no closure outcome and no goal status (met, partially met, not met)"
    return [MissingElement(e, why[e]) for e in REQUIRED[report.kind] if why.get(e)]


def _summary(report: Report) -> list[str]:
    bullets: list[str] = []
    who = report.claimant.name
    if report.is_empty:
        bullets.append(f"No contacts in the period {_d(report.period_start)} to {_d(report.period_end)}.")
    if report.kind == "closure" and report.closure:
        c = report.closure
        bullets.append(f"Case management closed on {_d(c.date)}"
                       + (f": {c.reason_text}." if c.reason_text else "; the closure reason is not recorded."))
    ws = report.work_status
    if ws:
        verb = "has been" if ws.effective and ws.effective <= report.period_end else "is"
        line = f"{who} {verb} {'on ' if ws.status != 'off-work' else ''}{WORK_STATUS_WORDS[ws.status]}"
        if ws.effective:
            line += f" since {_d(ws.effective)}" if verb == "has been" else f" from {_d(ws.effective)}"
        line += f"{_per(ws.set_by)}"
        if ws.status == "modified-duty" and ws.restrictions:
            line += f", with {len(ws.restrictions)} restriction{'s' if len(ws.restrictions) > 1 else ''}"
        bullets.append(line + "." + _forecast(report))
    else:
        bullets.append(f"The work status of {who} is not documented." + _forecast(report))
    if report.kind == "progress":
        if short := _short_changes(report):
            # one short sentence per change keeps the summary readable for a non-clinical reader
            bullets.append(" ".join([f"Changes this period: {short[0]}."] + [f"{_cap(x)}." for x in short[1:]]))
        elif unchanged := _unchanged(report):
            bullets.append(unchanged)
    if report.decisions_needed:
        asks = [f"Decision needed from the {d.requested_from}{f' by {_d(d.due)}' if d.due else ''}: "
                f"{d.decision.rstrip('.')}." for d in report.decisions_needed[:2]]
        if (more := len(report.decisions_needed) - 2) > 0:
            asks.append(f"{more} more decision{'s are' if more > 1 else ' is'} listed under Recommendations.")
        bullets.append(" ".join(asks))
    elif report.kind == "progress" and "decisions_requested" in report.stated_none:
        bullets.append("No decisions are needed from the adjuster at this time.")
    if report.kind == "closure" and report.closure:
        bullets.extend(_closure_bullets(report.closure))
    if report.kind == "closure":
        return bullets[:6]
    nxt = [a for a in report.upcoming_appointments if a.upcoming and a.date]
    # One short sentence per item: the adjuster reads these first, and the linter holds report sentences
    # to 25 words.
    parts = [f"{_capital(a.purpose or 'appointment')} on {_d(a.date)}" + (f" ({a.provider})" if a.provider else "")
             + "." for a in nxt[:2]]
    if parts:
        bullets.append("Next: " + " ".join(parts) + f" Next report due {_d(report.next_report_due)}.")
    else:
        bullets.append(f"No appointment after {_d(report.period_end)} is recorded; "
                       f"next report due {_d(report.next_report_due)}.")
    return bullets[:6]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _closure_bullets(c: ClosureInfo) -> list[str]:
    met = [g for g in c.goals if g.status]
    if c.outcome:
        outcome = f"Outcome: {c.outcome.rstrip('.')}."
    elif met:
        outcome = f"Goals: {sum(g.status == 'met' for g in met)} of {len(c.goals)} met."
    else:
        outcome = "The outcome against the goals is not recorded."
    bullets = [outcome]
    if c.services:
        bullets.append("Services this period: " + ", ".join(f"{n} {kind}{'s' if n > 1 else ''}"
                                                             for kind, n in c.services.items()) + ".")
    if c.outstanding:
        bullets.append("Outstanding at closure: " + "; ".join(c.outstanding[:3]) + ".")
    else:
        bullets.append("No open authorization, appointment or decision is recorded at closure.")
    return bullets


def _unchanged(report: Report) -> str | None:
    """'No change' only for what a contact of the period restated: silence is not a statement that nothing
    changed."""
    said = []
    if report.work_status and report.period_start <= report.work_status.as_of:
        said.append("work status")
    if report.authorizations and any(report.period_start <= e.date for a in report.authorizations for e in a.history):
        said.append("authorizations")
    return f"No change in {' or '.join(said)} this period." if said else None


def _short_changes(report: Report) -> list[str]:
    """What changed, in a few words each, for the summary (the full sentences are `Report.changes`)."""
    # a procedure first: a surgery in the period is the news an adjuster must not miss
    short = [_cap(p) for p in _procedures(report)[:1]]
    short += [f"work status from {WORK_STATUS_WORDS[e.previous]} to {WORK_STATUS_WORDS[e.status]}{_effective(e)}"
              for e in report.work_status_history if e.changed]
    short += [f"{a.service}: {ur_phrase(a, reference=False)}" for a in report.authorizations if a.changed_in_period]
    if (m := report.mmi) and report.period_start <= m.as_of and m.status == "at-mmi":
        short.append("maximum medical improvement (MMI) reached")
    return short[:3]


def _forecast(report: Report) -> str:
    r = report.return_to_work
    if not r:
        return ""
    status = report.work_status.status if report.work_status else None
    text = ""
    if r.returned_on and status in ("modified-duty", "full-duty") and r.returned_on != report.work_status.effective:
        text += f" Returned to work on {_d(r.returned_on)}."
    parts = []
    if r.modified_duty_target and status in (None, "off-work"):
        parts.append(f"modified duty by {_d(r.modified_duty_target)}")
    if r.full_duty_target and status != "full-duty":
        parts.append(f"full duty by {_d(r.full_duty_target)}")
    if parts:
        text += f" Expected return to {' and '.join(parts)}{_per(r.basis)}."
    return text


# --- Report number ----------------------------------------------------------------------------


def _report_number(folder: ClaimData, end: date) -> int:
    record = folder.record
    cadence = record.report_cadence_days
    prev = record.previous_report
    if prev and end > prev.date:
        return prev.number + max(1, _cadences(end - prev.date, cadence))
    if record.referral_date and end >= record.referral_date:
        return max(1, _cadences(end - record.referral_date, cadence))
    return 1


def _cadences(span: timedelta, cadence: int) -> int:
    # Round to the nearest cadence: a 31-day month is one 30-day report, not two.
    return int(math.floor(span.days / cadence + 0.5))


# --- Small helpers ----------------------------------------------------------------------------


def _d(day: date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else "an unknown date"


def _per(who: str | None) -> str:
    if not who:
        return ""
    return f", {who}" if who.lower().startswith("per ") else f", per {who}"


def _with(provider: str | None) -> str:
    return f" with {provider}" if provider else ""


def _effective(e: WorkStatusEntry) -> str:
    return f" effective {_d(e.effective)}" if e.effective else f" on {_d(e.as_of)}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold().rstrip("."), item)
    return list(seen.values())



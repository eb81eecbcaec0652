"""The caseload use cases: claims and their assignment, contacts, drafts, signed notes, addenda.

Every function takes a Session and the acting User, checks the actor's role, writes exactly one audit
event (reads too) and commits nothing: the caller's `with session.begin():` commits the change and
its event together, or neither.

Roles (storage.models.ROLES):
- case_manager: the claims assigned to them, read and write; another's claim is NotFound, so its
  existence is not disclosed. Only a draft's author signs it.
- supervisor (also QA reviewer): reads every claim, contact, draft and note, creates claims, assigns
  them, and annotates any note with an addendum; writes no contact or draft, so signs nothing.
- admin, auditor: no access to case content (Forbidden).

Versions: a draft's every save is a new DraftVersion numbered one more than the last. A save names the
version it edits; if that is no longer the newest, it is a Conflict carrying the current version —
never a silent last-write-wins. The check is a conditional UPDATE, so it holds across processes and hosts.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..adjuster.claim import ClaimRecord, facts_contact
from ..adjuster.claim import Contact as ReportContact
from ..facts.load import (  # the same field paths and wording as `draft`
    _expected,
    _field_path,
)
from ..facts.models import VisitFacts
from ..storage.models import (
    Addendum,
    CaseloadAssignment,
    Claim,
    Contact,
    Draft,
    DraftVersion,
    Note,
    User,
    utcnow,
)
from . import audit
from .errors import Conflict, Forbidden, Invalid, NotFound

__all__ = [
    "DatabaseClaimSource",
    "add_addendum",
    "add_contact",
    "assign",
    "claim_contacts_facts",
    "claim_record",
    "contact_facts",
    "create_claim",
    "create_draft",
    "get_claim",
    "get_contact",
    "get_draft",
    "get_note",
    "insert_unique",
    "list_claims",
    "list_contacts",
    "list_draft_versions",
    "list_drafts",
    "list_notes",
    "save_draft",
    "sha256_text",
    "sign_draft",
    "storable",
    "valid_id",
]

READERS = ("case_manager", "supervisor")
#: Who may have a caseload: a claim is assigned to them.
ASSIGNABLE = ("case_manager", "supervisor")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: The largest id or version number the tables hold (32-bit INTEGER on PostgreSQL).
MAX_ID = 2**31 - 1


def valid_id(value: Any) -> bool:
    """An id a table can hold: asking for one outside the column's range is a miss, not a database error."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _get(session: Session, model, key: Any, entity: str, shown: Any = None):
    keys = key if isinstance(key, tuple) else (key,)
    found = session.get(model, key) if all(valid_id(k) for k in keys) else None
    if found is None:
        raise NotFound(entity, key if shown is None else shown)
    return found


def insert_unique(session: Session, row) -> bool:
    """Insert `row`; False when a unique key is taken by a transaction that committed after our check
    (two requests creating the same claim number at once), leaving the transaction usable."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


# --- access -------------------------------------------------------------------------------------------

def _is_assigned(session: Session, claim_id: int, user_id: int) -> bool:
    return session.get(CaseloadAssignment, (claim_id, user_id)) is not None


def _readable_claim(session: Session, actor: User, claim_id: int, entity: str = "claim",
                    entity_id: object = None) -> Claim:
    """The claim, if the actor may read it; NotFound naming `entity` when it is another's caseload."""
    if actor.role not in READERS:
        raise Forbidden(f"a {actor.role} does not read case content")
    shown = claim_id if entity_id is None else entity_id
    claim = _get(session, Claim, claim_id, entity, shown)
    if actor.role == "case_manager" and not _is_assigned(session, claim.id, actor.id):
        raise NotFound(entity, shown)
    return claim


def _writable_claim(session: Session, actor: User, claim_id: int, entity: str = "claim",
                    entity_id: object = None) -> Claim:
    claim = _readable_claim(session, actor, claim_id, entity, entity_id)
    if actor.role != "case_manager":
        raise Forbidden("only the claim's case manager records contacts and drafts")
    return claim


def _draft(session: Session, actor: User, draft_id: int, write: bool = False) -> Draft:
    draft = _get(session, Draft, draft_id, "draft")
    (_writable_claim if write else _readable_claim)(session, actor, draft.claim_id, "draft", draft_id)
    return draft


def _note(session: Session, actor: User, note_id: int) -> Note:
    note = _get(session, Note, note_id, "note")
    _readable_claim(session, actor, note.claim_id, "note", note_id)
    return note


def _text(field: str, value: Any, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(field, "expected non-empty text")
    if limit is not None and len(value) > limit:
        raise Invalid(field, f"expected at most {limit} characters")
    return storable(field, value)


def storable(field: str, value: Any) -> Any:
    """`value`, if every string in it can be stored as given on both backends: PostgreSQL refuses NUL
    characters in text, and neither database can encode a lone UTF-16 surrogate (a JSON "backslash-u d800" escape)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(field, "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(field, "contains a lone surrogate, not a character") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(f"{field}.{key}", key)
            storable(f"{field}.{key}", item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            storable(f"{field}[{index}]", item)
    return value


# --- claims --------------------------------------------------------------------------------------------

def claim_record(claim: Claim) -> ClaimRecord:
    """The claim's stored record (claim.yaml's model)."""
    return ClaimRecord.model_validate(claim.data)


def _validated_record(claim_number: str, claimant_name: str, data: dict | None) -> dict:
    if not isinstance(data, dict):
        raise Invalid("data", "expected an object: the claim record (claim, claimant, case_manager, ...)")
    record = {**data}
    claim = record.get("claim")
    claimant = record.get("claimant")
    # The number and name may be given once, beside the record, rather than repeated inside it.
    if isinstance(claim, dict) and "claim_number" not in claim:
        record["claim"] = {**claim, "claim_number": claim_number}
    if isinstance(claimant, dict) and "name" not in claimant:
        record["claimant"] = {**claimant, "name": claimant_name}
    try:
        validated = ClaimRecord.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise Invalid(f"data.{_field_path(err['loc'])}", _expected(err)) from None
    if validated.claim.claim_number != claim_number:
        raise Invalid("data.claim.claim_number", "differs from claim_number")
    if validated.claimant.name != claimant_name:
        raise Invalid("data.claimant.name", "differs from claimant_name")
    return validated.model_dump(mode="json")


def create_claim(session: Session, actor: User, claim_number: str, claimant_name: str, data: dict,
                 assigned_to: list[str] | tuple[str, ...] = ()) -> Claim:
    """A new claim from its record (claim.yaml's fields), assigned to `assigned_to` (usernames); a case
    manager's own claims are assigned to them."""
    if actor.role not in ("case_manager", "supervisor"):
        raise Forbidden("only case managers and supervisors create claims")
    claim_number = _text("claim_number", claim_number, 100).strip()
    claimant_name = _text("claimant_name", claimant_name, 200).strip()
    stored = storable("data", _validated_record(claim_number, claimant_name, data))
    if session.scalar(select(Claim.id).where(Claim.claim_number == claim_number)) is not None:
        raise Invalid("claim_number", "a claim with this number already exists")
    users = _assignees(session, assigned_to)
    if actor.role == "case_manager" and all(u.id != actor.id for u in users):
        users.append(actor)
    claim = Claim(claim_number=claim_number, claimant_name=claimant_name, data=stored, created_by=actor.id)
    if not insert_unique(session, claim):
        raise Invalid("claim_number", "a claim with this number already exists")
    session.add_all(CaseloadAssignment(claim_id=claim.id, user_id=u.id) for u in users)
    session.flush()
    session.refresh(claim)
    audit.record(session, actor.id, "claim.create", "claim", claim.id)
    return claim


def _assignees(session: Session, usernames) -> list[User]:
    users: list[User] = []
    for index, username in enumerate(usernames):
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise Invalid(f"assigned_to[{index}]", "no such active user")
        if user.role not in ASSIGNABLE:
            raise Invalid(f"assigned_to[{index}]", f"a {user.role} carries no caseload")
        if all(u.id != user.id for u in users):
            users.append(user)
    return users


def list_claims(session: Session, actor: User) -> list[Claim]:
    if actor.role not in READERS:
        raise Forbidden(f"a {actor.role} does not read case content")
    query = select(Claim).order_by(Claim.id)
    if actor.role == "case_manager":
        query = query.join(CaseloadAssignment).where(CaseloadAssignment.user_id == actor.id)
    claims = list(session.scalars(query))
    audit.record(session, actor.id, "claim.list", "claim", None)
    return claims


def get_claim(session: Session, actor: User, claim_id: int) -> Claim:
    claim = _readable_claim(session, actor, claim_id)
    audit.record(session, actor.id, "claim.read", "claim", claim.id)
    return claim


def assign(session: Session, actor: User, claim_id: int, username: str) -> Claim:
    """Put the claim on `username`'s caseload (supervisors). Assigning twice changes nothing."""
    if actor.role != "supervisor":
        raise Forbidden("only a supervisor assigns claims")
    claim = _readable_claim(session, actor, claim_id)
    (user,) = _assignees(session, [username])
    # A concurrent assignment of the same person is the same outcome, not an error.
    if not _is_assigned(session, claim.id, user.id) and insert_unique(
            session, CaseloadAssignment(claim_id=claim.id, user_id=user.id)):
        session.refresh(claim)
    audit.record(session, actor.id, "claim.assign", "claim", claim.id)
    return claim


# --- contacts -------------------------------------------------------------------------------------------

def _contact_at(facts: VisitFacts) -> datetime:
    """When the contact began: its date and start time (midnight when none), in the server's zone."""
    start = facts.encounter.start_time or time(0, 0)
    return datetime.combine(facts.encounter.date, start).astimezone().astimezone(UTC)


def contact_facts(contact: Contact) -> VisitFacts:
    """A stored contact's visit facts, as the schema reads them."""
    return VisitFacts.model_validate(contact.facts)


def add_contact(session: Session, actor: User, claim_id: int, facts: VisitFacts) -> Contact:
    claim = _writable_claim(session, actor, claim_id)
    if facts.claim.claim_number != claim.claim_number:
        raise Invalid("claim.claim_number", "these facts are filed under another claim's number")
    stored = storable("facts", facts.model_dump(mode="json"))
    contact = Contact(claim_id=claim.id, facts=stored, schema_version=facts.schema_version,
                      note_type=facts.note_type, contact_at=_contact_at(facts), created_by=actor.id)
    session.add(contact)
    session.flush()
    audit.record(session, actor.id, "contact.create", "contact", contact.id)
    return contact


def list_contacts(session: Session, actor: User, claim_id: int) -> list[Contact]:
    claim = _readable_claim(session, actor, claim_id)
    contacts = list(session.scalars(select(Contact).where(Contact.claim_id == claim.id)
                                    .order_by(Contact.contact_at, Contact.id)))
    audit.record(session, actor.id, "contact.list", "claim", claim.id)
    return contacts


def get_contact(session: Session, actor: User, contact_id: int) -> Contact:
    contact = _get(session, Contact, contact_id, "contact")
    _readable_claim(session, actor, contact.claim_id, "contact", contact_id)
    audit.record(session, actor.id, "contact.read", "contact", contact.id)
    return contact


# --- drafts ----------------------------------------------------------------------------------------------

def create_draft(session: Session, actor: User, claim_id: int, contact_id: int | None, text: str,
                 provenance: list | None = None, template: str | None = None) -> DraftVersion:
    """A new draft on the claim (optionally of one of its contacts); returns its version 1."""
    claim = _writable_claim(session, actor, claim_id)
    _text("text", text)
    storable("provenance", provenance)
    if template is not None:
        _text("template", template, 200)
    if contact_id is not None and _get(session, Contact, contact_id, "contact").claim_id != claim.id:
        raise NotFound("contact", contact_id)
    draft = Draft(claim_id=claim.id, contact_id=contact_id, template=template, current_version=1, status="open",
                  created_by=actor.id)
    session.add(draft)
    session.flush()
    version = DraftVersion(draft_id=draft.id, version=1, text=text, provenance=provenance, saved_by=actor.id)
    session.add(version)
    session.flush()
    audit.record(session, actor.id, "draft.create", "draft", draft.id)
    return version


def save_draft(session: Session, actor: User, draft_id: int, base_version: int, text: str,
               provenance: list | None = None) -> DraftVersion:
    """Save `text` as the version after `base_version`; Conflict(current_version) when that is stale.

    Without `provenance`, the new version's is carried forward from `base_version`'s (render.carry_forward):
    sentences left as they were keep their fields, new or changed ones have none and are `edited`."""
    if not valid_id(base_version) or base_version == MAX_ID:
        raise Invalid("base_version", "expected the version number this save edits (1 or more)")
    _text("text", text)
    storable("provenance", provenance)
    draft = _draft(session, actor, draft_id, write=True)
    # Compare and set in one statement: of two concurrent saves of version N, exactly one moves it to N+1.
    moved = session.execute(
        update(Draft).where(Draft.id == draft.id, Draft.current_version == base_version, Draft.status == "open")
        .values(current_version=base_version + 1).execution_options(synchronize_session=False))
    session.refresh(draft)
    if moved.rowcount != 1:
        if draft.status != "open":
            raise Conflict("the draft is signed; change its note with an addendum", draft.current_version)
        raise Conflict(f"version {base_version} is not the current version {draft.current_version}",
                       draft.current_version)
    if provenance is None:
        provenance = _carried_provenance(session, draft.id, base_version, text)
    version = DraftVersion(draft_id=draft.id, version=base_version + 1, text=text, provenance=provenance,
                           saved_by=actor.id)
    session.add(version)
    session.flush()
    audit.record(session, actor.id, "draft.save", "draft", draft.id)
    return version


def _carried_provenance(session: Session, draft_id: int, base_version: int, text: str) -> list | None:
    """The provenance of `text` from the version it edits; None when that one has none (a draft the client
    wrote: no facts ever vouched for a sentence of it)."""
    from ..render.provenance import carry_forward

    previous = session.get(DraftVersion, (draft_id, base_version))
    if previous is None or previous.provenance is None:
        return None
    return [s.as_json() for s in carry_forward(previous.provenance, text)]


def get_draft(session: Session, actor: User, draft_id: int, version: int | None = None
              ) -> tuple[Draft, DraftVersion]:
    """The draft and one of its versions (default: the newest)."""
    draft = _draft(session, actor, draft_id)
    number = draft.current_version if version is None else version
    found = _get(session, DraftVersion, (draft.id, number), "draft version", f"{draft_id}/{version}")
    audit.record(session, actor.id, "draft.read", "draft", draft.id)
    return draft, found


def list_draft_versions(session: Session, actor: User, draft_id: int) -> list[DraftVersion]:
    draft = _draft(session, actor, draft_id)
    versions = list(session.scalars(select(DraftVersion).where(DraftVersion.draft_id == draft.id)
                                    .order_by(DraftVersion.version)))
    audit.record(session, actor.id, "draft.versions", "draft", draft.id)
    return versions


def list_drafts(session: Session, actor: User, claim_id: int) -> list[Draft]:
    claim = _readable_claim(session, actor, claim_id)
    drafts = list(session.scalars(select(Draft).where(Draft.claim_id == claim.id).order_by(Draft.id)))
    audit.record(session, actor.id, "draft.list", "claim", claim.id)
    return drafts


# --- notes and addenda --------------------------------------------------------------------------------------

def sign_draft(session: Session, actor: User, draft_id: int, version: int, late_entry_hours: float,
               now: datetime | None = None, *, override_reason: str | None = None,
               sign_findings: list | None = None) -> Note:
    """Sign the draft's current `version`: a Note with its SHA-256, signer and time, never changed again.

    A stale `version` is a Conflict (sign what you last saw). The note is a late entry when signed more
    than `late_entry_hours` after its contact began (a stored contact's time, else the draft's own
    contact_at, a quick capture's); both times are stored. `override_reason` and `sign_findings` are
    app/signing.py's: the note is written once, so they go in with it. `now` is for tests."""
    draft = _draft(session, actor, draft_id, write=True)
    if draft.created_by != actor.id:
        raise Forbidden("only the draft's author signs it")
    if late_entry_hours < 0:
        raise Invalid("late_entry_hours", "expected 0 or more hours")
    if not valid_id(version):
        raise Invalid("version", "expected the version number being signed (1 or more)")
    moved = session.execute(
        update(Draft).where(Draft.id == draft.id, Draft.current_version == version, Draft.status == "open")
        .values(status="signed").execution_options(synchronize_session=False))
    session.refresh(draft)
    if moved.rowcount != 1:
        if draft.status != "open":
            raise Conflict("the draft is already signed", draft.current_version)
        raise Conflict(f"version {version} is not the current version {draft.current_version}",
                       draft.current_version)
    signed = session.get(DraftVersion, (draft.id, version))
    assert signed is not None
    signed_at = now or utcnow()
    contact_at = (session.get(Contact, draft.contact_id).contact_at if draft.contact_id is not None
                  else draft.contact_at)
    late = contact_at is not None and signed_at - contact_at > timedelta(hours=late_entry_hours)
    note = Note(claim_id=draft.claim_id, contact_id=draft.contact_id, draft_id=draft.id, draft_version=version,
                text=signed.text, sha256=sha256_text(signed.text), signer_id=actor.id, signed_at=signed_at,
                contact_at=contact_at, late_entry=late, sign_override_reason=override_reason,
                sign_findings=storable("sign_findings", sign_findings))
    session.add(note)
    session.flush()
    audit.record(session, actor.id, "note.sign", "note", note.id)
    return note


def get_note(session: Session, actor: User, note_id: int) -> Note:
    note = _note(session, actor, note_id)
    audit.record(session, actor.id, "note.read", "note", note.id)
    return note


def list_notes(session: Session, actor: User, claim_id: int) -> list[Note]:
    claim = _readable_claim(session, actor, claim_id)
    notes = list(session.scalars(select(Note).where(Note.claim_id == claim.id).order_by(Note.id)))
    audit.record(session, actor.id, "note.list", "claim", claim.id)
    return notes


def add_addendum(session: Session, actor: User, note_id: int, text: str, reason: str) -> Addendum:
    """A change to a signed note, with its author, time and reason; the note stays as it was signed."""
    note = _note(session, actor, note_id)
    _text("text", text)
    _text("reason", reason, 2000)
    addendum = Addendum(note_id=note.id, author_id=actor.id, reason=reason, text=text, sha256=sha256_text(text))
    session.add(addendum)
    session.flush()
    session.expire(note, ["addenda"])
    audit.record(session, actor.id, "addendum.create", "addendum", addendum.id)
    return addendum


# --- the adjuster report from stored contacts ----------------------------------------------------------------

def _report_data(session: Session, actor: User, claim_id: int) -> tuple[Claim, list[tuple[Contact, VisitFacts]]]:
    claim = _readable_claim(session, actor, claim_id)
    rows = session.scalars(select(Contact).where(Contact.claim_id == claim.id).order_by(Contact.contact_at,
                                                                                       Contact.id))
    contacts = [(row, contact_facts(row)) for row in rows]
    audit.record(session, actor.id, "claim.report", "claim", claim.id)
    return claim, contacts


def claim_contacts_facts(session: Session, actor: User, claim_id: int) -> tuple[ClaimRecord, list[VisitFacts]]:
    """The claim's record and every contact's facts, in contact order (one audited read)."""
    claim, contacts = _report_data(session, actor, claim_id)
    return claim_record(claim), [facts for _, facts in contacts]


class DatabaseClaimSource:
    """A stored claim as adjuster.source's ClaimSource, for app.report.build_report.

    The claim and its contacts are read once, when the source is made (one audited read, under the
    actor's role); `claim_record()` and `contacts()` then answer from what was read."""

    def __init__(self, session: Session, actor: User, claim_id: int) -> None:
        claim, contacts = _report_data(session, actor, claim_id)
        self.label = f"claim {claim.id}"
        self._record = claim_record(claim)
        self._contacts = [facts_contact(facts, f"contact {row.id}", f"{self.label}, contact {row.id}")
                          for row, facts in contacts]

    def claim_record(self) -> ClaimRecord:
        return self._record

    def contacts(self) -> list[ReportContact]:
        return list(self._contacts)

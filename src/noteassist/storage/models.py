"""The service's tables, as typed SQLAlchemy 2 models.

What may change and what may not: a draft gains versions (never rewritten: each save is a new
`DraftVersion` row with the next number); a signed `Note`, an `Addendum`, a `FindingDismissal` and an `AuditEvent` are written
once and never updated or deleted (the migrations add database triggers refusing it). Times are stored
in UTC and read back as aware datetimes on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["ROLES", "Addendum", "ApiToken", "AuditEvent", "Base", "CaseloadAssignment", "Claim", "Contact",
           "Draft", "DraftVersion", "FindingDismissal", "Note", "User", "WebSession", "utcnow"]

#: Who a user is to the service (INTERFACE: case manager, supervisor/QA reviewer, admin, auditor).
ROLES = ("case_manager", "supervisor", "admin", "auditor")

# Stable constraint names, so migrations can drop what they created on both backends.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A point in time, stored as naive UTC (SQLite has no zones) and returned aware, in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no known zone; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    #: argon2id in PHC format ("$argon2id$..."), or an older "scrypt$n$r$p$salt$hash"; None: tokens only.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 hex of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(100), unique=True)
    claimant_name: Mapped[str] = mapped_column(String(200))
    #: The claim's record as claim.yaml holds it (adjuster.claim.ClaimRecord), as JSON.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignments: Mapped[list[CaseloadAssignment]] = relationship(back_populates="claim", lazy="selectin")


class CaseloadAssignment(Base):
    __tablename__ = "caseload_assignments"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(lazy="joined")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    #: The visit facts as validated by facts.models.VisitFacts, dumped to JSON.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    schema_version: Mapped[int] = mapped_column(Integer)
    note_type: Mapped[str] = mapped_column(String(64))
    #: When the contact took place (its date and start time), for late-entry labels.
    contact_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    template: Mapped[str | None] = mapped_column(String(200))
    #: The newest version's number; a save must name it (optimistic concurrency).
    current_version: Mapped[int] = mapped_column(Integer)
    #: "open" while it takes saves, "signed" once a note was signed from it.
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: When the contact really took place, for a draft with no stored contact (a quick capture), so that
    #: signing it later labels a late entry from this time.
    contact_at: Mapped[datetime | None] = mapped_column()
    #: A quick capture's three fields as entered: {"who", "when", "line"}; None for other drafts.
    capture: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DraftVersion(Base):
    __tablename__ = "draft_versions"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    #: Each sentence with the visit-fact paths it came from (render.RenderedNote spans), or None.
    provenance: Mapped[list[Any] | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Note(Base):
    """A signed note: written once, never changed; later changes are addenda."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("draft_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    draft_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 hex of `text` as UTF-8.
    sha256: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column()
    contact_at: Mapped[datetime | None] = mapped_column()
    #: Signed more than the configured hours after the contact.
    late_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why the signer signed with error-level findings still open (None: there were none).
    sign_override_reason: Mapped[str | None] = mapped_column(Text)
    #: The error-level findings open when signed: [{"code", "severity", "quote"}]; None when none were.
    sign_findings: Mapped[list[Any] | None] = mapped_column(JSON)

    addenda: Mapped[list[Addendum]] = relationship(order_by="Addendum.id", lazy="selectin", viewonly=True)


class Addendum(Base):
    __tablename__ = "addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class FindingDismissal(Base):
    """A lint finding a user dismissed on a draft version, with their reason. Written once, never changed."""

    __tablename__ = "finding_dismissals"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    #: The flagged text and its character offsets in that version.
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DismissalWithdrawal(Base):
    """A dismissal taken back (undone): the finding shows again. Written once; the dismissal itself stays."""

    __tablename__ = "dismissal_withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    dismissal_id: Mapped[int] = mapped_column(ForeignKey("finding_dismissals.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, as for API tokens.
    The session is idle once `last_seen_at` is older than the configured idle minutes."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Sent back by the page with every unsafe request (header X-CSRF-Token or form field `csrf`).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """One audited action. Ids only (no note text, names or claim numbers); chained by hash."""

    __tablename__ = "audit_events"

    # Assigned by app.audit under its lock (last id + 1), not by a sequence: the id is part of the hash.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives accounts
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

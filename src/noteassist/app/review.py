"""The supervisor's review: signed notes grouped by author, each with what signing recorded (an override
reason and the error findings open then) and the findings its author dismissed on the draft, with reasons.

    authors = notes_by_author(session, supervisor, since=date(2026, 11, 1), author="alice", limit=50)

The findings of each note's text today are the linter's (app/lint.py's lint_text, the same engine the
editor and `noteassist lint` use); the caller lints `ReviewedNote.text` outside the transaction. Supervisors
only (Forbidden otherwise): a QA reviewer reads every claim. One audit event, "review.read", ids only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import Claim, Contact, FindingDismissal, Note, User
from . import audit
from .errors import Forbidden

__all__ = ["AuthorNotes", "Dismissal", "ReviewedNote", "notes_by_author"]


@dataclass(frozen=True)
class Dismissal:
    code: str
    quote: str
    reason: str
    by: str
    at: datetime
    version: int


@dataclass
class ReviewedNote:
    id: int
    claim_id: int
    claim_number: str
    draft_id: int
    signed_at: datetime
    late_entry: bool
    note_type: str | None
    text: str
    sha256: str
    override_reason: str | None
    sign_findings: list
    dismissals: list[Dismissal] = field(default_factory=list)


@dataclass
class AuthorNotes:
    username: str
    display_name: str | None
    notes: list[ReviewedNote] = field(default_factory=list)


def notes_by_author(session: Session, actor: User, *, since: date | None = None, author: str | None = None,
                    limit: int = 50) -> list[AuthorNotes]:
    """The newest `limit` notes signed on or after `since` (by `author` when given), grouped by signer."""
    if actor.role != "supervisor":
        raise Forbidden("only a supervisor reviews every author's notes")
    query = (select(Note, User, Claim.claim_number, Contact.note_type)
             .join(User, User.id == Note.signer_id).join(Claim, Claim.id == Note.claim_id)
             .outerjoin(Contact, Contact.id == Note.contact_id)
             .order_by(Note.signed_at.desc(), Note.id.desc()).limit(max(1, min(limit, 500))))
    if since is not None:
        query = query.where(Note.signed_at >= datetime.combine(since, time.min).astimezone().astimezone(UTC))
    if author:
        query = query.where(User.username == author)
    rows = session.execute(query).all()
    draft_ids = [note.draft_id for note, *_ in rows]
    dismissed = defaultdict(list)
    if draft_ids:
        from .dismissals import active  # an undone dismissal is not one the supervisor reviews

        for d, who in session.execute(active(select(FindingDismissal, User.username))
                                      .join(User, User.id == FindingDismissal.user_id)
                                      .where(FindingDismissal.draft_id.in_(draft_ids))
                                      .order_by(FindingDismissal.id)):
            dismissed[d.draft_id].append(Dismissal(d.code, d.quote, d.reason, who, d.created_at, d.version))
    grouped: dict[int, AuthorNotes] = {}
    for note, user, number, note_type in rows:
        group = grouped.setdefault(user.id, AuthorNotes(user.username, user.display_name))
        group.notes.append(ReviewedNote(note.id, note.claim_id, number, note.draft_id, note.signed_at,
                                        note.late_entry, note_type, note.text, note.sha256,
                                        note.sign_override_reason, list(note.sign_findings or []),
                                        dismissed.get(note.draft_id, [])))
    audit.record(session, actor.id, "review.read", "note", None)
    return sorted(grouped.values(), key=lambda g: g.username)

"""Dismissing a lint finding on a draft, with the reason: the case manager's word that the finding is wrong
or does not apply here. Stored insert-only (a dismissal is never edited) and audited ("finding.dismiss"), and listed so the editor
keeps the finding hidden on every later lint. Undoing one writes a withdrawal beside it ("finding.undismiss"):
the finding shows again, and the record keeps both the dismissal and its withdrawal.

A finding is identified by its rule code and its quote: the flagged text, or for a document-level finding
(a missing element, which flags no text) the element's id. Offsets are kept for the record but do not
identify it, since every edit before it moves them.

Access is caseload's: only the claim's case manager writes (dismisses) on an open draft; whoever may read
the draft (a supervisor too) may list its dismissals.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import DismissalWithdrawal, DraftVersion, FindingDismissal, User
from . import audit
from .caseload import _draft, _get, _text, storable, valid_id
from .errors import Conflict, Invalid, NotFound

__all__ = ["MAX_QUOTE", "MAX_REASON", "active", "dismiss_finding", "list_dismissals", "withdraw_dismissal"]

#: A quote is a flagged span (a word, a sentence); a reason is a sentence or two.
MAX_QUOTE = 2000
MAX_REASON = 2000
_CODE_LENGTH = 16
#: The largest offset an INTEGER column holds on both backends.
MAX_OFFSET = 2**31 - 1


def dismiss_finding(session: Session, actor: User, draft_id: int, version: int, code: str, quote: str,
                    start: int, end: int, reason: str) -> FindingDismissal:
    """Record that `actor` dismissed finding `code` quoting `quote` in `version` of the draft, for `reason`."""
    draft = _draft(session, actor, draft_id, write=True)
    if draft.status != "open":
        raise Conflict("the draft is signed; its findings can no longer be dismissed", draft.current_version)
    if not valid_id(version):
        raise Invalid("version", "expected a version number of this draft")
    _get(session, DraftVersion, (draft.id, version), "draft version", f"{draft_id}/{version}")
    code = _text("code", code, _CODE_LENGTH).strip().upper()
    reason = _text("reason", reason, MAX_REASON).strip()
    if not isinstance(quote, str) or len(quote) > MAX_QUOTE:
        raise Invalid("quote", f"expected the finding's text, at most {MAX_QUOTE} characters")
    storable("quote", quote)
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_OFFSET:
            raise Invalid(name, "expected a character offset (0 or more)")
    if end < start:
        raise Invalid("end", "must not be before start")
    dismissal = FindingDismissal(draft_id=draft.id, version=version, code=code, quote=quote, start=start, end=end,
                                 reason=reason, user_id=actor.id)
    session.add(dismissal)
    session.flush()
    audit.record(session, actor.id, "finding.dismiss", "draft", draft.id)
    return dismissal


def active(query):
    """`query` (a select of FindingDismissal) without the dismissals that were withdrawn."""
    return query.where(~FindingDismissal.id.in_(select(DismissalWithdrawal.dismissal_id)))


def list_dismissals(session: Session, actor: User, draft_id: int) -> list[FindingDismissal]:
    """Every dismissal in force on the draft (not withdrawn), oldest first."""
    draft = _draft(session, actor, draft_id)
    found = list(session.scalars(active(select(FindingDismissal).where(FindingDismissal.draft_id == draft.id))
                                 .order_by(FindingDismissal.id)))
    audit.record(session, actor.id, "finding.list", "draft", draft.id)
    return found


def withdraw_dismissal(session: Session, actor: User, draft_id: int, dismissal_id: int) -> DismissalWithdrawal:
    """Undo dismissal `dismissal_id` of the draft (its case manager, while the draft is open): the finding
    shows again and counts at signing again."""
    draft = _draft(session, actor, draft_id, write=True)
    if draft.status != "open":
        raise Conflict("the draft is signed; its dismissals can no longer be undone", draft.current_version)
    if not valid_id(dismissal_id):
        raise Invalid("dismissal_id", "expected a dismissal id of this draft")
    dismissal = session.get(FindingDismissal, dismissal_id)
    if dismissal is None or dismissal.draft_id != draft.id:
        raise NotFound("dismissal", str(dismissal_id))
    if session.scalar(select(DismissalWithdrawal.id).where(DismissalWithdrawal.dismissal_id == dismissal.id)):
        raise Conflict("this dismissal was already undone", draft.current_version)
    withdrawal = DismissalWithdrawal(dismissal_id=dismissal.id, user_id=actor.id)
    session.add(withdrawal)
    session.flush()
    audit.record(session, actor.id, "finding.undismiss", "draft", draft.id)
    return withdrawal

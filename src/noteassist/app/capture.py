"""Quick capture: a contact logged in three fields (who, when, one line), kept as a draft to complete later.

The draft has no stored contact yet; it keeps the real contact time in `Draft.contact_at`, so a note signed
from it the next day is labelled a late entry against that time (caseload.sign_draft), and the three
fields as entered in `Draft.capture`. Completing it (the contact form) records the contact and attaches it
to the same draft with `attach_contact`.

    draft = quick_capture(session, actor, claim_id, who="Dr. Lee's office", when=aware_datetime,
                          line="Left a message to confirm Tuesday's appointment.")
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from ..render.environment import clock, longdate
from ..storage.models import Draft, User, utcnow
from . import audit
from .caseload import _draft, create_draft, get_contact, storable
from .errors import Conflict, Invalid, NotFound

__all__ = ["MAX_LINE", "MAX_WHO", "attach_contact", "capture_text", "quick_capture"]

MAX_WHO = 200
MAX_LINE = 2000
#: A contact "in the future" by more than this is a typing mistake (clocks differ by a few minutes).
FUTURE_SLACK = timedelta(minutes=10)


def _field(name: str, value: str | None, limit: int, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(name, missing)
    if len(value) > limit:
        raise Invalid(name, f"expected at most {limit} characters")
    if "\n" in value or "\r" in value:
        value = " ".join(value.split())
    return storable(name, value)


def capture_text(who: str, when: datetime, line: str, time_format: str = "12h") -> str:
    """The draft's first text: the three fields as a sentence each, in the notes' own date and time style."""
    local = when.astimezone()
    sentence = line if line.endswith((".", "!", "?")) else line + "."
    return (f"Contact with {who} on {longdate(local.date())} at {clock(local.time(), time_format)} (quick capture; to be "
            f"completed).\n\n{sentence[:1].upper() + sentence[1:]}\n")


def quick_capture(session: Session, actor: User, claim_id: int, who: str | None, when: datetime | None,
                  line: str | None, *, now: datetime | None = None, time_format: str = "12h") -> Draft:
    """A new open draft on the claim holding the capture; Invalid naming `who`, `when` or `line`.

    Only the claim's case manager captures (caseload's check: another's claim is NotFound)."""
    who = _field("who", who, MAX_WHO, "say who the contact was with")
    line = _field("line", line, MAX_LINE, "write one line about the contact")
    if when is None:
        raise Invalid("when", "give the date and time of the contact")
    if when.tzinfo is None:
        raise Invalid("when", "the time has no zone")
    if when - (now or utcnow()) > FUTURE_SLACK:
        raise Invalid("when", "is in the future; give the time the contact took place")
    version = create_draft(session, actor, claim_id, None, capture_text(who, when, line, time_format))
    draft = session.get(Draft, version.draft_id)
    assert draft is not None
    draft.contact_at = when.astimezone(UTC)
    draft.capture = {"who": who, "when": when.astimezone().isoformat(timespec="minutes"), "line": line}
    session.flush()
    return draft


def attach_contact(session: Session, actor: User, draft_id: int, contact_id: int) -> Draft:
    """Make the completed contact the draft's own (a quick capture's draft, still open, same claim), so its
    signed note names the contact. The draft keeps its `contact_at`."""
    contact = get_contact(session, actor, contact_id)  # the actor's access to the contact's claim
    draft = _draft(session, actor, draft_id, write=True)  # caseload's own check of a draft, for writing
    if draft.claim_id != contact.claim_id:
        raise NotFound("contact", contact_id)
    if draft.status != "open":
        raise Conflict("the draft is signed; its contact cannot change", draft.current_version)
    if draft.contact_id not in (None, contact.id):
        raise Invalid("contact_id", "the draft already belongs to another contact")
    draft.contact_id = contact.id
    session.flush()
    audit.record(session, actor.id, "draft.attach", "draft", draft.id)
    return draft

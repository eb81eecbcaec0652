"""The signed note's page and the Word documents a signed-in browser downloads.

/notes/{id} shows the note as signed (read-only), who signed it and when, the late-entry label with both
times, an override reason if it was signed with error findings open, and its addenda; "Add addendum" posts
to the API (POST /v1/notes/{id}/addenda) from static/sign.js. The DOCX routes are GETs a link can follow,
with the session cookie: the same text and the same writer as POST /v1/export/docx (routes/documents.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ...app import caseload
from ...app.errors import NotFound
from ...storage import Claim, Note, User
from ..deps import Database, RuntimeDep
from ..routes.documents import DOCX, _attachment, signed_text
from ..schemas import MAX_ID, PathId
from .session import WebUser, page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class AddendumView:
    author: str
    created_at: datetime
    reason: str
    text: str


@dataclass(frozen=True)
class NoteView:
    """What the page shows of a note, read in one transaction."""

    id: int
    claim_id: int
    claim_number: str
    draft_id: int
    draft_version: int
    text: str
    sha256: str
    signer: str
    signed_at: datetime
    contact_at: datetime | None
    late_entry: bool
    override_reason: str | None
    overridden: list[dict[str, Any]]
    addenda: list[AddendumView]


def _name(session: Any, user_id: int) -> str:
    user = session.get(User, user_id)
    if user is None:
        return f"user {user_id}"
    return user.display_name or user.username


def _note_view(session: Any, note: Note) -> NoteView:
    return NoteView(
        id=note.id, claim_id=note.claim_id, claim_number=session.get(Claim, note.claim_id).claim_number,
        draft_id=note.draft_id, draft_version=note.draft_version, text=note.text, sha256=note.sha256,
        signer=_name(session, note.signer_id), signed_at=note.signed_at, contact_at=note.contact_at,
        late_entry=note.late_entry, override_reason=note.sign_override_reason,
        overridden=list(note.sign_findings or []),
        addenda=[AddendumView(_name(session, a.author_id), a.created_at, a.reason, a.text)
                 for a in sorted(note.addenda, key=lambda a: (a.created_at, a.id))])


@router.get("/notes/{note_id}")
async def note_page(request: Request, note_id: PathId, user: WebUser, db: Database) -> Response:
    note = await db.run(user, lambda s, actor: _note_view(s, caseload.get_note(s, actor, note_id)))
    return page(request, "note.html", note=note)


@router.get("/drafts/{draft_id}/note")
async def draft_note(draft_id: PathId, user: WebUser, db: Database) -> Response:
    """A signed draft's note page (the draft page links here); 404 while the draft is unsigned."""
    def work(s: Any, actor: Any) -> int:
        draft = caseload.get_draft(s, actor, draft_id)[0]
        note_id = s.scalar(select(Note.id).where(Note.draft_id == draft.id))
        if note_id is None:
            raise NotFound("note of draft", draft_id)
        return note_id

    return RedirectResponse(f"/notes/{await db.run(user, work)}", status_code=303)


@router.get("/notes/{note_id}/document.docx")
async def note_docx(note_id: PathId, user: WebUser, db: Database, runtime: RuntimeDep) -> Response:
    """The signed note, then each addendum, as POST /v1/export/docx {note_id} gives it."""
    from ...app.draft import note_document

    text = await db.run(user, lambda s, actor: signed_text(caseload.get_note(s, actor, note_id)))
    return _attachment(await runtime.compute(note_document, text), DOCX, f"note-{note_id}.docx")


@router.get("/drafts/{draft_id}/document.docx")
async def draft_docx(draft_id: PathId, user: WebUser, db: Database, runtime: RuntimeDep,
                     version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    """A draft version's text (default: the newest saved), as POST /v1/export/docx {draft_id} gives it."""
    from ...app.draft import note_document

    text = await db.run(user, lambda s, actor: caseload.get_draft(s, actor, draft_id, version)[1].text)
    return _attachment(await runtime.compute(note_document, text), DOCX, f"draft-{draft_id}.docx")

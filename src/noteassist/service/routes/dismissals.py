"""Dismissed findings of a draft: the case manager's reason a finding does not apply, stored and audited
through app/dismissals.py (which checks the caller's access to the draft as caseload does)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from ...app import dismissals
from ..deps import CurrentUser, Database
from ..schemas import DismissalCreate, DismissalOut, PathId

router = APIRouter(tags=["claims, contacts and drafts"])


@router.post("/drafts/{draft_id}/dismissals", response_model=DismissalOut, status_code=status.HTTP_201_CREATED)
async def dismiss(draft_id: PathId, body: DismissalCreate, user: CurrentUser, db: Database) -> DismissalOut:
    """Dismiss a finding of the draft with a reason (the draft's case manager, while it is open). Later lints
    of the draft in the editor keep a finding with this code and quote hidden."""
    return await db.run(user, lambda s, actor: DismissalOut.model_validate(dismissals.dismiss_finding(
        s, actor, draft_id, body.version, body.code, body.quote, body.start, body.end, body.reason)))


@router.get("/drafts/{draft_id}/dismissals", response_model=list[DismissalOut])
async def list_dismissals(draft_id: PathId, user: CurrentUser, db: Database) -> list[DismissalOut]:
    """Every dismissal on the draft, oldest first."""
    return await db.run(user, lambda s, actor: [DismissalOut.model_validate(d)
                                                for d in dismissals.list_dismissals(s, actor, draft_id)])


@router.delete("/drafts/{draft_id}/dismissals/{dismissal_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response)
async def undo_dismissal(draft_id: PathId, dismissal_id: PathId, user: CurrentUser, db: Database) -> Response:
    """Undo a dismissal (the draft's case manager, while it is open): the finding shows again and counts at
    signing again. The dismissal stays on record with its withdrawal, and both are audited."""
    await db.run(user, lambda s, actor: dismissals.withdraw_dismissal(s, actor, draft_id, dismissal_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)

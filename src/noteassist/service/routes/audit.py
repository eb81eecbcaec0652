"""The audit trail: its events (ids, actions, users, times; never note text or names) and its hash chain's
check, for auditors and admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ...app import audit
from ...app.errors import Forbidden
from ..deps import CurrentUser, Database
from ..schemas import MAX_ID, AuditEventOut

router = APIRouter(tags=["audit"])


class VerifyOut(BaseModel):
    ok: bool
    first_bad_id: int | None
    reason: str
    checked: int


@router.get("/audit", response_model=list[AuditEventOut])
async def list_events(user: CurrentUser, db: Database,
                      after_id: Annotated[int | None, Query(ge=0, le=MAX_ID, description="Events after this id")] = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEventOut]:
    return await db.run(user, lambda s, actor: [AuditEventOut.model_validate(e)
                                                for e in audit.list_events(s, actor, limit, after_id)])


@router.get("/audit/verify", response_model=VerifyOut)
async def verify(user: CurrentUser, db: Database) -> VerifyOut:
    """Walk the hash chain: `ok`, or the first edited, deleted or reordered event (as `noteassist audit verify`)."""
    def work(s, actor) -> VerifyOut:
        if actor.role not in audit.READERS:
            raise Forbidden("only auditors and admins read the audit log")
        result = audit.verify(s)
        return VerifyOut(ok=result.ok, first_bad_id=result.first_bad_id, reason=result.reason, checked=result.checked)

    return await db.run(user, work)

"""Signing a draft into a note, reading signed notes, and addenda (the only way a signed note changes)."""

from __future__ import annotations

from fastapi import APIRouter, status

from ...app import caseload, signing
from ...lint.registry import all_rules
from ...settings import Settings
from ..deps import CurrentUser, Database, RuntimeDep, SettingsDep, get_models
from ..errors import ApiError
from ..schemas import AddendumCreate, AddendumOut, NoteOut, PathId, SignRequest

router = APIRouter(tags=["notes and addenda"])


def late_entry_hours(settings: Settings) -> float:
    """Hours after its contact past which a signed note is a late entry: `late_entry_hours`, else the
    late-entry lint rule's `warn_hours` as configured, so the service and `lint` draw the line in one place."""
    if settings.late_entry_hours is not None:
        return settings.late_entry_hours
    rule = next(cls for cls in all_rules().values() if cls.name == "late-entry")
    return float({**rule.defaults, **settings.lint.options_for(rule)}["warn_hours"])


@router.post("/drafts/{draft_id}/sign", response_model=NoteOut, status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "The version is not the newest, or the draft is already signed"},
                        422: {"description": "`unresolved_findings` (field `override_reason`): error-level "
                                             "findings are open and no override reason was given"}})
async def sign_draft(draft_id: PathId, body: SignRequest, user: CurrentUser, db: Database, runtime: RuntimeDep,
                     settings: SettingsDep) -> NoteOut:
    """Sign the draft's newest version (only its author): the note's text, SHA-256, signer and time are
    stored and never change again; `late_entry` says it was signed more than the configured hours after
    its contact (both times are given).

    The version's text is linted as POST /lint lints it; while error-level findings remain that were not
    dismissed with a reason (POST /drafts/{id}/dismissals), signing is refused with 422
    `unresolved_findings` naming them, unless `override_reason` says why the note is signed anyway: the
    note then keeps the reason and the findings (`sign_override_reason`, `sign_findings`)."""
    hours = late_entry_hours(settings)
    text = await db.run(user, lambda s, actor: signing.version_to_check(s, actor, draft_id, body.version))
    errors = await runtime.compute(signing.error_findings, get_models(runtime).notes, text) if text else []
    try:
        return await db.run(user, lambda s, actor: NoteOut.model_validate(signing.sign_checked(
            s, actor, draft_id, body.version, hours, errors, body.override_reason)))
    except signing.UnresolvedFindings as exc:
        raise ApiError(422, "unresolved_findings", exc.message, "override_reason",
                       findings=[{"code": f.code, "message": f.message, "quote": f.quote, "start": f.start,
                                  "end": f.end} for f in exc.findings]) from None


@router.get("/claims/{claim_id}/notes", response_model=list[NoteOut])
async def list_notes(claim_id: PathId, user: CurrentUser, db: Database) -> list[NoteOut]:
    return await db.run(user, lambda s, actor: [NoteOut.model_validate(n)
                                                for n in caseload.list_notes(s, actor, claim_id)])


@router.get("/notes/{note_id}", response_model=NoteOut)
async def get_note(note_id: PathId, user: CurrentUser, db: Database) -> NoteOut:
    """A signed note as it was signed, with its addenda."""
    return await db.run(user, lambda s, actor: NoteOut.model_validate(caseload.get_note(s, actor, note_id)))


@router.post("/notes/{note_id}/addenda", response_model=AddendumOut, status_code=status.HTTP_201_CREATED)
async def add_addendum(note_id: PathId, body: AddendumCreate, user: CurrentUser, db: Database) -> AddendumOut:
    """Change a signed note the only way it changes: an addendum with its author, time and reason."""
    return await db.run(user, lambda s, actor: AddendumOut.model_validate(
        caseload.add_addendum(s, actor, note_id, body.text, body.reason)))


@router.get("/notes/{note_id}/addenda", response_model=list[AddendumOut])
async def list_addenda(note_id: PathId, user: CurrentUser, db: Database) -> list[AddendumOut]:
    return await db.run(user, lambda s, actor: [AddendumOut.model_validate(a)
                                                for a in caseload.get_note(s, actor, note_id).addenda])

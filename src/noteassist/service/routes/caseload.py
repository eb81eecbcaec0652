"""Claims, their contacts (visit facts) and drafts with every autosaved version.

Each route is one transaction through app/caseload.py, which checks the caller's role (another case
manager's claim is 404), writes the audit event and, for a save, refuses a stale `base_version` with
409 and the current version.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from ...app import caseload
from ...storage import Claim, Draft, DraftVersion
from ..deps import CurrentUser, Database, RuntimeDep
from ..schemas import (
    MAX_ID,
    Assignment,
    ClaimCreate,
    ClaimOut,
    ContactCreate,
    ContactOut,
    DraftCreate,
    DraftOut,
    DraftSave,
    DraftSummary,
    PathId,
    VersionOut,
    VersionSummary,
)

router = APIRouter(tags=["claims, contacts and drafts"])


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(id=claim.id, claim_number=claim.claim_number, claimant_name=claim.claimant_name,
                    data=claim.data, created_at=claim.created_at,
                    assigned_to=sorted(a.user.username for a in claim.assignments))


def draft_out(draft: Draft, version: DraftVersion, versions: list[DraftVersion]) -> DraftOut:
    return DraftOut(**DraftSummary.model_validate(draft).model_dump(), version=version.version, text=version.text,
                    provenance=version.provenance, saved_at=version.saved_at, saved_by=version.saved_by,
                    versions=[VersionSummary.model_validate(v) for v in versions])


# -- claims ------------------------------------------------------------------------------------------------------
@router.post("/claims", response_model=ClaimOut, status_code=status.HTTP_201_CREATED)
async def create_claim(body: ClaimCreate, user: CurrentUser, db: Database) -> ClaimOut:
    """A claim from its record (a claim folder's claim.yaml as JSON), on the named case managers' caseloads
    (a case manager's own claim is on theirs)."""
    record = body.record.model_dump(mode="json", exclude_none=True)
    return await db.run(user, lambda s, actor: claim_out(caseload.create_claim(
        s, actor, body.record.claim.claim_number, body.record.claimant.name, record, body.assigned_to)))


@router.get("/claims", response_model=list[ClaimOut])
async def list_claims(user: CurrentUser, db: Database) -> list[ClaimOut]:
    """The caller's caseload (a supervisor: every claim)."""
    return await db.run(user, lambda s, actor: [claim_out(c) for c in caseload.list_claims(s, actor)])


@router.get("/claims/{claim_id}", response_model=ClaimOut)
async def get_claim(claim_id: PathId, user: CurrentUser, db: Database) -> ClaimOut:
    return await db.run(user, lambda s, actor: claim_out(caseload.get_claim(s, actor, claim_id)))


@router.post("/claims/{claim_id}/assignments", response_model=ClaimOut)
async def assign_claim(claim_id: PathId, body: Assignment, user: CurrentUser, db: Database) -> ClaimOut:
    """Put the claim on a case manager's caseload (supervisors)."""
    return await db.run(user, lambda s, actor: claim_out(caseload.assign(s, actor, claim_id, body.username)))


# -- contacts ----------------------------------------------------------------------------------------------------
@router.post("/claims/{claim_id}/contacts", response_model=ContactOut, status_code=status.HTTP_201_CREATED)
async def add_contact(claim_id: PathId, body: ContactCreate, user: CurrentUser, db: Database) -> ContactOut:
    """Record a contact: its visit facts, validated by the facts schema (422 `invalid_facts` names the field)."""
    return await db.run(user, lambda s, actor: ContactOut.model_validate(
        caseload.add_contact(s, actor, claim_id, body.facts)))


@router.get("/claims/{claim_id}/contacts", response_model=list[ContactOut])
async def list_contacts(claim_id: PathId, user: CurrentUser, db: Database) -> list[ContactOut]:
    return await db.run(user, lambda s, actor: [ContactOut.model_validate(c)
                                                for c in caseload.list_contacts(s, actor, claim_id)])


@router.get("/contacts/{contact_id}", response_model=ContactOut)
async def get_contact(contact_id: PathId, user: CurrentUser, db: Database) -> ContactOut:
    return await db.run(user, lambda s, actor: ContactOut.model_validate(caseload.get_contact(s, actor, contact_id)))


# -- drafts ------------------------------------------------------------------------------------------------------
@router.post("/claims/{claim_id}/drafts", response_model=DraftOut, status_code=status.HTTP_201_CREATED)
async def create_draft(claim_id: PathId, body: DraftCreate, user: CurrentUser, db: Database,
                       runtime: RuntimeDep) -> DraftOut:
    """A new draft, version 1: the text given, or (with `contact_id` and no text) the contact's note drafted
    from its facts, with each sentence's fact paths stored as its provenance."""
    from ...app.draft import draft_rendered
    from ...render import provenance_map

    time_format = runtime.settings.lint.time_format

    def work(s: Any, actor: Any) -> DraftOut:
        text, provenance, template = body.text, None, body.template
        if text is None and body.contact_id is not None:
            facts = caseload.contact_facts(caseload.get_contact(s, actor, body.contact_id))
            note = draft_rendered(facts, body.template, runtime.settings.template_dirs, time_format=time_format)
            text, template = note.text, note.template
            provenance = provenance_map(note)["sentences"]
        version = caseload.create_draft(s, actor, claim_id, body.contact_id, text, provenance, template)
        draft = s.get(Draft, version.draft_id)
        return draft_out(draft, version, [version])

    return await db.run(user, work)


@router.get("/claims/{claim_id}/drafts", response_model=list[DraftSummary])
async def list_drafts(claim_id: PathId, user: CurrentUser, db: Database) -> list[DraftSummary]:
    return await db.run(user, lambda s, actor: [DraftSummary.model_validate(d)
                                                for d in caseload.list_drafts(s, actor, claim_id)])


@router.get("/drafts/{draft_id}", response_model=DraftOut)
async def get_draft(draft_id: PathId, user: CurrentUser, db: Database,
                    version: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Default: the newest")] = None
                    ) -> DraftOut:
    """The draft with one version's text and the list of its versions."""
    def work(s: Any, actor: Any) -> DraftOut:
        draft, found = caseload.get_draft(s, actor, draft_id, version)
        return draft_out(draft, found, caseload.list_draft_versions(s, actor, draft_id))

    return await db.run(user, work)


async def _save(draft_id: int, body: DraftSave, user: Any, db: Any) -> VersionOut:
    provenance = [s.model_dump() for s in body.provenance] if body.provenance is not None else None
    return await db.run(user, lambda s, actor: VersionOut.model_validate(
        caseload.save_draft(s, actor, draft_id, body.base_version, body.text, provenance)))


@router.put("/drafts/{draft_id}", response_model=VersionOut, responses={409: {"description": "Stale base_version"}})
async def save_draft(draft_id: PathId, body: DraftSave, user: CurrentUser, db: Database) -> VersionOut:
    """Autosave: the text as the version after `base_version`. When `base_version` is no longer the newest,
    409 `conflict` with `current_version`: nothing is overwritten."""
    return await _save(draft_id, body, user, db)


@router.post("/drafts/{draft_id}/versions", response_model=VersionOut, status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "Stale base_version"}})
async def add_version(draft_id: PathId, body: DraftSave, user: CurrentUser, db: Database) -> VersionOut:
    """The same save as PUT /drafts/{id}, for clients that create with POST."""
    return await _save(draft_id, body, user, db)


@router.get("/drafts/{draft_id}/versions", response_model=list[VersionSummary])
async def list_versions(draft_id: PathId, user: CurrentUser, db: Database) -> list[VersionSummary]:
    return await db.run(user, lambda s, actor: [VersionSummary.model_validate(v)
                                                for v in caseload.list_draft_versions(s, actor, draft_id)])


@router.get("/drafts/{draft_id}/versions/{version}", response_model=VersionOut)
async def get_version(draft_id: PathId, version: PathId, user: CurrentUser, db: Database) -> VersionOut:
    return await db.run(user, lambda s, actor: VersionOut.model_validate(
        caseload.get_draft(s, actor, draft_id, version)[1]))

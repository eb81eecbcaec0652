"""The contact form and the draft editor pages.

- /claims/{id}/contacts/new?template=NAME: the visit-facts form for a template (facts_form.py reads it from
  the facts schema), prefilled with the claim's record, beside a live preview of the drafted note.
- /drafts/{id}/complete?template=NAME: the same form for a quick capture's draft, prefilled from what was
  captured (who, when, one line). Once the page has recorded the contact (POST /v1/claims/{id}/contacts), a
  POST here with {contact_id, base_version, template} attaches the contact to the draft and makes the note
  drafted from it the draft's next version, with its provenance; the draft keeps its real contact time.
- /drafts/{id}: the note text in the editor, with its findings, its dismissals and each sentence's source.

The pages only read (through caseload, which checks the role and audits); the page's script writes through
the /v1 API with the session cookie.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ...app import caseload
from ...render import list_templates
from ..deps import Database, RuntimeDep
from ..errors import ApiError, domain_error, error_response
from ..schemas import MAX_ID, PathId
from .facts_form import form_fields
from .session import WebUser, page

router = APIRouter()

TemplateName = Annotated[str | None, Query(max_length=200, description="The note template to draft with")]


async def _template(runtime: Any, name: str | None, default: str) -> tuple[Any, list[Any]]:
    """(the chosen template, every template); 404 for a name no template has."""
    from ...facts.models import VisitFacts

    # A claim's contact is workers' compensation facts: templates that need a client (schema 3) are not offered.
    templates = [t for t in await runtime.run(list_templates, runtime.settings.template_dirs)
                 if t.drafts_from(VisitFacts)]
    chosen = next((t for t in templates if t.name == (name or default)), None)
    if chosen is None:
        raise ApiError(404, "not_found", f"template {name!r} not found")
    return chosen, templates


def _writer(user: Any) -> None:
    """Only a case manager records contacts (caseload's rule): anyone else gets the 403 page, not a form
    whose saving would be refused."""
    if user.role != "case_manager":
        raise ApiError(403, "forbidden", "only the claim's case manager records contacts")


def _record_prefill(record: dict[str, Any]) -> dict[str, Any]:
    """The facts a claim's record already states: the claim, the claimant and the case manager."""
    return {key: record[key] for key in ("claim", "claimant", "case_manager") if key in record}


def _capture_prefill(capture: dict[str, Any] | None, when: datetime | None, note_type: str | None) -> dict[str, Any]:
    """A quick capture's three fields as visit facts: when -> the encounter's date and start time (in the
    server's zone, as contacts are dated), who -> the call's party (or a participant), the line -> purpose."""
    capture = capture or {}
    facts: dict[str, Any] = {"encounter": {}}
    if when is not None:
        local = when.astimezone()
        facts["encounter"].update(date=local.date().isoformat(), start_time=local.strftime("%H:%M"))
    if capture.get("line"):
        facts["encounter"]["purpose"] = capture["line"]
    if capture.get("who"):
        if note_type == "telephonic":
            facts["encounter"]["modality"] = "telephonic"
            facts["call"] = {"direction": "outbound", "party": {"name": capture["who"]}}
        else:
            facts["participants"] = [{"name": capture["who"]}]
    return facts


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def _form_page(request: Request, *, claim: Any, template: Any, templates: list[Any], prefill: dict[str, Any],
               action: str, draft: Any = None) -> Response:
    encounter = {"note_type": template.note_type} if template.note_type else {}
    if draft is None:
        encounter["date"] = date.today().isoformat()
    prefill = _merge({"encounter": encounter}, prefill)
    return page(request, "contact_form.html", claim=claim, template=template, templates=templates,
                fields=form_fields(template.requires), prefill=prefill, action=action, draft=draft,
                form_path=request.url.path)


@router.get("/claims/{claim_id}/contacts/new")
async def new_contact(request: Request, claim_id: PathId, user: WebUser, db: Database, runtime: RuntimeDep,
                      template: TemplateName = None) -> Response:
    """The contact form for `template` (default: physician-visit)."""
    _writer(user)
    chosen, templates = await _template(runtime, template, "physician-visit")
    claim = await db.run(user, lambda s, actor: _claim_view(caseload.get_claim(s, actor, claim_id)))
    return _form_page(request, claim=claim, template=chosen, templates=templates,
                      prefill=_record_prefill(claim["record"]), action="contact")


@router.get("/drafts/{draft_id}/complete")
async def complete_capture(request: Request, draft_id: PathId, user: WebUser, db: Database, runtime: RuntimeDep,
                           template: TemplateName = None) -> Response:
    """The contact form for a quick capture's draft, prefilled from what was captured."""
    _writer(user)
    def work(s: Any, actor: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        draft, version = caseload.get_draft(s, actor, draft_id)
        claim = caseload.get_claim(s, actor, draft.claim_id)
        return _claim_view(claim), {"id": draft.id, "version": version.version, "status": draft.status,
                                    "capture": draft.capture, "contact_at": draft.contact_at}

    claim, draft = await db.run(user, work)
    chosen, templates = await _template(runtime, template, "telephonic")
    prefill = _merge(_record_prefill(claim["record"]),
                     _capture_prefill(draft["capture"], draft["contact_at"], chosen.note_type))
    return _form_page(request, claim=claim, template=chosen, templates=templates, prefill=prefill,
                      action="complete", draft=draft)


def _claim_view(claim: Any) -> dict[str, Any]:
    return {"id": claim.id, "claim_number": claim.claim_number, "claimant_name": claim.claimant_name,
            "record": claim.data or {}}


def flat_values(facts: Any, path: str = "") -> dict[str, str]:
    """Every leaf of the facts as path -> text (`work_status.restrictions[0]` -> 'no ladder climbing'), for
    the provenance tip to show the value a sentence came from."""
    values: dict[str, str] = {}
    if isinstance(facts, dict):
        for key, value in facts.items():
            values.update(flat_values(value, f"{path}.{key}" if path else key))
    elif isinstance(facts, list):
        for index, value in enumerate(facts):
            values.update(flat_values(value, f"{path}[{index}]"))
    elif facts is not None and path:
        values[path] = "yes" if facts is True else "no" if facts is False else str(facts)
    return values


@router.get("/drafts/{draft_id}")
async def draft_page(request: Request, draft_id: PathId, user: WebUser, db: Database) -> Response:
    """The draft's newest text in the editor. Its provenance is the newest version's when that version kept
    one, else the first version's (the drafted note) for the page to match sentences against."""
    def work(s: Any, actor: Any) -> dict[str, Any]:
        draft, version = caseload.get_draft(s, actor, draft_id)
        provenance = version.provenance
        base_version = version.version
        if provenance is None and version.version != 1:
            first = caseload.get_draft(s, actor, draft_id, 1)[1]
            provenance, base_version = first.provenance, 1
        claim = caseload.get_claim(s, actor, draft.claim_id)
        values: dict[str, str] = {}
        if draft.contact_id is not None and provenance:
            values = flat_values(caseload.get_contact(s, actor, draft.contact_id).facts)
            wanted = {f for sentence in provenance for f in sentence.get("fields", ())}
            values = {k: v for k, v in values.items() if k in wanted}
        return {"id": draft.id, "claim_id": draft.claim_id, "version": version.version, "status": draft.status,
                "template": draft.template or "", "text": version.text, "provenance": provenance or [],
                "provenance_version": base_version, "values": values, "capture": draft.capture,
                "contact_id": draft.contact_id, "claim": _claim_view(claim),
                "writable": draft.status == "open" and actor.role == "case_manager"}

    draft = await db.run(user, work)
    return page(request, "draft.html", draft=draft, claim=draft["claim"])


class Completion(BaseModel):
    contact_id: int = Field(ge=1, le=MAX_ID)
    base_version: int = Field(ge=1, le=MAX_ID)
    template: str | None = Field(None, max_length=200)


@router.post("/drafts/{draft_id}/complete")
async def complete_capture_draft(draft_id: PathId, body: Completion, user: WebUser, db: Database,
                                 runtime: RuntimeDep) -> Response:
    """Attach the recorded contact to the quick capture's draft and save its drafted note as the next version.
    Answers JSON for the page's script: {draft_id, version}, or the API's error shape."""
    from ...app.capture import attach_contact
    from ...app.draft import draft_rendered
    from ...app.errors import DomainError
    from ...render import provenance_map

    settings = runtime.settings
    try:
        facts = await db.run(user, lambda s, actor: caseload.contact_facts(caseload.get_contact(s, actor, body.contact_id)))
        # Drafting is CPU work: outside the write transaction, in the compute queue.
        note = await runtime.compute(lambda: draft_rendered(facts, body.template, settings.template_dirs,
                                                            time_format=settings.lint.time_format))
        sentences = provenance_map(note)["sentences"]

        def save(s: Any, actor: Any) -> dict[str, int]:
            attach_contact(s, actor, draft_id, body.contact_id)
            version = caseload.save_draft(s, actor, draft_id, body.base_version, note.text, sentences)
            return {"draft_id": draft_id, "version": version.version}

        return JSONResponse(await db.run(user, save))
    except DomainError as exc:
        error = domain_error(exc)
        assert error is not None
        return error_response(error)

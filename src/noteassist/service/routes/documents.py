"""Word documents: a note's DOCX (from facts, a draft version or a signed note) and the adjuster report for
a claim and period from its stored contacts (DOCX, or PDF through LibreOffice when it is installed).

The documents are app/draft.py's `note_document` and app/report.py's `build_report`/`report_document`/
`report_pdf`: the same bytes `noteassist export` and `noteassist report` write.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...app import caseload
from ..deps import CurrentUser, Database, ModelsDep, RuntimeDep
from ..errors import ApiError
from ..schemas import ExportRequest, PathId

router = APIRouter(tags=["documents"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def _attachment(data: bytes, media_type: str, name: str, headers: dict[str, str] | None = None) -> Response:
    # A generic file name: a claim number or a name in a header would end up in proxies' and browsers' logs.
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **(headers or {})})


def signed_text(note: Any) -> str:
    """A signed note's text as signed, then each addendum under its own heading with its time and reason."""
    parts = [note.text.rstrip("\n")]
    for addendum in note.addenda:
        when = addendum.created_at.strftime("%Y-%m-%d %H:%M UTC")
        parts.append(f"## Addendum ({when})\n\nReason: {addendum.reason.strip()}\n\n{addendum.text.strip()}")
    return "\n\n".join(parts) + "\n"


@router.post("/export/docx", response_class=Response,
             responses={200: {"content": {DOCX: {}}, "description": "The Word document"}})
async def export_docx(body: ExportRequest, user: CurrentUser, db: Database, runtime: RuntimeDep) -> Response:
    """The DOCX of a note: give `facts` (drafted with `template`), or `draft_id` (and `version`), or
    `note_id` (the signed note, then its addenda)."""
    from ...app.draft import note_document

    given = [name for name in ("facts", "draft_id", "note_id") if getattr(body, name) is not None]
    if len(given) != 1:
        raise ApiError(422, "invalid_request", "give exactly one of facts, draft_id or note_id"
                       + (f" (got {', '.join(given)})" if given else ""), given[1] if len(given) > 1 else "facts")
    time_format = runtime.settings.lint.time_format
    if body.facts is not None:
        data = await runtime.compute(lambda: note_document(body.facts, template=body.template,
                                                                  template_dirs=runtime.settings.template_dirs,
                                                                  time_format=time_format))
        return _attachment(data, DOCX, "note.docx")
    if body.draft_id is not None:
        text = await db.run(user, lambda s, actor: caseload.get_draft(s, actor, body.draft_id, body.version)[1].text)
        name = f"draft-{body.draft_id}.docx"
    else:
        text = await db.run(user, lambda s, actor: signed_text(caseload.get_note(s, actor, body.note_id)))
        name = f"note-{body.note_id}.docx"
    return _attachment(await runtime.compute(note_document, text), DOCX, name)


@router.get("/claims/{claim_id}/report", response_class=Response,
            responses={200: {"content": {DOCX: {}, PDF: {}}, "description": "The report document"},
                       501: {"description": "format=pdf and LibreOffice is not installed (`pdf_unavailable`)"}})
async def claim_report(claim_id: PathId, user: CurrentUser, db: Database, runtime: RuntimeDep, models: ModelsDep,
                       start: Annotated[date, Query(alias="from", description="First day of the period")],
                       end: Annotated[date, Query(alias="to", description="Last day of the period")],
                       kind: Literal["progress", "closure"] = "progress",
                       format: Literal["docx", "pdf"] = "docx") -> Response:
    """The adjuster update report for the period from the claim's stored contacts, as `noteassist report`
    builds it. The count of lint findings in the report's text is in `X-Noteassist-Findings`."""
    from ...app.report import build_report, report_document, report_pdf
    from ...export.pdf import soffice

    if format == "pdf" and soffice() is None:
        raise ApiError(501, "pdf_unavailable", "a PDF needs LibreOffice (soffice), which is not installed on the "
                       "server; ask for format=docx", "format")
    if end < start:
        raise ApiError(422, "invalid_request", f"to: {end} is before from ({start})", "to")
    # Read the claim and its contacts in one short transaction, then build outside it: a report takes a
    # second or more and must not hold the database's write lock meanwhile.
    source = await db.run(user, lambda s, actor: caseload.DatabaseClaimSource(s, actor, claim_id))

    def build() -> tuple[bytes, int]:
        run = build_report(source, start, end, kind, config=runtime.settings.lint, linter=models.reports,
                           label=f"claim-{claim_id}-report")
        document = report_document(run)
        return (report_pdf(document) if format == "pdf" else document), len(run.findings) + len(run.missing)

    data, findings = await runtime.compute(build)
    return _attachment(data, PDF if format == "pdf" else DOCX, f"claim-{claim_id}-report.{format}",
                       {"X-Noteassist-Findings": str(findings)})

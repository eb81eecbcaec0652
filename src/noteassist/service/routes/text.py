"""Templates, drafting with provenance, and linting: the stateless endpoints (no database row is read).

They call what `noteassist templates`, `draft` and `lint --format json` call (render/, app/draft.py,
app/lint.py and lint/output.py), in a worker thread, so a long lint never holds the event loop.
"""

from __future__ import annotations

import io

from fastapi import APIRouter
from fastapi.responses import Response

from ...notetypes import NOTE_TYPES, resolve_note_type
from ..deps import CurrentUser, ModelsDep, RuntimeDep
from ..errors import ApiError
from ..schemas import (
    LintDocument,
    LintRequest,
    RenderRequest,
    RenderResponse,
    Span,
    TemplateOut,
)

router = APIRouter(tags=["drafting and linting"])


@router.get("/templates", response_model=list[TemplateOut])
async def list_templates(user: CurrentUser, runtime: RuntimeDep) -> list[TemplateOut]:
    """The note templates, as `noteassist templates` lists them."""
    from ...render import list_templates as templates

    found = await runtime.compute(templates, runtime.settings.template_dirs)
    return [TemplateOut(name=t.name, note_type=t.note_type, description=t.description, requires=list(t.requires))
            for t in found]


@router.post("/render", response_model=RenderResponse)
async def render(body: RenderRequest, user: CurrentUser, runtime: RuntimeDep) -> RenderResponse:
    """Draft the note for visit facts: its text, each sentence with the fact fields it came from (the map
    `noteassist draft --provenance` prints), and the facts the template did not print (what `noteassist draft` warns about). Invalid facts: 422 `invalid_facts`
    naming the field (`encounter.date`)."""
    from ...app.draft import draft_rendered
    from ...render import provenance_map

    time_format = body.time_format or runtime.settings.lint.time_format

    def work() -> RenderResponse:
        note = draft_rendered(body.facts, body.template, runtime.settings.template_dirs, time_format=time_format)
        return RenderResponse(  # the map `draft --provenance` prints, and the spans it is made from
            **provenance_map(note), used=sorted(note.used),
            spans=[Span(start=start, end=end, paths=list(paths)) for start, end, paths in note.spans])

    return await runtime.compute(work)


@router.post("/lint", response_model=LintDocument)
async def lint(body: LintRequest, user: CurrentUser, runtime: RuntimeDep, models: ModelsDep) -> Response:
    """Lint one note: exactly the JSON `noteassist lint --format json` writes for a note file named `path`
    (docs/json-format.md). A note that cannot be linted (empty, too long) is a file entry with `error`."""
    from ...app.lint import lint_text
    from ...lint.output import write_json

    note_type = None
    if body.note_type is not None:
        note_type = resolve_note_type(body.note_type)
        if note_type is None:
            raise ApiError(422, "invalid_request", f"note_type: unknown note type {body.note_type!r}; expected one "
                           f"of {', '.join(NOTE_TYPES)}", "note_type")

    def work() -> str:
        out = io.StringIO()
        write_json([lint_text(models.notes, body.text, path=body.path, note_type=note_type)], out)
        return out.getvalue()

    return Response(await runtime.compute(work), media_type="application/json")

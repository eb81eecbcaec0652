"""QA jobs: `noteassist qa` on an upload of notes (or, for an admin, a folder on the server), in the background.

    POST   /v1/qa-jobs                      multipart: files (notes, an export, or a .zip of them) or path
    GET    /v1/qa-jobs                      the caller's jobs, newest first
    GET    /v1/qa-jobs/{id}                 state and progress (notes done of the total)
    GET    /v1/qa-jobs/{id}/outputs/{name}  findings.jsonl, notes.csv, summary.json, report.html, summary.docx
    POST   /v1/qa-jobs/{id}/cancel          stop it (its outputs are cut back to the last whole batch)
    POST   /v1/qa-jobs/{id}/resume          go on from where a cancelled or interrupted job stopped
    DELETE /v1/qa-jobs/{id}                 remove the job's files (the uploaded notes too)

The job runs in a process of its own (review/job.py) with the same workers as the CLI; app/qa_jobs.py keeps
the roles and the job's folder. Each route writes one audit event (ids only).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, UploadFile, status
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel

from ...app import audit, qa_jobs
from ..deps import CurrentUser, Database, RuntimeDep
from ..errors import ApiError

router = APIRouter(tags=["QA jobs"])

JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="The job's id, as POST /v1/qa-jobs gave it")]
OutputName = Literal["findings.jsonl", "notes.csv", "summary.json", "report.html", "summary.docx"]


class QAJobOut(BaseModel):
    id: str
    #: created, running, completed, cancelled, interrupted (its process died: resume it) or failed.
    state: str
    created_at: str
    source: dict[str, Any]
    options: dict[str, Any]
    started_at: str | None = None
    finished_at: str | None = None
    notes_done: int
    notes_total: int | None = None
    #: `noteassist qa`'s exit code once completed: 0, 1 (a finding reached fail_on), 2 (notes not read).
    exit_code: int | None = None
    error: str | None = None
    outputs: list[str]
    #: summary.json's totals once completed.
    summary: dict[str, Any] | None = None


def _out(view: qa_jobs.JobView) -> QAJobOut:
    return QAJobOut(**view.__dict__)


def _store(runtime) -> qa_jobs.JobStore:
    return qa_jobs.JobStore(runtime.settings)


async def _owned(db: Database, user, store: qa_jobs.JobStore, job_id: str, action: str):
    """The caller's job folder (404 for anyone else's), with the action audited."""
    def check(session, actor):
        job_dir = store.job_dir(actor, job_id)
        audit.record(session, actor.id, action, "qa_job", job_id)
        return job_dir

    return await db.run(user, check)


@router.post("/qa-jobs", response_model=QAJobOut, status_code=status.HTTP_202_ACCEPTED,
             responses={429: {"description": "As many QA jobs run as the service allows (`busy`)"}})
async def create_qa_job(
    user: CurrentUser, db: Database, runtime: RuntimeDep,
    files: Annotated[list[UploadFile] | None, File(description="Notes (.txt, .md, .docx), exports (.csv, "
                                                               ".jsonl) or a .zip of them")] = None,
    path: Annotated[str | None, Form(max_length=4096, description="A file or folder on the server (admins; "
                                                                   "inside qa_input_roots)")] = None,
    fail_on: Annotated[Literal["info", "warning", "error"], Form()] = "error",
    sample: Annotated[int | None, Form(ge=1, le=10_000_000)] = None,
    seed: Annotated[int, Form(ge=0, le=2**31)] = 0,
    note_type: Annotated[str | None, Form(max_length=40)] = None,
    select: Annotated[str | None, Form(max_length=2000, description="Rule codes or prefixes, comma-separated")] = None,
    ignore: Annotated[str | None, Form(max_length=2000, description="Rule codes or prefixes, comma-separated")] = None,
) -> QAJobOut:
    """Start a QA job: 202 with its id; follow it at GET /v1/qa-jobs/{id}."""
    uploads = [f for f in files or [] if f.filename]
    if bool(uploads) == bool(path):
        raise ApiError(422, "invalid_request", "give either files (an upload) or path (a folder on the server)",
                       "files" if not uploads else "path")
    options = qa_jobs.JobOptions(fail_on=fail_on, sample=sample, seed=seed, note_type=note_type,
                                 select=_codes(select), ignore=_codes(ignore))
    store = _store(runtime)
    settings = runtime.settings
    source = ({"kind": "path", "path": path} if path else
              {"kind": "upload", "files": [f.filename for f in uploads]})

    def create(session, actor):
        qa_jobs.require_starter(actor, server_path=path is not None)
        qa_jobs.check_options(options)
        inputs = [str(qa_jobs.server_input(settings, path))] if path else None
        job_dir = store.new_job(actor, source, options)
        audit.record(session, actor.id, "qa_job.create", "qa_job", job_dir.name)
        return job_dir, inputs

    job_dir, inputs = await db.run(user, create)
    try:
        for upload in uploads:
            await runtime.run(store.save_upload, job_dir, upload.filename, upload.file)
        await runtime.run(store.start, job_dir, inputs)
    except BaseException:
        store.discard(job_dir)  # nothing of a job that did not start stays on the server
        raise
    return _out(store.view(job_dir))


def _codes(value: str | None) -> list[str] | None:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    return codes or None


@router.get("/qa-jobs", response_model=list[QAJobOut])
async def list_qa_jobs(user: CurrentUser, db: Database, runtime: RuntimeDep) -> list[QAJobOut]:
    """The caller's QA jobs, newest first."""
    store = _store(runtime)

    def jobs(session, actor):
        audit.record(session, actor.id, "qa_job.list", "qa_job", None)
        return store.list(actor)

    return [_out(view) for view in await db.run(user, jobs)]


@router.get("/qa-jobs/{job_id}", response_model=QAJobOut)
async def get_qa_job(job_id: JobId, user: CurrentUser, db: Database, runtime: RuntimeDep) -> QAJobOut:
    """The job's state and progress; once completed, its outputs and summary totals."""
    store = _store(runtime)
    return _out(store.view(await _owned(db, user, store, job_id, "qa_job.read")))


@router.get("/qa-jobs/{job_id}/outputs/{name}", response_class=FileResponse,
            responses={200: {"content": {media: {} for media in qa_jobs.OUTPUTS.values()},
                             "description": "The output file"}})
async def get_qa_job_output(job_id: JobId, name: OutputName, user: CurrentUser, db: Database,
                            runtime: RuntimeDep) -> FileResponse:
    """One output of a completed job (409 while it runs)."""
    store = _store(runtime)
    job_dir = await _owned(db, user, store, job_id, f"qa_job.download.{name}")
    return FileResponse(store.output(job_dir, name), media_type=qa_jobs.OUTPUTS[name], filename=name)


@router.post("/qa-jobs/{job_id}/cancel", response_model=QAJobOut)
async def cancel_qa_job(job_id: JobId, user: CurrentUser, db: Database, runtime: RuntimeDep) -> QAJobOut:
    """Stop a running job; its outputs are cut back to the last whole batch, and it can be resumed."""
    store = _store(runtime)
    job_dir = await _owned(db, user, store, job_id, "qa_job.cancel")
    store.cancel(job_dir)
    return _out(store.view(job_dir))


@router.post("/qa-jobs/{job_id}/resume", response_model=QAJobOut, status_code=status.HTTP_202_ACCEPTED,
             responses={429: {"description": "As many QA jobs run as the service allows (`busy`)"}})
async def resume_qa_job(job_id: JobId, user: CurrentUser, db: Database, runtime: RuntimeDep) -> QAJobOut:
    """Go on with a cancelled or interrupted job from its last whole batch (no note counted twice)."""
    store = _store(runtime)
    job_dir = await _owned(db, user, store, job_id, "qa_job.resume")
    await runtime.run(store.resume, job_dir)
    return _out(store.view(job_dir))


@router.delete("/qa-jobs/{job_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_qa_job(job_id: JobId, user: CurrentUser, db: Database, runtime: RuntimeDep) -> Response:
    """Remove a job that is not running, with its uploaded notes and outputs."""
    store = _store(runtime)
    job_dir = await _owned(db, user, store, job_id, "qa_job.delete")
    await runtime.run(store.delete, job_dir)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

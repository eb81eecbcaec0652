"""QA jobs: a month of notes reviewed by the service, in the background, with the outputs of `noteassist qa`.

A job is a folder under `Settings.qa_jobs_dir` named by a random id: job.json (its owner, inputs and options),
input/ (the uploaded notes), out/ (findings.jsonl, notes.csv, summary.json, report.html, summary.docx), log.txt
and status.json, written by the job's own process (review/job.py). Its state is read from those files and from
whether that process still lives, so any worker process of the service (or one started after a restart) sees
the same job; nothing about a job lives only in memory.

Roles: supervisors, auditors and admins start jobs from an upload; only an admin may name a server-side folder,
and only inside `qa_input_roots`. A job is seen only by the user who started it (another user's job is 404):
its outputs quote the notes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ..review.inputs import EXPORT_SUFFIXES, NOTE_SUFFIXES
from ..review.job import JOB, LOG, OUT, STATUS, now, read_json
from ..review.manifest import read_manifest
from ..settings import Settings
from ..storage.models import User
from .errors import Conflict, Forbidden, Invalid, NotFound

STARTERS = ("supervisor", "auditor", "admin")
#: The outputs a finished job offers for download, with their media types.
OUTPUTS = {
    "findings.jsonl": "application/x-ndjson",
    "notes.csv": "text/csv; charset=utf-8",
    "summary.json": "application/json",
    "report.html": "text/html; charset=utf-8",
    "summary.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
UPLOAD_SUFFIXES = (*NOTE_SUFFIXES, *EXPORT_SUFFIXES, ".zip")
#: A zip of notes is unpacked with these bounds (a zip bomb stops at the first member past them).
MAX_ZIP_MEMBERS = 200_000
MAX_ZIP_RATIO = 200
ID_CHARS = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class JobOptions:
    fail_on: str = "error"
    sample: int | None = None
    seed: int = 0
    note_type: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None


@dataclass
class JobView:
    id: str
    state: str
    created_at: str
    source: dict[str, Any]
    options: dict[str, Any]
    started_at: str | None
    finished_at: str | None
    notes_done: int
    notes_total: int | None
    exit_code: int | None
    error: str | None
    outputs: list[str]
    summary: dict[str, Any] | None


def jobs_root(settings: Settings) -> Path:
    if settings.qa_jobs_dir is not None:
        return settings.qa_jobs_dir
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "noteassist" / "qa-jobs"


def require_starter(actor: User, *, server_path: bool) -> None:
    if actor.role not in STARTERS:
        raise Forbidden("only supervisors, auditors and admins start QA jobs")
    if server_path and actor.role != "admin":
        raise Forbidden("only an admin may start a QA job from a server-side path; upload the notes instead")


def check_options(options: JobOptions) -> None:
    from ..lint.config import validate_selectors
    from ..notetypes import NOTE_TYPES, resolve_note_type

    if options.fail_on not in ("error", "warning", "info"):
        raise Invalid("fail_on", "expected one of error, warning, info")
    if options.sample is not None and options.sample < 1:
        raise Invalid("sample", "expected a number of notes of 1 or more")
    if options.note_type is not None and resolve_note_type(options.note_type) is None:
        raise Invalid("note_type", f"unknown note type; expected one of {', '.join(NOTE_TYPES)}")
    for name in ("select", "ignore"):
        selectors = getattr(options, name)
        if selectors:
            try:
                validate_selectors(selectors, name)
            except Exception as exc:  # noqa: BLE001 - its message names the bad selector
                raise Invalid(name, str(exc).splitlines()[0]) from None


def server_input(settings: Settings, path: str) -> Path:
    """`path` resolved, when it lies inside one of `qa_input_roots` (symlinks followed first)."""
    if not settings.qa_input_roots:
        raise Forbidden("server-side paths are off on this service (set NOTEASSIST_QA_INPUT_ROOTS)")
    resolved = Path(path).expanduser().resolve()
    for root in settings.qa_input_roots:
        if resolved.is_relative_to(Path(root).expanduser().resolve()):
            if not resolved.exists():
                raise Invalid("path", "no such file or folder on the server")
            return resolved
    raise Forbidden("path: not inside the service's qa_input_roots")


class JobStore:
    """The jobs' folders and processes for one service's settings."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = jobs_root(settings).absolute()  # the job process works from inside its input folder

    # -- creating and starting ------------------------------------------------------------------------------------
    def new_job(self, actor: User, source: dict[str, Any], options: JobOptions) -> Path:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        job_id = secrets.token_hex(8)
        job_dir = self.root / job_id
        (job_dir / "input").mkdir(parents=True, mode=0o700)
        record = {"id": job_id, "owner_id": actor.id, "owner": actor.username, "created_at": now(),
                  "source": source, "options": self._run_options(options), "inputs": [], "resume": False}
        (job_dir / JOB).write_text(json.dumps(record), encoding="utf-8")
        return job_dir

    def _run_options(self, options: JobOptions) -> dict[str, Any]:
        return {"fail_on": options.fail_on, "sample": options.sample, "seed": options.seed,
                "note_type": options.note_type, "select": options.select, "ignore": options.ignore,
                "jobs": self.settings.qa_job_processes, "columns": dict(self.settings.lint.columns),
                "config": str(self.settings.config) if self.settings.config else None}

    def save_upload(self, job_dir: Path, name: str, stream: BinaryIO) -> None:
        """One uploaded file into the job's input/ (a .zip is unpacked there, bounded)."""
        safe = _safe_name(name)
        target = job_dir / "input" / safe
        if target.exists():
            raise Invalid("files", f"{safe}: given twice")
        with open(target, "wb") as handle:
            shutil.copyfileobj(stream, handle, 1 << 20)
        if safe.lower().endswith(".zip"):
            _unpack(target, job_dir / "input" / safe.removesuffix(".zip").removesuffix(".ZIP"))
            target.unlink()

    def start(self, job_dir: Path, inputs: list[str] | None = None, *, resume: bool = False) -> None:
        """Record the inputs and start the job's process (after checking the service's limit on running jobs).
        `inputs` None: the upload in input/, read from inside it, so that a note's id in the outputs is its
        name in the upload (never the server's folders)."""
        record = read_json(job_dir / JOB) or {}
        if not record.get("inputs"):
            if inputs is None:
                if not any(p.is_file() for p in (job_dir / "input").rglob("*")):
                    raise Invalid("files", f"no notes in the upload (expected {', '.join(UPLOAD_SUFFIXES)} files)")
                inputs, record["cwd"] = ["."], str(job_dir / "input")
            record["inputs"] = inputs
        record["resume"] = resume
        (job_dir / JOB).write_text(json.dumps(record), encoding="utf-8")
        running = sum(1 for other in self._all() if other != job_dir and self._state(other)[0] == "running")
        if running >= self.settings.qa_max_running_jobs:
            raise Busy(f"{running} QA jobs are running (qa_max_running_jobs); try again when one has finished")
        (job_dir / STATUS).unlink(missing_ok=True)
        env = dict(os.environ)
        if self.settings.model:
            env["NOTEASSIST_MODEL"] = self.settings.model
        log = open(job_dir / LOG, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            process = subprocess.Popen([sys.executable, "-m", "noteassist.review.job", str(job_dir)],
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                       start_new_session=True)  # a Ctrl-C to the service is not the job's
        finally:
            log.close()
        # Until the child writes its own status, the pid says it is running (and who to signal on cancel).
        from ..review.job import write_status

        write_status(job_dir, {"state": "running", "pid": process.pid, "started_at": now(), "total": None,
                               "resumed": resume})
        threading.Thread(target=process.wait, name=f"qa-job-{job_dir.name}", daemon=True).start()  # reaps it

    def discard(self, job_dir: Path) -> None:
        shutil.rmtree(job_dir, ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------------------------------
    def job_dir(self, actor: User, job_id: str) -> Path:
        job_dir = self.root / job_id
        record = read_json(job_dir / JOB) if set(job_id) <= ID_CHARS and len(job_id) == 16 else None
        if record is None or record.get("owner_id") != actor.id:
            raise NotFound("QA job", job_id)
        return job_dir

    def view(self, job_dir: Path) -> JobView:
        record = read_json(job_dir / JOB) or {}
        state, status = self._state(job_dir)
        out = job_dir / OUT
        summary = read_json(out / "summary.json") if state == "completed" else None
        done = _notes_committed(out)
        if summary is not None:
            done = summary.get("totals", {}).get("notes", done)
        return JobView(id=job_dir.name, state=state, created_at=record.get("created_at", ""),
                       source=record.get("source", {}), options={k: v for k, v in record.get("options", {}).items()
                                                                 if k not in ("columns", "config", "jobs")},
                       started_at=status.get("started_at"), finished_at=status.get("finished_at"),
                       notes_done=done, notes_total=status.get("total"), exit_code=status.get("exit_code"),
                       error=status.get("error"),
                       outputs=[name for name in OUTPUTS if state == "completed" and (out / name).is_file()],
                       summary=summary.get("totals") if summary else None)

    def list(self, actor: User) -> list[JobView]:
        mine = [d for d in self._all() if (read_json(d / JOB) or {}).get("owner_id") == actor.id]
        return sorted((self.view(d) for d in mine), key=lambda v: v.created_at, reverse=True)

    def output(self, job_dir: Path, name: str) -> Path:
        if name not in OUTPUTS:
            raise NotFound("QA job output", name)
        if self._state(job_dir)[0] != "completed":
            raise Conflict("the job has not completed; its outputs are offered when it has")
        path = job_dir / OUT / name
        if not path.is_file():
            raise NotFound("QA job output", name)
        return path

    # -- stopping --------------------------------------------------------------------------------------------------
    def cancel(self, job_dir: Path) -> None:
        """SIGTERM to the job's process: it cuts its outputs back to the last whole batch (resumable)."""
        state, status = self._state(job_dir)
        if state != "running":
            raise Conflict(f"the job is {state}, not running")
        try:
            os.kill(int(status["pid"]), 15)
        except ProcessLookupError:
            pass

    def resume(self, job_dir: Path) -> None:
        state, _ = self._state(job_dir)
        if state not in ("cancelled", "interrupted"):
            raise Conflict(f"the job is {state}; only a cancelled or interrupted job is resumed")
        self.start(job_dir, resume=True)

    def delete(self, job_dir: Path) -> None:
        if self._state(job_dir)[0] == "running":
            raise Conflict("the job is running; cancel it first")
        self.discard(job_dir)

    # -- state -----------------------------------------------------------------------------------------------------
    def _all(self) -> Iterable[Path]:
        if not self.root.is_dir():
            return []
        return [d for d in self.root.iterdir() if d.is_dir() and (d / JOB).is_file()]

    def _state(self, job_dir: Path) -> tuple[str, dict[str, Any]]:
        status = read_json(job_dir / STATUS)
        if status is None:
            return "created", {}
        if status.get("state") != "running":
            return status.get("state", "failed"), status
        return ("running" if _alive(status.get("pid"), job_dir) else "interrupted"), status


class Busy(Conflict):
    """The service runs as many jobs as it may (429)."""

    code = "busy"


def _safe_name(name: str) -> str:
    """An uploaded file's name without folders; its type must be one qa reads."""
    base = PurePosixPath(name.replace("\\", "/")).name.strip()
    if not base or base.startswith("."):
        raise Invalid("files", f"{name!r}: not a file name")
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        raise Invalid("files", f"{base}: expected {', '.join(UPLOAD_SUFFIXES)} (notes, an export or a zip of them)")
    return base


def _unpack(archive: Path, into: Path) -> None:
    """A zip of notes, with no member outside `into`, no more members or bytes than the bounds allow."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise Invalid("files", f"{archive.name}: more than {MAX_ZIP_MEMBERS:,} files in the zip")
            budget = max(archive.stat().st_size, 1 << 20) * MAX_ZIP_RATIO
            for member in members:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                if any(part in ("..", "") or part.startswith(".") for part in parts) or member.filename.startswith("/"):
                    continue  # hidden files and paths out of the folder are not notes
                if not member.filename.lower().endswith((*NOTE_SUFFIXES, *EXPORT_SUFFIXES)):
                    continue
                target = into.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, open(target, "wb") as handle:
                    while chunk := source.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise Invalid("files", f"{archive.name}: unpacks to more than {MAX_ZIP_RATIO}x its size")
                        handle.write(chunk)
    except zipfile.BadZipFile:
        raise Invalid("files", f"{archive.name}: not a zip file") from None
    except NotImplementedError:
        raise Invalid("files", f"{archive.name}: a zip compression this service cannot read") from None


def _alive(pid: Any, job_dir: Path) -> bool:
    """Whether `pid` is this job's process (not a later process given the same number)."""
    try:
        pid = int(pid)
        os.kill(pid, 0)
    except (TypeError, ValueError, ProcessLookupError, PermissionError):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid
    if not cmdline:
        return False  # a zombie, not yet reaped
    return str(job_dir).encode() in cmdline


def _notes_committed(out: Path) -> int:
    """Notes written so far: the end of the manifest's last committed batch (read only: the job may be
    appending to it)."""
    from ..errors import NoteassistError

    try:
        _, commits = read_manifest(out, repair=False)
    except (OSError, NoteassistError):
        return 0
    return commits[-1].end if commits else 0

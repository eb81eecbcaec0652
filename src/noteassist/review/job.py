"""One QA job in a process of its own: `python -m noteassist.review.job JOB_DIR`.

The service (app/qa_jobs.py) writes JOB_DIR/job.json (the inputs and the run's options) and starts this process;
it runs the same `noteassist qa` as the CLI (command.py, so the same `lint_batch` workers) into JOB_DIR/out and
keeps JOB_DIR/status.json up to date. A process of its own, because a month of notes outlives any request and
must not share the service's event loop, memory or fate: the service can restart while the job runs, and a job
that dies is seen as interrupted (no final status, no live process) and can be resumed with `--resume`.

status.json is replaced atomically (write, fsync, rename), so a reader never sees half of it:
{"state": "running", "pid", "started_at", "total"} while the run goes on, then {"state": "completed",
"exit_code"} (0, 1 when a finding reached fail_on, 2 when some notes could not be read), "cancelled" (SIGTERM:
the outputs are cut back to the last whole batch) or "failed" with a one-line "error".
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

JOB = "job.json"
STATUS = "status.json"
OUT = "out"
LOG = "log.txt"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_status(job_dir: Path, status: dict[str, Any]) -> None:
    temp = job_dir / f".{STATUS}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(status, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, job_dir / STATUS)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _count(inputs: list[str], columns: dict[str, str]) -> int | None:
    """How many notes the run will read (no parse: the files are only read), for the job's percentage."""
    from .inputs import expand_sources, iter_qa_records

    try:
        return sum(1 for _ in iter_qa_records(expand_sources(inputs), columns, on_warning=lambda _line: None))
    except Exception:  # noqa: BLE001 - the run itself reports what is wrong with the inputs
        return None


def run_job(job_dir: Path) -> int:
    from ..errors import NoteassistError
    from .command import qa

    job = read_json(job_dir / JOB)
    if job is None:
        print(f"noteassist: {job_dir / JOB}: missing or not JSON", file=sys.stderr)
        return 2
    options: dict[str, Any] = job["options"]
    resume = bool(job.get("resume"))
    status: dict[str, Any] = {"state": "running", "pid": os.getpid(), "started_at": now(), "total": None,
                              "resumed": resume}
    write_status(job_dir, status)

    def stop(_signum, _frame):  # SIGTERM (a cancel) ends the run as Ctrl-C does: outputs cut back, resumable
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if job.get("cwd"):
        os.chdir(job["cwd"])  # an upload is read from inside its folder: note ids are its own file names
    try:
        status["total"] = _count(job["inputs"], options.get("columns") or {})
        write_status(job_dir, status)
        code = qa(job["inputs"], out=str((job_dir / OUT).resolve()), jobs=options.get("jobs") or 1, batch_size=None,
                  resume=resume, sample=options.get("sample"), seed=options.get("seed") or 0, baseline=None,
                  fail_on=options.get("fail_on") or "error", select=options.get("select"),
                  ignore=options.get("ignore"), columns=options.get("columns") or {},
                  note_type=options.get("note_type"), config_path=options.get("config"), explain_score=False,
                  progress=True)
    except KeyboardInterrupt:
        write_status(job_dir, {**status, "state": "cancelled", "finished_at": now()})
        return 130
    except NoteassistError as exc:
        write_status(job_dir, {**status, "state": "failed", "finished_at": now(), "error": str(exc).splitlines()[0]})
        print(f"noteassist: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - recorded as the job's failure; the log has the traceback
        import traceback

        traceback.print_exc()
        write_status(job_dir, {**status, "state": "failed", "finished_at": now(),
                               "error": f"internal error ({type(exc).__name__}); see the job's log"})
        return 3
    write_status(job_dir, {**status, "state": "completed", "finished_at": now(), "exit_code": code})
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m noteassist.review.job JOB_DIR", file=sys.stderr)
        return 2
    return run_job(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())

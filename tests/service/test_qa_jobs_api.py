"""POST /v1/qa-jobs: `noteassist qa` in a background process, its progress, outputs, cancel, resume and roles.

Each job here is a real process running the CLI's own run (model loaded, notes linted), so the tests wait for
it; a job's outputs are checked against what the same notes give `noteassist qa`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest

from .service_api import ROOT, error_code, start_api

CORPUS = ROOT / "tests" / "corpus"
NOTES = sorted(CORPUS.glob("00[1-5]-*.md"))
WAIT = 300.0


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qa-jobs")
    server_notes = folder / "server-notes"
    server_notes.mkdir()
    for note in NOTES[:2]:
        (server_notes / note.name).write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
    gen = start_api(folder, qa_jobs_dir=folder / "jobs", qa_input_roots=(server_notes,), qa_max_running_jobs=1)
    api = next(gen)
    api.extra.update(jobs=folder / "jobs", server_notes=server_notes, outside=folder)
    yield api
    for job in api.get("sue", "/v1/qa-jobs").json():  # no job process outlives the tests
        if job["state"] == "running":
            api.post("sue", f"/v1/qa-jobs/{job['id']}/cancel")
    next(gen, None)


def _upload(paths, extra: dict | None = None):
    return {"files": [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths], "data": extra or {}}


def _wait(api, who: str, job_id: str, until=("completed", "failed", "cancelled", "interrupted")) -> dict:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        body = api.get(who, f"/v1/qa-jobs/{job_id}").json()
        if body["state"] in until:
            return body
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {body['state']} after {WAIT} s")


def _csv_export(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "export.csv"
    text = NOTES[0].read_text(encoding="utf-8")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note_id", "author", "text"])
        for i in range(count):
            writer.writerow([f"n{i:04d}", f"author{i % 3}", text])
    return path


def test_an_upload_runs_to_completion_with_the_outputs_of_noteassist_qa(api) -> None:
    response = api.post("sue", "/v1/qa-jobs", **_upload(NOTES, {"fail_on": "warning"}))
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["state"] == "running" and job["source"] == {"kind": "upload", "files": [p.name for p in NOTES]}
    done = _wait(api, "sue", job["id"])
    assert done["state"] == "completed", done
    assert done["notes_done"] == done["notes_total"] == len(NOTES)
    assert done["summary"]["notes"] == len(NOTES) and done["exit_code"] in (0, 1)
    assert set(done["outputs"]) == {"findings.jsonl", "notes.csv", "summary.json", "report.html", "summary.docx"}

    notes_csv = api.get("sue", f"/v1/qa-jobs/{job['id']}/outputs/notes.csv")
    assert notes_csv.status_code == 200 and notes_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(notes_csv.text)))
    assert len(rows) == len(NOTES)
    findings = api.get("sue", f"/v1/qa-jobs/{job['id']}/outputs/findings.jsonl").text.splitlines()
    assert findings and all(json.loads(line)["rule"].startswith("NA") for line in findings)
    # A note is named as it was uploaded, never by the server's folders.
    assert {json.loads(line)["note_id"] for line in findings} <= {p.name for p in NOTES}
    assert str(api.extra["jobs"]) not in notes_csv.text
    assert json.loads(api.get("sue", f"/v1/qa-jobs/{job['id']}/outputs/summary.json").text)["totals"]["notes"] == len(NOTES)
    docx = api.get("sue", f"/v1/qa-jobs/{job['id']}/outputs/summary.docx")
    assert docx.content[:2] == b"PK"
    assert [j["id"] for j in api.get("sue", "/v1/qa-jobs").json()][0] == job["id"]

    # Only its owner knows the job exists; its files go with DELETE.
    assert api.get("audrey", f"/v1/qa-jobs/{job['id']}").status_code == 404
    assert api.get("audrey", f"/v1/qa-jobs/{job['id']}/outputs/notes.csv").status_code == 404
    assert job["id"] not in [j["id"] for j in api.get("audrey", "/v1/qa-jobs").json()]
    assert api.delete("sue", f"/v1/qa-jobs/{job['id']}").status_code == 204
    assert not (api.extra["jobs"] / job["id"]).exists()
    assert api.get("sue", f"/v1/qa-jobs/{job['id']}").status_code == 404


def test_roles_and_bad_requests_give_one_error_with_its_field(api, tmp_path) -> None:
    response = api.post("alice", "/v1/qa-jobs", **_upload(NOTES[:1]))
    assert response.status_code == 403 and error_code(response) == "forbidden"
    response = api.post("sue", "/v1/qa-jobs", data={})
    assert response.status_code == 422 and response.json()["error"]["field"] == "files"
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    response = api.post("sue", "/v1/qa-jobs", **_upload([bad]))
    assert response.status_code == 422 and response.json()["error"]["field"] == "files"
    assert "notes.exe" in response.json()["error"]["message"]
    response = api.post("sue", "/v1/qa-jobs", data={"path": str(api.extra["server_notes"])})
    assert response.status_code == 403 and "admin" in response.json()["error"]["message"]
    response = api.post("root", "/v1/qa-jobs", data={"path": str(api.extra["outside"])})
    assert response.status_code == 403 and "qa_input_roots" in response.json()["error"]["message"]
    response = api.post("sue", "/v1/qa-jobs", **_upload(NOTES[:1], {"select": "NA999"}))
    assert response.status_code == 422 and response.json()["error"]["field"] == "select"
    assert api.get("sue", "/v1/qa-jobs/0123456789abcdef").status_code == 404
    assert api.get("sue", "/v1/qa-jobs/not-an-id").status_code == 422
    # Nothing of a refused job stays on the server.
    leftover = [d for d in api.extra["jobs"].iterdir()] if api.extra["jobs"].exists() else []
    assert all((d / "status.json").exists() for d in leftover)


def test_an_admin_runs_a_server_side_folder_inside_the_roots(api) -> None:
    response = api.post("root", "/v1/qa-jobs", data={"path": str(api.extra["server_notes"])})
    assert response.status_code == 202, response.text
    done = _wait(api, "root", response.json()["id"])
    assert done["state"] == "completed" and done["summary"]["notes"] == 2


def test_a_zip_of_notes_is_unpacked_without_leaving_its_folder(api, tmp_path) -> None:
    bundle = tmp_path / "month.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("november/a.md", NOTES[0].read_text(encoding="utf-8"))
        archive.writestr("november/b.txt", NOTES[1].read_text(encoding="utf-8"))
        archive.writestr("../escape.md", "outside")
        archive.writestr("november/.hidden.md", "hidden")
    response = api.post("sue", "/v1/qa-jobs", files=[("files", ("month.zip", bundle.read_bytes(), "application/zip"))])
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    assert not (api.extra["jobs"] / "escape.md").exists() and not (api.extra["jobs"] / job_id / "escape.md").exists()
    done = _wait(api, "sue", job_id)
    assert done["state"] == "completed" and done["summary"]["notes"] == 2


def test_one_job_at_a_time_then_cancel_resume_and_a_killed_job(api, tmp_path) -> None:
    export = _csv_export(tmp_path, 300)
    first = api.post("sue", "/v1/qa-jobs", **_upload([export]))
    assert first.status_code == 202, first.text
    job_id = first.json()["id"]
    busy = api.post("sue", "/v1/qa-jobs", **_upload(NOTES[:1]))
    assert busy.status_code == 429 and error_code(busy) == "busy" and busy.headers["retry-after"]
    assert api.get("sue", f"/v1/qa-jobs/{job_id}/outputs/notes.csv").status_code == 409
    assert api.delete("sue", f"/v1/qa-jobs/{job_id}").status_code == 409

    # Cancel once some notes are written, then resume: every note once, none lost.
    deadline = time.monotonic() + WAIT
    while api.get("sue", f"/v1/qa-jobs/{job_id}").json()["notes_done"] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert api.post("sue", f"/v1/qa-jobs/{job_id}/cancel").status_code == 200
    cancelled = _wait(api, "sue", job_id)
    assert cancelled["state"] == "cancelled", cancelled
    assert api.post("sue", f"/v1/qa-jobs/{job_id}/cancel").status_code == 409

    resumed = api.post("sue", f"/v1/qa-jobs/{job_id}/resume")
    assert resumed.status_code == 202, resumed.text
    # A job whose process dies (the OOM killer, a reboot) is interrupted, and resumes too.
    status = json.loads((api.extra["jobs"] / job_id / "status.json").read_text())
    os.kill(status["pid"], signal.SIGKILL)
    killed = _wait(api, "sue", job_id)
    assert killed["state"] in ("interrupted", "completed"), killed
    if killed["state"] == "interrupted":
        assert api.post("sue", f"/v1/qa-jobs/{job_id}/resume").status_code == 202
    done = _wait(api, "sue", job_id, until=("completed", "failed"))
    assert done["state"] == "completed", done
    rows = list(csv.DictReader(io.StringIO(api.get("sue", f"/v1/qa-jobs/{job_id}/outputs/notes.csv").text)))
    ids = [row["note_id"] for row in rows]
    assert len(ids) == 300 and len(set(ids)) == 300


def test_an_upload_over_its_limit_is_refused_before_it_is_read(tmp_path) -> None:
    gen = start_api(tmp_path, qa_jobs_dir=tmp_path / "jobs", qa_upload_max_bytes=2048)
    api = next(gen)
    try:
        big = tmp_path / "big.txt"
        big.write_text("Spoke with the claimant. " * 400, encoding="utf-8")
        response = api.post("sue", "/v1/qa-jobs", **_upload([big]))
        assert response.status_code == 413 and "qa_upload_max_bytes" in response.json()["error"]["message"]
        assert not (tmp_path / "jobs").exists() or not any((tmp_path / "jobs").iterdir())
    finally:
        next(gen, None)

"""noteassist qa: outputs for every input format, scoring, aggregates, --jobs equality, resume, a dead worker,
malformed inputs and sampling (issue 13)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from noteassist.errors import NoteassistError
from noteassist.review.batch import CRASH_ENV, BatchConfig
from noteassist.review.outputs import read_findings, read_notes_csv, read_summary
from noteassist.review.run import STOP_AFTER_ENV, QAOptions, run_qa
from noteassist.review.sample import allocate, draw_sample
from noteassist.review.score import Rubric, rubric_from_mapping

BODY = ("Telephonic contact with the claimant regarding the status of her recovery. Purpose: follow up on physical "
        "therapy attendance. The claimant reported that her shoulder pain is improving and that she attended all "
        "sessions this week. She stated she can lift light objects. Outcome: therapy continues as planned. "
        "Plan: call again next week and request the therapy notes from the provider.")


def _rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        text = BODY if i % 3 else BODY.replace("reported", "relayed").replace("stated", "relayed") + " Pt is lazy."
        rows.append({"id": str(i + 1), "author": ["A. Lee", "B. Kim", "C. Diaz"][i % 3],
                     "claim number": f"WC-2026-{1000 + i % 4}", "date of service": f"2026-03-{1 + i % 28:02d}",
                     "note type": "telephonic", "note text": text})
    return rows


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def options(files, out, **kw) -> QAOptions:
    return QAOptions(files=[str(f) for f in files], out=out, progress=False, batch_size=kw.pop("batch_size", 4), **kw)


def test_csv_export_outputs_and_exit_code(tmp_path):
    export = write_csv(tmp_path / "export.csv", _rows(6))
    outcome = run_qa(options([export], tmp_path / "out"))
    notes = list(read_notes_csv(tmp_path / "out"))
    assert [n["position"] for n in notes] == list(range(6))
    assert {n["author"] for n in notes} == {"A. Lee", "B. Kim", "C. Diaz"}
    assert all(n["status"] == "ok" and 0 <= n["score"] <= 100 for n in notes)
    findings = list(read_findings(tmp_path / "out"))
    assert findings and all({"rule", "severity", "start", "end", "position", "note_id", "record"} <= set(f)
                            for f in findings)
    # per-note counts in notes.csv agree with findings.jsonl
    for note in notes:
        assert note["findings"] == sum(f["position"] == note["position"] for f in findings)
    summary = read_summary(tmp_path / "out")
    assert summary["complete"] and summary["totals"]["notes"] == 6
    assert sum(g["notes"] for g in summary["by_author"]) == 6
    assert sum(b["notes"] for b in summary["score"]["histogram"]) == 6
    assert sum(r["findings"] for r in summary["by_rule"]) == len(findings)
    assert outcome.exit_code == (1 if summary["totals"]["by_severity"]["error"] else 0)


def test_folder_and_jsonl_and_malformed_rows(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "b.txt").write_text(BODY, encoding="utf-8")
    (folder / "a.md").write_text(BODY, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(json.dumps({"id": "x1", "author": "A. Lee", "text": BODY}) + "\n{not json\n", encoding="utf-8")
    from noteassist.review.inputs import expand_sources

    outcome = run_qa(options(expand_sources([str(folder), str(jsonl)]), tmp_path / "out"))
    notes = list(read_notes_csv(tmp_path / "out"))
    assert [Path(n["path"]).name for n in notes][:3] == ["a.md", "b.txt", "empty.txt"]
    status = [n["status"] for n in notes]
    assert status == ["ok", "ok", "error", "ok", "error"]
    assert "empty" in notes[2]["error"] and "export.jsonl" in notes[4]["error"]
    assert outcome.exit_code == 2
    assert read_summary(tmp_path / "out")["errors"]["count"] == 2


def test_scoring_arithmetic_and_config_validation():
    rubric = Rubric()
    f = lambda rule, sev, cat: {"rule": rule, "severity": sev, "category": cat}  # noqa: E731
    assert rubric.score([]) == 100
    assert rubric.score([f("NA1", "error", "privacy")]) == 80.0  # 10 x 2.0
    assert rubric.score([f("NA2", "warning", "repeated-verb")] * 5) == 94.0  # 3 counted x 4 x 0.5
    assert rubric.score([f(f"NA{i}", "error", "privacy") for i in range(9)]) == 0.0
    custom = rubric_from_mapping({"severity": {"warning": 1}, "category": {"readability": 3}, "max_per_rule": 1})
    assert custom.score([f("NA3", "warning", "readability")] * 2) == 97.0
    with pytest.raises(NoteassistError, match="score.category.nope"):
        rubric_from_mapping({"category": {"nope": 1}})
    with pytest.raises(NoteassistError, match="max_per_rule"):
        rubric_from_mapping({"max_per_rule": 0})


def test_score_table_in_config_file_is_read(tmp_path):
    from noteassist.lint.config import load_config
    from noteassist.review.score import load_rubric

    path = tmp_path / "noteassist.toml"
    path.write_text("[score]\nmax_per_rule = 2\n[score.severity]\nerror = 20\n", encoding="utf-8")
    load_config(path)  # the lint side accepts the table
    rubric = load_rubric(path)
    assert rubric.max_per_rule == 2 and rubric.severity["error"] == 20 and rubric.source == str(path)


def test_jobs_2_writes_the_same_bytes_and_a_dead_worker_is_redone(tmp_path, monkeypatch):
    export = write_csv(tmp_path / "export.csv", _rows(12))
    run_qa(options([export], tmp_path / "one", jobs=1))
    monkeypatch.setenv(CRASH_ENV, str(tmp_path / "crashed"))
    run_qa(options([export], tmp_path / "two", jobs=2))
    assert (tmp_path / "crashed").exists()  # a worker did die
    for name in ("findings.jsonl", "notes.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_resume_after_an_interruption_counts_no_note_twice(tmp_path, monkeypatch):
    export = write_csv(tmp_path / "export.csv", _rows(12))
    run_qa(options([export], tmp_path / "full"))
    monkeypatch.setenv(STOP_AFTER_ENV, "1")
    with pytest.raises(KeyboardInterrupt):
        run_qa(options([export], tmp_path / "cut"))
    partial = list(read_notes_csv(tmp_path / "cut"))
    assert [n["position"] for n in partial] == [0, 1, 2, 3]
    assert read_summary(tmp_path / "cut")["complete"] is False
    with pytest.raises(NoteassistError, match="--resume"):
        run_qa(options([export], tmp_path / "cut"))
    monkeypatch.delenv(STOP_AFTER_ENV)
    run_qa(options([export], tmp_path / "cut", resume=True))
    for name in ("findings.jsonl", "notes.csv"):
        assert (tmp_path / "full" / name).read_bytes() == (tmp_path / "cut" / name).read_bytes()


def test_resume_after_sigkill_of_the_parent(tmp_path):
    export = write_csv(tmp_path / "export.csv", _rows(40))
    run_qa(options([export], tmp_path / "full", batch_size=2))
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "noteassist", "qa", str(export), "-o", str(out), "--jobs", "1",
               "--batch-size", "2", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and len(manifest.read_text(encoding="utf-8").splitlines()) >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert manifest.exists()
    done = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    positions = [n["position"] for n in read_notes_csv(out)]
    assert positions == list(range(40))
    for name in ("findings.jsonl", "notes.csv"):
        assert (tmp_path / "full" / name).read_bytes() == (out / name).read_bytes()


def test_sampling_is_stratified_and_reproducible(tmp_path):
    from noteassist.review.inputs import iter_qa_records

    export = write_csv(tmp_path / "export.csv", _rows(30))
    first = draw_sample(iter_qa_records([str(export)]), 7, seed=3)
    again = draw_sample(iter_qa_records([str(export)]), 7, seed=3)
    other = draw_sample(iter_qa_records([str(export)]), 7, seed=4)
    assert first.positions == again.positions and len(first.positions) == 7
    assert first.positions != other.positions
    assert sorted(first.by_author.values()) == [2, 2, 3]
    assert allocate({"a": 1, "b": 1, "c": 10}, 5, 0) == {"a": 1, "b": 1, "c": 3}
    run_qa(options([export], tmp_path / "out", sample_size=7, seed=3))
    notes = list(read_notes_csv(tmp_path / "out"))
    assert {n["position"] for n in notes} == set(first.positions)
    assert read_summary(tmp_path / "out")["sample"]["size"] == 7


def test_baseline_deltas(tmp_path):
    export = write_csv(tmp_path / "export.csv", _rows(6))
    run_qa(options([export], tmp_path / "before"))
    outcome = run_qa(options([export], tmp_path / "after", baseline=tmp_path / "before"))
    totals = outcome.summary["baseline"]["totals"]
    assert totals["notes"] == [6, 6, 0] and totals["mean_score"][2] == 0


def test_cli_explain_score_and_run(tmp_path):
    export = write_csv(tmp_path / "export.csv", _rows(3))
    env = {**os.environ}
    shown = subprocess.run([sys.executable, "-m", "noteassist", "qa", "--explain-score"], capture_output=True,
                           text=True, env=env, cwd=tmp_path)
    assert shown.returncode == 0 and "privacy" in shown.stdout and "max_per_rule" not in shown.stderr
    done = subprocess.run([sys.executable, "-m", "noteassist", "qa", str(export), "-o", str(tmp_path / "o"),
                           "--jobs", "1", "--fail-on", "info"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    missing = subprocess.run([sys.executable, "-m", "noteassist", "qa", str(tmp_path / "nope.csv"), "-o",
                              str(tmp_path / "p"), "--jobs", "1"], capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_note_texts_reads_back_the_linted_text(tmp_path):
    from noteassist.review.outputs import note_texts

    rows = _rows(5)
    export = write_csv(tmp_path / "export.csv", rows)
    run_qa(options([export], tmp_path / "out"))
    got = list(note_texts(tmp_path / "out", [3, 1]))
    assert [(p, t) for p, t, _ in got] == [(1, rows[1]["note text"]), (3, rows[3]["note text"])]
    assert got[0][2]["author"] == "B. Kim"


def test_docx_note_in_a_folder(tmp_path):
    import docx

    from noteassist.review.inputs import expand_sources

    folder = tmp_path / "notes"
    folder.mkdir()
    document = docx.Document()
    for paragraph in BODY.split(". "):
        document.add_paragraph(paragraph)
    document.save(folder / "visit.docx")
    (folder / "broken.docx").write_bytes(b"not a zip")
    outcome = run_qa(options(expand_sources([str(folder)]), tmp_path / "out"))
    notes = {Path(n["path"]).name: n for n in read_notes_csv(tmp_path / "out")}
    assert notes["visit.docx"]["status"] == "ok" and notes["visit.docx"]["words"] > 40
    assert notes["broken.docx"]["status"] == "error" and "broken.docx" in notes["broken.docx"]["error"]
    assert outcome.exit_code == 2

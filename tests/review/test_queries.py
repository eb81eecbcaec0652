"""The reviewer's loop (issue 13 item 5): `qa queries` writes non-leading queries per author that cite and
quote the record; `qa responses` imports answers, row by row, and summary.json shows the rates."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from noteassist.cli import main
from noteassist.review.queries import OPTIONS, build_queries
from noteassist.review.run import run_qa

from test_qa import _rows, options, write_csv


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("queries")
    rows = _rows(6)
    rows[0]["note text"] = rows[0]["note text"] + " SSN 123-45-6789 on file."
    export = write_csv(tmp / "export.csv", rows)
    run_qa(options([export], tmp / "out"))
    return tmp / "out"


def _fresh(run_dir: Path, tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    return copy


def test_queries_cite_quote_and_offer_non_leading_options(run_dir, tmp_path):
    out = _fresh(run_dir, tmp_path)
    result = CliRunner().invoke(main, ["qa", "queries", str(out), "--by-author"])
    assert result.exit_code == 0, result.output
    folder = out / "queries"
    with open(folder / "queries.csv", encoding="utf-8", newline="") as handle:
        queries = list(csv.DictReader(handle))
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert len(queries) == sum(f["severity"] in ("warning", "error") for f in findings)
    assert {q["author"] for q in queries} <= {"A. Lee", "B. Kim", "C. Diaz"}
    for query in queries:
        assert query["note_id"] and query["rule"] and query["issued"]
        assert "Other (please specify)" in query["options"] and "Not clinically determinable" in query["options"]
        # never what the answer would change
        assert not any(word in query["question"].lower() for word in ("score", "payment", "deduct", "rating"))
    assert not any("123-45-6789" in q["quote"] for q in queries)
    quoted = [q for q in queries if q["quote"]]
    assert quoted and all(f'"{q["quote"]}"' in q["question"] for q in quoted)
    for author in {q["author"] for q in queries}:
        slug = author.replace(". ", "-").replace(" ", "-").lower()
        document = Document(str(folder / f"{slug}.docx"))
        text = "\n".join(p.text for p in document.paragraphs)
        mine = [q for q in queries if q["author"] == author]
        assert all(q["query_id"] in text for q in mine)
        assert all(label in text for label in OPTIONS.values())
        assert (folder / f"{slug}.csv").is_file()


def test_min_severity_and_select_narrow_the_queries(run_dir):
    every = build_queries(run_dir, min_severity="info")
    errors = build_queries(run_dir, min_severity="error")
    assert errors and len(errors) < len(every) and all(q.severity == "error" for q in errors)
    picked = build_queries(run_dir, min_severity="info", rules=["stigmatizing-language"])
    assert picked and all(q.category == "stigmatizing-language" for q in picked)


def test_responses_are_imported_row_by_row_and_the_summary_shows_the_rates(run_dir, tmp_path):
    out = _fresh(run_dir, tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["qa", "queries", str(out)]).exit_code == 0
    with open(out / "queries" / "queries.csv", encoding="utf-8", newline="") as handle:
        ids = [row["query_id"] for row in csv.DictReader(handle)]
    issued_on = (out / "queries" / "queries.csv").read_text().splitlines()[1].rsplit(",", 1)[-1]
    answers = tmp_path / "answers.csv"
    answers.write_text("query_id,answer,comment,answered_on\n"
                       f"{ids[0]},amend,,2099-01-02\n"
                       f"{ids[1]},as_written,the purpose is in the first line,2099-01-04\n"
                       f"{ids[2]},perhaps,,\n"
                       f"{ids[3]},other,,\n"
                       "Q-not-issued,amend,,\n", encoding="utf-8")
    result = runner.invoke(main, ["qa", "responses", str(out), str(answers)])
    assert result.exit_code == 2
    assert f"{answers}:4: answer: expected one of" in result.output
    assert f"{answers}:5: comment:" in result.output
    assert f"{answers}:6: query_id:" in result.output
    summary = json.loads((out / "summary.json").read_text())
    rates = summary["queries"]
    assert rates["issued"] == len(ids) and rates["answered"] == 2
    assert rates["response_rate"] == round(2 / len(ids), 3)
    assert rates["agreement_rate"] == 0.5
    assert rates["by_answer"]["amend"] == 1 and rates["by_answer"]["as_written"] == 1
    assert issued_on  # the issued date is recorded; the days to answer are measured from it
    assert rates["median_days_to_answer"] is not None
    # a second answer to the same query replaces the first, and says so
    again = tmp_path / "again.csv"
    again.write_text(f"query_id,answer,comment,answered_on\n{ids[1]},amend,,2099-01-05\n", encoding="utf-8")
    result = runner.invoke(main, ["qa", "responses", str(out), str(again)])
    assert result.exit_code == 0 and "replacing an earlier answer" in result.output
    assert json.loads((out / "summary.json").read_text())["queries"]["agreement_rate"] == 1.0


def test_queries_need_a_qa_folder_and_answers_need_issued_queries(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["qa", "queries", str(tmp_path)])
    assert result.exit_code == 2 and "not a qa output folder" in result.output
    answers = tmp_path / "a.csv"
    answers.write_text("query_id,answer\n", encoding="utf-8")
    result = runner.invoke(main, ["qa", "responses", str(tmp_path), str(answers)])
    assert result.exit_code == 2 and "no queries were issued" in result.output


def test_the_review_keeps_its_short_form(tmp_path):
    export = write_csv(tmp_path / "export.csv", _rows(3))
    result = CliRunner().invoke(main, ["qa", str(export), "-o", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "out" / "summary.json").is_file()

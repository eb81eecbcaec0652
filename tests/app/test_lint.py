"""Linting records: every note yields a result or an error row; one bad note never stops the others."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from noteassist.app.lint import LintGate, LintTally, lint_sources
from noteassist.cli import main
from noteassist.lint.model import LintError, LintResult

GOOD = ("Telephonic contact with the worker on 11/20/2026. Purpose: follow-up after the knee MRI. "
        "Outcome: she confirmed the 12/02/2026 appointment with Dr. Lee. Plan: call her on 12/03/2026.")


def _export(tmp_path, rows):
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "note_text", "date_of_service"])
        writer.writerows(rows)
    return path


def test_an_empty_note_and_a_day_first_date_are_error_rows_and_the_others_are_linted(tmp_path, linter):
    export = _export(tmp_path, [["1", GOOD, "11/20/2026"], ["2", "   ", "11/20/2026"],
                                ["3", GOOD, "20/11/2026"], ["4", GOOD, "2026-11-20"]])
    items = list(lint_sources(linter, [str(export)]))
    assert [type(i).__name__ for i in items] == ["LintResult", "LintError", "LintError", "LintResult"]
    assert [i.path for i in items] == [f"{export}#{n}" for n in "1234"]
    assert "empty note" in items[1].message
    assert "date_of_service" in items[2].message and "20/11/2026" in items[2].message
    tally = LintTally()
    list(tally.count(items))
    assert (tally.notes, tally.errors) == (2, 2)
    assert LintGate("error").exit_code(tally) == 2
    assert "2 could not be read" in tally.summary()


def test_a_missing_file_is_an_error_row_between_results(tmp_path, linter):
    note = tmp_path / "note.txt"
    note.write_text(GOOD, encoding="utf-8")
    items = list(lint_sources(linter, [str(note), str(tmp_path / "gone.txt"), str(note)]))
    assert [isinstance(i, LintError) for i in items] == [False, True, False]
    assert "no such file" in items[1].message


def test_the_cli_writes_every_result_then_exits_2(tmp_path):
    export = _export(tmp_path, [["1", GOOD, "11/20/2026"], ["2", "", "11/20/2026"], ["3", GOOD, "11/20/2026"]])
    result = CliRunner().invoke(main, ["lint", str(export), "--format", "json"])
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [("error" in f, f["path"].rsplit("#", 1)[1]) for f in files] == [(False, "1"), (True, "2"), (False, "3")]
    assert files[1]["record"]["line"] == 3 and files[1]["findings"] == []
    text = CliRunner().invoke(main, ["lint", str(export)])
    assert text.exit_code == 2
    assert text.stderr.count("\n") == 1 and "empty note" in text.stderr
    assert "2 notes checked" in text.stdout and "1 could not be read" in text.stdout


def test_day_first_setting_reads_the_same_export(tmp_path, monkeypatch):
    export = _export(tmp_path, [["1", GOOD, "20/11/2026"]])
    monkeypatch.setenv("NOTEASSIST_DAY_FIRST", "true")
    result = CliRunner().invoke(main, ["lint", str(export), "--format", "json", "--select", "NA8"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["record"]["date_of_service"] == "20/11/2026"


def test_notes_stream_through_in_bounded_batches(linter):
    pulled = []

    def records():
        from noteassist.lint import NoteInput

        for n in range(100):
            pulled.append(n)
            yield NoteInput(text=GOOD, path=f"n{n}")

    stream = linter.lint_records(records(), batch_size=8)
    first = next(stream)
    assert isinstance(first, LintResult) and first.path == "n0"
    assert len(pulled) == 8  # the first batch, not the whole input
    assert sum(1 for _ in stream) == 99


def test_select_that_matches_no_rule_is_an_error(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(note), "--select", "NA999"])
    assert result.exit_code == 2 and "NA999" in result.stderr and "matches no rule" in result.stderr


def test_the_summary_says_when_the_note_type_is_unknown(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("The patient was seen in the emergency department and discharged home.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(note)])
    assert "note type unknown for the note, so required elements were not checked (give --type)" in result.stdout
    typed = CliRunner().invoke(main, ["lint", str(note), "--type", "telephonic"])
    assert "note type unknown" not in typed.stdout

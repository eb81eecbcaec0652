"""Case-management exports: CSV and JSONL with a text column and optional metadata columns."""

from __future__ import annotations

import json

import pytest

from noteassist.errors import NoteInputError
from noteassist.io.records import read_records

CSV = (
    "Note ID,Claim #,Contact Type,Service Date,Entered On,Author,Note Text\n"
    'N-101,WC-2231-0457,Phone Call,2026-11-02,2026-11-02 16:05,R. Diaz,"Called Walgreens to confirm the refill.\n'
    'Outcome: approved."\n'
    "N-102,WC-2231-0457,Office Visit,11/03/2026,11/06/2026 09:00,R. Diaz,Seen by Dr. Lee.\n"
)


def test_csv_rows_become_notes_with_metadata(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    first, second = read_records(path)
    assert first.path == f"{path}#N-101"
    assert first.text == "Called Walgreens to confirm the refill.\nOutcome: approved."
    assert first.meta["claim_number"] == "WC-2231-0457"
    assert first.meta["note_type"] == "telephonic"
    assert first.meta["date_written"] == "2026-11-02 16:05"
    assert first.meta["author"] == "R. Diaz"
    assert first.meta["line"] == 2
    assert second.meta["note_type"] == "physician-visit" and second.meta["line"] == 4


def test_configured_columns_win_over_recognised_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Body,Narrative,Kind\nfirst,second,soap\n", encoding="utf-8")
    assert read_records(path)[0].text == "first"
    record = read_records(path, {"text": "Narrative", "note_type": "Kind"})[0]
    assert record.text == "second" and record.meta["note_type"] == "soap"
    assert record.path.endswith("export.csv#1")


def test_jsonl_lines_become_notes(tmp_path):
    path = tmp_path / "export.jsonl"
    rows = [{"id": 7, "note": "Called the adjuster.", "claim_number": "WC-1", "note_type": "telephonic"},
            {"id": 8, "note": "Seen by Dr. Lee.", "dos": "2026-11-03"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    records = read_records(path)
    assert [r.path for r in records] == [f"{path}#7", f"{path}#8"]
    assert records[1].meta["date_of_service"] == "2026-11-03"


@pytest.mark.parametrize("name, content, message", [
    ("x.csv", "Author,Claim\nA,B\n", "no note-text column"),
    ("x.csv", "", "empty export"),
    ("x.csv", "text,type\nhello,lunch\n", "x.csv:2: type: unknown note type 'lunch'"),
    ("x.csv", "text\nhello,extra\n", "x.csv:2: more fields than the header"),
    ("x.jsonl", '{"text": "a"}\n{"text": \n', "x.jsonl:2: not valid JSON"),
    ("x.jsonl", '["text"]\n', "x.jsonl:1: expected a JSON object"),
    ("x.jsonl", '{"text": 5}\n', "x.jsonl:1: text: expected the note text as a string"),
    ("x.jsonl", "\n", "no notes in the export"),
])
def test_bad_exports_give_one_line_naming_file_and_row(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NoteInputError) as err:
        read_records(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_configured_column_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text\nhello\n", encoding="utf-8")
    with pytest.raises(NoteInputError, match="no column 'Body' .configured for text."):
        read_records(path, {"text": "Body"})


def test_single_note_files_still_read_as_one_record(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("Seen by Dr. Lee.", encoding="utf-8")
    [record] = read_records(path)
    assert record.text == "Seen by Dr. Lee." and record.path == str(path) and record.meta == {}


def test_json_output_names_the_export_row(tmp_path):
    import json as _json

    from click.testing import CliRunner

    from noteassist.cli import main

    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path), "--format", "json", "--select", "NA5"])
    first, second = _json.loads(result.stdout)["files"]
    assert first["record"] == {"source": str(path), "line": 2, "id": "N-101", "author": "R. Diaz",
                               "claim_number": "WC-2231-0457", "date_of_service": "2026-11-02",
                               "date_written": "2026-11-02 16:05"}
    assert first["note_type"] == "telephonic" and first["note_type_source"] == "given"
    assert second["record"]["line"] == 4

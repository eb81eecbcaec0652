"""Exports read strictly: a broken row is reported at its line and the other rows still come through."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from noteassist.errors import NoteInputError
from noteassist.io import NoteRecord, RecordError, iter_records, read_records


def _export(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    return path


def _split(items) -> tuple[list[NoteRecord], list[RecordError]]:
    items = list(items)
    return [i for i in items if isinstance(i, NoteRecord)], [i for i in items if isinstance(i, RecordError)]


def _rows(n: int, *, quoted: bool) -> list[str]:
    """`n` export rows (lines 2..n+1), each note on one line."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL, lineterminator="\n")
    for i in range(1, n + 1):
        writer.writerow([f"N-{i}", f"Called the adjuster about item {i}."])
    return out.getvalue().splitlines(keepends=True)


@pytest.mark.parametrize("quoted", [True, False])
def test_an_unclosed_quote_in_a_100_row_export_loses_only_its_row(tmp_path: Path, quoted: bool) -> None:
    rows = _rows(100, quoted=quoted)
    rows[41] = '"N-42","Called the adjuster about item 42.\n' if quoted else 'N-42,"Called the adjuster about item 42.\n'
    path = _export(tmp_path, "export.csv", "id,text\n" + "".join(rows))
    records, errors = _split(iter_records(path))
    assert len(records) == 99
    assert [r.meta["id"] for r in records] == [f"N-{i}" for i in range(1, 101) if i != 42]
    [error] = errors
    assert (error.path, error.line) == (str(path), 43)
    assert str(error) == (f"{path}:43: not valid CSV: a quoted field opens on this line and never closes, so it "
                          "would take in the rows after it; close the quote (or double a quote inside it: \"\")")
    assert records[41].meta["line"] == 44 and records[41].text == "Called the adjuster about item 43."


def test_a_quote_closed_by_accident_rows_later_is_caught_by_the_rows_it_took_in(tmp_path: Path) -> None:
    rows = _rows(100, quoted=False)
    rows[41] = 'N-42,"Called the adjuster about item 42.\n'
    rows[59] = 'N-60,Called the adjuster about item 60."\n'  # the stray quote that closes the field
    path = _export(tmp_path, "export.csv", "id,text\n" + "".join(rows))
    records, errors = _split(iter_records(path))
    assert [(e.line, e.message.split(":")[0]) for e in errors][:1] == [(43, "not valid CSV")]
    assert "look like rows of their own" in errors[0].message
    # Every row but the broken one is read; the one with the stray quote is an error row of its own.
    ids = {r.meta["id"] for r in records}
    assert {f"N-{i}" for i in range(1, 101)} - ids <= {"N-42", "N-60"}
    assert len(records) >= 98


def test_read_records_raises_on_the_first_broken_row(tmp_path: Path) -> None:
    rows = _rows(5, quoted=True)
    rows[2] = '"N-3","never closed\n'
    path = _export(tmp_path, "export.csv", "id,text\n" + "".join(rows))
    with pytest.raises(NoteInputError, match=rf"^{path}:4: not valid CSV: a quoted field opens on this line"):
        read_records(path)


def test_a_note_over_the_csv_modules_field_limit_is_read(tmp_path: Path) -> None:
    note = "Seen by Dr. Lee. " * 12_000  # about 200 KB, over csv's default 131,072-character field limit
    path = _export(tmp_path, "export.csv", f'id,text\nN-1,"{note}"\n')
    [record] = read_records(path)
    assert record.text == note


def test_multi_line_notes_in_quotes_are_still_fine(tmp_path: Path) -> None:
    text = "id,text\nN-1,\"Subjective: pain 4/10.\nObjective: gait steady, 2, 3\nPlan: PT, 2x/week\"\nN-2,Seen.\n"
    records = read_records(_export(tmp_path, "export.csv", text))
    assert [r.meta["id"] for r in records] == ["N-1", "N-2"]
    assert records[0].text.startswith("Subjective") and records[1].meta["line"] == 5


def test_two_columns_with_one_name_are_an_error(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.csv", "id,text,author,text\n1,first,A,second\n")
    with pytest.raises(NoteInputError) as exc:
        list(iter_records(path))
    assert str(exc.value) == (f"{path}:1: columns 2 and 4 are both named 'text'; rename one, or noteassist "
                              "cannot tell which to read")


def test_two_columns_that_both_look_like_the_text_column_are_an_error(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.csv", "id,Note,note\n1,first,second\n")
    with pytest.raises(NoteInputError, match="columns 'Note' and 'note' both look like the text column"):
        read_records(path)
    assert read_records(path, {"text": "note"})[0].text == "second"


def test_unnamed_trailing_columns_are_ignored(tmp_path: Path) -> None:
    assert read_records(_export(tmp_path, "export.csv", "id,text,,\n1,hello,,\n"))[0].text == "hello"


def test_a_row_with_too_many_fields_is_an_error_row_and_the_next_row_reads(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.csv", "text\nhello,extra\nworld\n")
    records, errors = _split(iter_records(path))
    assert [r.text for r in records] == ["world"]
    assert [str(e) for e in errors] == [f"{path}:2: more fields than the header has columns"]


def test_a_quote_inside_a_field_is_reported_with_its_row(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.csv", 'id,text\n1,"Dr. "Bob" Lee"\n2,ok\n')
    records, errors = _split(iter_records(path))
    assert [r.text for r in records] == ["ok"]
    assert errors[0].line == 2 and errors[0].message.startswith("not valid CSV: ")


# --- JSONL -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0c", "\x1c", "\x0b"])
def test_jsonl_strings_may_hold_line_separators_other_than_newline(tmp_path: Path, separator: str) -> None:
    rows = [{"id": 1, "text": f"Called the adjuster.{separator}Left a message."}, {"id": 2, "text": "Seen."}]
    path = _export(tmp_path, "export.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    records = read_records(path)
    assert [r.text for r in records] == [rows[0]["text"], "Seen."]
    assert records[1].meta["line"] == 2


def test_jsonl_with_crlf_line_ends(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.jsonl", '{"text": "a"}\r\n{"text": "b"}\r\n')
    assert [r.text for r in read_records(path)] == ["a", "b"]


def test_a_lone_surrogate_in_a_jsonl_row_names_the_line(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.jsonl", '{"text": "ok"}\n{"text": "bad \\ud800 here"}\n{"text": "fine"}\n')
    records, errors = _split(iter_records(path))
    assert [r.text for r in records] == ["ok", "fine"]
    assert [str(e) for e in errors] == [
        f"{path}:2: a lone surrogate (\\ud800-\\udfff) in a string; expected valid Unicode text"]


def test_deeply_nested_jsonl_row_is_an_error_row(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.jsonl", '{"text": "a", "x": ' + "[" * 50_000 + "]" * 50_000 + '}\n{"text": "b"}\n')
    records, errors = _split(iter_records(path))
    assert [r.text for r in records] == ["b"]
    assert str(errors[0]) == f"{path}:1: nested more than 32 levels deep"


def test_a_duplicate_key_in_a_jsonl_row_is_an_error_row(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.jsonl", '{"text": "a", "text": "b"}\n')
    with pytest.raises(NoteInputError, match=r":1: duplicate key 'text' in one object; keep one$"):
        read_records(path)


def test_the_same_200_kb_note_reads_from_csv_and_jsonl(tmp_path: Path) -> None:
    note = "Patient seen; plan reviewed. " * 7_000
    csv_path = _export(tmp_path, "e.csv", f'text\n"{note}"\n')
    jsonl_path = _export(tmp_path, "e.jsonl", json.dumps({"text": note}) + "\n")
    assert read_records(csv_path)[0].text == read_records(jsonl_path)[0].text == note


def test_bad_rows_keep_the_row_numbers_of_later_rows(tmp_path: Path) -> None:
    path = _export(tmp_path, "export.jsonl", '{"text": "a"}\n{"text": \n{"text": "c"}\n')
    records, errors = _split(iter_records(path))
    assert [r.path for r in records] == [f"{path}#1", f"{path}#3"]
    assert errors == [RecordError(str(path), 2, errors[0].message)]
    assert errors[0].message.startswith("not valid JSON: ")


def test_record_error_is_a_small_frozen_value() -> None:
    error = RecordError("x.csv", 3, "more fields than the header has columns")
    assert str(error) == "x.csv:3: more fields than the header has columns"
    assert str(RecordError("x.csv", None, "no notes")) == "x.csv: no notes"
    with pytest.raises(AttributeError):
        error.line = 4  # type: ignore[misc]


def test_file_level_problems_raise_from_iter_records(tmp_path: Path) -> None:
    with pytest.raises(NoteInputError, match="no note-text column"):
        list(iter_records(_export(tmp_path, "x.csv", "Author,Claim\nA,B\n")))
    with pytest.raises(NoteInputError, match="no notes in the export"):
        list(iter_records(_export(tmp_path, "y.jsonl", "\n\n")))

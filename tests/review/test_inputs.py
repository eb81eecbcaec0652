"""QA inputs: an export is streamed, so its size is not limited and memory stays flat (issue 13 item 1)."""

from __future__ import annotations

import csv
import json
import tracemalloc

import pytest

from noteassist.errors import NoteInputError

from noteassist.io.files import MAX_FILE_BYTES
from noteassist.io.records import iter_records
from noteassist.review.inputs import iter_qa_records

NOTE = "Telephonic contact with the claimant. Work status: modified duty. Plan: call again next week."


def _big_csv(path, rows: int, filler: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "author", "claim number", "attachment", "note text"])
        for i in range(rows):
            writer.writerow([i + 1, "A. Lee", "WC-2026-1000", "x" * filler, f"{NOTE} Row {i + 1}."])


def test_an_export_larger_than_the_file_limit_is_read_row_by_row(tmp_path):
    export = tmp_path / "month.csv"
    rows = 180
    _big_csv(export, rows, filler=100_000)  # 100 kB a row: 18 MB in all
    assert export.stat().st_size > MAX_FILE_BYTES
    tracemalloc.start()
    try:
        records = []
        for record in iter_qa_records([str(export)]):
            records.append((record.position, record.error, record.text))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p for p, _, _ in records] == list(range(rows))
    assert all(error is None for _, error, _ in records)
    assert records[-1][2].endswith(f"Row {rows}.")
    # The rows the reader surveys for unread columns (records.SURVEY_ROWS, 20), then one at a time: a few
    # megabytes, not the whole file.
    assert peak < 8_000_000, peak


def test_the_lint_reader_keeps_its_file_limit(tmp_path):
    export = tmp_path / "month.csv"
    _big_csv(export, 18, filler=1 << 20)
    with pytest.raises(NoteInputError, match=r"month\.csv: .* over the 16,777,216-byte limit"):
        list(iter_records(export))


def test_a_bad_byte_mid_export_keeps_the_rows_before_it(tmp_path):
    export = tmp_path / "export.jsonl"
    good = "".join(json.dumps({"id": i, "text": f"{NOTE} Row {i}."}) + "\n" for i in range(1, 4))
    export.write_bytes(good.encode() + b'{"id": 4, "text": "caf\xe9"}\n' + b'{"id": 5, "text": "later"}\n')
    records = list(iter_qa_records([str(export)]))
    assert [r.error is None for r in records] == [True, True, True, False]
    offset = len(good.encode()) + len(b'{"id": 4, "text": "caf')
    assert records[-1].error == (f"{export}: not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8")


def test_lines_split_as_before_for_csv_and_jsonl(tmp_path):
    # CSV: \r\n, a lone \r and a BOM; JSONL: only \n ends a row (U+2028 and \r are inside strings' rows).
    export = tmp_path / "e.csv"
    export.write_bytes("\ufeffid,note text\r\n1,\"first\rline\"\r2,second\n".encode())
    texts = [r.text for r in iter_records(export)]
    assert texts == ["first\rline", "second"]
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_bytes(json.dumps({"text": "a\u2028b"}, ensure_ascii=False).encode() + b"\r\n"
                      + json.dumps({"text": "c"}).encode())
    assert [r.text for r in iter_records(jsonl)] == ["a\u2028b", "c"]

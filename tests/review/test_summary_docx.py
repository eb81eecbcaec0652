"""summary.docx (issue 13 item 4): headline figures, the charts as images, the top issues with examples whose
names, claim numbers and SSNs are masked; LibreOffice opens and prints it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docx import Document

from noteassist.review.outputs import read_findings, read_summary
from noteassist.review.run import run_qa
from noteassist.review.summary_docx import SUMMARY_DOCX, mask_example

from test_qa import _rows, options, write_csv


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("summary")
    rows = _rows(9)
    for i, row in enumerate(rows):
        row["claimant"] = "Rosalind Kettering"
        row["date of service"] = f"2026-0{3 + i % 3}-1{i % 9}"  # three weeks apart: a weekly trend
    rows[0]["note text"] = ("Claimant Rosalind Kettering, claim WC-2026-1000, SSN 123-45-6789, was relayed the "
                            "plan. " + rows[0]["note text"])
    export = write_csv(tmp / "export.csv", rows)
    run_qa(options([export], tmp / "out"))
    return tmp / "out"


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_run_writes_a_summary_with_figures_charts_and_top_issues(run_dir):
    document = Document(str(run_dir / SUMMARY_DOCX))
    text = _text(document)
    summary = read_summary(run_dir)
    assert "Headline figures" in text and "Top issues" in text
    assert str(summary["totals"]["linted"]) in text
    assert len(document.inline_shapes) >= 2  # the score distribution and the weekly trend, as pictures
    for rule in summary["by_rule"][:3]:
        assert rule["rule"] in text


def test_examples_never_show_names_claim_numbers_or_ssns(run_dir):
    document = Document(str(run_dir / SUMMARY_DOCX))
    examples = "\n".join(p.text for p in document.paragraphs)  # the tables hold the authors' figures
    assert any(f.get("text") for f in read_findings(run_dir))
    for secret in ("123-45-6789", "WC-2026-1000", "Rosalind", "Kettering"):
        assert secret not in examples


@pytest.mark.parametrize(("text", "names", "expected"), [
    ("claim WC-2026-1000 on 12/04/2026", (), "claim [id] on 12/04/2026"),
    ("SSN 123-45-6789", (), "SSN XXX-XX-6789"),
    ("Ms. Bahati met M.F. and Dr. Osei", (), "[name] met [name] and [name]"),
    ("Jane Roe called", ("Roe, Jane",), "[name] [name] called"),
    ("at 10:30 am, 2 of 6 visits", (), "at 10:30 am, 2 of 6 visits"),
])
def test_masking(text, names, expected):
    assert mask_example(text, names) == expected


def test_libreoffice_prints_it(run_dir, tmp_path):
    from conftest import require_libreoffice
    from noteassist.export import docx_to_pdf

    require_libreoffice()
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(docx_to_pdf((run_dir / SUMMARY_DOCX).read_bytes(), label="summary.docx"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, timeout=120).stdout.decode()
    assert "Documentation quality review" in text and "Top issues" in text

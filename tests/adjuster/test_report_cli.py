"""`noteassist report`: the DOCX an adjuster receives, end to end through the CLI."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from click.testing import CliRunner
from conftest import require_libreoffice
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from noteassist.cli import main
from noteassist.export import read_docx_text

from .helpers import EXAMPLE_CLAIM, contact, write_claim

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]
SECTIONS = ["Executive summary", "Clinical status this period", "Medical status", "Work status and return to work", "MMI and impairment",
            "Barriers and actions", "Authorizations and utilization review", "Recommendations and decisions needed",
            "Plan for the next period", "Contact log", "Time log"]


def report(*args):
    return CliRunner().invoke(main, ["report", *args])


@pytest.fixture(scope="module")
def november(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.docx"
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out))
    assert result.exit_code == 0, result.output
    return out, result


def test_example_report_has_the_sections_in_the_domain_guide_order(november):
    out, result = november
    assert f"wrote {out} (report No. 2, 7 contacts" in result.stderr
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == SECTIONS
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    visits = [h for h in subheadings if h.startswith("November ")]  # the clinical status: one per visit
    assert any("physician visit with" in h for h in visits)
    assert subheadings[len(visits):len(visits) + 3] == ["Diagnoses", "Treatment plan", "Upcoming appointments"]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Case Management Progress Report No. 2"


def test_example_report_tables_and_header(november):
    out, _ = november
    tables = Document(str(out)).tables
    header = {row.cells[0].text: row.cells[1].text for row in tables[0].rows}
    assert header["Claim number"] == "WC-2231-0457"
    assert header["Report period"] == "November 1, 2026 to November 30, 2026"
    assert header["Next report due"] == "December 30, 2026"
    first_rows = {t.rows[0].cells[0].text: t for t in tables[1:]}
    assert set(first_rows) >= {"Date", "Service"}  # work status history / contact log / time log, authorizations
    text = read_docx_text(out)
    assert "| 11/23/2026 | modified duty | Dr. Lee | changed from off work |" in text
    assert "| Physical therapy, right shoulder (8 visits) | certified on appeal on November 9, 2026 (updated) |" \
        " WCA-26-51877 |" in text
    assert "| 11/06/2026 | Telephonic (note only) |" in text
    assert "| Total |  | 0.8 | 1.6 | 0.5 | 0.3 | 1.3 | 4.5 |" in text


def test_footer_has_page_n_of_m_and_the_base_header_is_kept(november):
    out, _ = november
    section = Document(str(out)).sections[0]
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "Confidential" in footer_xml
    assert section.header.paragraphs[0].text == "Nurse Case Management Report"


def test_signature_block_closes_the_report(november):
    out, _ = november
    paragraphs = [p.text for p in Document(str(out)).paragraphs if p.text]
    assert paragraphs[-3:-1] == ["Jordan Patel, RN, CCM", "Harbor Case Management"] or \
        "Jordan Patel, RN, CCM" in paragraphs[-5:]
    assert any(p.startswith("Report date: ") for p in paragraphs[-6:])


def test_letterhead_styles_header_and_footer_survive(tmp_path):
    letterhead = tmp_path / "agency.docx"
    base = Document()
    base.styles["Normal"].font.size = Pt(10)
    base.sections[0].header.paragraphs[0].text = "Harbor Case Management | 100 Main St, Austin TX"
    base.sections[0].header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    base.sections[0].footer.paragraphs[0].text = "Harbor Case Management, licensed in TX"
    base.add_paragraph("This body text of the letterhead must not appear in the report.")
    base.save(letterhead)
    out = tmp_path / "report.docx"
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out), "--letterhead", str(letterhead))
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Harbor Case Management | 100 Main St, Austin TX"
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[0] == "Harbor Case Management, licensed in TX" and "PAGE" in section.footer._element.xml
    assert document.styles["Normal"].font.size == Pt(10)
    assert "must not appear" not in read_docx_text(out)


def test_closure_report(tmp_path):
    out = tmp_path / "closure.docx"
    result = report(str(EXAMPLE_CLAIM), "--from", "2026-10-01", "--to", "2026-11-30", "--kind", "closure",
                    "-o", str(out))
    # The example claim is still open: no closure reason or outcome, named, and the exit code says so.
    assert result.exit_code == 1, result.output
    document = Document(str(out))
    assert document.paragraphs[0].text == "Case Management Closure Report"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:3] == ["Executive summary", "Closure", "Outcome against goals"]
    assert "missing closure_reason" in result.stderr  # the example claim records no closure reason


def test_empty_period_says_so(tmp_path):
    out = tmp_path / "empty.docx"
    result = report(str(EXAMPLE_CLAIM), "--from", "2026-06-01", "--to", "2026-06-30", "-o", str(out))
    assert "missing work_status" in result.stderr  # nothing known yet in June, and the report says what it lacks
    assert "No contacts in the period" in read_docx_text(out)


def test_strict_writes_nothing_when_the_report_has_problems(tmp_path):
    folder = write_claim(tmp_path / "claim")
    (folder / "2026-11-05-visit.yaml").write_text(yaml.safe_dump(contact("2026-11-05")), encoding="utf-8")
    out = tmp_path / "report.docx"
    result = report(str(folder), *NOVEMBER, "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert "--strict" in result.stderr and "missing" in result.stderr and not out.exists()
    relaxed = report(str(folder), *NOVEMBER, "-o", str(out))
    assert relaxed.exit_code == 1 and out.exists()  # written, and the missing elements still fail the run


def test_ssn_never_reaches_the_report(tmp_path):
    folder = write_claim(tmp_path / "claim")
    visit = contact("2026-11-05", recommendations=["confirm SSN 123-45-6789 with the employer's payroll"])
    (folder / "2026-11-05-visit.yaml").write_text(yaml.safe_dump(visit), encoding="utf-8")
    out = tmp_path / "report.docx"
    result = report(str(folder), *NOVEMBER, "-o", str(out))
    assert "NA901" in result.stderr  # the linter reports it ...
    text = read_docx_text(out)
    assert "123-45-6789" not in text and "XXX-XX-6789" in text  # ... and the document carries it masked


@pytest.mark.parametrize("args, message", [
    (["missing-folder"], "no such claim folder"),
    ([str(EXAMPLE_CLAIM), "-o", "report.txt"], "must be a .docx"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    if args[0] == "missing-folder":
        args = [str(tmp_path / "nowhere"), "-o", str(tmp_path / "r.docx")]
    result = report(*args, *NOVEMBER)
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output


def test_broken_contact_file_is_named(tmp_path):
    folder = write_claim(tmp_path / "claim")
    (folder / "2026-11-05-visit.yaml").write_text("encounter: [unclosed\n", encoding="utf-8")
    result = report(str(folder), *NOVEMBER, "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 2 and "2026-11-05-visit.yaml" in result.stderr


def test_existing_report_is_not_overwritten(tmp_path):
    out = tmp_path / "report.docx"
    out.write_text("my draft")
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr and out.read_text() == "my draft"


def test_pdf_without_libreoffice_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    out = tmp_path / "report.docx"
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out), "--pdf")
    assert result.exit_code == 2 and "report.docx: a PDF needs LibreOffice" in result.stderr
    assert out.exists()  # the DOCX is written first


def test_pdf_with_libreoffice(tmp_path):
    require_libreoffice()
    out = tmp_path / "report.docx"
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Case Management Progress Report No. 2" in text and "Page 1 of" in text


def test_the_example_report_passes_its_own_lint(november):
    _, result = november
    # The report's generated prose meets the adjuster targets it is checked against (no finding at all).
    assert "noteassist: report:" not in result.stderr


def test_an_existing_pdf_is_not_overwritten_either(tmp_path):
    out = tmp_path / "report.docx"
    (tmp_path / "report.pdf").write_bytes(b"%PDF last month's")
    result = report(str(EXAMPLE_CLAIM), *NOVEMBER, "-o", str(out), "--pdf")
    assert result.exit_code == 2 and f"{tmp_path / 'report.pdf'}: already exists" in result.stderr
    assert not out.exists() and (tmp_path / "report.pdf").read_bytes() == b"%PDF last month's"


def test_a_report_written_into_its_claim_folder_is_left_out_of_the_next_one_and_said(tmp_path):
    import shutil

    folder = tmp_path / "claim"
    shutil.copytree(EXAMPLE_CLAIM, folder)
    first = report(str(folder), *NOVEMBER, "-o", str(folder / "report.docx"))
    assert first.exit_code == 0, first.output
    again = report(str(folder), *NOVEMBER, "-o", str(folder / "report-again.docx"))
    assert again.exit_code == 0, again.output
    assert "not contacts, left out: report.docx" in again.stderr
    assert "report No. 2, 7 contacts" in again.stderr

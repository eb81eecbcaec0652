"""Export of any note (issue 10, item 7): the claim header is filled from the note's own header lines and
front matter, and no Word document or PDF noteassist writes carries a full SSN.

Every writer is run on input holding the same SSN: `export` from visit facts, from a .txt note and from a
.docx note; `report` (DOCX and PDF) on a claim folder and a letterhead holding it; `lint --annotate`;
`lint --fix-to` of a Word note. Each DOCX is unzipped and every XML part is read as text (tags removed,
Word's non-breaking hyphens read as "-"), so an SSN split over runs or hyphen elements is found too.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, require_libreoffice
from docx import Document
from docx.oxml import OxmlElement

from noteassist.cli import main
from noteassist.export import load_document, note_docx

SSN = "287-65-4321"
DIGITS = SSN.replace("-", "")
MASKED = "XXX-XX-4321"
CLAIM = EXAMPLES / "claims" / "WC-2231-0457"


def xml_texts(docx: bytes) -> dict[str, tuple[str, str]]:
    """Every XML part of a DOCX: (its XML, its text with tags removed and non-breaking hyphens read as '-')."""
    texts = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                xml = archive.read(name).decode("utf-8")
                texts[name] = (xml, re.sub(r"<[^>]+>", "", re.sub(r"<w:noBreakHyphen\s*/>", "-", xml)))
    return texts


def assert_no_ssn(docx: bytes) -> None:
    for name, (xml, text) in xml_texts(docx).items():
        assert SSN not in xml and SSN not in text, name
        assert DIGITS not in re.sub(r"\D", "", text), name  # nor its digits split over runs or elements


def assert_masked(docx: bytes) -> None:
    assert_no_ssn(docx)
    assert any(MASKED in text for _, text in xml_texts(docx).values())


def run_cli(*args: str) -> object:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def word_note_with_ssn() -> bytes:
    """A Word note from another system: the SSN in the body (split over runs), a table, the header, the
    footer and a comment, saved as that system saves it."""
    document = Document()
    document.add_paragraph("Telephonic Contact Note", style="Title")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Claim #", "WC-2231-0457"
    table.cell(1, 0).text, table.cell(1, 1).text = "SSN", SSN
    paragraph = document.add_paragraph()
    paragraph.add_run("DOS: 11/20/2026. Verified identity with SSN 287-")
    paragraph.add_run("65-43").bold = True
    paragraph.add_run("21 and date of birth. Pain 4/10.")
    document.add_comment(paragraph.runs[0], text=f"SSN on file {SSN}")
    field = OxmlElement("w:instrText")  # a field code: no paragraph text shows it, the XML holds it
    field.text = f' QUOTE "SSN {SSN}" '
    paragraph.add_run()._r.append(field)
    document.sections[0].header.paragraphs[0].text = f"Member SSN {SSN}"
    document.sections[0].footer.paragraphs[0].text = f"SSN {SSN}"
    document.core_properties.subject = f"SSN {SSN}"
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    assert sum(SSN in text for _, text in xml_texts(data).values()) >= 5  # the input really holds it
    return data


TEXT_NOTE = f"""Claim #: WC-2231-0457
DOS: 11/20/2026
DOI: 09/14/2026
Claimant: Maria Diaz

TELEPHONIC CONTACT
Spoke with Ms. Diaz, who confirmed her SSN {SSN} for the pharmacy. Pain 4/10.
"""


# -- the claim header of a note noteassist did not write ---------------------------------------------


def test_export_of_a_text_note_fills_the_claim_header_from_its_own_lines(tmp_path: Path) -> None:
    note = tmp_path / "call.txt"
    note.write_text(TEXT_NOTE)
    out = tmp_path / "call.docx"
    result = run_cli("export", str(note), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {row.cells[0].text: row.cells[1].text for row in load_document(out.read_bytes()).tables[0].rows}
    assert rows["Claim number"] == "WC-2231-0457"
    assert rows["Date of service"] == "November 20, 2026"
    assert rows["Date of injury"] == "September 14, 2026"
    assert rows["Claimant"] == "Maria Diaz"


def test_front_matter_wins_over_the_text_and_fills_what_the_text_lacks() -> None:
    note = "---\nclaim_number: WC-1111-2222\nadjuster: Karen Whitfield\n---\n" + TEXT_NOTE
    rows = {row.cells[0].text: row.cells[1].text for row in load_document(note_docx(note)).tables[0].rows}
    assert rows["Claim number"] == "WC-1111-2222" and rows["Adjuster"] == "Karen Whitfield"
    assert rows["Date of service"] == "November 20, 2026"


def test_a_note_titled_in_its_first_line_keeps_that_title() -> None:
    document = load_document(note_docx((EXAMPLES / "notes" / "late-night-visit.txt").read_text()))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[0] == "Physician Visit Note" and "PHYSICIAN VISIT NOTE" not in texts
    rows = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert rows["Claim number"] == "WC-2231-0457" and rows["Date of service"] == "November 20, 2026"


# -- every writer masks --------------------------------------------------------------------------------


def test_export_from_visit_facts(tmp_path: Path) -> None:
    facts = (EXAMPLES / "physician-visit-modified-duty.yaml").read_text()
    assert "\nsubjective: >-\n  She rated" in facts
    path = tmp_path / "visit.yaml"
    path.write_text(facts.replace("\nsubjective: >-\n  She rated",
                                  f"\nsubjective: >-\n  She confirmed her SSN {SSN} at check-in. She rated"))
    out = tmp_path / "visit.docx"
    result = run_cli("export", str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert_masked(out.read_bytes())


def test_export_from_a_text_note(tmp_path: Path) -> None:
    note = tmp_path / "call.txt"
    note.write_text(TEXT_NOTE)
    out = tmp_path / "call.docx"
    assert run_cli("export", str(note), "-o", str(out)).exit_code == 0
    assert_masked(out.read_bytes())


def test_export_from_a_word_note(tmp_path: Path) -> None:
    note = tmp_path / "call.docx"
    note.write_bytes(word_note_with_ssn())
    out = tmp_path / "exported.docx"
    result = run_cli("export", str(note), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert_masked(out.read_bytes())


def test_annotated_copy(tmp_path: Path) -> None:
    note = tmp_path / "call.docx"
    note.write_bytes(word_note_with_ssn())
    out = tmp_path / "annotated.docx"
    result = run_cli("lint", str(note), "--annotate", str(out))
    assert out.exists(), result.output
    data = out.read_bytes()
    assert_masked(data)
    assert any("NA901" in text for _, text in xml_texts(data).values())  # the finding is still there as a comment


def test_fixed_copy_of_a_word_note(tmp_path: Path) -> None:
    note = tmp_path / "call.docx"
    original = word_note_with_ssn()
    note.write_bytes(original)
    out = tmp_path / "fixed.docx"
    result = run_cli("lint", str(note), "--fix-to", str(out))
    assert out.exists(), result.output
    assert_masked(out.read_bytes())
    assert note.read_bytes() == original  # the user's own file is left as it was


@pytest.fixture
def claim_with_ssn(tmp_path: Path) -> Path:
    folder = tmp_path / "WC-2231-0457"
    shutil.copytree(CLAIM, folder)
    call = folder / "2026-11-06-telephonic-worker.md"
    call.write_text(call.read_text().replace("rated her shoulder pain 4/10 at rest.",
                                             f"rated her shoulder pain 4/10 at rest. She gave SSN {SSN}."))
    assert SSN in call.read_text()
    return folder


def letterhead_with_ssn(tmp_path: Path) -> Path:
    document = Document()
    document.sections[0].header.paragraphs[0].text = f"Harbor Case Management - billing SSN {SSN}"
    path = tmp_path / "letterhead.docx"
    document.save(str(path))
    return path


def test_report_docx_and_pdf(claim_with_ssn: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    args = ["report", str(claim_with_ssn), "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out),
            "--letterhead", str(letterhead_with_ssn(tmp_path))]
    pdf = shutil.which("soffice") is not None and shutil.which("pdftotext") is not None
    result = run_cli(*args, *(["--pdf"] if pdf else []))
    assert out.exists(), result.output
    assert_masked(out.read_bytes())
    if not pdf:
        require_libreoffice()  # skips here (fails in CI): the PDF half needs LibreOffice
    text = subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8").replace("\u2011", "-")
    assert SSN not in text and DIGITS not in re.sub(r"\D", "", text)
    assert MASKED in text

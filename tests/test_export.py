"""DOCX export: round trip through python-docx, footer fields, safe writing, LibreOffice rendering."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import pdf_text
from docx import Document

from noteassist.errors import ExportError
from noteassist.export import CONFIDENTIALITY_NOTICE, export_docx, read_docx_text

NOTE = """\
---
note_type: physician-visit
claim_number: WC-2024-118734
claimant: Maria Delgado
date_of_birth: 1979-06-02
date_of_injury: 2024-02-14
date_of_service: 2024-04-03
employer: Riverside Distribution LLC
jurisdiction: CA
carrier: Golden State Mutual
adjuster: Tom Becker
case_manager: Jane Ortiz, RN, CCM
---
# Physician Visit Note

## Visit

Date of service: 2024-04-03
Provider: Dr. Alan Wu, orthopedics

## Subjective

Claimant reports right shoulder pain of **6/10**, worse with overhead reaching.
She is sleeping better since starting physical therapy.

## Objective

- Forward flexion 140 degrees, improved from 110
- Positive **Hawkins** test on the right
- No swelling or redness

## Diagnosis

Right shoulder rotator cuff strain (S46.011A).

## Work Status

**Work status:** Modified duty, no lifting over 10 lb, no overhead work until next visit.

## Plan

1. Continue physical therapy 2x/week for 4 weeks
2. Follow up with Dr. Wu in 4 weeks

Next appointment: 2024-05-01
Case manager plan: Send modified-duty restrictions to the employer and adjuster today.
"""


def _all_text(path: Path) -> str:
    return read_docx_text(path)


def _footer_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/footer"))


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return export_docx(NOTE, tmp_path / "visit.docx")


def test_round_trip_title_header_and_body(exported: Path) -> None:
    document = Document(str(exported))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "Physician Visit Note"
    assert paragraphs[0].style.name == "Title"
    # the note's own "# Physician Visit Note" line is not repeated as a heading
    assert [p.text for p in paragraphs].count("Physician Visit Note") == 1

    table = document.tables[0]
    cells = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert cells["Claim number"] == "WC-2024-118734"
    assert cells["Claimant"] == "Maria Delgado"
    assert cells["Date of injury"] == "February 14, 2024"
    assert cells["Date of service"] == "April 3, 2024"
    assert cells["Adjuster"] == "Tom Becker"
    assert cells["Case manager"] == "Jane Ortiz, RN, CCM"
    assert cells["Employer"] == "Riverside Distribution LLC"
    assert cells["Jurisdiction"] == "CA"

    headings = {p.text: p.style.name for p in paragraphs if p.style.name.startswith("Heading")}
    assert headings["Subjective"] == "Heading 2"
    assert headings["Work Status"] == "Heading 2"
    assert headings["Plan"] == "Heading 2"

    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert "Forward flexion 140 degrees, improved from 110" in bullets
    assert "Positive Hawkins test on the right" in bullets
    numbered = [p.text for p in paragraphs if p.style.name == "List Number"]
    assert numbered[0] == "Continue physical therapy 2x/week for 4 weeks"

    text = _all_text(exported)
    assert "**" not in text
    assert "None" not in text
    assert "Claimant reports right shoulder pain of 6/10" in text
    # a wrapped paragraph is one Word paragraph
    assert "overhead reaching. She is sleeping better" in text


def test_inline_bold_and_field_labels(exported: Path) -> None:
    paragraphs = Document(str(exported)).paragraphs
    pain = next(p for p in paragraphs if p.text.startswith("Claimant reports"))
    assert any(run.bold and run.text == "6/10" for run in pain.runs)
    status = next(p for p in paragraphs if p.text.startswith("Work status:"))
    assert status.runs[0].bold and status.runs[0].text == "Work status:"
    assert status.text == "Work status: Modified duty, no lifting over 10 lb, no overhead work until next visit."
    provider = next(p for p in paragraphs if p.text.startswith("Provider:"))
    assert provider.runs[0].bold and provider.runs[0].text == "Provider:"
    assert not provider.runs[-1].bold


def test_footer_has_page_fields_and_confidentiality(exported: Path) -> None:
    xml = _footer_xml(exported)
    assert CONFIDENTIALITY_NOTICE.replace("'", "&apos;") in xml or CONFIDENTIALITY_NOTICE in xml
    assert 'w:fldCharType="begin"' in xml
    assert 'w:fldCharType="separate"' in xml
    assert 'w:fldCharType="end"' in xml
    assert "<w:instrText" in xml and " PAGE " in xml and " NUMPAGES " in xml
    footer = Document(str(exported)).sections[0].footer
    assert footer.paragraphs[0].text == CONFIDENTIALITY_NOTICE
    assert footer.paragraphs[1].text.startswith("Page ")


def test_explicit_header_wins_and_missing_values_are_blank(tmp_path: Path) -> None:
    body = "## Contact\n\nSpoke with the claimant by phone.\n"
    out = export_docx(body, tmp_path / "call.docx",
                      header={"note_type": "telephonic", "claim_number": "WC-1", "claimant": "A. Person",
                              "adjuster": None})
    document = Document(str(out))
    assert document.paragraphs[0].text == "Telephonic Contact Note"
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Claim number"] == "WC-1"
    assert cells["Adjuster"] == "\u2014"
    assert "Employer" not in cells
    assert "None" not in read_docx_text(out)

    with_meta = "---\nclaim_number: WC-FM\nclaimant: Front Matter\n---\nBody.\n"
    out2 = export_docx(with_meta, tmp_path / "x.docx", header={"claim_number": "WC-EXPLICIT"}, title="My Title")
    document = Document(str(out2))
    assert document.paragraphs[0].text == "My Title"
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Claim number"] == "WC-EXPLICIT"
    assert cells["Claimant"] == "Front Matter"


def test_unknown_note_type_falls_back(tmp_path: Path) -> None:
    out = export_docx("Just text.\n", tmp_path / "n.docx")
    assert Document(str(out)).paragraphs[0].text == "Case Note"


def test_illegal_xml_characters_are_stripped(tmp_path: Path) -> None:
    note = NOTE.replace("No swelling or redness", "No swelling\x00 or\x07 redness\x1b\ufffe") + "\ud800Stray\x0c end\n"
    out = export_docx(note, tmp_path / "dirty.docx", header={"claimant": "Maria\x00 Delgado"})
    text = read_docx_text(out)
    assert "No swelling or redness" in text
    assert "Stray end" in text
    assert "Maria Delgado" in text
    for bad in ("\x00", "\x07", "\x1b", "\x0c", "\ufffe"):
        assert bad not in text


def test_existing_output_requires_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "visit.docx"
    out.write_bytes(b"original")
    with pytest.raises(ExportError) as info:
        export_docx(NOTE, out)
    assert str(info.value) == f"{out}: already exists; use --force to overwrite"
    assert out.read_bytes() == b"original"

    export_docx(NOTE, out, overwrite=True)
    assert "WC-2024-118734" in read_docx_text(out)
    assert [p.name for p in tmp_path.iterdir()] == ["visit.docx"]  # no temp file left behind


def test_unwritable_destinations_raise_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        export_docx(NOTE, tmp_path / "missing" / "visit.docx")
    assert "\n" not in str(info.value)

    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        export_docx(NOTE, blocker / "visit.docx")

    with pytest.raises(ExportError):
        export_docx(NOTE, tmp_path)  # a directory


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_raises_export_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError) as info:
            export_docx(NOTE, locked / "visit.docx")
        assert "\n" not in str(info.value)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


@pytest.mark.slow
def test_libreoffice_renders_pdf(tmp_path: Path) -> None:
    docx_path = export_docx(NOTE, tmp_path / "visit.docx")
    text = pdf_text(docx_path, tmp_path)
    assert "WC-2024-118734" in text
    assert "Subjective" in text
    assert "Right shoulder rotator cuff strain" in text
    assert "Page 1 of" in text
    assert "**" not in text

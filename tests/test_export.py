"""DOCX export: bytes in memory, round trip through python-docx, footer fields, the file wrapper's safe
writing, LibreOffice rendering (also two conversions at once)."""

from __future__ import annotations

import io
import os
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import pdf_text, require_libreoffice
from docx import Document

from noteassist.errors import ExportError
from noteassist.export import CONFIDENTIALITY_NOTICE, docx_to_pdf, export_docx, note_docx, read_docx_text
from noteassist.export import pdf as pdf_module

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


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _footer_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/footer"))


@pytest.fixture
def exported() -> bytes:
    return note_docx(NOTE)


def test_note_docx_is_a_word_document_in_memory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = note_docx(NOTE)
    assert data[:2] == b"PK" and zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere
    assert read_docx_text(data) == read_docx_text(_open(data))  # bytes or an open document read the same


def test_round_trip_title_header_and_body(exported: bytes) -> None:
    document = _open(exported)
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

    text = read_docx_text(exported)
    assert "**" not in text
    assert "None" not in text
    assert "Claimant reports right shoulder pain of 6/10" in text
    # a wrapped paragraph is one Word paragraph
    assert "overhead reaching. She is sleeping better" in text


def test_inline_bold_and_field_labels(exported: bytes) -> None:
    paragraphs = _open(exported).paragraphs
    pain = next(p for p in paragraphs if p.text.startswith("Claimant reports"))
    assert any(run.bold and run.text == "6/10" for run in pain.runs)
    status = next(p for p in paragraphs if p.text.startswith("Work status:"))
    assert status.runs[0].bold and status.runs[0].text == "Work status:"
    assert status.text == "Work status: Modified duty, no lifting over 10 lb, no overhead work until next visit."
    provider = next(p for p in paragraphs if p.text.startswith("Provider:"))
    assert provider.runs[0].bold and provider.runs[0].text == "Provider:"
    assert not provider.runs[-1].bold


def test_footer_has_page_fields_and_confidentiality(exported: bytes) -> None:
    xml = _footer_xml(exported)
    assert CONFIDENTIALITY_NOTICE.replace("'", "&apos;") in xml or CONFIDENTIALITY_NOTICE in xml
    assert 'w:fldCharType="begin"' in xml
    assert 'w:fldCharType="separate"' in xml
    assert 'w:fldCharType="end"' in xml
    assert "<w:instrText" in xml and " PAGE " in xml and " NUMPAGES " in xml
    footer = _open(exported).sections[0].footer
    assert footer.paragraphs[0].text == CONFIDENTIALITY_NOTICE
    assert footer.paragraphs[1].text.startswith("Page ")


def test_explicit_header_wins_and_missing_values_are_blank() -> None:
    body = "## Contact\n\nSpoke with the claimant by phone.\n"
    out = note_docx(body, header={"note_type": "telephonic", "claim_number": "WC-1", "claimant": "A. Person",
                                  "adjuster": None})
    document = _open(out)
    assert document.paragraphs[0].text == "Telephonic Contact Note"
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Claim number"] == "WC-1"
    assert cells["Adjuster"] == "\u2014"
    assert "Employer" not in cells
    assert "None" not in read_docx_text(out)

    with_meta = "---\nclaim_number: WC-FM\nclaimant: Front Matter\n---\nBody.\n"
    out2 = note_docx(with_meta, header={"claim_number": "WC-EXPLICIT"}, title="My Title")
    document = _open(out2)
    assert document.paragraphs[0].text == "My Title"
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Claim number"] == "WC-EXPLICIT"
    assert cells["Claimant"] == "Front Matter"


def test_unknown_note_type_falls_back() -> None:
    assert _open(note_docx("Just text.\n")).paragraphs[0].text == "Case Note"


def test_illegal_xml_characters_are_stripped() -> None:
    note = NOTE.replace("No swelling or redness", "No swelling\x00 or\x07 redness\x1b\ufffe") + "\ud800Stray\x0c end\n"
    text = read_docx_text(note_docx(note, header={"claimant": "Maria\x00 Delgado"}))
    assert "No swelling or redness" in text
    assert "Stray end" in text
    assert "Maria Delgado" in text
    for bad in ("\x00", "\x07", "\x1b", "\x0c", "\ufffe"):
        assert bad not in text


# -- the file wrapper -------------------------------------------------------------------------------


def test_export_docx_writes_the_same_document(tmp_path: Path) -> None:
    out = export_docx(NOTE, tmp_path / "visit.docx")
    assert out == tmp_path / "visit.docx"
    assert read_docx_text(out) == read_docx_text(note_docx(NOTE))


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


def _pdf_to_text(pdf: bytes, folder: Path) -> str:
    path = folder / f"{os.urandom(4).hex()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode("utf-8", "replace")


@pytest.mark.slow
def test_two_pdf_conversions_at_once_both_succeed(tmp_path: Path) -> None:
    require_libreoffice()
    notes = [NOTE, NOTE.replace("WC-2024-118734", "WC-2024-555555")]
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def convert(index: int) -> None:
        try:
            results[index] = docx_to_pdf(note_docx(notes[index]))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(results[n].startswith(b"%PDF") for n in range(2))
    assert "WC-2024-118734" in _pdf_to_text(results[0], tmp_path)
    assert "WC-2024-555555" in _pdf_to_text(results[1], tmp_path)


def test_pdf_without_libreoffice_is_one_line(monkeypatch) -> None:
    monkeypatch.setattr(pdf_module, "soffice", lambda: None)
    with pytest.raises(ExportError) as info:
        docx_to_pdf(b"PK", label="report.docx")
    assert str(info.value).startswith("report.docx: a PDF needs LibreOffice (soffice), which is not installed")
    assert "\n" not in str(info.value)


def test_pdf_failure_is_one_line(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf_module, "soffice", lambda: str(fake))
    with pytest.raises(ExportError) as info:
        docx_to_pdf(b"not a document", label="note.docx")
    assert str(info.value) == ("note.docx: LibreOffice could not convert it to PDF "
                               "(Error: source file could not be loaded)")


def test_each_conversion_has_its_own_profile_and_folder_and_cleans_up(tmp_path: Path, monkeypatch) -> None:
    """A stand-in soffice that logs its arguments and 'converts' by copying: every call gets a private
    profile and work folder, and nothing is left in the temporary directory afterwards."""
    log = tmp_path / "calls.log"
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n"
                    f"echo \"$1\" >> {log}\n"
                    "for last; do :; done\n"
                    "cp \"$last\" \"${last%.docx}.pdf\"\n")
    fake.chmod(0o755)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(pdf_module, "soffice", lambda: str(fake))
    monkeypatch.setattr(pdf_module.tempfile, "tempdir", str(scratch))
    assert docx_to_pdf(b"first") == b"first"
    assert docx_to_pdf(b"second") == b"second"
    profiles = log.read_text().split()
    assert len(profiles) == 2 and profiles[0] != profiles[1]
    assert all(p.startswith("-env:UserInstallation=file://" + str(scratch)) for p in profiles)
    assert list(scratch.iterdir()) == []

"""Layout of the Word documents noteassist writes (issue 10, item 5), checked in the DOCX XML and, where
LibreOffice and poppler are installed, on the rendered pages (DOCX -> PDF -> text per page).

In the XML: table header rows repeat on each page (w:tblHeader) and rows never split (w:cantSplit);
headings keep with the next paragraph (w:keepNext); the hyphens of phone and claim numbers are
non-breaking (w:noBreakHyphen) while the text still reads "WC-2231-0457"; a note ends with a
signature line; a report names its recipients at the top and ends with its signature block.
On the pages: a claim or phone number is never broken across lines, a report's contact log repeats
its header row on every page it runs onto, no report page ends with a heading, and the last page
is never only the signature block.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, require_libreoffice
from docx.oxml.ns import qn

from noteassist.app.draft import note_document
from noteassist.export import docx_to_pdf, load_document, note_docx, read_docx_text
from noteassist.export.report import report_docx_bytes
from noteassist.facts import load_facts

CLAIM = EXAMPLES / "claims" / "WC-2231-0457"
NOTE_FACTS = sorted(EXAMPLES.glob("*.yaml")) + sorted(CLAIM.glob("2026-*.yaml"))
IDENTIFIERS = ("WC-2231-0457", "512-555-0190", "512-555-0148")


def heading_paragraphs(document):
    return [p for p in document.paragraphs if p.style.name.startswith(("Heading", "Title")) and p.text.strip()]


def keeps_with_next(paragraph) -> bool:
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.find(qn("w:keepNext")) is not None


def example_note(path: Path) -> bytes:
    return note_document(load_facts(path))


@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> tuple[bytes, str]:
    """The README's report: claim WC-2231-0457, November 2026 (DOCX bytes, its Markdown body)."""
    from datetime import date

    from noteassist.adjuster import FolderClaimSource
    from noteassist.app.report import build_report, report_document

    run = build_report(FolderClaimSource(CLAIM), date(2026, 11, 1), date(2026, 11, 30))
    return report_document(run), run.body


# -- in the DOCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("facts", NOTE_FACTS, ids=lambda p: p.name)
def test_note_headings_keep_with_next_and_rows_never_split(facts: Path) -> None:
    document = load_document(example_note(facts))
    headings = heading_paragraphs(document)
    assert headings and all(keeps_with_next(p) for p in headings), [p.text for p in headings if not keeps_with_next(p)]
    for table in document.tables:
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)


def test_body_tables_repeat_their_header_row(example_report) -> None:
    document = load_document(example_report[0])
    logs = [t for t in document.tables if t.rows[0].cells[0].text == "Date"]
    assert len(logs) >= 2  # the contact log and the time log at least
    for table in logs:
        flags = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        assert flags[0] and not any(flags[1:])
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)
    claim_header = document.tables[0]
    assert not any(tr.trPr.find(qn("w:tblHeader")) is not None for tr in claim_header._tbl.tr_lst)


def test_identifier_hyphens_do_not_break_but_read_as_hyphens() -> None:
    data = note_docx("# Telephonic Contact Note\n\nClaim #: WC-2231-0457. Call 512-555-0190 about the "
                     "pre-operative visit.\n")
    document = load_document(data)
    paragraph = next(p for p in document.paragraphs if "Claim #" in p.text)
    xml = paragraph._p.xml
    assert "WC-2231-0457" in paragraph.text and "512-555-0190" in paragraph.text  # searchable, copyable
    assert xml.count("<w:noBreakHyphen/>") == 4
    assert "pre-operative" in "".join(t.text for t in paragraph._p.iter(qn("w:t")))  # a word may still break
    header_value = document.tables[0].rows[0].cells[1]._tc.xml
    assert "<w:noBreakHyphen/>" in header_value
    assert "WC-2231-0457" in read_docx_text(data)


def test_a_drafted_note_ends_with_a_signature_line() -> None:
    document = load_document(example_note(EXAMPLES / "physician-visit-modified-duty.yaml"))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[-2].startswith("Signature: ____") and "Date/time: ____" in texts[-2]
    assert texts[-1] == "Jordan Patel, RN, CCM"
    assert "Electronically signed" not in "\n".join(texts)  # a draft is not signed
    closing = [p for p in document.paragraphs if p.text.strip()][-3:]
    assert all(keeps_with_next(p) for p in closing[:-1])  # kept together and with the text before it


def test_a_signed_note_gets_no_second_signature_line() -> None:
    signed = ("# Telephonic Contact Note\n\nDate of service: 11/25/2026\n\nSpoke with the adjuster.\n\n"
              "Electronically signed by J. Ortiz, RN on 11/25/2026 16:02\n")
    texts = [p.text for p in load_document(note_docx(signed)).paragraphs if p.text.strip()]
    assert texts[-1] == "Electronically signed by J. Ortiz, RN on 11/25/2026 16:02"
    assert not any(text.startswith("Signature:") for text in texts)


def test_an_unsigned_note_without_an_author_gets_a_line_for_name_and_credentials() -> None:
    texts = [p.text for p in load_document(note_docx("Spoke with the adjuster.\n")).paragraphs if p.text.strip()]
    assert texts[-2].startswith("Signature: ") and texts[-1].startswith("Name and credentials: ____")


def test_report_recipients_at_the_top_and_signature_at_the_end() -> None:
    data = report_docx_bytes("## Summary\n\nAll well.\n", header=[("Claim number", "WC-2231-0457")],
                             title="Case Management Progress Report No. 2",
                             signature=["Report date: December 2, 2026", "Jordan Patel, RN, CCM",
                                        "512-555-0190", "To: Karen Whitfield, adjuster, Lone Star Mutual Insurance"])
    document = load_document(data)
    body = document.element.body
    children = [child for child in body.iterchildren() if child.tag in (qn("w:p"), qn("w:tbl"))]
    first_table = next(i for i, child in enumerate(children) if child.tag == qn("w:tbl"))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    to_line = next(p for p in document.paragraphs if p.text.startswith("To:"))
    assert children.index(to_line._p) < first_table  # with the title, above the claim header
    assert texts[-3:] == ["Report date: December 2, 2026", "Jordan Patel, RN, CCM", "512-555-0190"]
    assert sum(text.startswith("To:") for text in texts) == 1


def test_columns_fit_their_longest_word_and_long_text_gets_the_room(example_report) -> None:
    document = load_document(example_report[0])
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Service")
    grid = {cell.text: col.width for cell, col in zip(table.rows[0].cells, table.columns)}
    assert grid["Status"] > grid["Requested"] and grid["Status"] > grid["Reference"]
    assert grid["Reference"] >= 12 * 0.66 * 10 * 12700  # "WCA-26-51877" at 10 pt in the widest fallback font


# -- on the rendered pages --------------------------------------------------------------------------


def pdf_pages(docx: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of DOCX as LibreOffice prints it."""
    require_libreoffice()
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(docx_to_pdf(docx))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          timeout=120).stdout.decode("utf-8")
    return [page for page in text.split("\f") if page.strip()]


def body_lines(page: str) -> list[str]:
    """A page's lines without the running header and the footer."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    footer = ("Confidential:", "claim. Share only", "Share only with", "Page ", "Nurse Case Management Report")
    return [line for line in lines if not line.startswith(footer)]


def assert_identifiers_whole(pages: list[str], docx: bytes) -> None:
    text = "\n".join(pages).replace("\u2011", "-")
    source = read_docx_text(docx)
    for identifier in IDENTIFIERS:
        assert text.count(identifier) == source.count(identifier), identifier  # none broken over two lines
    assert not re.search(r"\b(?:WC|512)-(?:\d+-)?\s*$", text, re.MULTILINE)  # no line ends inside one


@pytest.mark.parametrize("facts", [EXAMPLES / "physician-visit-modified-duty.yaml",
                                   CLAIM / "2026-11-30-telephonic-adjuster.yaml"], ids=lambda p: p.name)
def test_rendered_note_keeps_numbers_whole_and_ends_with_its_signature(facts: Path, tmp_path: Path) -> None:
    docx = example_note(facts)
    pages = pdf_pages(docx, tmp_path)
    assert_identifiers_whole(pages, docx)
    last = body_lines(pages[-1])
    assert last[-2].startswith("Signature:") and last[-1] == "Jordan Patel, RN, CCM"
    assert len(last) > 2  # the signature keeps with the text before it


def test_rendered_example_report(example_report, tmp_path: Path) -> None:
    docx, _ = example_report
    pages = pdf_pages(docx, tmp_path)
    assert_identifiers_whole(pages, docx)
    assert "To: Karen Whitfield" in "\n".join(body_lines(pages[0]))
    assert not any("To:" in line for page in pages[1:] for line in body_lines(page))
    headings = {p.text.strip() for p in heading_paragraphs(load_document(docx))}
    for number, page in enumerate(pages[:-1], 1):
        assert body_lines(page)[-1] not in headings, f"page {number} ends with a heading"
    last = body_lines(pages[-1])
    assert last[-1] == "512-555-0190" and len(last) > 4  # more than the signature block alone
    status = ["pending", "utilization", "review,", "requested", "on", "November", "20,", "2026", "(updated)"]
    assert status_lines(pages, status) <= 4  # was 7 with even column widths


def status_lines(pages: list[str], words: list[str]) -> int:
    """How many lines of the rendered text hold the words of one table cell (the cell's height in lines)."""
    lines = [line for page in pages for line in page.splitlines()]
    start = next(i for i, line in enumerate(lines) if words[0] in line and words[1] in line)
    found, count = 0, 0
    for line in lines[start:start + 12]:
        here = sum(1 for word in words[found:] if word in line.split())
        if here == 0:
            break
        found += here
        count += 1
    return count


@pytest.fixture(scope="module")
def long_report(tmp_path_factory) -> bytes:
    """A report of the benchmark's 200-contact claim over its whole year (the synthetic claim folder)."""
    from datetime import date

    from noteassist.adjuster import FolderClaimSource
    from noteassist.adjuster.synthetic import synthetic_claim
    from noteassist.app.report import build_report, report_document

    folder = synthetic_claim(tmp_path_factory.mktemp("claim"), contacts=200, months=12)
    run = build_report(FolderClaimSource(folder), date(2025, 12, 1), date(2026, 12, 31))
    assert len(run.report.contacts) == 200
    return report_document(run)


def test_rendered_200_contact_report_repeats_the_log_header_and_never_ends_a_page_on_a_heading(
        long_report: bytes, tmp_path: Path) -> None:
    pages = pdf_pages(long_report, tmp_path)
    assert len(pages) > 10
    log_pages = [page for page in pages if re.search(r"^\s*\d\d/\d\d/20\d\d\s+(?:Telephonic|Physician)", page, re.MULTILINE)]
    assert len(log_pages) >= 4
    for page in log_pages[1:]:  # every page the contact log runs onto starts with its header row
        assert re.match(r"Date\s+Contact\s+With\s+Purpose", body_lines(page)[0]), body_lines(page)[0]
    headings = {p.text.strip() for p in heading_paragraphs(load_document(long_report))}
    for number, page in enumerate(pages[:-1], 1):
        assert body_lines(page)[-1] not in headings, f"page {number} ends with a heading"
    assert len(body_lines(pages[-1])) > 3
    text = "\n".join(pages).replace("\u2011", "-")
    assert text.count("WC-2290-1187") == read_docx_text(long_report).count("WC-2290-1187")

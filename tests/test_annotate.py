"""Findings as Word comments and safe fixes in Word, bytes in and bytes out: exact anchors, formatting kept,
source untouched; the deprecated file form still guards its destination."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import pdf_text
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from noteassist.errors import NoteInputError
from noteassist.export import (
    document_bytes,
    annotate_document,
    annotate_docx,
    docx_text_map,
    fix_document,
    fix_docx,
    load_document,
    note_docx,
    read_docx_text,
)
from noteassist.lint.model import Finding

NOTE = """\
---
note_type: physician-visit
claim_number: WC-2024-118734
claimant: Maria Delgado
date_of_injury: 2024-02-14
date_of_service: 2024-04-03
adjuster: Tom Becker
case_manager: Jane Ortiz, RN, CCM
---
# Physician Visit Note

## Subjective

Claimant reports right shoulder pain of **6/10**, worse with overhead reaching.

## Objective

- Forward flexion 140 degrees, improved from 110
- Positive **Hawkins** test on the right

## Plan

Dr. Wu prescribed meloxicam 15 mg QD for shoulder pain.
Verified identity with SSN 123-45-6789 and date of birth.
"""

_TEXT_TAGS = {qn(f"w:{n}") for n in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab")}


# -- helpers ----------------------------------------------------------------------------------------


def finding(text: str, needle: str, *, rule: str = "NA999", occurrence: int = 0, **kwargs) -> Finding:
    """A finding on the `occurrence`-th `needle` of `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return make_finding(start, start + len(needle), text=needle, rule=rule, **kwargs)


def make_finding(start: int, end: int, *, text: str = "", rule: str = "NA999", severity: str = "warning",
                 message: str = "Check this.", suggestions: list[str] | None = None) -> Finding:
    return Finding(rule=rule, category="style", severity=severity, message=message, start=start, end=end,
                   text=text, suggestions=suggestions or [])


def anchored_texts(docx: bytes | Path) -> dict[int, str]:
    """Comment id -> the text of the runs between its commentRangeStart and commentRangeEnd."""
    body = load_document(docx).element.body
    open_ids: set[int] = set()
    texts: dict[int, str] = {}
    for element in body.iter():
        if element.tag == qn("w:commentRangeStart"):
            comment_id = int(element.get(qn("w:id")))
            open_ids.add(comment_id)
            texts[comment_id] = ""
        elif element.tag == qn("w:commentRangeEnd"):
            open_ids.discard(int(element.get(qn("w:id"))))
        elif element.tag in _TEXT_TAGS and element.getparent().tag == qn("w:r"):
            for comment_id in open_ids:
                texts[comment_id] += str(element)
    return texts


def comments_by_anchor(docx: bytes | Path) -> dict[str, str]:
    """Anchored text -> comment text."""
    anchors = anchored_texts(docx)
    return {anchors[c.comment_id]: c.text for c in load_document(docx).comments}


def comments(docx: bytes | Path):
    return list(load_document(docx).comments)


def char_formats(docx: bytes | Path) -> list[tuple[str, bool | None, bool | None]]:
    """Every body character with the bold/italic of its run: what a reader sees, however runs are cut."""
    document = load_document(docx)
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return [(char, run.bold, run.italic) for p in paragraphs for run in p.runs for char in run.text]


def digest(docx: bytes | Path) -> str:
    return hashlib.sha256(docx if isinstance(docx, bytes) else docx.read_bytes()).hexdigest()


def applied_count(source: bytes, edits) -> int:
    """How many of `edits` apply, counted by the in-memory form on a fresh copy of `source`."""
    return fix_document(load_document(source), edits)


@pytest.fixture(autouse=True)
def keep_ssns(monkeypatch) -> None:
    """These tests check where comments and fixes land, comparing a copy's text and formatting with the
    original's character for character; every DOCX noteassist writes also masks full SSNs, which would
    change the sample SSN. Masking is tested on its own, over every writer, in test_ssn_masking.py."""
    import noteassist.export.docx as docx_module

    monkeypatch.setattr(docx_module, "mask_document", lambda document: 0)


@pytest.fixture
def exported() -> bytes:
    return note_docx(NOTE)


@pytest.fixture
def handmade() -> bytes:
    """A Word note written by hand: blank first line, runs cut mid-word, a header table, list, headings."""
    document = Document()
    document.add_paragraph("")
    document.add_paragraph("Telephonic Note", style="Title")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).paragraphs[0].add_run("Claim number").bold = True
    value = table.cell(0, 1).paragraphs[0]
    value.add_run("WC-2024-")
    value.add_run("118734").italic = True
    table.cell(1, 0).paragraphs[0].add_run("Claimant").bold = True
    table.cell(1, 1).paragraphs[0].add_run("Maria  Delgado")
    document.add_paragraph("Subjective", style="Heading 1")
    body = document.add_paragraph()
    body.add_run("Claimant re")
    body.add_run("ports pa").bold = True
    body.add_run("in and takes ibuprofen ").italic = True
    body.add_run("QD")
    body.add_run(" per Dr. Wu.")
    ssn = document.add_paragraph()
    ssn.add_run("SSN 123-")
    ssn.add_run("45-67").bold = True
    ssn.add_run("89 on file.")
    document.add_paragraph("Follow-up call in two weeks", style="List Bullet")
    return document_bytes(document)


# -- the text map -----------------------------------------------------------------------------------


def test_text_map_is_the_read_text_and_points_at_paragraph_text(handmade: bytes, exported: bytes) -> None:
    for source in (handmade, exported):
        text_map = docx_text_map(load_document(source))
        assert text_map.text == read_docx_text(source)
        for segment in text_map.segments:
            original = segment.paragraph.text[segment.para_start:segment.para_end]
            shown = text_map.text[segment.start:segment.end]
            if segment.one_to_one:  # cells show "|" as "/" and any one whitespace character as a space
                assert shown == original or shown == "".join(" " if c.isspace() else c
                                                             for c in original).replace("|", "/")
            else:  # a cell's run of whitespace written as one space
                assert shown == " " and original.isspace()
    assert "| Claimant | Maria Delgado |" in read_docx_text(handmade)


# -- comments ---------------------------------------------------------------------------------------


def test_comments_cover_exact_spans_across_formatted_runs(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    before = digest(handmade)
    formats = char_formats(handmade)
    findings = [
        finding(text, "reports pain", rule="NA201", message="Vague verb.", suggestions=["states", "describes"]),
        finding(text, "QD", rule="NA501", severity="error", message="Do-not-use abbreviation.",
                suggestions=["daily"]),
        finding(text, "ports pain and", rule="NA402"),  # overlaps the first
    ]

    out, count = annotate_docx(handmade, findings)
    assert count == 3

    added = comments(out)
    assert [(c.author, c.initials) for c in added] == [("noteassist", "NA")] * 3
    assert added[0].text == "NA201 [warning] Vague verb.\nSuggestion: states\nSuggestion: describes"
    assert added[1].text == "NA501 [error] Do-not-use abbreviation.\nSuggestion: daily"
    assert added[2].text == "NA402 [warning] Check this."
    anchors = anchored_texts(out)
    assert [anchors[c.comment_id] for c in added] == ["reports pain", "QD", "ports pain and"]

    # the copy reads the same and looks the same; the source is untouched
    assert read_docx_text(out) == text
    assert char_formats(out) == formats
    assert digest(handmade) == before


def test_comment_in_a_table_cell(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    findings = [
        finding(text, "WC-2024-118734", rule="NA701"),
        finding(text, "24-1187", rule="NA702"),
        finding(text, "Maria Delgado", rule="NA901"),  # two spaces in Word, one in the text
    ]
    out, count = annotate_docx(handmade, findings)
    assert count == 3
    assert comments_by_anchor(out) == {
        "WC-2024-118734": "NA701 [warning] Check this.",
        "24-1187": "NA702 [warning] Check this.",
        "Maria  Delgado": "NA901 [warning] Check this.",
    }
    assert char_formats(out) == char_formats(handmade)


def test_markup_and_paragraph_edges_clamp_to_real_text(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    heading = text.index("# Subjective")
    row = text.index("| Claimant |")
    bullet = text.index("- Follow-up")
    findings = [
        make_finding(0, 0, rule="NA101", message="Missing element: plan."),  # nothing to point at
        make_finding(heading, heading + len("# Subjective\nClaimant"), rule="NA102"),  # markup + two paragraphs
        make_finding(row, row + len("| Claimant | Maria"), rule="NA103"),  # crosses cells
        make_finding(bullet, bullet + 2, rule="NA104"),  # only the "- " marker
    ]
    out, count = annotate_docx(handmade, findings)
    assert count == 4
    assert comments_by_anchor(out) == {
        "Telephonic Note": "NA101 [warning] Missing element: plan.",  # first non-empty paragraph
        "Subjective": "NA102 [warning] Check this.",
        "Claimant": "NA103 [warning] Check this.",
        "Follow-up call in two weeks": "NA104 [warning] Check this.",
    }


def test_exported_note_comments(exported: bytes) -> None:
    text = read_docx_text(exported)
    findings = [
        finding(text, "Hawkins"),
        finding(text, "6/10, worse"),
        finding(text, "Tom Becker"),
        finding(text, "Physician Visit Note"),
    ]
    out, count = annotate_docx(exported, findings)
    assert count == 4
    assert sorted(anchored_texts(out).values()) == ["6/10, worse", "Hawkins", "Physician Visit Note", "Tom Becker"]
    assert char_formats(out) == char_formats(exported)


def test_no_findings_still_gives_a_copy(exported: bytes) -> None:
    out, count = annotate_docx(exported, [])
    assert count == 0
    assert read_docx_text(out) == read_docx_text(exported)
    assert comments(out) == []


def test_annotate_document_works_in_place(exported: bytes) -> None:
    document = load_document(exported)
    text = read_docx_text(document)
    assert annotate_document(document, [finding(text, "Hawkins")]) == 1
    assert [c.text for c in document.comments] == ["NA999 [warning] Check this."]


def test_lint_then_annotate_end_to_end(linter, exported: bytes) -> None:
    from noteassist.lint import NoteInput

    text = read_docx_text(exported)
    result = linter.lint(NoteInput(text=text, path="visit.docx"))
    rules = {f.rule for f in result.findings}
    assert {"NA501", "NA901"} <= rules

    out, count = annotate_docx(exported, result.findings)
    assert count == len(result.findings)
    added = comments(out)
    anchors = anchored_texts(out)
    for found, comment in zip(result.findings, added):
        assert comment.text.startswith(f"{found.rule} [{found.severity}] {found.message}")
        assert comment.author == "noteassist"
        if found.end > found.start and "\n" not in found.text and not found.text.startswith(("#", "- ", "| ")):
            assert anchors[comment.comment_id] == found.text
    assert anchors[next(c.comment_id for c in added if c.text.startswith("NA901"))] == "123-45-6789"


def test_hyperlinks_are_part_of_the_paragraph() -> None:
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Sent via the ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "portal")
    paragraph._p.append(link)
    link_run = paragraph.add_run("adjuster portal")
    link.append(link_run._r)  # moves the run into the hyperlink
    paragraph.add_run(" on Monday.")
    source = document_bytes(document)
    text = read_docx_text(source)
    assert text == "Sent via the adjuster portal on Monday."

    annotated, count = annotate_docx(source, [finding(text, "portal on"), finding(text, "the adjuster")])
    assert count == 2
    assert sorted(anchored_texts(annotated).values()) == ["portal on", "the adjuster"]

    edits = [(*span(text, "adjuster portal"), "claims portal"), (*span(text, "Monday"), "Tuesday")]
    assert applied_count(source, edits) == 2
    fixed = fix_docx(source, edits)
    assert read_docx_text(fixed) == "Sent via the claims portal on Tuesday."
    assert load_document(fixed).paragraphs[0]._p.xpath("string(w:hyperlink)") == "claims portal"


# -- fixes ------------------------------------------------------------------------------------------


def apply_to_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_fix_replaces_text_and_keeps_formatting(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    before = digest(handmade)
    edits = [
        (*span(text, "QD"), "daily"),
        (*span(text, "123-45-6789"), "XXX-XX-6789"),  # plain "123-", bold "45-67", plain "89"
        (*span(text, "2024-118734"), "2024-000001"),  # crosses into the italic run of a cell
        (*span(text, "re"), ""),  # deletion inside "Claimant re|ports"
    ]
    assert applied_count(handmade, edits) == 4
    out = fix_docx(handmade, edits)
    assert read_docx_text(out) == apply_to_text(text, edits)
    assert digest(handmade) == before

    document = load_document(out)
    ssn = next(p for p in document.paragraphs if p.text.startswith("SSN"))
    assert ssn.text == "SSN XXX-XX-6789 on file."
    replaced = next(r for r in ssn.runs if "XXX" in r.text)
    assert replaced.text == "XXX-XX-6789" and not replaced.bold  # the first run of the span was plain
    body = next(p for p in document.paragraphs if p.text.startswith("Claimant"))
    assert any(r.text == "daily" and not r.italic and not r.bold for r in body.runs)
    assert [(r.text, r.bold, r.italic) for r in body.runs[:2]] == [("Claimant ", None, None), ("ports pa", True, None)]
    cell = document.tables[0].cell(0, 1).paragraphs[0]
    assert [(r.text, r.italic) for r in cell.runs] == [("WC-", None), ("2024-000001", None)]


def test_fix_keeps_formatting_of_the_first_run() -> None:
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Took med ")
    paragraph.add_run("Q").bold = True
    paragraph.add_run("D with food.").italic = True
    source = document_bytes(document)
    text = read_docx_text(source)
    edits = [(*span(text, "QD"), "daily"), (text.index("food"), text.index("food"), "soft ")]
    assert applied_count(source, edits) == 2
    runs = [(r.text, r.bold, r.italic) for r in load_document(fix_docx(source, edits)).paragraphs[0].runs]
    assert runs == [("Took med ", None, None), ("daily", True, None), (" with ", None, True),
                    ("soft ", None, True), ("food.", None, True)]


def test_fix_skips_unsafe_edits(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    qd = span(text, "QD")
    heading = text.index("# Subjective")
    good = (*span(text, "Dr. Wu"), "Dr. Alan Wu")
    edits = [
        (qd[0], qd[1], "daily"),
        (qd[0] + 1, qd[1] + 3, "x"),  # overlaps the QD edit: both skipped
        (heading, heading + 2, ""),  # the "# " markup is not in the document
        (heading + 2, heading + len("# Subjective\nClaimant"), "x"),  # crosses paragraphs
        (*span(text, "Claim number | WC"), "x"),  # crosses cells
        (len(text) - 1, len(text) + 5, "x"),  # past the end
        (*span(text, "on file"), "on\nfile"),  # would break the paragraph
        good,
        good,  # an identical duplicate counts once
    ]
    assert applied_count(handmade, edits) == 1
    assert read_docx_text(fix_docx(handmade, edits)) == apply_to_text(text, [good])


def test_fix_in_a_merged_whitespace_cell(handmade: bytes) -> None:
    text = read_docx_text(handmade)
    edit = (*span(text, "Maria Delgado"), "M. Delgado")
    assert applied_count(handmade, [edit]) == 1
    assert read_docx_text(fix_docx(handmade, [edit])) == apply_to_text(text, [edit])


def test_lint_then_fix_end_to_end(linter, exported: bytes) -> None:
    from noteassist.lint import NoteInput

    text = read_docx_text(exported)
    findings = linter.lint(NoteInput(text=text, path="visit.docx")).findings
    edits = [(f.start, f.end, f.suggestions[0]) for f in findings if f.rule in {"NA501", "NA901"}]
    assert len(edits) == 2
    fixed = read_docx_text(fix_docx(exported, edits))
    assert fixed == apply_to_text(text, edits)
    assert "meloxicam 15 mg daily" in fixed and "XXX-XX-6789" in fixed and "123-45" not in fixed


# -- bytes in, bytes out ----------------------------------------------------------------------------


@pytest.mark.parametrize("change", [annotate_docx, fix_docx])
def test_not_a_word_document_names_the_label(change) -> None:
    with pytest.raises(NoteInputError) as info:
        change(b"plain text, not a Word file", [], label="visit.docx")
    assert str(info.value).startswith("visit.docx: cannot read as a Word document")
    assert "\n" not in str(info.value)


def test_nothing_is_written(exported: bytes, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = read_docx_text(exported)
    annotate_docx(exported, [finding(text, "Hawkins")])
    fix_docx(exported, [(*span(text, "QD"), "daily")])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [annotate_docx, fix_docx])
def test_a_source_that_is_not_word_is_one_line_naming_it(write) -> None:
    with pytest.raises(NoteInputError) as info:
        write(b"plain text, not a Word file", [], label="note.docx")
    assert str(info.value).startswith("note.docx: cannot read as a Word document")
    assert "\n" not in str(info.value)


# -- rendering --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_renders_annotated_pdf(exported: bytes, tmp_path: Path) -> None:
    text = read_docx_text(exported)
    findings = [finding(text, "Hawkins"), finding(text, "WC-2024-118734"), make_finding(0, 0)]
    data, count = annotate_docx(exported, findings)
    assert count == 3
    annotated = tmp_path / "annotated.docx"
    annotated.write_bytes(data)
    rendered = pdf_text(annotated, tmp_path)
    assert "WC-2024-118734" in rendered
    assert "Positive Hawkins test on the right" in rendered
    assert "meloxicam 15 mg QD" in rendered

"""Findings as Word comments and safe fixes in Word: exact anchors, formatting kept, source untouched."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from conftest import pdf_text
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from noteassist.errors import ExportError, NoteInputError
from noteassist.export import annotate_docx, docx_text_map, export_docx, fix_docx, read_docx_text
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


def anchored_texts(path: Path) -> dict[int, str]:
    """Comment id -> the text of the runs between its commentRangeStart and commentRangeEnd."""
    body = Document(str(path)).element.body
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


def comments_by_anchor(path: Path) -> dict[str, str]:
    """Anchored text -> comment text."""
    anchors = anchored_texts(path)
    return {anchors[c.comment_id]: c.text for c in Document(str(path)).comments}


def char_formats(path: Path) -> list[tuple[str, bool | None, bool | None]]:
    """Every body character with the bold/italic of its run: what a reader sees, however runs are cut."""
    document = Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return [(char, run.bold, run.italic) for p in paragraphs for run in p.runs for char in run.text]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    return export_docx(NOTE, tmp_path / "visit.docx")


@pytest.fixture
def handmade(tmp_path: Path) -> Path:
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
    path = tmp_path / "handmade.docx"
    document.save(str(path))
    return path


# -- the text map -----------------------------------------------------------------------------------


def test_text_map_is_the_read_text_and_points_at_paragraph_text(handmade: Path, exported: Path) -> None:
    for path in (handmade, exported):
        text_map = docx_text_map(Document(str(path)))
        assert text_map.text == read_docx_text(path)
        for segment in text_map.segments:
            source = segment.paragraph.text[segment.para_start:segment.para_end]
            shown = text_map.text[segment.start:segment.end]
            if segment.one_to_one:  # cells show "|" as "/" and any one whitespace character as a space
                assert shown == source or shown == "".join(" " if c.isspace() else c for c in source).replace("|", "/")
            else:  # a cell's run of whitespace written as one space
                assert shown == " " and source.isspace()
    assert "| Claimant | Maria Delgado |" in read_docx_text(handmade)


# -- comments ---------------------------------------------------------------------------------------


def test_comments_cover_exact_spans_across_formatted_runs(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    before = digest(handmade)
    formats = char_formats(handmade)
    out = tmp_path / "annotated.docx"
    findings = [
        finding(text, "reports pain", rule="NA201", message="Vague verb.", suggestions=["states", "describes"]),
        finding(text, "QD", rule="NA501", severity="error", message="Do-not-use abbreviation.",
                suggestions=["daily"]),
        finding(text, "ports pain and", rule="NA402"),  # overlaps the first
    ]

    assert annotate_docx(handmade, findings, out) == 3

    comments = list(Document(str(out)).comments)
    assert [(c.author, c.initials) for c in comments] == [("noteassist", "NA")] * 3
    assert comments[0].text == "NA201 [warning] Vague verb.\nSuggestion: states\nSuggestion: describes"
    assert comments[1].text == "NA501 [error] Do-not-use abbreviation.\nSuggestion: daily"
    assert comments[2].text == "NA402 [warning] Check this."
    anchors = anchored_texts(out)
    assert [anchors[c.comment_id] for c in comments] == ["reports pain", "QD", "ports pain and"]

    # the copy reads the same and looks the same; the source is untouched
    assert read_docx_text(out) == text
    assert char_formats(out) == formats
    assert digest(handmade) == before


def test_comment_in_a_table_cell(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    out = tmp_path / "annotated.docx"
    findings = [
        finding(text, "WC-2024-118734", rule="NA701"),
        finding(text, "24-1187", rule="NA702"),
        finding(text, "Maria Delgado", rule="NA901"),  # two spaces in Word, one in the text
    ]
    assert annotate_docx(handmade, findings, out) == 3
    assert comments_by_anchor(out) == {
        "WC-2024-118734": "NA701 [warning] Check this.",
        "24-1187": "NA702 [warning] Check this.",
        "Maria  Delgado": "NA901 [warning] Check this.",
    }
    assert char_formats(out) == char_formats(handmade)


def test_markup_and_paragraph_edges_clamp_to_real_text(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    out = tmp_path / "annotated.docx"
    heading = text.index("# Subjective")
    row = text.index("| Claimant |")
    bullet = text.index("- Follow-up")
    findings = [
        make_finding(0, 0, rule="NA101", message="Missing element: plan."),  # nothing to point at
        make_finding(heading, heading + len("# Subjective\nClaimant"), rule="NA102"),  # markup + two paragraphs
        make_finding(row, row + len("| Claimant | Maria"), rule="NA103"),  # crosses cells
        make_finding(bullet, bullet + 2, rule="NA104"),  # only the "- " marker
    ]
    assert annotate_docx(handmade, findings, out) == 4
    assert comments_by_anchor(out) == {
        "Telephonic Note": "NA101 [warning] Missing element: plan.",  # first non-empty paragraph
        "Subjective": "NA102 [warning] Check this.",
        "Claimant": "NA103 [warning] Check this.",
        "Follow-up call in two weeks": "NA104 [warning] Check this.",
    }


def test_exported_note_comments(exported: Path, tmp_path: Path) -> None:
    text = read_docx_text(exported)
    out = tmp_path / "annotated.docx"
    findings = [
        finding(text, "Hawkins"),
        finding(text, "6/10, worse"),
        finding(text, "Tom Becker"),
        finding(text, "Physician Visit Note"),
    ]
    assert annotate_docx(exported, findings, out) == 4
    assert sorted(anchored_texts(out).values()) == ["6/10, worse", "Hawkins", "Physician Visit Note", "Tom Becker"]
    assert char_formats(out) == char_formats(exported)


def test_no_findings_still_writes_a_copy(exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "annotated.docx"
    assert annotate_docx(exported, [], out) == 0
    assert read_docx_text(out) == read_docx_text(exported)
    assert len(Document(str(out)).comments) == 0


def test_lint_then_annotate_end_to_end(linter, exported: Path, tmp_path: Path) -> None:
    from noteassist.lint import NoteInput

    text = read_docx_text(exported)
    result = linter.lint(NoteInput(text=text, path=str(exported)))
    rules = {f.rule for f in result.findings}
    assert {"NA501", "NA901"} <= rules

    out = tmp_path / "annotated.docx"
    assert annotate_docx(exported, result.findings, out) == len(result.findings)
    comments = list(Document(str(out)).comments)
    anchors = anchored_texts(out)
    for found, comment in zip(result.findings, comments):
        assert comment.text.startswith(f"{found.rule} [{found.severity}] {found.message}")
        assert comment.author == "noteassist"
        if found.end > found.start and "\n" not in found.text and not found.text.startswith(("#", "- ", "| ")):
            assert anchors[comment.comment_id] == found.text
    assert anchors[next(c.comment_id for c in comments if c.text.startswith("NA901"))] == "123-45-6789"


def test_hyperlinks_are_part_of_the_paragraph(tmp_path: Path) -> None:
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Sent via the ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "portal")
    paragraph._p.append(link)
    link_run = paragraph.add_run("adjuster portal")
    link.append(link_run._r)  # moves the run into the hyperlink
    paragraph.add_run(" on Monday.")
    source = tmp_path / "link.docx"
    document.save(str(source))
    text = read_docx_text(source)
    assert text == "Sent via the adjuster portal on Monday."

    annotated = tmp_path / "annotated.docx"
    assert annotate_docx(source, [finding(text, "portal on"), finding(text, "the adjuster")], annotated) == 2
    assert sorted(anchored_texts(annotated).values()) == ["portal on", "the adjuster"]

    fixed = tmp_path / "fixed.docx"
    edits = [(*span(text, "adjuster portal"), "claims portal"), (*span(text, "Monday"), "Tuesday")]
    assert fix_docx(source, edits, fixed) == 2
    assert read_docx_text(fixed) == "Sent via the claims portal on Tuesday."
    assert Document(str(fixed)).paragraphs[0]._p.xpath("string(w:hyperlink)") == "claims portal"


# -- fixes ------------------------------------------------------------------------------------------


def apply_to_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_fix_replaces_text_and_keeps_formatting(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    before = digest(handmade)
    out = tmp_path / "fixed.docx"
    edits = [
        (*span(text, "QD"), "daily"),
        (*span(text, "123-45-6789"), "XXX-XX-6789"),  # plain "123-", bold "45-67", plain "89"
        (*span(text, "2024-118734"), "2024-000001"),  # crosses into the italic run of a cell
        (*span(text, "re"), ""),  # deletion inside "Claimant re|ports"
    ]
    assert fix_docx(handmade, edits, out) == 4
    assert read_docx_text(out) == apply_to_text(text, edits)
    assert digest(handmade) == before

    document = Document(str(out))
    ssn = next(p for p in document.paragraphs if p.text.startswith("SSN"))
    assert ssn.text == "SSN XXX-XX-6789 on file."
    replaced = next(r for r in ssn.runs if "XXX" in r.text)
    assert replaced.text == "XXX-XX-6789" and not replaced.bold  # the first run of the span was plain
    body = next(p for p in document.paragraphs if p.text.startswith("Claimant"))
    assert any(r.text == "daily" and not r.italic and not r.bold for r in body.runs)
    assert [(r.text, r.bold, r.italic) for r in body.runs[:2]] == [("Claimant ", None, None), ("ports pa", True, None)]
    cell = document.tables[0].cell(0, 1).paragraphs[0]
    assert [(r.text, r.italic) for r in cell.runs] == [("WC-", None), ("2024-000001", None)]


def test_fix_keeps_formatting_of_the_first_run(tmp_path: Path) -> None:
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Took med ")
    paragraph.add_run("Q").bold = True
    paragraph.add_run("D with food.").italic = True
    source = tmp_path / "med.docx"
    document.save(str(source))
    text = read_docx_text(source)
    out = tmp_path / "fixed.docx"
    assert fix_docx(source, [(*span(text, "QD"), "daily"), (text.index("food"), text.index("food"), "soft ")],
                    out) == 2
    runs = [(r.text, r.bold, r.italic) for r in Document(str(out)).paragraphs[0].runs]
    assert runs == [("Took med ", None, None), ("daily", True, None), (" with ", None, True),
                    ("soft ", None, True), ("food.", None, True)]


def test_fix_skips_unsafe_edits(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    out = tmp_path / "fixed.docx"
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
    assert fix_docx(handmade, edits, out) == 1
    assert read_docx_text(out) == apply_to_text(text, [good])


def test_fix_in_a_merged_whitespace_cell(handmade: Path, tmp_path: Path) -> None:
    text = read_docx_text(handmade)
    out = tmp_path / "fixed.docx"
    edit = (*span(text, "Maria Delgado"), "M. Delgado")
    assert fix_docx(handmade, [edit], out) == 1
    assert read_docx_text(out) == apply_to_text(text, [edit])


def test_lint_then_fix_end_to_end(linter, exported: Path, tmp_path: Path) -> None:
    from noteassist.lint import NoteInput

    text = read_docx_text(exported)
    findings = linter.lint(NoteInput(text=text, path=str(exported))).findings
    edits = [(f.start, f.end, f.suggestions[0]) for f in findings if f.rule in {"NA501", "NA901"}]
    assert len(edits) == 2
    out = tmp_path / "fixed.docx"
    assert fix_docx(exported, edits, out) == 2
    fixed = read_docx_text(out)
    assert fixed == apply_to_text(text, edits)
    assert "meloxicam 15 mg daily" in fixed and "XXX-XX-6789" in fixed and "123-45" not in fixed


# -- files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("write", [annotate_docx, fix_docx])
def test_existing_output_requires_overwrite(write, exported: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.docx"
    out.write_bytes(b"original")
    with pytest.raises(ExportError) as info:
        write(exported, [], out)
    assert str(info.value) == f"{out}: already exists; use --force to overwrite"
    assert out.read_bytes() == b"original"

    assert write(exported, [], out, overwrite=True) == 0
    assert read_docx_text(out) == read_docx_text(exported)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.docx", "visit.docx"]  # no temp file left


@pytest.mark.parametrize("write", [annotate_docx, fix_docx])
def test_refuses_to_write_over_the_source(write, exported: Path, tmp_path: Path) -> None:
    before = digest(exported)
    symlink = tmp_path / "symlink.docx"
    symlink.symlink_to(exported)
    hardlink = tmp_path / "hardlink.docx"
    os.link(exported, hardlink)
    for out in (exported, symlink, hardlink):
        with pytest.raises(ExportError) as info:
            write(exported, [], out, overwrite=True)
        assert str(info.value) == f"{out}: is the input document; write the copy to another file"
    assert digest(exported) == before


@pytest.mark.parametrize("write", [annotate_docx, fix_docx])
def test_bad_source_and_destination(write, exported: Path, tmp_path: Path) -> None:
    not_word = tmp_path / "note.docx"
    not_word.write_text("plain text, not a Word file")
    with pytest.raises(NoteInputError) as info:
        write(not_word, [], tmp_path / "out.docx")
    assert str(info.value).startswith(f"{not_word}: cannot read as a Word document")
    with pytest.raises(ExportError) as info:
        write(exported, [], tmp_path / "missing" / "out.docx")
    assert "\n" not in str(info.value)
    with pytest.raises(ExportError):
        write(exported, [], tmp_path)


# -- rendering --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_renders_annotated_pdf(exported: Path, tmp_path: Path) -> None:
    text = read_docx_text(exported)
    annotated = tmp_path / "annotated.docx"
    findings = [finding(text, "Hawkins"), finding(text, "WC-2024-118734"), make_finding(0, 0)]
    assert annotate_docx(exported, findings, annotated) == 3
    rendered = pdf_text(annotated, tmp_path)
    assert "WC-2024-118734" in rendered
    assert "Positive Hawkins test on the right" in rendered
    assert "meloxicam 15 mg QD" in rendered

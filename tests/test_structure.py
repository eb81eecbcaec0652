"""Note structure and note-type inference on notes written by hand or exported from other systems."""

from __future__ import annotations

import pytest

from noteassist.text.infer import infer_note_type
from noteassist.text.frontmatter import split_front_matter
from noteassist.text.structure import parse_structure


def kinds(text):
    return [(b.kind, b.label) for b in parse_structure(text).blocks]


def test_headings_fields_lists_and_paragraphs():
    text = (
        "## Work Status\n"
        "Dr. Lee placed Ms. Diaz on modified duty.\n"
        "She may lift up to 10 pounds.\n\n"
        "WORK STATUS:\n"
        "Plan: PT twice a week.\n"
        "- Send job description to Dr. Lee\n"
        "| Date | Event |\n"
        "NEXT APPOINTMENT\n"
    )
    assert kinds(text) == [
        ("heading", "work status"),
        ("paragraph", ""),
        ("heading", "work status"),
        ("field", "plan"),
        ("list_item", ""),
        ("table_row", ""),
        ("heading", "next appointment"),
    ]


def test_paragraph_lines_join_and_offsets_point_into_text():
    text = "Intro line one\ncontinues here.\n\nSecond paragraph."
    blocks = parse_structure(text).blocks
    assert [text[b.start:b.end] for b in blocks] == ["Intro line one\ncontinues here.", "Second paragraph."]


def test_field_value_offset():
    text = "Work status: modified duty"
    block = parse_structure(text).blocks[0]
    assert text[block.value_start:] == "modified duty"


def test_sections_nest_and_end_at_the_next_heading():
    text = "# Note\n## Subjective\nPain 5/10.\n## Objective\nROM limited.\n"
    structure = parse_structure(text)
    subjective = next(s for s in structure.sections if s.label == "subjective")
    assert text[subjective.start:subjective.end].strip() == "Pain 5/10."
    assert structure.section_at(text.index("ROM")).label == "objective"


def test_front_matter_split():
    meta, offset = split_front_matter("---\nnote_type: soap\nclaim_number: WC-1\n---\n\n# SOAP Note\n")
    assert meta == {"note_type": "soap", "claim_number": "WC-1"}
    assert offset == len("---\nnote_type: soap\nclaim_number: WC-1\n---\n")
    assert split_front_matter("# No front matter\n---\n") == ({}, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SUBJECTIVE:\nIW reports pain 4/10.\nOBJECTIVE:\nGait steady.\nASSESSMENT:\nImproving.\nPLAN:\nContinue PT; "
         "NCM to update the adjuster.", "soap"),
        # Clinical SOAP text without case-management words is not a case-management note (see text/test_infer.py).
        ("SUBJECTIVE:\nPain 4/10.\nOBJECTIVE:\nGait steady.\nASSESSMENT:\nImproving.\nPLAN:\nContinue PT.", None),
        ("Data: Client attended.\nAssessment: Engaged.\nPlan: Meet in one week.", "dap"),
        ("Behavior: Client calm.\nIntervention: Reviewed budget.\nResponse: Asked questions.\nPlan: Follow up.", "birp"),
        ("Telephonic Contact Note\nCalled Walgreens pharmacy about the refill.", "telephonic"),
        ("Left voicemail for the adjuster with my callback number.", "telephonic"),
        ("Initial Case Management Assessment\nMechanism of injury: fell from a ladder.", "initial-assessment"),
        ("Monthly Progress Report\nReport period: 11/01/2026 to 11/30/2026", "progress-report"),
        ("Closure Report\nClosure reason: returned to full duty.", "closure-report"),
        ("Accompanied the worker to Dr. Lee's office. Dr. Lee examined the knee and set the work status.",
         "physician-visit"),
        ("Client enjoyed the picnic.", None),
    ],
)
def test_infer_note_type(text, expected):
    assert infer_note_type(text, parse_structure(text)) == expected


def test_bare_section_titles_in_plain_text_exports_are_headings():
    text = "PROGRESS REPORT\n\nWork status\nModified duty, seated work only.\n\nTreatment plan\n- PT 2x/week\n"
    blocks = parse_structure(text).blocks
    assert [(b.kind, b.label) for b in blocks if b.kind == "heading"] == [
        ("heading", "progress report"), ("heading", "work status"), ("heading", "treatment plan")]
    # A short line that wraps into the next one, or a sentence, stays prose.
    for prose in ("Worker seen today\nby Dr. Lee for a recheck.", "Seen by Dr. Lee.\nPT continues."):
        assert all(b.kind == "paragraph" for b in parse_structure(prose).blocks)


def test_front_matter_that_is_not_quite_yaml_is_read_line_by_line():
    from noteassist.text.frontmatter import split_front_matter

    text = "---\nnote_type: telephonic\ncarrier: Tri-County Group (TPA: Meridian Claims)\ndate_written: 2026-10-08 09:15\n---\nBody"
    meta, offset = split_front_matter(text)
    assert meta == {"note_type": "telephonic", "carrier": "Tri-County Group (TPA: Meridian Claims)",
                    "date_written": "2026-10-08 09:15"}
    assert text[offset:] == "Body"


def test_numbered_capital_titles_and_pipe_fields():
    text = "2. MECHANISM AND DIAGNOSIS\nSlipped on ice.\nNCM PLAN | Call Dr. Pruitt's MA by 07/15/2026.\n3. Ice twice a day\n"
    blocks = parse_structure(text).blocks
    assert [(b.kind, b.label) for b in blocks] == [
        ("heading", "mechanism and diagnosis"), ("paragraph", ""), ("field", "ncm plan"), ("list_item", "")]
    assert text[blocks[2].value_start:blocks[2].end] == "Call Dr. Pruitt's MA by 07/15/2026."

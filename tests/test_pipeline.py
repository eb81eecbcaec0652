"""End to end: every example's drafted note states every required element and passes the linter."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from noteassist.facts import load_facts
from noteassist.lint import NoteInput
from noteassist.render import render_note


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_drafted_example_has_no_error_findings(linter, example):
    facts = load_facts(example)
    result = linter.lint(NoteInput(render_note(facts), path=example.name))
    assert result.note_type == facts.note_type
    errors = [f"{f.rule} {f.message}" for f in result.findings if f.severity == "error"]
    assert errors == []


def test_exported_docx_lints_like_the_note_it_came_from(linter, tmp_path):
    from noteassist.export import export_docx, read_docx_text

    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    out = export_docx(render_note(facts), tmp_path / "note.docx")
    text = read_docx_text(out)
    assert "## Work Status" in text or "### Work Status" in text
    result = linter.lint(NoteInput(text, path="note.docx"))
    assert result.note_type == "physician-visit" and result.note_type_source == "inferred"
    assert [f for f in result.findings if f.severity == "error"] == []

"""app.draft: the note and its Word document from facts or text, as data (nothing is written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.app.draft import draft_note, markdown_to_plain, note_document
from noteassist.export import note_docx, read_docx_text
from noteassist.facts import load_facts
from noteassist.render import render_note

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def facts():
    return load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")


def test_markdown_draft_is_the_rendered_note_with_front_matter(facts):
    note = draft_note(facts)
    assert note == render_note(facts, front_matter=True)
    assert note.startswith("---\n") and "note_type: physician-visit" in note.split("---")[1]


def test_plain_draft_has_no_front_matter_or_markup(facts):
    plain = draft_note(facts, plain=True)
    assert not plain.startswith("---") and "**" not in plain
    assert not any(line.startswith("#") for line in plain.splitlines())
    assert plain == markdown_to_plain(render_note(facts, front_matter=False))


def test_markdown_to_plain_keeps_the_title_and_capitalises_sections():
    note = "# Physician Visit Note\n\n## Work Status\n\n**Work status:** modified duty\n### Plan\nCall Friday.\n"
    assert markdown_to_plain(note) == ("Physician Visit Note\n\nWORK STATUS\n\nWork status: modified duty\nPLAN\n"
                                       "Call Friday.\n")


def test_unknown_template_is_a_template_error(facts):
    from noteassist.errors import TemplateError

    with pytest.raises(TemplateError):
        draft_note(facts, template="no-such-template")


def test_note_document_from_facts_is_the_document_of_the_draft(facts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from_facts = note_document(facts)
    assert from_facts[:2] == b"PK"
    assert read_docx_text(from_facts) == read_docx_text(note_docx(draft_note(facts)))
    assert "| Claim number | WC-2231-0457 |" in read_docx_text(from_facts)
    assert list(tmp_path.iterdir()) == []  # bytes only: no file


def test_note_document_from_text_uses_its_front_matter():
    text = "---\nnote_type: telephonic\nclaim_number: WC-1\n---\n## Contact\n\nCalled the adjuster.\n"
    document = read_docx_text(note_document(text))
    assert document.startswith("# Telephonic Contact Note")
    assert "| Claim number | WC-1 |" in document and "Called the adjuster." in document

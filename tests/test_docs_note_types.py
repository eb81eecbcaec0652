"""docs/note-types.md lists every note type of the one table with exactly its required elements."""

from __future__ import annotations

from pathlib import Path

from noteassist.notetypes import NOTE_TYPES

PAGE = Path(__file__).resolve().parents[1] / "docs" / "note-types.md"


def test_the_page_has_one_row_per_note_type_with_its_required_elements() -> None:
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    assert set(rows) == set(NOTE_TYPES)
    for note_type in NOTE_TYPES.values():
        cells = rows[note_type.id]
        assert cells[1] == note_type.title
        assert [e.strip(" `") for e in cells[2].split(",")] == list(note_type.required)
        assert cells[5] == ", ".join(note_type.facts)

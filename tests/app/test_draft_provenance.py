"""Every saved draft version stores its provenance, carried forward from the version it edits."""

from __future__ import annotations

import pytest
import yaml
from conftest import EXAMPLES

from noteassist.app import caseload
from noteassist.facts import load_facts
from noteassist.render import (
    carry_forward,
    provenance_map,
    render_with_provenance,
    sentence_provenance,
)

CLAIM = EXAMPLES / "claims" / "WC-2231-0457"
RESTRICTION = "- No lifting over 10 lb with the right arm."


@pytest.fixture
def drafted(Session, people):
    """A draft of the example claim's physician visit, drafted from its facts: (draft id, version 1)."""
    facts = load_facts(CLAIM / "2026-10-16-physician-visit.yaml")
    note = render_with_provenance(facts)
    with Session() as s, s.begin():
        claim = caseload.create_claim(s, people.supervisor, "WC-2231-0457", "Maria Diaz",
                                      yaml.safe_load((CLAIM / "claim.yaml").read_text()), ["alice"])
        contact = caseload.add_contact(s, people.alice, claim.id, facts)
        version = caseload.create_draft(s, people.alice, claim.id, contact.id, note.text,
                                        provenance_map(note)["sentences"], note.template)
        return version.draft_id, version


def _by_text(version) -> dict[str, dict]:
    return {s["text"]: s for s in version.provenance}


def test_a_save_without_provenance_carries_it_forward_and_marks_what_changed(Session, people, drafted):
    draft_id, first = drafted
    before = _by_text(first)
    fielded = [s for s in first.provenance if s["fields"]]
    assert len(fielded) > 3 and not any(s["edited"] for s in first.provenance)
    changed = fielded[1]["text"]
    text = first.text.replace(changed, "The worker said the pain is better in the mornings.") + "Called the adjuster.\n"
    with Session() as s, s.begin():
        second = caseload.save_draft(s, people.alice, draft_id, 1, text)
    after = _by_text(second)
    assert set(after) == set(before) - {changed} | {"The worker said the pain is better in the mornings.",
                                                  "Called the adjuster."}
    for sentence in second.provenance:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
        if sentence["text"] in before:  # left as it was: its fields, not edited
            assert (sentence["fields"], sentence["edited"]) == (before[sentence["text"]]["fields"], False)
        else:
            assert (sentence["fields"], sentence["edited"]) == ([], True)

    # The next save carries version 2's marks on: a sentence edited once stays a person's sentence.
    third_text = text.replace("Called the adjuster.", "Called the adjuster at 3 pm.")
    with Session() as s, s.begin():
        third = caseload.save_draft(s, people.alice, draft_id, 2, third_text)
    marks = _by_text(third)
    assert marks["The worker said the pain is better in the mornings."]["edited"] is True
    assert marks["Called the adjuster at 3 pm."] | {"start": 0, "end": 0} == {
        "start": 0, "end": 0, "text": "Called the adjuster at 3 pm.", "fields": [], "edited": True}
    assert marks[fielded[0]["text"]]["fields"] == fielded[0]["fields"]
    with Session() as s, s.begin():
        _, stored = caseload.get_draft(s, people.alice, draft_id, 3)
        assert stored.provenance == third.provenance


def test_the_carried_fields_are_those_an_edited_render_would_give(Session, people, drafted):
    """One matching for both: carrying from stored sentences equals sentence_provenance of the edited note."""
    draft_id, first = drafted
    note = render_with_provenance(load_facts(CLAIM / "2026-10-16-physician-visit.yaml"))
    text = first.text.replace("\n\n", "\n\nA line typed in.\n\n", 2)
    with Session() as s, s.begin():
        second = caseload.save_draft(s, people.alice, draft_id, 1, text)
    assert second.provenance == [s.as_json() for s in sentence_provenance(note, text)]
    assert second.provenance == [s.as_json() for s in carry_forward(first.provenance, text)]


def test_provenance_given_with_a_save_is_stored_as_given(Session, people, drafted):
    draft_id, _ = drafted
    given = [{"start": 0, "end": 5, "text": "Hello", "fields": ["claimant.name"], "edited": False}]
    with Session() as s, s.begin():
        assert caseload.save_draft(s, people.alice, draft_id, 1, "Hello there.\n", given).provenance == given


def test_a_draft_written_by_hand_has_no_provenance_to_carry(Session, people, drafted):
    with Session() as s, s.begin():
        claim_id = caseload.get_draft(s, people.alice, drafted[0])[0].claim_id
        version = caseload.create_draft(s, people.alice, claim_id, None, "Spoke with the worker.\n")
    with Session() as s, s.begin():
        assert caseload.save_draft(s, people.alice, version.draft_id, 1, "Spoke with the worker twice.\n"
                                   ).provenance is None


def test_stored_provenance_in_another_shape_vouches_for_nothing(Session, people, drafted):
    """The application layer stores what it is given; a later save does not fail on it."""
    with Session() as s, s.begin():
        claim_id = caseload.get_draft(s, people.alice, drafted[0])[0].claim_id
        version = caseload.create_draft(s, people.alice, claim_id, None, "Spoke with the worker.\n",
                                        provenance=[{"sentence": 0}, "x", None])
    with Session() as s, s.begin():
        saved = caseload.save_draft(s, people.alice, version.draft_id, 1, "Spoke with the worker.\n")
    assert saved.provenance == [{"start": 0, "end": 22, "text": "Spoke with the worker.", "fields": [],
                                 "edited": True}]

"""The one note-type table (noteassist.notetypes) and `resolve_note_type`, read by the facts, the export
readers, the claim folder and inference."""

from __future__ import annotations

import pytest

from noteassist.notetypes import CONTACT_TYPES, NOTE_TYPES, REPORT_TYPES, resolve_note_type


@pytest.mark.parametrize(("label", "note_type"), [
    ("telephonic", "telephonic"), ("Phone Call", "telephonic"), ("PHONE", "telephonic"), ("phone-call", "telephonic"),
    ("Telephonic Contact", "telephonic"), ("Office Visit", "physician-visit"), ("office visit", "physician-visit"),
    ("MD Visit", "physician-visit"), ("Physician Visit Note", "physician-visit"), ("Appointment", "physician-visit"),
    ("Intake", "initial-assessment"), ("Initial Case Management Assessment", "initial-assessment"),
    ("SOAP Note", "soap"), ("dap", "dap"), ("BIRP", "birp"), ("Update Report", "progress-report"),
    ("progress_report", "progress-report"), ("Closure", "closure-report"), ("  closure-report ", "closure-report"),
])
def test_ids_titles_and_system_labels_resolve(label, note_type):
    assert resolve_note_type(label) == note_type


@pytest.mark.parametrize("label", ["lunch", "", None, "report", "visit note extra", 42])
def test_anything_else_resolves_to_none(label):
    assert resolve_note_type(label) is None


def test_every_type_is_a_contact_or_a_report_and_has_an_audience():
    assert set(CONTACT_TYPES) | set(REPORT_TYPES) == set(NOTE_TYPES) and not set(CONTACT_TYPES) & set(REPORT_TYPES)
    assert REPORT_TYPES == ("progress-report", "closure-report")
    assert all(NOTE_TYPES[t].audience == "adjuster" for t in REPORT_TYPES)
    assert all(NOTE_TYPES[t].audience == "internal" for t in CONTACT_TYPES)


def test_no_label_names_two_types():
    from noteassist.notetypes import _key

    labels = [(_key(label), t.id) for t in NOTE_TYPES.values() for label in (t.id, t.title, *t.aliases)]
    owners: dict[str, set[str]] = {}
    for key, note_type in labels:
        owners.setdefault(key, set()).add(note_type)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_the_readers_use_the_table():
    from noteassist.adjuster import claim
    from noteassist.facts import models

    assert models.NOTE_TYPES == tuple(NOTE_TYPES)
    assert [member.value for member in models.NoteType] == list(NOTE_TYPES)
    assert claim.CONTACT_TYPES is CONTACT_TYPES and claim.REPORT_TYPES is REPORT_TYPES

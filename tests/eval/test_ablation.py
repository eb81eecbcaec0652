"""Ablation of complete notes (noteassist.eval.ablation): which text states an element, the deletions, the
counting, and a small real slice (a drafted example and a note written here), fast."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import EXAMPLES
from noteassist.eval import ablation as ab
from noteassist.notetypes import NOTE_TYPES

SOAP = """---
note_type: soap
date_of_service: 2026-10-14
---
S: Worker says the left wrist aches after typing for an hour and rates it 4/10; sleep is fine.
O: Grip measured 28 kg on the left and 35 kg on the right at today's visit; wrist brace worn as advised.
A: Slow gains in grip; the typing limit is still needed at work.
P: I will call the employer by 10/16/2026 to confirm the typing breaks and see the worker again on 10/28/2026.
"""

VISIT = """# Physician Visit Note

Date of service: 10/02/2026

## Work Status
Modified duty through 10/30/2026.

## Restrictions
No lifting over 15 lb with the right arm.

## Diagnosis and Treatment Plan
Dr. Okafor documented a right biceps strain and ordered therapy twice a week.
"""


@pytest.mark.parametrize(("label", "note_type", "element"), [
    ("Work Status", "physician-visit", "work_status"),
    ("**Next Appointment:**", "physician-visit", "next_appointment"),
    ("P", "soap", "plan"),
    ("P", "physician-visit", None),              # a letter means an element only in its own format
    ("Plan", "telephonic", "case_manager_plan"),  # the case manager's plan in a call note
    ("Plan", "dap", "plan"),
    ("DOI", "initial-assessment", "date_of_injury"),
    ("DOI", "telephonic", None),                  # not an element this type needs
    ("Restrictions", "telephonic", "restrictions"),  # conditional: any type
    ("Diagnosis and treatment plan", "physician-visit", None),  # two elements: left out
    ("Vitals", "soap", None),
])
def test_labels_map_to_elements_by_note_type(label, note_type, element):
    assert ab.element_of(label, note_type, NOTE_TYPES[note_type].required) == element


def test_each_labelled_element_is_deleted_three_ways_and_its_front_matter_key_goes_too():
    note = ab.Note("soap.md", SOAP, "soap")
    ablations = ab.ablations_of(note, NOTE_TYPES["soap"].required)
    kinds = sorted((a.element, a.variant) for a in ablations)
    assert kinds == sorted([(e, v) for e in ("subjective", "objective", "assessment", "plan") for v in ("field", "value")])
    plan_field = next(a for a in ablations if (a.element, a.variant) == ("plan", "field"))
    assert "P:" not in plan_field.text and "call the employer" not in plan_field.text
    assert "A: Slow gains" in plan_field.text and "date_of_service: 2026-10-14" in plan_field.text
    plan_value = next(a for a in ablations if (a.element, a.variant) == ("plan", "value"))
    assert "\nP: \n" in plan_value.text or plan_value.text.rstrip().endswith("P:")
    # no labelled date of service in the body: it is not ablated (the front matter alone is not a label)
    assert not any(a.element == "date_of_service" for a in ablations)

    dated = ab.Note("soap2.md", SOAP.replace("S: Worker", "Date of service: 10/14/2026\nS: Worker"), "soap")
    (field_cut,) = [a for a in ab.ablations_of(dated, NOTE_TYPES["soap"].required)
                    if (a.element, a.variant) == ("date_of_service", "field")]
    assert "10/14/2026" not in field_cut.text and "2026-10-14" not in field_cut.text


def test_sections_are_deleted_whole_or_emptied_and_two_element_labels_are_skipped():
    note = ab.Note("visit.md", VISIT, "physician-visit")
    ablations = {(a.element, a.variant): a for a in ab.ablations_of(note, NOTE_TYPES["physician-visit"].required)}
    assert set(ablations) == {("date_of_service", "field"), ("date_of_service", "value"), ("work_status", "section"),
                              ("work_status", "value"), ("restrictions", "section"), ("restrictions", "value")}
    section = ablations[("work_status", "section")].text
    assert "## Work Status" not in section and "through 10/30/2026" not in section and "## Restrictions" in section
    emptied = ablations[("work_status", "value")].text
    assert "## Work Status" in emptied and "through 10/30/2026" not in emptied


@dataclass
class FakeResult:
    findings: list
    note_type: str


@dataclass
class FakeFinding:
    extra: dict
    rule: str = "NA101"


class LabelLinter:
    """Reports an element missing when its label is gone; always reports `assessment` once P: is gone (a
    deliberate over-report), so the counts of every column are known."""

    def lint_many(self, notes):
        for n in notes:
            missing = [e for e, label in (("subjective", "S:"), ("objective", "O:"), ("assessment", "A:"),
                                          ("plan", "P:")) if label not in n.text]
            if "P:" not in n.text and "assessment" not in missing:
                missing.append("assessment")
            yield FakeResult([FakeFinding({"element": e}) for e in missing], n.note_type or "soap")


def test_run_counts_reported_missed_and_other_elements():
    result = ab.run([ab.Note("soap.md", SOAP)], linter=LabelLinter())
    assert (result.notes, result.whole_clean, result.whole_reported) == (1, 1, [])
    total = result.total
    assert total.ablations == 8
    # a value deletion keeps the label, so this label-matching fake misses those four
    assert (total.reported, total.missed) == (4, 4)
    assert result.by_element["plan"].others == 1  # the plan's field deletion also reported assessment
    assert result.by_variant["field"].reported == 4 and result.by_variant["value"].missed == 4
    report = ab.format_report(result)
    assert "| plan | 2 | 1 | 1 | 0 | 0 | 0 | 0 | - | 1 |" in report
    assert "| **all** | 8 | 4 | 4 | 0 | 0 | 0 | 0 | - | 1 |" in report


def test_whole_notes_with_a_missing_element_are_reported_not_ablated():
    result = ab.run([ab.Note("soap.md", SOAP.replace("A: Slow", "Slow"))], linter=LabelLinter())
    assert result.whole_reported == [("soap.md", ["assessment"])] and result.total.ablations == 0


def test_a_small_real_slice_of_drafted_and_written_notes():
    notes = ab.drafted_notes([EXAMPLES / "soap-telephonic-follow-up.yaml"]) + [ab.Note("soap.md", SOAP)]
    result = ab.run(notes, limit=40)
    assert result.whole_clean == 3, result.whole_reported
    total = result.total
    assert 20 <= total.ablations <= 40
    assert total.reported + total.missed == total.ablations
    assert sum(t.ablations for t in result.by_variant.values()) == total.ablations
    # deleting a SOAP note's whole plan leaves no plan at all: NA101 must say so
    plan = result.by_element["plan"]
    assert plan.ablations >= 2 and plan.reported >= 2


def test_write_section_replaces_only_between_the_markers(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Other\n\nkeep me\n", encoding="utf-8")
    ab.write_section(path, "first")
    ab.write_section(path, "second")
    text = path.read_text(encoding="utf-8")
    assert text.count(ab.HEADING) == 1 and "keep me" in text
    assert f"{ab.MARKERS[0]}\nsecond\n{ab.MARKERS[1]}" in text and "first" not in text


def test_a_value_deletion_keeps_the_label_on_its_own_line():
    note = ab.Note("caps.txt", "WORK STATUS:\nOff work through 11/09/2026.\nNEXT APPOINTMENT:\n11/09/2026 at 14:00.\n",
                   "physician-visit")
    values = [a for a in ab.ablations_of(note, ["work_status", "next_appointment"])
              if a.variant == "value" and a.element == "work_status"]
    assert values and all("WORK STATUS:\nNEXT APPOINTMENT:" in a.text or "WORK STATUS:\n\nNEXT" in a.text
                          for a in values), [a.text for a in values]


def test_a_missed_ablation_shows_the_evidence_na101_accepted_instead():
    text = ("Date of service: 11/20/2026\nProvider: Dr. Lee, orthopedics\nSubjective: She reports pain 4/10.\n"
            "Objective: Dr. Lee found a healed incision.\nDiagnosis: rotator cuff tear (M75.101).\n"
            "Treatment plan: PT twice a week.\nWork status: modified duty, no lifting over 10 lb.\n"
            "Next appointment: 12/18/2026.\nCM plan: I will call Dr. Lee's office on 12/19.\n")
    result = ab.run([ab.Note("visit.md", text, "physician-visit")])
    provider = result.by_element["provider"]
    # Dr. Lee is still named as the one who examined her: NA101 is right to accept that
    assert provider.missed == provider.ablations and provider.missed_prose + provider.missed_label == provider.missed
    found = [result.evidence[ab._key(a)] for a, reported in result.failures if a.element == "provider"]
    assert found and all("Dr. Lee" in f.line and f.key for f in found)

"""NA501 do-not-use-abbreviation: The Joint Commission list, in medication context only."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.lint import LintConfig, Linter

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def linter():
    return Linter(LintConfig(select=["NA501"]))


def found(linter, text, note_type=None):
    result = linter.lint_text(text, note_type=note_type) if note_type else linter.lint_text(text)
    assert all(f.rule == "NA501" and f.severity == "error" for f in result.findings)
    return [(f.text, f.suggestions) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "span", "suggestions"),
    [
        ("Dr. Lee prescribed meloxicam 15 mg QD for shoulder pain.", "QD", ["daily"]),
        ("Worker takes cyclobenzaprine 5 mg q.d. at bedtime.", "q.d.", ["daily"]),
        ("Pharmacy filled prednisone 10 mg Q.O.D. per Dr. Raman.", "Q.O.D.", ["every other day"]),
        ("Worker reports taking ibuprofen qod PRN for pain.", "qod", ["every other day"]),
        ("Insulin glargine 10 U at bedtime per PCP.", "U", ["unit"]),
        ("Vitamin D 50,000 IU by mouth weekly.", "IU", ["International Unit"]),
        ("ER gave MS 4 mg IV for pain on the date of injury.", "MS", ["morphine sulfate", "magnesium sulfate"]),
        ("Hospital record notes MSO4 2 mg every 4 hours PRN.", "MSO4", ["morphine sulfate"]),
        ("MgSO4 was given by IV per the ER record, 2 g over one hour.", "MgSO4", ["magnesium sulfate"]),
        ("Dr. Patel prescribed meloxicam 7.5 mg and cyclobenzaprine 5.0 mg nightly.", "5.0 mg", ["5 mg"]),
        ("Worker was told to take .5 mg of lorazepam before the MRI.", ".5 mg", ["0.5 mg"]),
    ],
)
def test_fires_in_medication_sentences(linter, text, span, suggestions):
    assert found(linter, text) == [(span, suggestions)]


def test_message_names_the_list_and_replacement(linter):
    finding = linter.lint_text("Meloxicam 15 mg QD.").findings[0]
    assert "Do Not Use list" in finding.message
    assert "mistaken for QID" in finding.message
    assert 'write "daily"' in finding.message


def test_medication_section_is_context(linter):
    text = "# Physician Visit Note\n\n## Medications\n- Insulin glargine 10 U at bedtime\n- MS Contin 15 mg twice a day\n"
    assert found(linter, text, note_type="physician-visit") == [("U", ["unit"])]
    text = "## Medications\n\nContinue MS as ordered by the ER.\n"
    assert found(linter, text) == [("MS", ["morphine sulfate", "magnesium sulfate"])]


def test_several_in_one_sentence(linter):
    assert [s for s, _ in found(linter, "Insulin 10 U QD and MSO4 PRN.")] == ["U", "QD", "MSO4"]


@pytest.mark.parametrize(
    "text",
    [
        "History of MS diagnosed in 2015.",
        "Worker attended the U of Texas before joining the company.",
        "Right shoulder ROM 90.0 degrees on Dr. Lee's exam.",
        "Dermatology measured the lesion at 2.0 cm.",
        "Hemoglobin was 14.0 g/dL on the lab report.",
        "Insulin glargine 10 units at bedtime.",
        "Meloxicam 15 mg by mouth once daily, prescribed by Dr. Lee.",
        "Morphine sulfate 4 mg IV was given in the ER.",
        "Worker moved to the U.S. in 2010 and has MS.",
        "Mileage 42.0 miles; IU student intern observed the visit.",
        "Claim MS-DRG 470 was billed by the hospital.",
        "Dose of 0.5 mg lorazepam before the MRI, per Dr. Raman.",
    ],
)
def test_quiet_outside_medication_context_or_when_correct(linter, text):
    assert found(linter, text) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_rendered_examples_have_no_findings(linter, path):
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    assert linter.lint_text(render_note(load_facts(path))).findings == []


@pytest.mark.parametrize(("text", "span", "fixed"), [
    ("Clobetasol .05% ointment to the rash at night, per Dr. Hale.", ".05%", "0.05%"),
    ("Hydrocortisone .5 % cream was started for the itching.", ".5 %", "0.5 %"),
    ("Lidocaine .5% was injected at the trigger point.", ".5%", "0.5%"),
    ("Morphine drip at .1 mg/mL, titrated by the ICU nurse.", ".1 mg/mL", "0.1 mg/mL"),
    ("Epinephrine infusion .05 mcg/kg/min overnight.", ".05 mcg/kg/min", "0.05 mcg/kg/min"),
    ("He uses the diclofenac gel 1.0 % four times a day.", "1.0 %", "1 %"),
])
def test_a_naked_decimal_before_a_percent_strength_or_a_dose_rate(linter, text, span, fixed):
    assert found(linter, text) == [(span, [fixed])]


@pytest.mark.parametrize("text", [
    "The study found fewer lost days with early PT (p < .05).",
    "Her A1c rose .5% since the spring lab draw.",
    "Creatinine was .9 mg/dL on the last panel.",
    "The scar is .5 cm wide and healing.",
    "Adjuster said .5% of claims in the region reach litigation.",
    "Litigation rose 2.0% in the region this year.",
    "The clinic uses portal version 2.5 for messages.",
])
def test_a_naked_decimal_without_a_dose_stays_quiet(linter, text):
    assert found(linter, text) == []

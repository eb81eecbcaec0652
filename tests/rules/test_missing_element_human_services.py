"""NA101 for the human-services note types of issue 14 (home-visit, service-plan-review, crisis-contact): each
required element found under its heading or in a sentence, and named when it is missing."""

from __future__ import annotations

import pytest

from noteassist.lint import LintConfig, Linter

HOME_VISIT = """\
Date of service: 11/16/2026
Participants: Jaylen Brooks (child); Gloria Brooks (kinship foster parent)
Observations: I observed working smoke detectors and food in the refrigerator; Jay has his own bed.
Safety: agency safety assessment completed; no present danger identified.
Plan: next monthly home visit by 12/15/2026.
"""

SERVICE_PLAN_REVIEW = """\
Date of service: 11/17/2026
Participants: Luis Ortega (client); Carmen Ruiz (interpreter, Spanish)
Service plan goals: Goal 1: keep his apartment after the subsidy ends, by 05/31/2027.
Progress: Goal 1 progressing; objective 1.1 met (on-time rent September through November).
Plan: next review 02/16/2027.
"""

CRISIS_CONTACT = """\
Date of service: 11/21/2026
Contact: Owen Hartley, roommate, called the crisis line about the client.
Risk assessment: C-SSRS screen positive for thoughts of suicide with a method; no plan or past attempt.
Intervention: reviewed coping steps with the client and called the client's sister with consent.
Safety plan: roommate holds the medications tonight; client will call 988 if the thoughts return.
Plan: crisis team visit on 11/22/2026 at 10:00 AM.
"""


@pytest.fixture(scope="module")
def linter():
    return Linter(LintConfig(select=["NA101"]))


def missing(linter, text, note_type):
    return {f.to_dict()["element"] for f in linter.lint_text(text, note_type=note_type).findings}


def drop(text: str, prefix: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(prefix)) + "\n"


@pytest.mark.parametrize("text, note_type", [(HOME_VISIT, "home-visit"), (SERVICE_PLAN_REVIEW, "service-plan-review"),
                                             (CRISIS_CONTACT, "crisis-contact")])
def test_a_complete_note_has_every_element(linter, text, note_type):
    assert missing(linter, text, note_type) == set()


@pytest.mark.parametrize("text, note_type, prefix, element", [
    (HOME_VISIT, "home-visit", "Safety:", "safety"),
    (HOME_VISIT, "home-visit", "Observations:", "observations"),
    (HOME_VISIT, "home-visit", "Participants:", "participants"),
    (SERVICE_PLAN_REVIEW, "service-plan-review", "Progress:", "progress"),
    (CRISIS_CONTACT, "crisis-contact", "Risk assessment:", "risk_assessment"),
    (CRISIS_CONTACT, "crisis-contact", "Safety plan:", "safety_plan"),
])
def test_a_missing_section_is_named(linter, text, note_type, prefix, element):
    assert element in missing(linter, drop(text, prefix), note_type)


def test_a_negated_safety_plan_does_not_count(linter):
    text = CRISIS_CONTACT.replace(
        "Safety plan: roommate holds the medications tonight; client will call 988 if the thoughts return.",
        "Safety plan: none")
    assert "safety_plan" in missing(linter, text, "crisis-contact")

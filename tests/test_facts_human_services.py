"""Human-services facts (schema 3, issue 14): the examples load, versions 1-3 coexist, a positive screen
needs its response, and every problem is one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from noteassist.errors import FactsError
from noteassist.facts import HumanServicesFacts, VisitFacts, load_facts
from noteassist.notetypes import HUMAN_SERVICES_TYPES, NOTE_TYPES
from test_facts import MINIMAL as CLAIM  # the smallest workers' compensation facts file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "human-services").glob("*.yaml"))

MINIMAL = """\
schema_version: 3
client:
  client_id: CMH-40213
  name: Renee Alvarado
program:
  name: Adult Outpatient Services
  agency: Riverbend Community Mental Health Center
case_manager:
  name: Tomas Whitfield
encounter:
  note_type: dap
  date: 2026-11-18
"""


POSITIVE_SCREEN = """\
screenings:
  - kind: suicide-risk
    instrument: ASQ
    result: positive
"""


def _error(text: str) -> FactsError:
    with pytest.raises(FactsError) as info:
        load_facts("hs.yaml", text)
    return info.value


def test_there_is_an_example_of_each_human_services_setting():
    names = {p.name for p in EXAMPLES}
    assert {"dap-community-mental-health.yaml", "birp-substance-use-group.yaml", "home-visit-child-welfare.yaml",
            "service-plan-review-housing.yaml"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load_as_human_services_facts(path):
    facts = load_facts(path)
    assert isinstance(facts, HumanServicesFacts) and facts.schema_version == 3
    assert facts.note_type in HUMAN_SERVICES_TYPES


def test_the_examples_cover_what_issue_14_asks_for():
    by_name = {p.stem: load_facts(p) for p in EXAMPLES}
    dap = by_name["dap-community-mental-health"]
    screen = dap.screenings[0]
    assert (screen.kind.value, screen.result.value) == ("suicide-risk", "positive") and screen.safety_plan
    birp = by_name["birp-substance-use-group"]
    assert birp.program.part2 and any(c.part2 for c in birp.consents)
    assert by_name["home-visit-child-welfare"].note_type == "home-visit"
    review = by_name["service-plan-review-housing"]
    assert {g.progress.value for g in review.service_plan.goals} == {"progressing", "revised", "met"}
    assert review.client.interpreter_needed is True and review.client.interpreter


def test_minimal_human_services_facts_load():
    facts = load_facts("hs.yaml", MINIMAL)
    assert isinstance(facts, HumanServicesFacts)
    assert facts.header()["case_number"] == "CMH-40213" and facts.header()["agency"].startswith("Riverbend")


def test_schema_versions_1_2_and_3_coexist():
    for version in (1, 2, 3):
        assert isinstance(load_facts("wc.yaml", f"schema_version: {version}\n" + CLAIM), VisitFacts)
    assert load_facts("hs.yaml", MINIMAL).schema_version == 3
    # a claim file drafting a DAP note (schema 1 and 2 allowed it) still loads as a claim file
    assert isinstance(load_facts("wc.yaml", CLAIM.replace("physician-visit", "dap")), VisitFacts)


def test_human_services_facts_need_schema_version_3():
    err = _error(MINIMAL.replace("schema_version: 3", "schema_version: 2"))
    assert str(err) == "hs.yaml: schema_version: human-services facts (a 'client') follow schema_version 3, got 2"


def test_a_positive_screen_without_a_safety_plan_or_follow_up_is_one_line_naming_the_field():
    err = _error(MINIMAL + POSITIVE_SCREEN)
    assert "\n" not in str(err)
    assert str(err) == ("hs.yaml: screenings[0].safety_plan: a positive suicide-risk screen needs a safety_plan "
                        "or a follow_up task (owner, due date)")


def test_a_positive_screen_with_a_safety_plan_or_a_follow_up_loads():
    with_plan = load_facts("hs.yaml", MINIMAL + POSITIVE_SCREEN + "    safety_plan: Stanley-Brown plan completed\n")
    assert with_plan.screenings[0].safety_plan
    with_task = load_facts("hs.yaml", MINIMAL + POSITIVE_SCREEN
                           + "    follow_up:\n      - task: evaluation today\n        owner: Dr. Kim\n")
    assert with_task.screenings[0].follow_up[0].owner == "Dr. Kim"
    negative = load_facts("hs.yaml", MINIMAL + POSITIVE_SCREEN.replace("positive", "negative"))
    assert negative.screenings[0].safety_plan is None


def test_a_missing_client_is_named_for_a_human_services_note_type():
    text = MINIMAL.replace("client:\n  client_id: CMH-40213\n  name: Renee Alvarado\n", "").replace("dap", "home-visit")
    assert str(_error(text)) == "hs.yaml: client: required field is missing"


def test_a_claim_file_cannot_draft_a_human_services_only_note_type():
    err = _error(CLAIM.replace("physician-visit", "crisis-contact"))
    assert str(err).startswith("hs.yaml: encounter.note_type: crisis-contact is a human-services note type")


def test_claim_and_client_together_is_one_line():
    err = _error(CLAIM + MINIMAL.split("program:")[0].replace("schema_version: 3\n", ""))
    assert str(err) == ("hs.yaml: (top level): give 'claim' (workers' compensation) or 'client' (human services), "
                        "not both")


@pytest.mark.parametrize("addition, expected", [
    ("domains: [housing, pets]\n", "hs.yaml: domains[1]: expected one of 'housing', 'income-and-benefits'"),
    ("consents:\n  - agency: Harbor\n    signed: 2026-11-02\n    expires: 2026-10-01\n",
     "hs.yaml: consents[0]: expires must not be before signed"),
    ("service_plan:\n  goals:\n    - goal: housing\n      progress: done\n",
     "hs.yaml: service_plan.goals[0].progress: expected one of 'not-started', 'progressing', 'met' or 'revised'"),
    ("services:\n  - service: rental assistance\n    status: referred\n",
     "hs.yaml: services[0].agency: required field is missing"),
    ("claimant:\n  name: Renee\n", "hs.yaml: claimant: unknown field"),
])
def test_every_problem_is_one_line_with_file_and_field(addition, expected):
    err = _error(MINIMAL + addition)
    assert "\n" not in str(err) and str(err).startswith(expected)


def test_the_note_type_table_marks_who_drafts_each_type():
    assert HUMAN_SERVICES_TYPES == ("dap", "birp", "home-visit", "service-plan-review", "crisis-contact")
    for note_type in ("home-visit", "service-plan-review", "crisis-contact"):
        assert NOTE_TYPES[note_type].facts == ("human-services",)
        assert NOTE_TYPES[note_type].required[0] == "date_of_service"
    assert NOTE_TYPES["physician-visit"].facts == ("workers-comp",)

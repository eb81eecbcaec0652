"""NA132: progress on a goal or objective the service plan does not have is a warning; with no plan known,
or on the plan's own lines, the rule is quiet (issue 14 item 3)."""

from __future__ import annotations

import pytest

from noteassist.lint import NoteInput
from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter

PLAN = "Service plan goals:\nGoal 1: Stable housing by 03/01/2027\nGoal 2: Enroll in SNAP and SSI\n\n"


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA132"]))


def goals(linter: Linter, text: str, **meta) -> list[str]:
    result = linter.lint(NoteInput(path="note.txt", text=text, meta=meta))
    return [f.extra["goal"] for f in result.findings if f.rule == "NA132"]


@pytest.mark.parametrize(("text", "goal"), [
    (PLAN + "Assessment: Goal 3 progressing; client applied for two units.", "3"),
    (PLAN + "Response: Objective 4.1 met, per the landlord's letter.", "4.1"),
    (PLAN + "A: Client worked on goal #5 (employment) this week.", "5"),
    (PLAN + "Progress: G3 not started.", "3"),
])
def test_progress_on_a_goal_the_plan_lacks_is_a_warning(linter, text, goal):
    assert goals(linter, text) == [goal]
    finding = linter.lint_text(text).findings[0]
    assert finding.severity == "warning" and "Goal 1" in finding.suggestions


@pytest.mark.parametrize("text", [
    PLAN + "Assessment: Goal 2 progressing; SNAP application submitted 11/18.",
    PLAN + "Response: Objective 1.2 met; client viewed three units.",
    PLAN + "Plan: continue Goal 1 housing search; next visit 12/02.",
    "Assessment: Goal 3 progressing; client applied for two units.",  # no plan known: nothing to compare
    PLAN + "Client's goal is to move closer to her daughter's school by spring.",
    PLAN + "Discussed goal 3 of the lease agreement with the landlord.",  # no progress wording
])
def test_known_goals_unknown_plans_and_other_goals_stay_quiet(linter, text):
    assert goals(linter, text) == []


def test_the_plan_from_metadata(linter):
    text = "Data: client attended the job fair.\nAssessment: Goal B progressing; Goal C met."
    assert goals(linter, text, service_plan_goals=["A", {"id": "B", "goal": "Employment"}]) == ["C"]


def test_a_numbered_goals_section_is_the_plan(linter):
    text = "Goals:\n1. Stable housing\n2. Income\n\nAssessment: goal 2 progressing, goal 3 met."
    assert goals(linter, text) == ["3"]


def test_objectives_are_checked_when_the_plan_lists_them(linter):
    meta = {"service_plan_goals": [{"id": "1", "objectives": [{"id": "1.1"}, {"id": "1.2"}]}]}
    assert goals(linter, "Objective 1.3 met today.", **meta) == ["1.3"]
    assert goals(linter, "Objective 1.2 met today.", **meta) == []


def test_a_plan_given_as_data_numbers_its_goals_and_objectives_by_place(linter):
    plan = [{"goal": "Stable housing", "objectives": [{"objective": "View 3 units"}]}, {"goal": "Income"}]
    assert goals(linter, "Objective 1.1 met; Goal 2 progressing; Goal 3 met.", service_plan_goals=plan) == ["3"]

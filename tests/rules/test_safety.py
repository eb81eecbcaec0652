"""NA131: a positive risk screen with no safety plan or follow-up in the note is an error; negated, past and
answered screens are quiet (issue 14 item 3)."""

from __future__ import annotations

import pytest

from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA131"]))


def screens(linter: Linter, text: str) -> list[str]:
    return [f.extra["screen"] for f in linter.lint_text(text).findings if f.rule == "NA131"]


@pytest.mark.parametrize(("text", "screen"), [
    ("Client endorsed passive suicidal ideation over the past week. Discussed the housing search.",
     "suicide-risk screen"),
    ("C-SSRS screener was positive today. Reviewed the budget worksheet; next visit 12/15.", "suicide-risk screen"),
    ("PHQ-9 item 9 scored 2. Client wants to focus on the job application.", "suicide-risk screen"),
    ("Client reports thoughts of ending her life when alone at night.", "suicide-risk screen"),
    ("Youth screened positive on the ASQ during the school visit.", "suicide-risk screen"),
    ("Client denied SI at intake but today endorsed thoughts of being better off dead.", "suicide-risk screen"),
    ("Present danger was identified in the home during the visit; mother was upset.", "child-safety assessment"),
    ("Safety assessment completed: unsafe.", "child-safety assessment"),
    ("Client screened positive for intimate partner violence on the HITS.", "domestic-violence screen"),
    ("She disclosed that she was choked last month by her boyfriend.", "domestic-violence screen"),
    ("Client voiced homicidal ideation toward his landlord.", "homicide-risk screen"),
])
def test_a_positive_screen_without_a_response_is_an_error(linter, text, screen):
    findings = [f for f in linter.lint_text(text).findings if f.rule == "NA131"]
    assert [f.extra["screen"] for f in findings] == [screen]
    assert findings[0].severity == "error"
    assert findings[0].suggestions


@pytest.mark.parametrize("answer", [
    "Completed a Stanley-Brown safety plan with her.",
    "Client was given the 988 Suicide & Crisis Lifeline number.",
    "Warm hand-off to the on-site clinician for evaluation.",
    "Referred to the mobile crisis team, who arrived at 3:10 PM.",
    "Supervisor notified at 2:40 PM.",
    "Client agreed to give her medications to her sister; the rifle was removed and locked at her brother's home.",
    "Worker will call her tomorrow to check in.",
    "Follow-up visit scheduled within 24 hours.",
    "Hotline report made at 4:05 PM, reference 2026-5541.",
    "Connected with the DV advocate at Haven House.",
])
def test_a_documented_response_answers_the_screen(linter, answer):
    assert screens(linter, f"Client endorsed passive suicidal ideation and screened positive for IPV. {answer}") == []


@pytest.mark.parametrize("text", [
    "Client denies suicidal ideation, homicidal ideation and thoughts of self-harm.",
    "Screened for SI: negative. PHQ-9 item 9 scored 0.",
    "C-SSRS negative today.",
    "Client has a history of suicidal ideation in 2019, none since.",
    "No present danger was identified; the children were observed playing in the yard.",
    "Worker asked whether she has thoughts of suicide; she said no.",
    "Client reports no SI and is sleeping better.",
    "Domestic violence screen: negative. Client lives alone.",
    "Client reports prior suicidal thoughts during her divorce, none now.",
    "The school counselor asked if the youth was safe at home; he said yes.",
    "Discussed the 30-day notice. Client reports she is hopeful about the new unit.",
])
def test_negated_past_and_absent_screens_stay_quiet(linter, text):
    assert screens(linter, text) == []


def test_one_finding_per_risk_at_its_first_statement(linter):
    text = ("Client endorsed passive SI. Later she again reported passive SI. "
            "Present danger was identified in the home.")
    findings = [f for f in linter.lint_text(text).findings if f.rule == "NA131"]
    assert [f.extra["screen"] for f in findings] == ["suicide-risk screen", "child-safety assessment"]
    assert findings[0].text == "endorsed passive SI"


@pytest.mark.parametrize(("text", "screen"), [
    ("She said her partner choked her in September. Income: $1,100 a month.", "domestic-violence screen"),
    ("Ms. K. said her husband hits her when he is angry about money.", "domestic-violence screen"),
    ("DV screen: positive. Discussed the move-in date.", "domestic-violence screen"),
    ("Last night she shook the baby to make him stop crying.", "child-safety assessment"),
    ("His granddaughters, ages 4 and 6, are left home alone overnight twice a week.", "child-safety assessment"),
    ("He said he has been thinking about killing himself since the layoff.", "suicide-risk screen"),
    ("Annual PHQ-9 completed: total 19, item 9 scored 2.", "suicide-risk screen"),
    ("Columbia screen: POSITIVE (past week)", "suicide-risk screen"),
])
def test_disclosures_stated_as_facts_are_positive(linter, text, screen):
    assert screens(linter, text) == [screen]


@pytest.mark.parametrize("answer", [
    "Safety plan: ***",
    "Safety plan: N/A",
    "Crisis line: ",
    "No safety plan was completed today.",
])
def test_a_blank_or_negated_answer_is_no_answer(linter, answer):
    assert screens(linter, f"Columbia screen: POSITIVE (wish to be dead)\n{answer}\nRescheduled the visit.") \
        == ["suicide-risk screen"]


@pytest.mark.parametrize("text", [
    "Columbia screen: POSITIVE\nSafety plan: reviewed and updated with the client.",
    "The kids were left alone for ten minutes while she got the mail.",  # no overnight or hours-long absence
    "He talked about a friend who was thinking about suicide last year.",  # negation-free but answered below
])
def test_answered_or_brief_stays_quiet(linter, text):
    quiet = text if "friend" not in text else text + " Gave him the 988 number for his friend."
    assert screens(linter, quiet) == []


def test_every_screen_pattern_opens_on_a_word():
    """NA131 searches for screens from word starts only (safety._any_of), so a pattern opening on anything else
    would silently never match."""
    import re

    from noteassist.lint.rules.safety import safety_lexicon

    for name, screen in safety_lexicon()["screens"].items():
        for pattern in screen["patterns"]:
            opening = re.sub(r"^(?:\\b|\(\?:|\(\?-i:)+", "", pattern)
            assert re.match(r"[A-Za-z]", opening), f"{name}: {pattern[:40]} does not open on a word"

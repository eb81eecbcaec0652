"""NA401/NA402/NA405 on human-services wording (issue 14): the labels child-welfare, housing, re-entry and
substance-use notes use fire; the same words in a service's name, a clinical sense or a quotation of a
program title stay quiet."""

from __future__ import annotations

import pytest

from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter
from noteassist.lint.rules.stigma import lexicon


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA4"]))


def terms(linter: Linter, text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.text.lower()) for f in linter.lint_text(text).findings]


@pytest.mark.parametrize(("text", "code", "found"), [
    ("Client has been resistant to services since the referral in May.", "NA402", "resistant"),
    ("Mother was resistive when the worker asked to see the children's rooms.", "NA402", "resistive"),
    ("Ongoing resistance to services was discussed with the supervisor.", "NA402", "resistance to services"),
    ("Father remains not compliant with the case plan.", "NA402", "not compliant with the case plan"),
    ("Client is non-compliant with services and missed two appointments.", "NA402", "non-compliant"),
    ("The youth comes from a broken home and changed schools twice.", "NA402", "broken home"),
    ("Worker believes she is an unfit mother.", "NA402", "unfit mother"),
    ("He is a deadbeat dad according to the petition.", "NA402", "deadbeat dad"),
    ("Resident's behavior at the front desk was attention-seeking.", "NA402", "attention-seeking"),
    ("The landlord said an illegal alien was living in the unit.", "NA402", "illegal alien"),
    ("Client is an ex-offender released from county jail on 11/02.", "NA402", "ex-offender"),
    ("Landlords in the area will not rent to felons.", "NA402", "felons"),
    ("Her brother committed suicide in 2019.", "NA402", "committed suicide"),
    ("The homeless were moved from the encampment on Friday.", "NA405", "the homeless"),
    ("Met with a homeless man outside the library who asked about shelter beds.", "NA405", "homeless man"),
    ("Outreach to the mentally ill is part of the team's caseload.", "NA405", "the mentally ill"),
    ("Neighbors describe him as a hoarder.", "NA405", "hoarder"),
    ("Client's cousin is a known crackhead, per the grandmother.", "NA401", "crackhead"),
])
def test_human_services_labels_fire(linter, text, code, found):
    assert (code, found) in terms(linter, text)


@pytest.mark.parametrize("text", [
    "Client was referred to the homeless shelter on Main Street and a bed was confirmed for tonight.",
    "Family is staying at the homeless youth program until the lease starts.",
    "Met with staff of the County Homeless Services office about the voucher.",
    "Client has treatment-resistant depression per Dr. Amari; medication was changed on 11/10.",
    "The wound culture grew a methicillin-resistant organism; antibiotics were changed.",
    "Client reports feeling resistant at first but agreed to try the group next week, in her words.",
    "The court found no illegal entry; the family's asylum case is pending.",
    "Client received a traffic ticket for an illegal U-turn and asked for help with the fine.",
    "Client reports no suicidal thoughts; his brother died by suicide in 2019.",
    "Client is a person experiencing homelessness and is staying in her car since 10/28.",
    "The felony conviction from 2015 limits housing options; the re-entry specialist is helping with an appeal.",
    "Client is working with the Resistance Training group at the YMCA on Tuesdays.",
])
def test_the_same_words_in_a_service_or_clinical_sense_stay_quiet(linter, text):
    found = terms(linter, text)
    assert not found, found


def test_every_new_entry_names_its_source_and_a_preferred_wording():
    for code in ("NA401", "NA402", "NA405"):
        for entry in lexicon()[code]:
            assert entry.get("source"), (code, entry["term"])
            assert entry.get("prefer"), (code, entry["term"])


def test_suggestions_are_the_preferred_wording(linter):
    finding = next(f for f in linter.lint_text("The youth comes from a broken home.").findings if f.rule == "NA402")
    assert any("household" in s for s in finding.suggestions)
    finding = next(f for f in linter.lint_text("Client is an ex-offender.").findings if f.rule == "NA402")
    assert "person with a conviction" in finding.suggestions


def test_non_compliant_said_of_a_housing_unit_is_not_a_label():
    from noteassist.lint import Linter

    linter = Linter()
    unit = linter.lint_text("Data: The unit was non-compliant with housing quality standards: no smoke detector.")
    assert not [f for f in unit.findings if f.rule == "NA402"]
    person = linter.lint_text("Data: Client was non-compliant with the service plan this month.")
    assert [f for f in person.findings if f.rule == "NA402"]

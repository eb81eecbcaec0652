"""NA201 repeated-reporting-verb: counts reporting verbs (verbs only) and suggests by subject type."""

from __future__ import annotations

import pytest

from noteassist.lint.config import LintConfig
from noteassist.lint.engine import Linter
from noteassist.lint.rules.verbs import reporting_verbs


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter(LintConfig(select=["NA2"]))


def na201(linter: Linter, text: str, note_type: str = "physician-visit"):
    return [f for f in linter.lint_text(text, note_type=note_type).findings if f.rule == "NA201"]


RELAYED_FOUR = (
    "Worker relayed that her pain is 6/10 today.\n"
    "Adjuster relayed that the IME is set for 4/12.\n"
    "Employer relayed that modified duty is available.\n"
    "Dr. Smith relayed that PT should continue for four weeks.\n"
)


def test_relayed_four_times_flags_the_fourth(linter):
    findings = na201(linter, RELAYED_FOUR)
    assert len(findings) == 1
    f = findings[0]
    assert f.text == "relayed"
    assert f.start == RELAYED_FOUR.index("relayed", RELAYED_FOUR.index("Dr. Smith"))
    assert f.severity == "warning"
    assert f.category == "repeated-verb"
    assert '"relayed" used 4 times' in f.message


def test_finding_dict_has_lemma(linter):
    data = na201(linter, RELAYED_FOUR)[0].to_dict()
    assert data["lemma"] == "relay"
    assert data["suggestions"]


def test_three_uses_stay_quiet(linter):
    text = (
        "Worker relayed that her pain is 6/10 today.\n"
        "Adjuster relayed that the IME is set for 4/12.\n"
        "Employer relayed that modified duty is available.\n"
    )
    assert na201(linter, text) == []


def test_noun_report_does_not_count(linter):
    text = (
        "The report was faxed to the adjuster. Worker reported pain 6/10. "
        "Dr. Lee reviewed the MRI report findings with the worker. "
        "The report from Dr. Lee is attached. Claimant reported numbness in the left foot. "
        "CM reviewed the report with the adjuster. Spouse reported that he sleeps poorly."
    )
    assert na201(linter, text) == []


def test_report_noun_findings_phrase_not_counted(linter):
    text = "Report findings were sent. The report findings are pending. Report findings reviewed. Worker reported pain."
    assert na201(linter, text) == []


def test_varied_verbs_stay_quiet(linter):
    text = (
        "Worker described burning pain in the right wrist, rated 5/10. "
        "Dr. Patel found a positive Tinel sign and recommended a splint at night. "
        "She explained that typing for more than an hour makes the numbness worse. "
        "Dr. Patel ordered nerve conduction studies. "
        "CM told the adjuster about the splint. The worker asked about modified duty. "
        "Employer confirmed that a light-duty desk is available."
    )
    assert na201(linter, text) == []


def test_stated_five_times_flags_fourth_and_fifth(linter):
    text = (
        "Worker stated that her knee locks on stairs. She stated that ice helps. "
        "Dr. Gomez stated that the MRI shows a meniscus tear. Dr. Gomez stated surgery is an option. "
        "Worker stated she wants to try injections first."
    )
    findings = na201(linter, text)
    assert [f.text for f in findings] == ["stated", "stated"]
    assert all(f.to_dict()["lemma"] == "state" for f in findings)
    assert all("used 5 times" in f.message for f in findings)


def test_suggestions_differ_by_subject_type(linter):
    text = (
        "Worker noted stiffness in the morning. Adjuster noted the claim is accepted. "
        "Employer noted she missed two shifts. "
        "Dr. Kim noted full range of motion in the shoulder. "
        "Claimant noted that the pain wakes her at night."
    )
    findings = na201(linter, text)
    assert len(findings) == 2
    provider, claimant = findings
    assert provider.start < claimant.start
    table = reporting_verbs()["note"]
    assert provider.suggestions == table["provider"]
    assert claimant.suggestions == table["claimant"]
    assert provider.suggestions != claimant.suggestions
    assert "found" in provider.suggestions


def test_case_manager_and_record_subjects(linter):
    text = (
        "This writer noted the worker limping. CM noted swelling at the ankle. "
        "NCM noted the brace was worn. The MRI report noted a partial tear."
    )
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].suggestions == reporting_verbs()["note"]["record"]


def test_opined_provider_alternatives(linter):
    text = (
        "Dr. Smith opined that the worker is at MMI. The IME physician opined the injury is work related. "
        "Dr. Lee opined that restrictions are permanent. The surgeon opined that no surgery is needed."
    )
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].suggestions[:3] == ["concluded", "determined", "found"]


def test_auxiliary_and_nouns_never_counted(linter):
    text = (
        "The note was signed. The notes are in the file. Her statement was taken. "
        "The request is pending. A recommendation was made. Discussion held."
    )
    assert na201(linter, text) == []


def test_share_rule_in_a_busy_note(linter):
    # 8 reporting verbs, "reported" 3 of them (38% > 25%): uses past the share are flagged.
    text = (
        "Worker reported pain 7/10. Dr. Ruiz found tenderness over L4. She reported trouble sleeping. "
        "Dr. Ruiz recommended an MRI. CM told the adjuster about the MRI. Spouse reported she is irritable. "
        "Employer confirmed light duty is available. Worker asked about mileage reimbursement."
    )
    findings = na201(linter, text)
    assert findings, "share over max_share should fire"
    assert all(f.to_dict()["lemma"] == "report" for f in findings)
    assert all("reporting verbs" in f.message for f in findings)


def test_share_rule_off_below_min_reporting_verbs(linter):
    text = "Worker reported pain 7/10. She reported trouble sleeping. Dr. Ruiz recommended an MRI."
    assert na201(linter, text) == []


def test_max_uses_option_honoured():
    linter = Linter(LintConfig(select=["NA201"], options={"NA201": {"max_uses": 1}}))
    text = "Worker relayed that her pain is 6/10 today. Adjuster relayed that the IME is set for 4/12."
    findings = na201(linter, text)
    assert len(findings) == 1
    assert findings[0].start == text.index("relayed", 20)
    assert "used 2 times" in findings[0].message


def test_relevelled_severity():
    linter = Linter(LintConfig(select=["NA201"], severity={"NA201": "error"}))
    assert {f.severity for f in na201(linter, RELAYED_FOUR)} == {"error"}

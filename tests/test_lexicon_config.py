"""`extra_terms` and `remove_terms`: every lexicon rule takes an agency's additions and removals."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint import Linter
from noteassist.lint.config import config_from_mapping


def lint(options, text, select, note_type=None):
    linter = Linter(config_from_mapping({"select": select, "options": options}))
    return linter.lint_text(text, note_type=note_type).findings


def test_stigma_extra_term_is_flagged_with_the_agency_wording():
    findings = lint({"NA402": {"extra_terms": {"uncooperative": ["declined to answer questions"]}}},
                    "The worker was uncooperative during the intake.", ["NA402"])
    assert [(f.text, f.suggestions) for f in findings] == [("uncooperative", ["declined to answer questions"])]


def test_stigma_removed_term_is_quiet_and_others_still_fire():
    text = "The worker refused the injection and is non-compliant with the home program."
    assert {f.text for f in lint({}, text, ["NA402"])} == {"refused", "non-compliant"}
    assert {f.text for f in lint({"NA402": {"remove_terms": ["refused"]}}, text, ["NA402"])} == {"non-compliant"}


def test_reporting_verb_lexicon_can_grow_and_shrink():
    text = ("Worker conveyed pain 6/10. Dr. Lee conveyed that PT should continue. Adjuster conveyed the IME date. "
            "Employer conveyed that modified duty is available. HR conveyed the start date.")
    assert lint({}, text, ["NA201"]) == []
    findings = lint({"NA201": {"extra_terms": {"convey": ["told", "explained"]}}}, text, ["NA201"])
    assert findings and all(f.extra["lemma"] == "convey" for f in findings)
    relayed = text.replace("conveyed", "relayed")
    assert lint({}, relayed, ["NA201"])
    assert lint({"NA201": {"remove_terms": ["relay"]}}, relayed, ["NA201"]) == []


def test_do_not_use_list_takes_agency_forms_and_removals():
    text = "Lidocaine 5 cc injected; tramadol 50 mg QD."
    findings = lint({"NA501": {"extra_terms": {"cc": "mL"}, "remove_terms": ["QD"]}}, text, ["NA501"])
    assert [(f.text, f.fix) for f in findings] == [("cc", "mL")]


@pytest.mark.parametrize("options, key", [
    ({"NA402": {"extra_terms": ["uncooperative"]}}, "options.NA402.extra_terms"),
    ({"NA402": {"extra_terms": {"uncooperative": 3}}}, "options.NA402.extra_terms.uncooperative"),
    ({"NA501": {"remove_terms": "QD"}}, "options.NA501.remove_terms"),
])
def test_bad_lexicon_options_name_the_key(options, key):
    with pytest.raises(NoteassistError) as err:
        lint(options, "text", ["NA4", "NA5"])
    assert str(err.value).startswith(key)

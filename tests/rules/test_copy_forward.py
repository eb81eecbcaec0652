"""NA821 cloned-note (domain guide 2.2): a note nearly identical to an earlier note on the same claim."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.config import config_from_mapping

NOTE_1113 = """---
claim_number: WC-2231-0457
date_of_service: 2026-11-13
---
PHYSICIAN VISIT NOTE
Claim #: WC-2231-0457    Claimant: Maria Diaz

Date of service: 11/13/2026. Provider: Dr. Alan Lee, orthopedic surgery.

SUBJECTIVE:
Ms. Diaz rated her right shoulder pain 5/10 at rest and 8/10 when reaching overhead. She said she sleeps about four hours a night and wakes when she rolls onto the right side. She has been doing the home exercise program twice a day.

OBJECTIVE:
Dr. Lee measured forward flexion at 120 degrees and abduction at 100 degrees. Rotator cuff strength was 4/5 on the right. The MRI of 10/02/2026 showed a partial-thickness supraspinatus tear.

PLAN:
Dr. Lee ordered physical therapy 2 times a week for 4 weeks and continued meloxicam 15 mg daily. Modified duty continues with no lifting over 10 lb with the right arm and no overhead reaching.

NEXT APPOINTMENT:
11/20/2026 at 10:00 AM with Dr. Lee.

CASE MANAGER PLAN:
I will send the PT authorization request to the adjuster by 11/14/2026 and confirm the modified-duty schedule with the employer.
"""

# Copied forward: dates changed, one pain score edited.
NOTE_1120_CLONE = NOTE_1113.replace("2026-11-13", "2026-11-20").replace("11/13/2026", "11/20/2026") \
    .replace("11/20/2026 at 10:00 AM", "12/18/2026 at 10:00 AM").replace("11/14/2026", "11/21/2026") \
    .replace("5/10 at rest", "4/10 at rest")

NOTE_1218_NEW = """---
claim_number: WC-2231-0457
date_of_service: 2026-12-18
---
PHYSICIAN VISIT NOTE
Claim #: WC-2231-0457    Claimant: Maria Diaz

Date of service: 12/18/2026. Provider: Dr. Alan Lee, orthopedic surgery.

SUBJECTIVE:
Ms. Diaz said therapy has helped; her right shoulder pain is 2/10 at rest and 4/10 overhead. She now sleeps through the night most nights and has started lifting grocery bags with both arms.

OBJECTIVE:
Dr. Lee found forward flexion of 165 degrees and abduction of 150 degrees, with 5-/5 cuff strength on the right. Capital Rehab Partners reported 7 of 8 therapy visits attended.

PLAN:
Dr. Lee discharged her from formal therapy to a home program and released her to full duty as of 12/21/2026 without restrictions. No injection is planned.

NEXT APPOINTMENT:
Return as needed; Dr. Lee will see her again only if pain returns above 5/10.

CASE MANAGER PLAN:
I emailed the full-duty release to the adjuster and the employer's HR manager today and will call Ms. Diaz on 12/28/2026 to ask how her first week back went.
"""

ONE_SENTENCE_EDITED = NOTE_1120_CLONE.replace(
    "She has been doing the home exercise program twice a day.",
    "She missed two therapy sessions this week because she had no childcare.")


@pytest.fixture(scope="module")
def cf():
    return Linter(LintConfig(select=["NA821"]))


def results(linter, notes):
    # Findings sit at the start of the note body: line 5, after the 4-line front matter.
    return {r.path: [(f.rule, f.category, f.severity, (f.line, f.column), f.message, f.extra) for f in r.findings]
            for r in linter.lint_many(notes)}


def test_clone_with_changed_dates_in_a_batch(cf):
    out = results(cf, [NoteInput(NOTE_1113, path="1113.txt"), NoteInput(NOTE_1120_CLONE, path="1120.txt")])
    assert out["1113.txt"] == []
    assert out["1120.txt"] == [("NA821", "copy-forward", "warning", (5, 1), "nearly identical (100 %) to 1113.txt of "
                                "11/13/2026", {"similarity": 1.0, "similar_to": "1113.txt"})]


def test_earlier_is_by_service_date_not_batch_order(cf):
    out = results(cf, [NoteInput(ONE_SENTENCE_EDITED, path="1120.txt"), NoteInput(NOTE_1113, path="1113.txt")])
    assert out["1113.txt"] == []
    [(rule, _c, _s, _start, message, extra)] = out["1120.txt"]
    assert rule == "NA821" and message.endswith("to 1113.txt of 11/13/2026")
    assert 0.8 <= extra["similarity"] < 0.9


def test_previous_notes_given_by_the_caller(cf):
    result = cf.lint(NoteInput(NOTE_1120_CLONE, path="1120.txt", previous=[("visits/1113.txt", NOTE_1113)]))
    assert [(f.rule, f.extra["similar_to"]) for f in result.findings] == [("NA821", "visits/1113.txt")]


def test_different_notes_for_the_same_claim_a_month_apart(cf):
    out = results(cf, [NoteInput(NOTE_1113, path="a"), NoteInput(NOTE_1218_NEW, path="b")])
    assert out == {"a": [], "b": []}


def test_same_template_with_different_content(cf):
    from conftest import EXAMPLES
    from datetime import date
    from noteassist.facts import load_facts
    from noteassist.render import render_note

    first = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    second = first.model_copy(deep=True)
    second.encounter.date = date(2026, 12, 18)
    second.subjective = ("She said therapy has helped and her pain is 2/10 at rest. She sleeps through the night "
                         "and lifts grocery bags with both arms.")
    second.objective = ["Forward flexion measured 165 degrees on Dr. Lee's examination.",
                        "Capital Rehab Partners reported 7 of 8 visits attended."]
    second.treatment_plan = ["Discharge from formal therapy to a home program."]
    second.work_status.restrictions = ["No lifting over 25 lb with the right arm."]
    second.barriers = []
    out = results(cf, [NoteInput(render_note(first), path="a"), NoteInput(render_note(second), path="b")])
    assert out == {"a": [], "b": []}


def test_other_claims_are_not_compared(cf):
    other = NOTE_1120_CLONE.replace("WC-2231-0457", "WC-2231-0999")
    assert results(cf, [NoteInput(NOTE_1113, path="a"), NoteInput(other, path="b")]) == {"a": [], "b": []}


def test_the_same_note_twice_is_not_a_clone(cf):
    out = results(cf, [NoteInput(NOTE_1113, path="a"), NoteInput(NOTE_1113, path="a-copy")])
    assert out == {"a": [], "a-copy": []}


def test_clone_with_only_the_metadata_date_changed(cf):
    body = NOTE_1113.split("---\n", 2)[2]
    notes = [NoteInput(body, path="a", meta={"claim_number": "WC-2231-0457", "date_of_service": "2026-11-13"}),
             NoteInput(body, path="b", meta={"claim_number": "WC-2231-0457", "date_of_service": "2026-11-20"})]
    assert [m[0] for m in results(cf, notes)["b"]] == ["NA821"]


def test_single_note_and_short_notes_are_quiet(cf):
    assert cf.lint(NoteInput(NOTE_1120_CLONE)).findings == []
    short = "Claim #: WC-2231-0457\nDate of service: {}\nLeft a voicemail for the adjuster about the PT request.\n"
    out = results(cf, [NoteInput(short.format("11/13/2026"), path="a"), NoteInput(short.format("11/20/2026"),
                                                                                   path="b")])
    assert out == {"a": [], "b": []}


def test_options_are_honoured():
    strict = Linter(config_from_mapping({"select": ["NA821"], "options": {"NA821": {"threshold": 0.9}}}))
    notes = [NoteInput(NOTE_1113, path="a"), NoteInput(ONE_SENTENCE_EDITED, path="b")]
    assert results(strict, notes)["b"] == []
    loose = Linter(config_from_mapping({"select": ["NA821"], "options": {"NA821": {"min_words": 500}}}))
    assert results(loose, [NoteInput(NOTE_1113, path="a"), NoteInput(NOTE_1120_CLONE, path="b")])["b"] == []


def test_bad_threshold_is_a_config_error():
    with pytest.raises(NoteassistError, match="threshold"):
        Linter(config_from_mapping({"select": ["NA821"], "options": {"NA821": {"threshold": 85}}}))


def test_a_later_previous_note_is_not_the_original(cf):
    result = cf.lint(NoteInput(NOTE_1113, path="1113.txt", previous=[("1120.txt", NOTE_1120_CLONE)]))
    assert result.findings == []


def test_previous_note_for_another_claim_is_ignored(cf):
    other = NOTE_1113.replace("WC-2231-0457", "WC-2231-0999")
    assert cf.lint(NoteInput(NOTE_1120_CLONE, previous=[("other.txt", other)])).findings == []


def _agency(note: str, case: str) -> str:
    """The same note from a human-services agency: a case number, no claim number."""
    body = note.split("---\n", 2)[2].replace("Claim #: WC-2231-0457", f"Case #: {case}")
    date = "2026-11-20" if "11/20/2026. Provider" in note else "2026-11-13"
    return f"---\ndate_of_service: {date}\n---\n" + body


def test_agency_notes_are_compared_by_case_number():
    linter = Linter(LintConfig(select=["NA821"]))
    first, clone = _agency(NOTE_1113, "CF-26-30918"), _agency(NOTE_1120_CLONE, "CF-26-30918")
    results = list(linter.lint_many([NoteInput(first, path="a.md"), NoteInput(clone, path="b.md")]))
    assert [f.rule for f in results[1].findings] == ["NA821"]
    other_case = _agency(NOTE_1120_CLONE, "CF-26-44120")
    results = list(linter.lint_many([NoteInput(first, path="a.md"), NoteInput(other_case, path="b.md")]))
    assert results[1].findings == []

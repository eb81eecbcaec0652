"""The engine: file offsets, lines and columns, configuration, batches through one pipeline."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.lint import LintConfig, Linter, NoteInput
from noteassist.lint.registry import all_rules

RELAYED_NOTE = """\
---
note_type: telephonic
claim_number: WC-2231-0457
---

# Telephonic Contact Note

Date of service: November 18, 2026
Contact: Tom Reyes, adjuster, outbound call.
Purpose: Update on therapy authorization.

The adjuster relayed that the employer has modified duty. The employer relayed the schedule to him.
The worker relayed that she can start Monday. Her husband relayed the same message.
Outcome: Modified duty starts November 23, 2026.
Case manager plan: I will confirm the start date with HR by November 20, 2026.
"""


def test_offsets_lines_and_columns_point_into_the_file(linter):
    result = linter.lint_text(RELAYED_NOTE, path="call.md")
    assert result.note_type == "telephonic" and result.note_type_source == "given"
    lines = RELAYED_NOTE.splitlines()
    assert result.findings, "the fourth 'relayed' should be reported"
    for f in result.findings:
        assert RELAYED_NOTE[f.start:f.end] == f.text
        if f.text:
            assert lines[f.line - 1][f.column - 1:].startswith(f.text)


def test_repeated_verb_reported_past_the_threshold(linter):
    result = linter.lint_text(RELAYED_NOTE)
    relayed = [f for f in result.findings if f.rule == "NA201"]
    assert len(relayed) == 1 and relayed[0].line == 13 and relayed[0].extra["lemma"] == "relay"


def test_missing_element_findings_sit_at_the_start_of_the_body():
    linter = Linter(LintConfig(select=["NA101"]))
    note = "---\nnote_type: soap\n---\nSubjective: Pain 3/10.\nObjective: Gait steady.\n"
    result = linter.lint_text(note)
    elements = sorted(f.extra["element"] for f in result.findings)
    assert elements == ["assessment", "date_of_service", "plan"]
    assert {(f.line, f.column) for f in result.findings} == {(4, 1)}


def test_select_ignore_and_severity_override():
    only_verbs = Linter(LintConfig(select=["repeated-verb"]))
    assert {r.code for r in only_verbs.rules} == {c for c, r in all_rules().items() if r.category == "repeated-verb"}
    no_readability = Linter(LintConfig(ignore=["NA3"]))
    assert not any(r.code.startswith("NA3") for r in no_readability.rules)
    relevelled = Linter(LintConfig(select=["NA201"], severity={"NA201": "error"}))
    assert {f.severity for f in relevelled.lint_text(RELAYED_NOTE).findings} == {"error"}


def test_bad_config_is_a_user_error():
    with pytest.raises(NoteassistError, match="severity"):
        LintConfig(severity={"NA201": "fatal"})
    with pytest.raises(NoteassistError, match="unknown option"):
        Linter(LintConfig(select=["NA201"], options={"NA201": {"max_usage": 2}}))


def test_lint_many_keeps_input_order_and_paths(linter):
    notes = [NoteInput(RELAYED_NOTE, path=f"note-{i}.md") for i in range(5)]
    results = list(linter.lint_many(notes))
    assert [r.path for r in results] == [f"note-{i}.md" for i in range(5)]
    assert len({len(r.findings) for r in results}) == 1


def test_engine_runs_only_the_components_its_rules_read():
    verbs = Linter(LintConfig(select=["NA201"]))
    assert "ner" not in verbs.components and "parser" in verbs.components
    ssn = Linter(LintConfig(select=["NA901"]))
    assert ssn.components == ()
    doc = ssn.pipeline("Verified SSN 123-45-6789 today.")
    assert not doc.has_annotation("TAG") and not doc.has_annotation("DEP")


def test_a_rule_whose_reads_the_model_cannot_provide_is_refused_at_construction():
    import spacy

    bare = spacy.blank("en")
    with pytest.raises(NoteassistError, match=r"NA201 reads [\w.]+, which .* cannot provide \(no tok2vec"):
        Linter(LintConfig(select=["NA201"]), nlp=bare)
    assert Linter(LintConfig(select=["NA901"]), nlp=bare).lint_text("SSN 123-45-6789").findings


def test_metrics_are_on_prose_only(linter):
    result = linter.lint_text(RELAYED_NOTE)
    m = result.metrics
    assert m["words"] > m["prose_words"] > 0
    assert m["sentences"] == 4
    assert m["flesch_kincaid_grade"] is not None and m["flesch_reading_ease"] is not None


def test_short_section_labels_and_titles_identify_the_format(linter):
    dap = "DAP Note\n\nD: Client texted twice and called about rent.\nA: Stress is moderate.\nP: Meet on 12/02/2026."
    assert linter.lint_text(dap).note_type == "dap"
    soap = ("S: IW reports pain 4/10 at work.\nO: Full range of motion.\nA: Improving on modified duty.\n"
            "P: Continue PT; NCM to update the adjuster.")
    assert linter.lint_text(soap).note_type == "soap"
    # The same sections with nothing of case management in them are a clinic's note: no type is guessed.
    clinic = "S: Pain 4/10.\nO: Full range of motion.\nA: Improving.\nP: Continue PT."
    assert linter.lint_text(clinic).note_type is None


def test_subjective_objective_plan_without_an_assessment_is_not_soap(linter):
    text = ("SUBJECTIVE | Pain 4/10.\nOBJECTIVE | Per Dr. Pruitt: flexion 150 degrees on exam.\n"
            "PLAN | PT 2x/week.\nWORK STATUS | Light duty per Dr. Pruitt.")
    assert linter.lint_text(text).note_type != "soap"


def test_front_matter_note_types_as_systems_label_them_and_non_strings_are_one_line_errors(linter):
    note = "---\nnote_type: Phone Call\n---\nCalled the worker about the MRI on 11/20/2026.\n"
    assert linter.lint_text(note).note_type == "telephonic"
    for bad in ("[telephonic, soap]", "{a: 1}", "letter"):
        with pytest.raises(NoteassistError, match="note_type") as caught:
            linter.lint_text(f"---\nnote_type: {bad}\n---\nCalled the worker.\n")
        assert "\n" not in caught.value.message

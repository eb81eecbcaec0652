"""Draft fidelity (issue 10): no fact dropped, nothing invented, the wording artefacts, template errors.

The provenance comes from the render itself (render/provenance.py); these tests check it against the
schema, so a field added to the facts model later fails here until the templates print it.
"""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from noteassist.cli import main
from noteassist.errors import TemplateError
from noteassist.facts import load_facts
from noteassist.facts.load import read_facts_data, validate_facts
from noteassist.facts.models import VisitFacts
from noteassist.render import (
    list_templates,
    render_note,
    render_with_provenance,
    template_fields,
)
from noteassist.render.provenance import METADATA, normalise, set_leaves
from noteassist.render.sample import full_facts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BUILTINS = sorted(t.name for t in list_templates())


def _types(annotation):
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _types(a) if t is not type(None)]
    if origin is typing.Annotated:
        return _types(typing.get_args(annotation)[0])
    if origin is list:
        return _types(typing.get_args(annotation)[0])
    return [annotation]


def _schema_leaves(cls: type[BaseModel], path: str = "") -> dict[str, type]:
    """Every leaf field of the schema (list items unindexed) -> its type, read from the model classes."""
    leaves: dict[str, type] = {}
    for name, info in cls.model_fields.items():
        here = f"{path}.{name}" if path else name
        kind = _types(info.annotation)[0]
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            leaves.update(_schema_leaves(kind, here))
        else:
            leaves[here] = kind
    return leaves


SCHEMA = _schema_leaves(VisitFacts)
ENUMS = {path: kind for path, kind in SCHEMA.items() if isinstance(kind, type) and issubclass(kind, Enum)
         and path not in METADATA}
BOOLS = [path for path, kind in SCHEMA.items() if kind is bool]


def _facts(name: str, **changes) -> VisitFacts:
    _, data = read_facts_data(EXAMPLES / name)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return validate_facts(data, name)


# ---------------------------------------------------------------- no fact dropped


def test_the_full_facts_set_every_field_of_the_schema():
    """The sample is built from the model: a field added to the schema is set here (and so must be printed)."""
    facts = full_facts("telephonic")
    assert {normalise(p) for p in set_leaves(facts)} == set(SCHEMA)


@pytest.mark.parametrize("template", BUILTINS)
def test_every_builtin_template_prints_every_field(template):
    note = render_with_provenance(full_facts(template), template)
    assert note.unused == [], f"{template} does not print {note.unused}"


@pytest.mark.parametrize("template", BUILTINS)
@pytest.mark.parametrize("path", sorted(ENUMS))
def test_every_enum_value_keeps_every_field(template, path):
    """Each branch a status chooses (full duty, at MMI, a voicemail, an inbound call...) still prints everything."""
    for member in ENUMS[path]:
        note = render_with_provenance(full_facts(template, {path: member.value}), template)
        assert note.unused == [], f"{template} with {path}={member.value} does not print {note.unused}"


@pytest.mark.parametrize("template", BUILTINS)
def test_false_booleans_keep_every_field(template):
    note = render_with_provenance(full_facts(template, {path: False for path in BOOLS}), template)
    assert note.unused == []


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "claims").glob("*/2*.yaml")),
                         ids=lambda p: p.name)
def test_every_example_prints_all_its_facts(path):
    assert render_with_provenance(load_facts(path)).unused == []


def test_spans_say_which_fact_each_piece_of_text_came_from():
    facts = load_facts(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    note = render_with_provenance(facts)
    by_path = {paths: note.text[start:end] for start, end, paths in note.spans}
    assert by_path[("call.party.phone",)] == facts.call.party.phone
    assert by_path[("claim.claim_number",)] == facts.claim.claim_number
    first_task = next(text for paths, text in by_path.items() if paths == ("follow_up[0].task",))
    assert first_task.rstrip(".") in note.text
    offset = note.text.index(facts.call.party.phone)
    assert note.paths_at(offset) == ("call.party.phone",)
    assert "follow_up.task" in note.used and "call.party.phone" in note.used
    assert "\ue000" not in note.text and "\ue002" not in note.text


def test_zero_minutes_is_no_time_to_print_but_zero_visits_is_a_fact():
    facts = _facts("physician-visit-modified-duty.yaml")
    facts.time_spent.travel = 0
    facts.referrals[0].visits_used, facts.referrals[0].visits_authorized = 0, 8
    note = render_with_provenance(facts)
    assert note.unused == []
    assert "travel" not in note.text.split("## Time")[1]
    assert "Visits: 0 used of 8 authorized." in note.text


def test_a_template_that_leaves_fields_out_is_told_which(tmp_path):
    (tmp_path / "short.md.j2").write_text("# Short\n\n{{ worker }} was seen on {{ encounter.date | longdate }}.\n")
    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    note = render_with_provenance(facts, "short", [tmp_path])
    assert note.used == {"claimant.name", "encounter.date"}
    # the front matter writes the claim number, but a reader reads the body: it was not printed
    assert "claim_number: WC-2231-0457" in note.text
    assert note.unused[:2] == ["claim.claim_number", "claim.carrier"]
    assert "work_status.restrictions" in note.unused and "mmi.anticipated_date" in note.unused
    assert not set(note.unused) & METADATA


def test_a_value_read_only_in_a_condition_is_not_printed(tmp_path):
    (tmp_path / "cond.md.j2").write_text("# C\n\n{% if claim.employer %}Employed.{% endif %}\n"
                                         "{% if work_status.status.value == 'modified-duty' %}Modified.{% endif %}\n")
    note = render_with_provenance(load_facts(EXAMPLES / "physician-visit-modified-duty.yaml"), "cond", [tmp_path])
    assert "claim.employer" in note.unused  # a string tested, not printed
    assert "work_status.status" in note.used  # an enum turned into wording


def test_concatenated_and_sliced_values_keep_their_source(tmp_path):
    (tmp_path / "cat.md.j2").write_text("# C\n\n{{ worker ~ ' seen ' ~ (encounter.date | longdate) }}\n"
                                        "{{ claim.employer[:5] | upper }}\n")
    note = render_with_provenance(load_facts(EXAMPLES / "physician-visit-modified-duty.yaml"), "cat", [tmp_path],
                                  front_matter=False)
    assert note.text == "# C\n\nMaria Diaz seen November 20, 2026\nBRAZO\n"
    assert note.spans == [(5, 38, ("claimant.name", "encounter.date")), (39, 44, ("claim.employer",))]


def test_draft_warns_per_field_and_strict_writes_nothing(tmp_path):
    (tmp_path / "short.md.j2").write_text("# Short\n\n{{ worker }}: {{ call.party.name }}\n")
    facts = EXAMPLES / "telephonic-surgery-coordinator.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["draft", str(facts), "--templates", str(tmp_path), "-t", "short"])
    assert result.exit_code == 0
    assert "noteassist: draft: template short did not print call.party.phone" in result.stderr
    assert "noteassist: draft: template short did not print encounter.purpose" in result.stderr
    out = tmp_path / "note.md"
    result = runner.invoke(main, ["draft", str(facts), "--templates", str(tmp_path), "-t", "short", "--strict",
                                  "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert f"{out} not written" in result.stderr
    result = runner.invoke(main, ["draft", str(facts), "--strict"])  # the built-in template prints everything
    assert result.exit_code == 0 and "did not print" not in result.stderr


def test_templates_fields_lists_what_a_template_prints(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["templates", "--fields", "telephonic"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert {"work_status.restrictions", "mmi.anticipated_date", "referrals.visits_used",
            "decisions_requested.decision", "recommendations", "return_to_work.full_duty_target"} <= set(lines)
    assert not any("not printed" in line for line in lines)
    (tmp_path / "mine.md.j2").write_text("{#---\nnote_type: telephonic\n---#}\n# Mine\n\n{{ call.party.name }}\n")
    printed, dropped = template_fields("mine", [tmp_path])
    assert printed == ["call.party.name"] and "call.party.phone" in dropped
    result = runner.invoke(main, ["templates", "--templates", str(tmp_path), "--fields", "mine"])
    assert "call.party.phone  (not printed)" in result.stdout


# ---------------------------------------------------------------- nothing invented


def test_no_attribution_the_facts_do_not_make():
    facts = _facts("physician-visit-modified-duty.yaml")
    facts.diagnoses[0].per = None
    facts.work_status.set_by = None
    text = render_note(facts)
    assert "Per Dr. Lee's examination" not in text
    assert "Dr. Lee documented" not in text
    assert "Dr. Lee placed" not in text
    assert "Dr. Lee recommended this treatment" not in text
    assert "Maria Diaz is on modified duty effective" in text
    assert "- Partial-thickness rotator cuff tear, right shoulder (ICD-10 S46.011A)." in text
    assert "Dr. Lee anticipates" not in text  # MMI has no source field: never credited to the provider


def test_named_sources_are_kept():
    text = render_note(_facts("physician-visit-modified-duty.yaml"))
    assert "Dr. Lee documented the diagnosis of partial-thickness rotator cuff tear" in text
    assert "Dr. Lee placed Maria Diaz on modified duty" in text


ABSENT = {
    "barriers": "No barriers to recovery",
    "goals": "No goals were set",
    "follow_up": "No further follow-up tasks",
    "next_appointment": "No follow-up appointment was set",
    "objective": "No examination findings were recorded",
    "treatment_plan": "No changes to the treatment plan",
    "work_status": "Work status was not addressed",
}


@pytest.mark.parametrize("key", sorted(ABSENT))
def test_an_absent_fact_writes_no_sentence_but_an_explicit_none_does(key):
    # physician-visit requires work_status; the initial assessment, too: use a SOAP note for that key
    name = "soap-telephonic-follow-up.yaml" if key == "work_status" else "physician-visit-modified-duty.yaml"
    empty = None if key in ("next_appointment", "work_status") else []
    absent = render_note(_facts(name, **{key: ...}), "soap" if key == "work_status" else None)
    assert ABSENT[key] not in absent
    explicit = render_note(_facts(name, **{key: empty}), "soap" if key == "work_status" else None)
    assert ABSENT[key] in explicit


def test_no_invented_voicemail_content():
    facts = _facts("telephonic-surgery-coordinator.yaml")
    facts.call.outcome = type(facts.call.outcome)("voicemail")
    text = render_note(facts)
    assert "left a voicemail for Denise Carter." in text
    assert "name and callback number only" not in text


def test_a_drafted_note_missing_an_element_is_flagged_by_lint(linter):
    from noteassist.lint import NoteInput

    # NA101 finds exam findings in any sentence ('Dr. Lee recommends ... because weakness persists'): drop
    # the sections that carry them too, so only the draft could have supplied an objective section
    facts = _facts("physician-visit-modified-duty.yaml", objective=..., treatment_plan=..., diagnoses=...,
                   actions=..., follow_up=..., communication=...)
    findings = linter.lint(NoteInput(render_note(facts), path="draft.md")).findings
    assert {("NA101", "error")} <= {(f.rule, f.severity) for f in findings}
    assert any("objective" in f.message for f in findings)
    assert any("case manager plan" in f.message for f in findings)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_complete_examples_lint_without_errors(linter, path):
    from noteassist.lint import NoteInput

    findings = linter.lint(NoteInput(render_note(load_facts(path)), path=path.name)).findings
    assert [f for f in findings if f.severity == "error"] == []


# ---------------------------------------------------------------- wording


def test_subjective_is_its_own_sentences_not_a_label_run_into_one():
    text = render_note(load_facts(EXAMPLES / "physician-visit-modified-duty.yaml"))
    assert "gave this account" not in text
    assert not re.search(r":[ \t]+She rated", text)  # no label run into a sentence on one line
    assert "Maria Diaz's account of symptoms and function:\n\nShe rated" in text


@pytest.mark.parametrize("purpose", ["resolve the rejection of the meloxicam prescription",
                                     "two-week post-operative follow-up"])
def test_a_purpose_reads_whether_verb_or_noun_phrase(purpose):
    facts = _facts("telephonic-pharmacy-rejected-rx.yaml")
    facts.encounter.purpose = purpose
    text = render_note(facts)
    assert "The purpose of the call was to" not in text
    assert f"## Purpose\n\n{purpose[0].upper()}{purpose[1:]}.\n" in text


def test_an_inbound_call_is_received_not_reached():
    facts = _facts("telephonic-pharmacy-rejected-rx.yaml")
    assert facts.call.direction.value == "inbound"
    text = render_note(facts)
    party, cm = facts.call.party.name, facts.case_manager.name
    assert f"Direction: inbound; {party} called {cm}." in text
    assert f"{cm} reached {party}" not in text
    assert f"{cm} took the call and spoke with {party}." in text


@pytest.mark.parametrize(("miles", "written"), [(42.0, "42 miles"), (18.5, "18.5 miles"), (7.25, "7.25 miles")])
def test_mileage_is_written_as_people_write_it(miles, written):
    facts = _facts("physician-visit-modified-duty.yaml")
    facts.time_spent.mileage = miles
    text = render_note(facts)
    assert f"mileage {written}." in text
    assert ".0 miles" not in text


_TWELVE = re.compile(r"\b\d{1,2}:\d{2}\s?[AP]M\b")
_TWENTY_FOUR = re.compile(r"\b(?:[01]\d|2[0-3]):\d{2}\b(?!\s?[AP]M)")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_one_time_format_per_note(path):
    facts = load_facts(path)
    twelve = render_note(facts, front_matter=False)
    assert not _TWENTY_FOUR.search(twelve.replace("10:00", "").replace("11:00", "").replace("12:00", ""))
    twenty_four = render_note(facts, front_matter=False, time_format="24h")
    assert not _TWELVE.search(twenty_four)


def test_free_text_times_follow_the_note_style():
    facts = _facts("telephonic-pharmacy-rejected-rx.yaml")
    assert any("14:30" in line for line in facts.actions + facts.communication)
    assert "at 2:30 PM that the prescription" in render_note(facts)
    assert "at 14:10" not in render_note(facts) and "14:10 to 14:25" in render_note(facts, time_format="24h")


def test_time_format_from_the_environment_and_the_flag(monkeypatch):
    runner = CliRunner()
    facts = str(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    assert "2:10 PM to 2:25 PM" in runner.invoke(main, ["draft", facts]).stdout
    assert "14:10 to 14:25" in runner.invoke(main, ["draft", facts, "--time-format", "24h"]).stdout
    monkeypatch.setenv("NOTEASSIST_TIME_FORMAT", "24h")
    assert "14:10 to 14:25" in runner.invoke(main, ["draft", facts]).stdout
    monkeypatch.setenv("NOTEASSIST_TIME_FORMAT", "noon")
    result = runner.invoke(main, ["draft", facts])
    assert result.exit_code == 2 and "NOTEASSIST_TIME_FORMAT" in result.stderr


# ---------------------------------------------------------------- template errors


BROKEN = {
    "zero": ("# Z\n\n{{ 1/0 }}\n", 3, "ZeroDivisionError"),
    "wrongtype": ("# T\n\nSeen.\n{{ 5 | longdate }}\n", 4, "longdate expects a date"),
    "recursion": ("{% macro again(n) %}{{ again(n) }}{% endmacro %}\n# R\n\n{{ again(1) }}\n", 1, "recursion"),
    "hugerange": ("# G\n\n{% for i in range(10**9) %}{{ i }}{% endfor %}\n", 3, "Range too big"),
    "syntax": ("# S\n\n{% if %}\n", 3, "Expected an expression"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_template_error_is_one_line_with_template_and_line(tmp_path, name):
    source, line, problem = BROKEN[name]
    (tmp_path / f"{name}.md.j2").write_text(source)
    facts = load_facts(EXAMPLES / "physician-visit-modified-duty.yaml")
    with pytest.raises(TemplateError, match=rf"^template {name}, line {line}: .*{problem}"):
        render_note(facts, name, [tmp_path])
    result = CliRunner().invoke(main, ["draft", str(EXAMPLES / "physician-visit-modified-duty.yaml"),
                                       "--templates", str(tmp_path), "-t", name])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"noteassist: template {name}, line {line}: ")

"""Human-services templates (issue 14): each renders every human-services example it applies to without
dropping a fact, the drafted examples lint clean, and `draft` refuses a bad file in one line."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from noteassist.cli import main
from noteassist.errors import TemplateError
from noteassist.facts import load_facts
from noteassist.notetypes import HUMAN_SERVICES_TYPES, NOTE_TYPES
from noteassist.render import list_templates, render_note, render_with_provenance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "human-services").glob("*.yaml"))
TEMPLATES = list(HUMAN_SERVICES_TYPES)

#: The heading each required element stands under in the built-in templates (what NA101 reads).
HEADINGS = {
    "data": "## Data", "assessment": "## Assessment", "plan": "## Plan", "behavior": "## Behavior",
    "intervention": "## Intervention", "response": "## Response", "participants": "## Participants",
    "observations": "## Observations", "safety": "## Safety", "goals": "## Service Plan Goals",
    "progress": "## Progress", "risk_assessment": "## Risk Assessment", "safety_plan": "## Safety Plan",
}


def test_each_human_services_note_type_has_a_builtin_template():
    found = {t.name: t for t in list_templates()}
    for note_type in TEMPLATES:
        assert found[note_type].note_type == note_type
        assert found[note_type].requires[:2] == ["client.client_id", "encounter.date"]


@pytest.mark.parametrize("template, path", list(itertools.product(TEMPLATES, EXAMPLES)),
                         ids=lambda v: getattr(v, "stem", v))
def test_every_template_renders_every_example_it_applies_to_without_dropping_a_fact(template, path):
    facts = load_facts(path)
    try:
        note = render_with_provenance(facts, template)
    except TemplateError as exc:  # the template's `requires`: facts this example does not have
        assert "needs facts" in str(exc) and template != facts.note_type
        pytest.skip(str(exc))
    assert note.unused == []
    assert "Date of service: " in note.text
    for element in NOTE_TYPES[template].required[1:]:
        if element != "contact":
            assert f"\n{HEADINGS[element]}\n" in note.text, element


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_drafted_examples_lint_with_no_errors_and_no_warnings(linter, path):
    from noteassist.lint import NoteInput

    facts = load_facts(path)
    result = linter.lint(NoteInput(render_note(facts), path=path.name))
    assert result.note_type == facts.note_type
    assert [(f.rule, f.severity, f.message) for f in result.findings if f.severity != "info"] == []


def test_the_prose_keeps_its_sources_and_the_plan_numbers():
    text = render_note(load_facts(ROOT / "examples" / "human-services" / "home-visit-child-welfare.yaml"))
    assert "- Per the foster parent, Jay has had no school absences" in text
    assert "Observations" in text and "I met with Jay alone" in text
    review = render_note(load_facts(ROOT / "examples" / "human-services" / "service-plan-review-housing.yaml"))
    assert "- Goal 2: Earn enough to cover the full rent (employment); target date May 31, 2027." in review
    assert "  - Objective 1.1: met. The landlord ledger shows on-time payments" in review
    birp = render_note(load_facts(ROOT / "examples" / "human-services" / "birp-substance-use-group.yaml"))
    assert "protected by 42 CFR Part 2" in birp and "covers 42 CFR Part 2 substance use disorder records" in birp


def test_a_user_template_overrides_the_builtin(tmp_path):
    template = "{#---\nnote_type: dap\n---#}\nDAP for {{ client.client_id }}\n"
    (tmp_path / "dap.md.j2").write_text(template, encoding="utf-8")
    facts = load_facts(EXAMPLES[0])
    text = render_note(facts, "dap", template_dirs=[tmp_path], front_matter=False)
    assert text == f"DAP for {facts.client.client_id}\n"


def test_draft_then_lint_from_the_cli(tmp_path):
    out = tmp_path / "dap.md"
    runner = CliRunner()
    source = ROOT / "examples" / "human-services" / "dap-community-mental-health.yaml"
    drafted = runner.invoke(main, ["draft", str(source), "-o", str(out)])
    assert drafted.exit_code == 0, drafted.output
    assert "did not print" not in drafted.stderr
    linted = runner.invoke(main, ["lint", str(out), "--fail-on", "warning"])
    assert linted.exit_code == 0, linted.output


def test_a_bad_human_services_file_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "examples" / "human-services" / "dap-community-mental-health.yaml").read_text(encoding="utf-8")
    head, rest = text.split("    safety_plan: >-\n", 1)
    rest = rest.split("interventions:\n", 1)[1]  # drop the positive screen's safety plan and its follow-up
    bad.write_text(head + "interventions:\n" + rest, encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == (f"noteassist: {bad}: screenings[0].safety_plan: a positive suicide-risk screen needs a "
                             "safety_plan or a follow_up task (owner, due date)\n")


def test_a_human_services_note_exports_with_the_client_header(tmp_path):
    import docx

    out = tmp_path / "visit.docx"
    source = ROOT / "examples" / "human-services" / "home-visit-child-welfare.yaml"
    assert CliRunner().invoke(main, ["export", str(source), "-o", str(out)]).exit_code == 0
    rows = [[cell.text for cell in row.cells] for row in docx.Document(str(out)).tables[0].rows]
    assert rows[:2] == [["Client", "Jaylen Brooks"], ["Client ID", "CW-2026-0318"]]
    assert ["Worker", "Priya Deshmukh, MSW"] in rows and not any(label == "Claim number" for label, _ in rows)


def test_lint_reads_human_services_facts_files(tmp_path):
    import json

    result = CliRunner().invoke(main, ["lint", *map(str, EXAMPLES), "--format", "json", "--fail-on", "warning"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert [(f["note_type"], f["note_type_source"], f["findings"]) for f in files] == [
        (load_facts(path).note_type, "facts", []) for path in EXAMPLES]


def _leaves(cls, path=""):
    """Every leaf field of the human-services schema (list items unindexed) -> its type."""
    import types
    import typing

    from pydantic import BaseModel

    def kinds(annotation):
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType, list):
            return [k for a in typing.get_args(annotation) for k in kinds(a) if k is not type(None)]
        if origin is typing.Annotated:
            return kinds(typing.get_args(annotation)[0])
        return [annotation]

    found = {}
    for name, info in cls.model_fields.items():
        here = f"{path}.{name}" if path else name
        kind = kinds(info.annotation)[0]
        found.update(_leaves(kind, here) if isinstance(kind, type) and issubclass(kind, BaseModel) else {here: kind})
    return found


def _variations():
    from enum import Enum

    from noteassist.facts import HumanServicesFacts
    from noteassist.render.provenance import METADATA

    leaves = _leaves(HumanServicesFacts)
    for path, kind in leaves.items():
        if isinstance(kind, type) and issubclass(kind, Enum) and path not in METADATA:
            for member in kind:
                yield path, member.value
    yield "booleans", False


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_enum_value_and_false_boolean_keeps_every_field(template):
    from noteassist.facts import HumanServicesFacts
    from noteassist.render.sample import full_facts

    for path, value in _variations():
        if path == "booleans":
            choices = {p: False for p, kind in _leaves(HumanServicesFacts).items() if kind is bool}
        elif path in HumanServicesFacts.model_fields:  # a list of enum values (domains): one value
            choices = {path: [value]}
        else:
            choices = {path: value}
        note = render_with_provenance(full_facts(template, choices), template)
        assert note.unused == [], (path, value)


def test_a_claim_contact_is_offered_only_templates_claim_facts_can_fill():
    from noteassist.facts import HumanServicesFacts, VisitFacts
    from noteassist.service.web.pages import note_templates

    infos = {t.name: t for t in list_templates()}
    assert all(infos[name].drafts_from(HumanServicesFacts) and not infos[name].drafts_from(VisitFacts)
               for name in TEMPLATES)
    offered = note_templates()
    assert {"physician-visit", "telephonic", "soap"} <= set(offered) and not set(offered) & set(TEMPLATES)

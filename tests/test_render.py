"""Rendering visit facts into notes with the built-in and user templates."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
import yaml

from noteassist.errors import TemplateError
from noteassist.facts import load_facts
from noteassist.render import list_templates, render_note
from noteassist.render.environment import clock, join_and, longdate, pronoun, short_name

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
HUMAN_SERVICES_EXAMPLES = sorted((ROOT / "examples" / "human-services").glob("*.yaml"))
BUILTINS = {"physician-visit", "telephonic", "initial-assessment", "soap",
            # human-services (issue 14)
            "dap", "birp", "home-visit", "service-plan-review", "crisis-contact"}


def _requires_met(info, facts) -> bool:
    for dotted in info.requires:
        value = facts
        for part in dotted.split("."):
            value = getattr(value, part, None)
        if value in (None, "", [], {}):
            return False
    return True


def _pairs():
    infos = {t.name: t for t in list_templates()}
    pairs = []
    for path in EXAMPLES:
        facts = load_facts(path)
        for name, info in sorted(infos.items()):
            if name == facts.note_type or _requires_met(info, facts):
                pairs.append(pytest.param(path, name, id=f"{path.stem}-{name}"))
    return pairs


def _check_output(text: str):
    assert "None" not in text
    assert "{{" not in text and "{%" not in text
    for verb in (" relayed", " opined", " noted", " discussed", " indicated", " verbalized"):
        assert verb not in text.lower(), verb
    lines = [line for line in text.splitlines() if line.strip()]
    for current, following in zip(lines, lines[1:]):
        if current.startswith("#") and following.startswith("#"):
            level = lambda line: len(line) - len(line.lstrip("#"))  # noqa: E731
            assert level(following) > level(current), f"empty section: {current!r}"
    assert lines[-1].startswith("#") is False
    assert not re.search(r"\n{3,}", text)
    assert all(line == line.rstrip() for line in text.splitlines())


def test_every_example_renders_with_its_own_template():
    seen = set()
    for path in EXAMPLES + HUMAN_SERVICES_EXAMPLES:
        facts = load_facts(path)
        text = render_note(facts)
        _check_output(text)
        seen.add(facts.note_type)
    assert BUILTINS <= seen


@pytest.mark.parametrize(("path", "name"), _pairs())
def test_compatible_template_renders(path, name):
    text = render_note(load_facts(path), name)
    _check_output(text)
    assert text.startswith("---\n")


REQUIRED_HEADINGS = {
    "physician-visit": ["## Visit", "Date of service:", "Provider:", "## Subjective", "## Objective Findings",
                        "## Diagnosis", "## Treatment Plan", "## Work Status", "## Next Appointment",
                        "## Case Manager Plan"],
    "telephonic": ["## Call", "Date of service:", "Contact:", "## Purpose", "## Outcome", "## Case Manager Plan"],
    "initial-assessment": ["## Visit", "Date of injury:", "Mechanism of injury", "## Diagnosis", "Provider:",
                           "## Work Status", "## Barriers", "## Goals", "## Case Manager Plan"],
    "soap": ["Date of service:", "## Subjective", "## Objective", "## Assessment", "## Plan"],
}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_required_elements_are_visible(path):
    facts = load_facts(path)
    text = render_note(facts)
    for marker in REQUIRED_HEADINGS[facts.note_type]:
        assert marker in text, marker


def test_front_matter_parses_and_has_header():
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    text = render_note(facts)
    _, block, body = text.split("---\n", 2)
    meta = yaml.safe_load(block)
    assert meta["claim_number"] == "WC-2231-0457"
    assert meta["template"] == "physician-visit"
    assert None not in meta.values()
    assert body.startswith("\n# Physician Visit Note")


def test_no_front_matter():
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    assert render_note(facts, front_matter=False).startswith("# Physician Visit Note\n")


def test_physician_visit_prose():
    text = render_note(load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml"))
    assert "Date of service: November 20, 2026, 9:30 AM to 10:15 AM at Austin Orthopedic" in text
    assert "Dr. Lee placed Maria Diaz on modified duty effective November 23, 2026 through December 16, 2026" in text
    assert "Per Dr. Lee's examination" not in text  # the facts credit no one with the findings
    assert "on Dr. Lee's examination" in text  # the finding names its own source
    assert "Owner: Jordan Patel; due November 21, 2026" in text


def test_missing_required_fact_is_named():
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    facts.work_status = None
    facts.subjective = None
    with pytest.raises(TemplateError, match=r"template physician-visit needs facts: subjective, work_status"):
        render_note(facts)


def test_unknown_template_lists_available():
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    with pytest.raises(TemplateError, match=r"unknown template 'nope'; available: .*physician-visit"):
        render_note(facts, "nope")


def test_undefined_variable_in_user_template(tmp_path):
    (tmp_path / "broken.md.j2").write_text("# Broken\n\n{{ claimant.nickname }} and {{ mystery }}\n")
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    with pytest.raises(TemplateError, match=r"template broken, line 3: undefined variable 'nickname'"):
        render_note(facts, "broken", template_dirs=[tmp_path])
    (tmp_path / "broken2.md.j2").write_text("# Broken\n\n{{ mystery }}\n")
    with pytest.raises(TemplateError, match=r"template broken2, line 3: undefined variable 'mystery'"):
        render_note(facts, "broken2", template_dirs=[tmp_path])


def test_sandbox_blocks_unsafe_attributes(tmp_path):
    (tmp_path / "evil.md.j2").write_text("{{ facts.__class__.__mro__ }}\n")
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    with pytest.raises(TemplateError):
        render_note(facts, "evil", template_dirs=[tmp_path])


def test_user_template_overrides_builtin(tmp_path):
    (tmp_path / "physician-visit.md.j2").write_text(
        "{#---\nnote_type: physician-visit\ndescription: Custom.\nrequires: [claim.claim_number]\n---#}\n"
        "# Custom Visit\n\nSeen on {{ encounter.date | longdate }} by {{ doctor }}.\n"
    )
    facts = load_facts(ROOT / "examples" / "physician-visit-modified-duty.yaml")
    text = render_note(facts, template_dirs=[tmp_path], front_matter=False)
    assert text == "# Custom Visit\n\nSeen on November 20, 2026 by Dr. Lee.\n"
    infos = {t.name: t for t in list_templates([tmp_path])}
    assert infos["physician-visit"].description == "Custom."
    assert infos["physician-visit"].path.parent == tmp_path


def test_list_templates_builtins():
    infos = {t.name: t for t in list_templates()}
    assert set(infos) == BUILTINS
    for name, info in infos.items():
        assert info.note_type == name
        assert info.description
        assert "encounter.date" in info.requires
        assert info.path.is_file()


def test_filters():
    assert longdate(date(2026, 11, 20)) == "November 20, 2026"
    assert clock(time(9, 30)) == "9:30 AM"
    assert clock(time(0, 5)) == "12:05 AM"
    assert clock(time(14, 10)) == "2:10 PM"
    assert join_and(["a", "b", "c"]) == "a, b and c"
    assert join_and(["a"]) == "a"
    assert join_and([]) == ""


def test_pronouns():
    class C:
        pronouns = None

    assert pronoun(C()) == "the worker"
    assert pronoun(C(), "possessive") == "the worker's"
    C.pronouns = "she/her"
    assert (pronoun(C()), pronoun(C(), "object"), pronoun(C(), "possessive")) == ("she", "her", "her")
    C.pronouns = "he/him"
    assert pronoun(C(), "possessive") == "his"
    C.pronouns = "they/them"
    assert pronoun(C()) == "they"


def test_short_name():
    class P:
        name = "Alan Lee"
        credentials = "MD"

    assert short_name(P()) == "Dr. Lee"
    P.credentials = "PT, DPT"
    assert short_name(P()) == "Alan Lee"

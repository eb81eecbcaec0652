"""Configuration like ruff: noteassist.toml or [tool.noteassist], found by walking up from the note."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from noteassist.cli import main

NOTE = """\
Telephonic Contact Note

Date of service: November 18, 2026
Contact: Tom Reyes, adjuster, outbound call.
Purpose: Update on therapy authorization.
The adjuster relayed that the employer has modified duty. The employer relayed the schedule to him.
Outcome: Modified duty starts November 23, 2026.
"""


def lint(tmp_path, *args):
    note = tmp_path / "cases" / "call.txt"
    note.parent.mkdir(exist_ok=True)
    note.write_text(NOTE)
    result = CliRunner().invoke(main, ["lint", str(note), "--type", "telephonic", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result


def rules_of(result):
    return [f["rule"] for f in json.loads(result.stdout)["files"][0]["findings"]]


def test_defaults_without_a_config(tmp_path):
    result = lint(tmp_path)
    assert result.exit_code == 1 and rules_of(result) == ["NA101"]  # no case manager plan


def test_noteassist_toml_found_above_the_note(tmp_path):
    (tmp_path / "noteassist.toml").write_text('ignore = ["missing-element"]\n[options.NA201]\nmax_uses = 1\n')
    result = lint(tmp_path)
    assert result.exit_code == 0
    assert rules_of(result) == ["NA201"]


def test_pyproject_tool_table_relevels_a_rule(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.noteassist.severity]\nNA101 = "warning"\n')
    result = lint(tmp_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["files"][0]["findings"][0]["severity"] == "warning"


def test_command_line_select_overrides_config(tmp_path):
    (tmp_path / "noteassist.toml").write_text('select = ["NA101"]\n')
    assert rules_of(lint(tmp_path, "--select", "NA2")) == []
    assert rules_of(lint(tmp_path)) == ["NA101"]


def test_explicit_config_file(tmp_path):
    config = tmp_path / "qa.toml"
    config.write_text('ignore = ["NA1"]\n')
    assert lint(tmp_path, "--config", str(config)).exit_code == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('selct = ["NA1"]\n', "selct: unknown key"),
        ('select = "NA1"\n', "select: expected a list"),
        ('ignore = ["NA999"]\n', "'NA999' matches no rule"),
        ('[severity]\nNA101 = "fatal"\n', "severity.NA101: expected one of info, warning, error"),
        ('[severity]\nNA999 = "info"\n', "severity.NA999: no rule has that"),
        ('[options.NA201]\nmax_usage = 2\n', "options.NA201.max_usage: unknown option"),
        ('select = [\n', "invalid TOML"),
    ],
)
def test_invalid_config_names_the_file_and_key(tmp_path, content, expected):
    (tmp_path / "noteassist.toml").write_text(content)
    result = lint(tmp_path)
    assert result.exit_code == 2
    assert expected in result.stderr and "noteassist.toml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rules_shows_state_under_the_config(tmp_path):
    config = tmp_path / "noteassist.toml"
    config.write_text('ignore = ["NA3"]\n[severity]\nNA201 = "info"\n')
    out = CliRunner().invoke(main, ["rules", "--config", str(config)]).stdout
    lines = {line.split()[0]: line.split() for line in out.splitlines()}
    assert lines["NA301"][2] == "off" and lines["NA101"][2] == "on"
    assert lines["NA201"][3] == "info"


@pytest.mark.parametrize("toml, message", [
    ('[columns]\nbody = "Note"\n', "columns.body: unknown key"),
    ('columns = "Note"\n', "columns: expected a table"),
    ('[required_elements]\nvisit = ["provider"]\n', "required_elements.visit: unknown note type"),
    ('[required_elements]\ntelephonic = ["contact", "mood"]\n', "required_elements.telephonic: unknown element 'mood'"),
    ('[required_elements]\ntelephonic = "contact"\n', "required_elements.telephonic: expected a list"),
])
def test_invalid_columns_and_required_elements_name_the_key(tmp_path, toml, message):
    (tmp_path / "noteassist.toml").write_text(toml)
    result = lint(tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_required_elements_and_columns_from_config(tmp_path):
    (tmp_path / "noteassist.toml").write_text(
        '[required_elements]\ntelephonic = ["date_of_service", "contact", "purpose", "outcome"]\n'
        '[columns]\ntext = "Narrative"\n')
    assert lint(tmp_path).exit_code == 0  # the agency does not require a case manager plan on calls
    export = tmp_path / "cases" / "export.csv"
    export.write_text('ID,Narrative\nN-1,"' + NOTE.replace('"', '""') + '"\n')
    result = CliRunner().invoke(main, ["lint", str(export), "--type", "telephonic", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["path"] == f"{export}#N-1"


def test_the_readme_configuration_example_is_valid():
    import re
    import tomllib

    from conftest import ROOT

    from noteassist.lint.config import config_from_mapping

    block = re.search(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    config = config_from_mapping(tomllib.loads(block))
    assert config.required_for("telephonic")[-1] == "case_manager_plan"
    assert config.columns["text"] == "NoteBody"


FACTS_EXAMPLE = __import__("pathlib").Path(__file__).resolve().parents[1] / "examples" / "soap-telephonic-follow-up.yaml"


def _draft_times(tmp_path, *args, env=None):
    facts = tmp_path / "visit.yaml"
    facts.write_bytes(FACTS_EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["draft", str(facts), *args], env=env or {})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_time_format_from_the_config_file_then_the_environment_then_the_flag(tmp_path):
    assert "4:00 PM to 4:20 PM" in _draft_times(tmp_path)
    (tmp_path / "noteassist.toml").write_text('time_format = "24h"\n')
    drafted = _draft_times(tmp_path)
    assert "16:00 to 16:20" in drafted and " PM" not in drafted  # one style in the whole note
    assert "4:00 PM" in _draft_times(tmp_path, env={"NOTEASSIST_TIME_FORMAT": "12h"})
    assert "4:00 PM" in _draft_times(tmp_path, "--time-format", "12h")


def test_an_unknown_time_format_in_the_config_is_one_line(tmp_path):
    (tmp_path / "noteassist.toml").write_text('time_format = "25h"\n')
    facts = tmp_path / "visit.yaml"
    facts.write_bytes(FACTS_EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["draft", str(facts)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f'noteassist: {tmp_path / "noteassist.toml"}: time_format: expected "12h" or "24h", got \'25h\''

"""One settings model: defaults, then the environment, then the config file, then flags."""

from __future__ import annotations

import pytest

from noteassist.errors import NoteassistError
from noteassist.settings import load_settings


def test_flags_over_config_file_over_defaults(tmp_path):
    (tmp_path / "noteassist.toml").write_text('select = ["NA2"]\nignore = ["NA201"]\n[columns]\ntext = "Body"\n')
    settings = load_settings(None, tmp_path)
    assert settings.config == tmp_path / "noteassist.toml"
    assert settings.lint.select == ("NA2",) and settings.lint.ignore == ("NA201",)
    flagged = load_settings(None, tmp_path, select=["NA4"], ignore=["NA402"], columns={"id": "NoteId"})
    assert flagged.lint.select == ("NA4",)
    assert flagged.lint.ignore == ("NA201", "NA402")
    assert flagged.lint.columns == {"text": "Body", "id": "NoteId"}


def test_environment_names_the_config_and_the_batch_size(tmp_path, monkeypatch):
    config = tmp_path / "agency.toml"
    config.write_text("day_first = true\n")
    monkeypatch.setenv("NOTEASSIST_CONFIG", str(config))
    monkeypatch.setenv("NOTEASSIST_BATCH_SIZE", "8")
    settings = load_settings(None, "/")
    assert settings.config == config and settings.batch_size == 8 and settings.lint.day_first is True
    monkeypatch.setenv("NOTEASSIST_DAY_FIRST", "false")
    assert load_settings(None, "/").lint.day_first is False


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("NOTEASSIST_BATCH_SIZE", "many", "NOTEASSIST_BATCH_SIZE"),
    ("NOTEASSIST_BATCH_SIZE", "0", "NOTEASSIST_BATCH_SIZE"),
    ("NOTEASSIST_DAY_FIRST", "sometimes", "NOTEASSIST_DAY_FIRST"),
    ("NOTEASSIST_CONFIG", "/nonexistent/agency.toml", "no such config file"),
])
def test_a_bad_environment_value_is_one_line_naming_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(NoteassistError, match=message) as caught:
        load_settings(None, "/")
    assert "\n" not in caught.value.message


def test_selectors_from_flags_must_match_a_rule():
    with pytest.raises(NoteassistError, match="--ignore: 'NA999' matches no rule"):
        load_settings(None, "/", ignore=["NA999"])


def test_settings_are_frozen():
    from pydantic import ValidationError

    settings = load_settings(None, "/")
    with pytest.raises(ValidationError):
        settings.batch_size = 1

"""The agency's own templates (Settings.template_dirs, `serve --templates DIR`): listed, rendered and
exported by the service as `draft --templates DIR` does, and still sandboxed."""

from __future__ import annotations

import io
import shutil

import pytest

from .service_api import EXAMPLES, ROOT, facts_json, start_api

AGENCY_HEADING = "# Telephone Contact (Agency Form TC-2)"


@pytest.fixture(scope="module")
def agency_api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agency-templates")
    templates = folder / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates" / "notes" / "_macros.md.j2", templates)
    source = (ROOT / "templates" / "notes" / "telephonic.md.j2").read_text(encoding="utf-8")
    assert "# Telephonic Contact Note" in source
    (templates / "telephonic.md.j2").write_text(source.replace("# Telephonic Contact Note", AGENCY_HEADING),
                                                encoding="utf-8")
    (templates / "hostile.md.j2").write_text("{#---\nnote_type: telephonic\ndescription: grows a list\n---#}\n"
                                             "{% set x = [] %}{% for i in range(10**9) %}{{ x.append(i) }}{% endfor %}",
                                             encoding="utf-8")
    yield from start_api(folder, template_dirs=(templates,))


def test_the_agency_template_is_listed_beside_the_built_in_ones(agency_api):
    listed = {t["name"]: t for t in agency_api.get("alice", "/v1/templates").json()}
    assert {"telephonic", "physician-visit", "hostile"} <= set(listed)


def test_the_agency_template_overrides_the_built_in_one_when_rendering(agency_api):
    facts = facts_json(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    response = agency_api.post("alice", "/v1/render", json={"facts": facts, "template": "telephonic"})
    assert response.status_code == 200, response.text
    assert AGENCY_HEADING in response.json()["text"]


def test_the_exported_document_uses_the_agency_template(agency_api):
    from docx import Document

    facts = facts_json(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    response = agency_api.post("alice", "/v1/export/docx", json={"facts": facts, "template": "telephonic"})
    assert response.status_code == 200, response.text
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert any("Agency Form TC-2" in text for text in paragraphs)


def test_an_agency_template_still_renders_only_in_the_sandbox(agency_api):
    facts = facts_json(EXAMPLES / "telephonic-pharmacy-rejected-rx.yaml")
    response = agency_api.post("alice", "/v1/render", json={"facts": facts, "template": "hostile"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "template_error"


def test_serve_templates_reaches_every_worker_through_the_environment(tmp_path, monkeypatch):
    """`serve --templates DIR`: worker processes build their settings from NOTEASSIST_* variables."""
    import uvicorn
    from click.testing import CliRunner

    from noteassist.cli import main
    from noteassist.settings import load_settings

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    for name in ("NOTEASSIST_TEMPLATE_DIRS", "NOTEASSIST_DATABASE_URL", "NOTEASSIST_CONFIG", "NOTEASSIST_MODEL"):
        monkeypatch.setenv(name, "")  # serve sets these for its workers; the test's end puts them back
        monkeypatch.delenv(name)
    (tmp_path / "templates").mkdir()
    result = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}",
                                       "--templates", str(tmp_path / "templates")])
    assert result.exit_code == 0, result.output
    assert started["port"] == 8080
    assert load_settings(None).template_dirs == ((tmp_path / "templates").resolve(),)

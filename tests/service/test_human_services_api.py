"""/v1/render and /v1/export/docx take human-services facts (schema 3, a `client`) as the CLI's draft does."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from .service_api import EXAMPLES, error_code, facts_json

HUMAN_SERVICES = sorted((EXAMPLES / "human-services").glob("*.yaml"))


@pytest.mark.parametrize("path", HUMAN_SERVICES, ids=lambda p: p.stem)
def test_render_drafts_each_human_services_example_as_noteassist_draft_does(api, path) -> None:
    response = api.post("alice", "/v1/render", json={"facts": facts_json(path)})
    assert response.status_code == 200, response.text
    body = response.json()
    drafted = subprocess.run([sys.executable, "-m", "noteassist", "draft", str(path), "-o", "-"],
                             capture_output=True, text=True, check=True).stdout
    assert body["text"] == drafted
    assert body["unused"] == []  # every fact the file sets is in the note


def test_a_bad_human_services_field_is_422_naming_its_path_in_the_facts(api) -> None:
    facts = facts_json(EXAMPLES / "human-services" / "dap-community-mental-health.yaml")
    facts["encounter"]["date"] = "next Tuesday"
    response = api.post("alice", "/v1/render", json={"facts": facts})
    assert response.status_code == 422 and error_code(response) == "invalid_facts"
    assert response.json()["error"]["field"] == "encounter.date"
    facts = facts_json(EXAMPLES / "human-services" / "dap-community-mental-health.yaml")
    for screen in facts["screenings"]:
        screen.pop("safety_plan", None)
        screen.pop("follow_up", None)
    response = api.post("alice", "/v1/render", json={"facts": facts})
    assert response.status_code == 422 and "safety_plan" in response.json()["error"]["message"]
    # The workers' compensation facts still name their own fields.
    claim = facts_json(EXAMPLES / "physician-visit-modified-duty.yaml")
    claim["encounter"]["date"] = "soon"
    assert api.post("alice", "/v1/render", json={"facts": claim}).json()["error"]["field"] == "encounter.date"


def test_export_docx_of_human_services_facts_has_the_client_header(api) -> None:
    from docx import Document

    path = EXAMPLES / "human-services" / "home-visit-child-welfare.yaml"
    response = api.post("alice", "/v1/export/docx", json={"facts": facts_json(path)})
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Client" in cells and "Claim" not in cells

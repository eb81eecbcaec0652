"""The stateless endpoints: health, templates, render with provenance, lint (the CLI's JSON), DOCX export from
facts; authentication, the JSON error shape, 413 and the time limit."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .service_api import EXAMPLES, error_code, facts_json

FACTS = EXAMPLES / "physician-visit-modified-duty.yaml"
NOTE = EXAMPLES / "notes" / "late-night-visit.txt"


def test_health_and_readiness_and_the_openapi_document(api):
    assert api.client.get("/healthz").json()["status"] == "ok"
    assert api.client.get("/readyz").json() == {"status": "ok", "detail": None}
    spec = api.client.get("/openapi.json").json()
    for path in ("/v1/render", "/v1/lint", "/v1/export/docx", "/v1/claims/{claim_id}/report", "/v1/drafts/{draft_id}",
                 "/v1/notes/{note_id}/addenda", "/v1/users", "/v1/tokens", "/v1/audit"):
        assert path in spec["paths"], path
    # The facts schema is the project's own: a client sees every field of visit facts.
    assert "VisitFacts" in spec["components"]["schemas"]
    assert api.client.get("/docs").status_code == 200


@pytest.mark.parametrize("path", ["/v1/templates", "/v1/claims", "/v1/audit", "/v1/users"])
def test_no_token_or_a_wrong_one_is_401_in_the_json_shape(api, path):
    response = api.client.get(path)
    assert response.status_code == 401 and error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    for header in ("Bearer na_not-a-real-token", "Bearer ", "Basic YWxpY2U6cGFzc3dvcmQ="):
        response = api.client.get(path, headers={"Authorization": header})
        assert response.status_code == 401 and error_code(response) == "unauthorized", header


def test_templates_lists_the_cli_templates(api):
    from noteassist.render import list_templates

    names = [t["name"] for t in api.get("alice", "/v1/templates").json()]
    assert names == [t.name for t in list_templates()] and "physician-visit" in names


def test_render_returns_the_draft_with_each_sentence_and_its_fact_paths(api):
    from noteassist.app.draft import draft_rendered
    from noteassist.facts import load_facts

    response = api.post("alice", "/v1/render", json={"facts": facts_json(FACTS)})
    assert response.status_code == 200, response.text
    body = response.json()
    expected = draft_rendered(load_facts(FACTS))
    assert body["text"] == expected.text and body["template"] == expected.template
    assert body["unused"] == expected.unused and set(body["used"]) == expected.used
    text = body["text"]
    by_sentence = {s["text"]: s["fields"] for s in body["sentences"]}
    assert all(text[s["start"]:s["end"]] == s["text"] for s in body["sentences"])
    claim_line = next(s for s in by_sentence if s.startswith("Claim number:"))
    assert by_sentence[claim_line] == ["claim.claim_number"]
    # A restriction sentence names the list item it came from, with its index.
    restriction = [paths for paths in by_sentence.values() if any(p.startswith("work_status.restrictions[") for p in paths)]
    assert restriction, by_sentence
    # Every printed span points at the characters of a fact (the render's own record, not a guess).
    for span in body["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text) and span["paths"]


def test_render_gives_the_map_of_draft_provenance_on_the_command_line(api):
    import json

    cli = subprocess.run([str(Path(sys.executable).with_name("noteassist")), "draft", str(FACTS), "--provenance"],
                         capture_output=True, text=True, check=True)
    body = api.post("alice", "/v1/render", json={"facts": facts_json(FACTS)}).json()
    assert {key: body[key] for key in ("template", "text", "sentences", "unused")} == json.loads(cli.stdout)


def test_invalid_facts_are_422_naming_the_field_as_pydantic_gives_it(api):
    facts = facts_json(FACTS)
    facts["encounter"]["date"] = "the 31st of Novembruary"
    del facts["claimant"]["name"]
    response = api.post("alice", "/v1/render", json={"facts": facts})
    assert response.status_code == 422 and error_code(response) == "invalid_facts"
    fields = {e["field"] for e in response.json()["error"]["errors"]}
    assert {"encounter.date", "claimant.name"} <= fields
    assert response.json()["error"]["field"] in fields
    # Not visit facts at all, and not JSON at all.
    assert error_code(api.post("alice", "/v1/render", json={"facts": ["a list"]})) == "invalid_facts"
    response = api.post("alice", "/v1/render", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and error_code(response) == "invalid_request"


def test_an_unknown_template_is_a_422_naming_the_template(api):
    response = api.post("alice", "/v1/render", json={"facts": facts_json(FACTS), "template": "no-such-template"})
    assert response.status_code == 422 and error_code(response) == "template_error"
    assert response.json()["error"]["field"] == "template"


def test_lint_answers_exactly_the_json_of_the_cli_for_the_same_note(api, tmp_path):
    note = tmp_path / "visit.txt"
    note.write_text(NOTE.read_text())
    cli = subprocess.run([str(Path(sys.executable).with_name("noteassist")), "lint", "--format", "json",
                          note.name], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert cli.returncode in (0, 1), cli.stderr
    response = api.post("alice", "/v1/lint", json={"text": note.read_text(), "path": note.name})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.text == cli.stdout
    assert response.json()["files"][0]["findings"], "the example note has findings"


def test_lint_with_a_type_and_an_empty_note(api):
    typed = api.post("alice", "/v1/lint", json={"text": NOTE.read_text(), "note_type": "telephonic"}).json()
    assert typed["files"][0]["note_type"] == "telephonic" and typed["files"][0]["note_type_source"] == "given"
    response = api.post("alice", "/v1/lint", json={"text": NOTE.read_text(), "note_type": "sonnet"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "note_type"
    empty = api.post("alice", "/v1/lint", json={"text": "   \n"}).json()
    assert empty["files"][0]["error"] and empty["files"][0]["findings"] == []


def test_export_docx_from_facts_opens_in_python_docx(api):
    import docx

    response = api.post("alice", "/v1/export/docx", json={"facts": facts_json(FACTS)})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["content-disposition"] == 'attachment; filename="note.docx"'
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Physician Visit" in text
    both = api.post("alice", "/v1/export/docx", json={"facts": facts_json(FACTS), "note_id": 1})
    assert both.status_code == 422 and error_code(both) == "invalid_request"
    assert error_code(api.post("alice", "/v1/export/docx", json={})) == "invalid_request"


def test_a_body_over_the_limit_is_413_declared_or_streamed(api):
    limit = api.client.app.state.runtime.settings.max_body_bytes
    big = {"text": "word " * (limit // 5 + 10)}
    response = api.post("alice", "/v1/lint", json=big)
    assert response.status_code == 413 and error_code(response) == "payload_too_large"

    def chunks():  # no Content-Length: the limit is enforced on the stream
        for _ in range(limit // 1000 + 5):
            yield b"x" * 1000

    response = api.post("alice", "/v1/lint", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and error_code(response) == "payload_too_large"
    assert api.post("alice", "/v1/lint", json={"text": "Spoke with the worker."}).status_code == 200


def test_errors_for_unknown_routes_and_methods_have_the_json_shape(api):
    assert error_code(api.get("alice", "/v1/no-such-thing")) == "not_found"
    response = api.delete("alice", "/v1/render")
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"


@pytest.fixture(scope="module")
def slow_api(tmp_path_factory):
    from .service_api import start_api

    yield from start_api(tmp_path_factory.mktemp("slow"), request_timeout_seconds=1.0)


def test_a_request_over_the_time_limit_is_504_and_does_not_stall_the_others(slow_api, monkeypatch):
    import noteassist.app.lint as app_lint

    real = app_lint.lint_text
    monkeypatch.setattr(app_lint, "lint_text", lambda *a, **k: (time.sleep(6), real(*a, **k))[1])
    results = {}

    def slow():
        started = time.monotonic()
        results["slow"] = slow_api.post("alice", "/v1/lint", json={"text": "Spoke with the worker."})
        results["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    others = [slow_api.client.get("/healthz").status_code, slow_api.get("alice", "/v1/templates").status_code]
    others_seconds = time.monotonic() - started
    thread.join()
    # Had the slow work held the event loop, these would have waited the 6 s with it.
    assert others == [200, 200] and others_seconds < 3, others_seconds
    assert results["slow"].status_code == 504 and error_code(results["slow"]) == "timeout"
    assert results["slow_seconds"] < 4, "answered at the limit, not when the work ended"


def test_a_100_kb_note_of_punctuation_is_answered_within_the_limit(slow_api):
    started = time.monotonic()
    response = slow_api.post("alice", "/v1/lint", json={"text": "!?.,;:-" * 15_000})
    assert time.monotonic() - started < 5  # the limit is 1 s; a held worker would take as long as the lint
    assert response.status_code in (200, 504), response.text

"""The contact form and draft pages without a browser: the form is generated from the facts schema (every
field of VisitFacts has an input, required ones marked, enums as choices, dates as dates, lists as repeating
groups), prefilled from the claim or a quick capture; the draft page carries the editor's contract (ids,
data attributes, provenance); another case manager gets 404, no session a redirect to sign in."""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel
from service.service_api import CLAIM, claim_json, facts_json

from noteassist.facts.models import VisitFacts
from noteassist.service.web.facts_form import form_fields

from .web_client import start_web


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("editor"))


@pytest.fixture(scope="module")
def seeded(web):
    api = web.api
    claim = api.post("alice", "/v1/claims", json={"record": claim_json()}).json()
    facts = facts_json(CLAIM / "2026-11-20-physician-visit.yaml")
    contact = api.post("alice", f"/v1/claims/{claim['id']}/contacts", json={"facts": facts}).json()
    draft = api.post("alice", f"/v1/claims/{claim['id']}/drafts", json={"contact_id": contact["id"]}).json()
    return {"claim": claim, "contact": contact, "draft": draft}


@pytest.fixture(scope="module")
def alice(web):
    return web.signed_in("alice")


def _schema_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field path of the model (list items as `[]`), from pydantic's own field table."""
    paths = set()
    for name, info in model.model_fields.items():
        if name == "schema_version":
            continue
        path = f"{prefix}.{name}" if prefix else name
        paths.add(path)
        annotation = info.annotation
        optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        inner = next(a for a in typing.get_args(annotation) if a is not type(None)) if optional else annotation
        if typing.get_origin(inner) is list:
            path, inner = f"{path}[]", typing.get_args(inner)[0]
            paths.add(path)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            paths |= _schema_paths(inner, path)
    return paths


def _form_paths(fields) -> set[str]:
    paths = set()
    for f in fields:
        paths.add(f.path)
        if f.item is not None:
            paths.add(f.item.path)
            paths |= _form_paths(f.item.children)
        paths |= _form_paths(f.children)
    return paths


def test_the_form_has_a_field_for_every_fact_of_the_schema():
    assert _form_paths(form_fields()) == _schema_paths(VisitFacts)


def _input(html: str, name: str) -> str:
    match = re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


def test_the_contact_form_marks_required_fields_and_uses_the_schemas_types(alice, seeded):
    response = alice.get(f"/claims/{seeded['claim']['id']}/contacts/new?template=physician-visit")
    assert response.status_code == 200
    html = response.text
    assert 'aria-required="true"' in _input(html, "encounter.date") and 'type="date"' in _input(html, "encounter.date")
    assert 'type="time"' in _input(html, "encounter.start_time")
    assert "aria-required" not in _input(html, "encounter.location")
    status = re.search(r'<select[^>]*name="work_status.status".*?</select>', html, re.DOTALL).group(0)
    assert [o for o in re.findall(r'<option value="([^"]*)"', status)] == ["", "full-duty", "modified-duty", "off-work"]
    assert 'type="number"' in _input(html, "time_spent.travel") and 'max="1440"' in _input(html, "time_spent.travel")
    # Repeating groups: an Add button and the item's template with its fields.
    for noun in ("restriction", "follow-up task", "participant", "provider"):
        assert f">Add {noun}</button>" in html
    follow_up = re.search(r'data-key="follow_up".*?</template>', html, re.DOTALL).group(0)
    assert 'data-key="task"' in follow_up and 'data-key="owner"' in follow_up and 'data-key="due"' in follow_up
    # The template's needs are marked; the claim's record prefills the claim.
    assert "(needed for this note)" in re.search(r'for="f-subjective">.*?</label>', html, re.DOTALL).group(0)
    prefill = json.loads(re.search(r'<script type="application/json" id="prefill">(.*?)</script>', html, re.DOTALL).group(1))
    assert prefill["claim"]["claim_number"] == "WC-2231-0457"
    assert prefill["encounter"]["note_type"] == "physician-visit"
    assert '<script type="module" src="/static/form.js">' in html


def test_another_template_and_an_unknown_one(alice, seeded):
    html = alice.get(f"/claims/{seeded['claim']['id']}/contacts/new?template=telephonic").text
    prefill = json.loads(re.search(r'id="prefill">(.*?)</script>', html, re.DOTALL).group(1))
    assert prefill["encounter"]["note_type"] == "telephonic"
    response = alice.get(f"/claims/{seeded['claim']['id']}/contacts/new?template=no-such")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]


def test_another_case_manager_gets_404_and_no_session_is_sent_to_sign_in(web, seeded):
    bob = web.signed_in("bob")
    for path in (f"/claims/{seeded['claim']['id']}/contacts/new", f"/drafts/{seeded['draft']['id']}"):
        assert bob.get(path).status_code == 404
        response = web.browser().get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_the_draft_page_carries_the_editors_contract(alice, seeded):
    draft = seeded["draft"]
    html = alice.get(f"/drafts/{draft['id']}").text
    main = re.search(r"<main[^>]*>", html).group(0)
    for attribute in ('id="draft"', f'data-draft-id="{draft["id"]}"', f'data-claim-id="{draft["claim_id"]}"',
                      'data-version="1"', 'data-status="open"', 'data-template="physician-visit"',
                      'data-writable="true"'):
        assert attribute in main
    editor = re.search(r'<div id="note-editor"[^>]*>', html).group(0)
    for attribute in ('contenteditable="true"', 'role="textbox"', 'aria-multiline="true"', 'aria-label="Note text"'):
        assert attribute in editor
    assert 'id="provenance-tip"' in html and 'id="findings"' in html
    data = json.loads(re.search(r'id="draft-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["text"] == draft["text"]
    restriction = next(s for s in data["provenance"] if "work_status.restrictions[0]" in s["fields"])
    assert restriction["text"] in draft["text"]
    assert data["values"]["work_status.restrictions[0]"].startswith("no lifting")
    for script in ("editor.js", "autosave.js", "sign.js"):
        assert f'src="/static/{script}"' in html


def test_the_draft_text_is_escaped_and_a_supervisor_reads_it_only(web, alice, seeded):
    api = web.api
    claim = seeded["claim"]["id"]
    made = api.post("alice", f"/v1/claims/{claim}/drafts", json={"text": "<script>alert(1)</script> & more"}).json()
    html = alice.get(f"/drafts/{made['id']}").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    sue = web.signed_in("sue")
    page = sue.get(f"/drafts/{made['id']}")
    assert page.status_code == 200 and 'data-writable="false"' in page.text


def test_a_quick_capture_prefills_the_form_to_complete_it(web, alice, seeded):
    from noteassist.storage import Draft, make_engine, session_factory

    api = web.api
    claim = seeded["claim"]["id"]
    made = api.post("alice", f"/v1/claims/{claim}/drafts", json={"text": "Called the adjuster."}).json()
    engine = make_engine(api.url)
    when = datetime(2026, 11, 30, 15, 5, tzinfo=UTC)
    try:  # what quick capture stores on its draft
        with session_factory(engine)() as s, s.begin():
            draft = s.get(Draft, made["id"])
            draft.contact_at = when
            draft.capture = {"who": "Karen Whitfield", "when": when.isoformat(), "line": "asked about the UR decision"}
    finally:
        engine.dispose()
    html = alice.get(f"/drafts/{made['id']}/complete").text
    assert f'data-draft-id="{made["id"]}"' in html and 'data-action="complete"' in html
    prefill = json.loads(re.search(r'id="prefill">(.*?)</script>', html, re.DOTALL).group(1))
    local = when.astimezone()
    assert prefill["encounter"]["date"] == local.date().isoformat()
    assert prefill["encounter"]["start_time"] == local.strftime("%H:%M")
    assert prefill["encounter"]["note_type"] == "telephonic" and prefill["encounter"]["purpose"] == "asked about the UR decision"
    assert prefill["call"]["party"]["name"] == "Karen Whitfield"
    assert prefill["claim"]["claim_number"] == "WC-2231-0457"
    # The draft page offers the form while the capture is not completed.
    assert f'href="/drafts/{made["id"]}/complete"' in alice.get(f"/drafts/{made['id']}").text


def test_completing_a_quick_capture_attaches_the_contact_and_drafts_its_note(web, alice, seeded):
    from noteassist.storage import Draft, make_engine, session_factory

    api = web.api
    claim = seeded["claim"]["id"]
    made = api.post("alice", f"/v1/claims/{claim}/drafts", json={"text": "Called the adjuster."}).json()
    when = datetime(2026, 11, 30, 15, 5, tzinfo=UTC)
    engine = make_engine(api.url)
    try:
        with session_factory(engine)() as s, s.begin():
            draft = s.get(Draft, made["id"])
            draft.contact_at, draft.capture = when, {"who": "Karen Whitfield", "when": when.isoformat(), "line": "UR"}
    finally:
        engine.dispose()
    facts = facts_json(CLAIM / "2026-11-30-telephonic-adjuster.yaml")
    csrf = web.csrf(alice, f"/drafts/{made['id']}/complete")
    contact = alice.post(f"/v1/claims/{claim}/contacts", json={"facts": facts}, headers=csrf)
    assert contact.status_code == 201, contact.text
    body = {"contact_id": contact.json()["id"], "base_version": 1, "template": "telephonic"}
    assert alice.post(f"/drafts/{made['id']}/complete", json=body).status_code == 403  # no CSRF token
    done = alice.post(f"/drafts/{made['id']}/complete", json=body, headers=csrf)
    assert done.status_code == 200, done.text
    assert done.json() == {"draft_id": made["id"], "version": 2}
    saved = api.get("alice", f"/v1/drafts/{made['id']}").json()
    assert saved["contact_id"] == contact.json()["id"] and saved["version"] == 2
    assert saved["text"].startswith("---\nnote_type: telephonic") and any(s["fields"] for s in saved["provenance"])
    # A stale base version is the API's 409, in its JSON shape; another's draft is 404.
    again = alice.post(f"/drafts/{made['id']}/complete", json=body, headers=csrf)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    bob = web.signed_in("bob")
    assert bob.post(f"/drafts/{made['id']}/complete", json=body, headers=web.csrf(bob)).status_code == 404


def test_only_a_case_manager_gets_the_contact_form(web, seeded):
    sue = web.signed_in("sue")
    response = sue.get(f"/claims/{seeded['claim']['id']}/contacts/new?template=physician-visit")
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]
    assert 'id="contact-form"' not in response.text
